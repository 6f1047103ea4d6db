/**
 * A small typed React hook around steadysocket. Copy it into your app: it is an
 * example, not part of the package (React is not a dependency of steadysocket).
 *
 * - The socket is created in an effect, so nothing connects during server-side
 *   rendering, and React 18/19 StrictMode's mount → unmount → mount in
 *   development closes the first socket cleanly before the second one opens.
 * - A string url is the socket's identity: change it and the hook closes the
 *   old socket and opens a new one. A function url is read fresh before every
 *   connection attempt (the latest one you passed), so an auth token refreshed
 *   in your state is picked up on the next reconnect without tearing anything down.
 * - Options are read when the socket is created; changing them later has no
 *   effect until the url changes.
 * - `lastMessage` re-renders on every inbound frame. For busy streams, use
 *   `useChannel` (or `socket.addEventListener`) and keep the data out of React state.
 *
 * @example
 * type Channels = { chat: { user: string; text: string } };
 *
 * function Chat({ token }: { token: string }) {
 *   const { socket, state, send } = useSteadySocket<Channels>(() => `wss://example.com/live?token=${token}`);
 *   const [log, setLog] = useState<string[]>([]);
 *   useChannel(socket, 'chat', (m) => setLog((l) => [...l, `${m.user}: ${m.text}`]));
 *   return (
 *     <>
 *       <p>{state}</p>
 *       <button onClick={() => socket?.channel('chat').send({ user: 'me', text: 'hi' })}>say hi</button>
 *       <button onClick={() => send('ping')}>raw ping</button>
 *       <ul>{log.map((line, i) => <li key={i}>{line}</li>)}</ul>
 *     </>
 *   );
 * }
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { type ChannelMap, type Data, type State, SteadySocket, type SteadySocketOptions } from 'steadysocket';

/** A url, or a function returning one (sync or async), or `null` to stay disconnected. */
export type HookUrl = string | URL | (() => string | URL | Promise<string | URL>) | null;

export interface SteadySocketHook<Channels extends object> {
  /** The socket; `null` before the first effect ran (and on the server) or while `url` is `null`. */
  socket: SteadySocket<Channels> | null;
  /** `'connecting'`, `'open'`, `'closing'` or `'closed'`. */
  state: State;
  /** The last inbound message (heartbeat pongs excluded), or `null`. */
  lastMessage: MessageEvent | null;
  /** Send now, or queue until open. Does nothing while there is no socket. */
  send: (data: Data) => void;
}

const FUNCTION_URL = Symbol('function url');

export function useSteadySocket<Channels extends object = ChannelMap>(
  url: HookUrl,
  options?: SteadySocketOptions,
): SteadySocketHook<Channels> {
  const [socket, setSocket] = useState<SteadySocket<Channels> | null>(null);
  const [state, setState] = useState<State>('closed');
  const [lastMessage, setLastMessage] = useState<MessageEvent | null>(null);

  // the latest committed props, read when a connection attempt needs them
  // (declared before the socket effect, so it runs first)
  const urlRef = useRef(url);
  const optionsRef = useRef(options);
  useEffect(() => {
    urlRef.current = url;
    optionsRef.current = options;
  });

  // a function url must not reconnect on every render (a new closure each time)
  const key = url === null ? null : typeof url === 'function' ? FUNCTION_URL : String(url);

  useEffect(() => {
    if (key === null) return;
    const current = urlRef.current;
    if (current === null) return;
    // a function url: call the latest one passed (a new closure each render is fine)
    const target =
      typeof current === 'function'
        ? () => {
            const latest = urlRef.current;
            return typeof latest === 'function' ? latest() : current();
          }
        : current;
    const s = new SteadySocket<Channels>(target, optionsRef.current);
    const stop = new AbortController();
    const { signal } = stop;
    s.addEventListener('statechange', () => setState(s.state), { signal });
    s.addEventListener('message', (e) => setLastMessage(e), { signal });
    setSocket(s);
    setState(s.state);
    return () => {
      stop.abort();
      s.close();
      setSocket((prev) => (prev === s ? null : prev));
    };
  }, [key]);

  const socketRef = useRef(socket);
  useEffect(() => {
    socketRef.current = socket;
  }, [socket]);
  const send = useCallback((data: Data) => socketRef.current?.send(data), []);

  return { socket, state, lastMessage, send };
}

/**
 * Subscribe to one channel of a socket for the lifetime of the component.
 * The handler may change between renders without resubscribing.
 */
export function useChannel<Channels extends object, K extends keyof Channels & string>(
  socket: SteadySocket<Channels> | null,
  name: K,
  handler: (data: Channels[K], event: MessageEvent) => void,
): void {
  const handlerRef = useRef(handler);
  useEffect(() => {
    handlerRef.current = handler;
  });
  useEffect(() => {
    if (!socket) return;
    return socket.channel(name).on((data, event) => handlerRef.current(data, event));
  }, [socket, name]);
}
