// A tiny app module built on steadysocket: what the test next to it exercises.
// It takes the WebSocket implementation as a parameter so tests can pass a mock.
import { SteadySocket, type SteadySocketOptions } from 'steadysocket';

export type ChatChannels = {
  chat: { user: string; text: string };
};

export interface Chat {
  say(text: string): void;
  /** messages received so far, oldest first */
  readonly log: string[];
  readonly socket: SteadySocket<ChatChannels>;
  close(): void;
}

export function createChat(url: string, user: string, options: SteadySocketOptions = {}): Chat {
  const socket = new SteadySocket<ChatChannels>(url, {
    reconnect: { minDelay: 1000, maxDelay: 10_000 },
    ...options,
  });
  const log: string[] = [];
  socket.channel('chat').on((m) => log.push(`${m.user}: ${m.text}`));
  return {
    say: (text) => socket.channel('chat').send({ user, text }),
    log,
    socket,
    close: () => socket.close(),
  };
}
