/**
 * A chat room with `steadysocket/vue`, as a composable a component's setup calls.
 *
 * - `useSteadySocket(url, options)` takes a value, a ref or a getter: when the
 *   getter's url changes (a new room), the old socket closes and a new one opens.
 *   Options are read when a socket is made.
 * - It returns refs `socket` and `state`, and the socket's calls bound to the
 *   current socket; `channel(name).on(handler)` follows the socket across url
 *   changes. Everything closes when the scope ends (the component unmounts).
 * - In a component it opens once mounted; during server rendering it makes nothing.
 */
import { type MaybeRefOrGetter, ref, toValue } from 'vue';
import { useSteadySocket } from 'steadysocket/vue';

/** What each channel carries: the composable is typed from it. */
export type Channels = {
  chat: { user: string; text: string };
  presence: { online: number };
};

export function useChat(room: MaybeRefOrGetter<string>, user: string) {
  const { state, channel } = useSteadySocket<Channels>(
    () => `wss://example.com/rooms/${encodeURIComponent(toValue(room))}`,
    { heartbeat: true },
  );
  const log = ref<string[]>([]);
  const online = ref<number | undefined>();
  channel('chat').on((m) => {
    log.value = [...log.value.slice(-99), `${m.user}: ${m.text}`];
  });
  channel('presence').on((p) => {
    online.value = p.online;
  });
  // sent at once when open, queued while reconnecting
  const say = (text: string) => channel('chat').send({ user, text });
  return { state, log, online, say };
}
