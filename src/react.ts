/**
 * `steadysocket/react`: hooks that tie a {@link SteadySocket} to a component's
 * lifetime. They hold no socket logic of their own: reconnecting, queueing and
 * channels are the socket's; the hooks only make, open and close it.
 *
 * @example
 * import { useChannel, useSocketState, useSteadySocket } from 'steadysocket/react';
 *
 * type Channels = { chat: { user: string; text: string } };
 *
 * function Chat({ room }: { room: string }) {
 *   const socket = useSteadySocket<Channels>(`wss://example.com/rooms/${room}`);
 *   const state = useSocketState(socket);
 *   const last = useChannel(socket, 'chat');
 *   return <p>{state}: {last?.text}</p>;
 * }
 *
 * @packageDocumentation
 */
import { useCallback, useEffect, useInsertionEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { ChannelMap, SteadySocketOptions, State } from './index';
import { SteadySocket } from './index';
import type { SocketFactory, UseSteadySocketFactoryOptions, UseSteadySocketOptions } from './bind';
import type { UrlProvider } from './url';

/** A url as {@link useSteadySocket} takes it: what `new SteadySocket()` takes, or `null`/`undefined` for no socket. */
export type HookUrl = UrlProvider | null | undefined;

export type { SocketFactory, UseSteadySocketFactoryOptions, UseSteadySocketOptions } from './bind';

/** What the hooks need of a socket: a {@link SteadySocket}, a subclass, a `SharedSteadySocket` or the core entry's socket. */
export interface BindableSocket {
  /** see `SteadySocket#state` */
  readonly state: State;
  /** see `SteadySocket#addEventListener` */
  addEventListener(type: 'statechange', listener: () => void): void;
  /** see `SteadySocket#removeEventListener` */
  removeEventListener(type: 'statechange', listener: () => void): void;
  /** see `SteadySocket#channel` (absent on `steadysocket/core`'s socket, which has no channels) */
  channel?(name: never): object;
}

/** The channel map of a socket type: `SteadySocket<Channels>` (or a subclass) gives `Channels`. */
export type ChannelsOf<S> = S extends SteadySocket<infer C> ? C : ChannelMap;
/** The channel names a socket type accepts. */
export type ChannelName<S> = keyof ChannelsOf<S> & string;
/** The payload type of channel `K` of a socket type. */
export type ChannelPayload<S, K extends ChannelName<S>> = ChannelsOf<S>[K];

/** One socket made by one hook instance for one url. */
interface Made<S> {
  key: unknown;
  socket: S;
  /** open it once mounted (false when the caller asked for `startClosed`) */
  auto: boolean;
  /** a close scheduled by an effect cleanup, cancelled if the effect runs again (StrictMode) */
  closing: boolean;
}

const FUNCTION_URL = Symbol('function url');
const nothing = () => () => {};
const onClient = () => true;
const onServer = () => false;

/**
 * {@link useSteadySocket} with the socket made by `options.create` (a `SharedSteadySocket`, a subclass).
 * @returns what `create` returned, or `null` on the server, while hydrating and while `url` is null.
 */
export function useSteadySocket<S extends BindableSocket & { open(): void; close(): void }>(
  url: HookUrl,
  options: UseSteadySocketFactoryOptions<S>,
): S | null;
/**
 * A socket for as long as `url` stays the same, opened after the component
 * mounted and closed when it unmounts.
 *
 * - **What is compared**: a string or `URL` by its text: a new value makes a new
 *   socket (the old one is closed). A function url is one identity whatever its
 *   closure: the socket calls the latest one passed before every attempt, so a
 *   fresh token reaches the next reconnect without tearing anything down.
 *   `null`/`undefined`: no socket (the previous one is closed).
 * - **Options are read once**, when a socket is made: an inline options object
 *   does not reconnect, and changing it has no effect until the url changes.
 * - **Server rendering**: returns `null` and touches nothing; while hydrating too,
 *   so the markup matches. The socket is made on the first client render after that.
 * - **StrictMode**: React's extra unmount/mount in development reuses the one
 *   socket: its close is deferred to a microtask the re-mount cancels, so one
 *   connection is made.
 * - `startClosed: true` makes the socket without opening it; call `open()`.
 *
 * @param url where to connect (see `new SteadySocket()`), or `null` for no socket.
 * @param options the socket's options, plus `protocols`; read when the socket is made. With
 *   `schemas`, the channel types are inferred from them, as `new SteadySocket()` does.
 * @returns the socket, or `null` on the server, while hydrating and while `url` is null.
 */
export function useSteadySocket<Channels extends object = ChannelMap>(
  url: HookUrl,
  options?: UseSteadySocketOptions<Channels>,
): SteadySocket<Channels> | null;
export function useSteadySocket(
  url: HookUrl,
  options?: UseSteadySocketOptions & { create?: SocketFactory<SteadySocket> },
): SteadySocket | null {
  // false on the server and while hydrating, true on every other client render; reads no global
  const client = useSyncExternalStore(nothing, onClient, onServer);
  // the latest function url, for a socket made with an earlier one
  const latest = useRef(url);
  useInsertionEffect(() => {
    latest.current = url;
  });
  // made during render (inert: startClosed), so the socket is there on the first render
  const made = useRef<Made<SteadySocket> | null>(null);
  // the one the last commit used: a render React threw away must not replace it
  const committed = useRef<Made<SteadySocket> | null>(null);

  const key = url == null ? null : typeof url === 'function' ? FUNCTION_URL : String(url);
  let entry: Made<SteadySocket> | null = null;
  if (client && key !== null) {
    entry = made.current?.key === key ? made.current : committed.current?.key === key ? committed.current : null;
    if (!entry) {
      const { protocols, create, ...rest } = options ?? {};
      const first = url as UrlProvider;
      const target: UrlProvider =
        typeof first === 'function'
          ? () => {
              const now = latest.current;
              return typeof now === 'function' ? now() : first();
            }
          : first;
      const o: SteadySocketOptions = { ...rest, startClosed: true };
      const socket = create ? create(target, protocols, o) : new SteadySocket(target, protocols, o);
      entry = { key, socket, auto: !rest.startClosed, closing: false };
    }
    made.current = entry;
  }

  useEffect(() => {
    const e = entry;
    if (!e) return;
    committed.current = e;
    if (e.closing) e.closing = false;
    else if (e.auto) e.socket.open();
    return () => {
      // deferred: StrictMode's re-mount (and React's reuse of effects) runs the effect
      // again before the microtask, cancelling the close; an unmount or a new url does not
      e.closing = true;
      queueMicrotask(() => {
        if (!e.closing) return;
        e.closing = false;
        if (committed.current === e) committed.current = null;
        if (made.current === e) made.current = null;
        e.socket.close();
      });
    };
  }, [entry]);

  return entry ? entry.socket : null;
}

/**
 * The socket's `state` (`'closed'` for `null`), re-rendering when it changes.
 * Read through `useSyncExternalStore`, subscribed to `statechange`: no tearing.
 */
export function useSocketState(socket: BindableSocket | null | undefined): State {
  // one subscribe function per socket: a new one makes React resubscribe
  const subscribe = useCallback(
    (onChange: () => void) => {
      if (!socket) return () => {};
      socket.addEventListener('statechange', onChange);
      return () => socket.removeEventListener('statechange', onChange);
    },
    [socket],
  );
  const read = () => (socket ? socket.state : 'closed');
  return useSyncExternalStore(subscribe, read, read);
}

/**
 * Listen to one channel while mounted: returns its latest payload (`undefined`
 * before the first, and again after the socket or name changed) and calls
 * `handler` once per frame. The handler may change on every render without
 * resubscribing; the latest one is called.
 *
 * @example
 * const last = useChannel(socket, 'chat', (msg) => log.push(msg)); // typed from the socket's channel map
 */
export function useChannel<S extends BindableSocket & { channel(name: never): object }, K extends ChannelName<S>>(
  socket: S | null | undefined,
  name: K,
  handler?: (data: ChannelPayload<S, K>, event: MessageEvent) => void,
): ChannelPayload<S, K> | undefined {
  const current = useRef(handler);
  useInsertionEffect(() => {
    current.current = handler;
  });
  const [last, setLast] = useState<{ socket: S; name: string; data: ChannelPayload<S, K> } | undefined>();
  useEffect(() => {
    if (!socket) return;
    if (typeof socket.channel !== 'function')
      throw new TypeError(
        "steadysocket/react: this socket has no channel(): channels are in the full 'steadysocket' entry",
      );
    const channel = (socket as unknown as SteadySocket<ChannelsOf<S>>).channel(name);
    return channel.on((data, event) => {
      setLast({ socket, name, data });
      current.current?.(data, event);
    });
  }, [socket, name]);
  return last && last.socket === socket && last.name === name ? last.data : undefined;
}
