/**
 * A chat room with `steadysocket/react`. The hooks own the socket's lifetime:
 *
 * - `useSteadySocket(url, options)` makes the socket and opens it after mount; a
 *   new `room` (a new url) closes the old socket and opens a new one; an inline
 *   options object is read once and never reconnects. Under StrictMode it is one
 *   connection; on unmount it closes. On the server it returns `null`.
 * - `useSocketState(socket)` re-renders on every state change.
 * - `useChannel(socket, name, handler)` calls the handler once per frame (the
 *   latest handler, without resubscribing) and returns the latest payload.
 */
import { useState } from 'react';
import { useChannel, useSocketState, useSteadySocket } from 'steadysocket/react';

/** What each channel carries: the hooks are typed from it. */
export type Channels = {
  chat: { user: string; text: string };
  presence: { online: number };
};

export function Chat({ room, user, token }: { room: string; user: string; token: string }) {
  // a function url is read before every attempt, so a refreshed token is used on the next reconnect
  // without tearing the socket down; `room` is part of the text, so a new room is a new socket
  const socket = useSteadySocket<Channels>(() => `wss://example.com/rooms/${encodeURIComponent(room)}?token=${token}`, {
    heartbeat: true,
    reconnect: { maxDelay: 10_000 },
  });
  const state = useSocketState(socket);
  const [log, setLog] = useState<string[]>([]);
  useChannel(socket, 'chat', (m) => setLog((l) => [...l.slice(-99), `${m.user}: ${m.text}`]));
  const presence = useChannel(socket, 'presence');

  return (
    <section>
      <p>
        {state}
        {presence ? ` · ${presence.online} online` : ''}
      </p>
      <ul>
        {log.map((line, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: an append-only log
          <li key={i}>{line}</li>
        ))}
      </ul>
      {/* sent at once when open, queued while reconnecting */}
      <button type="button" onClick={() => socket?.channel('chat').send({ user, text: 'hi' })}>
        say hi
      </button>
    </section>
  );
}
