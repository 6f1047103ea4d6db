/**
 * `steadysocket/vue`: a composable that ties a {@link SteadySocket} to an effect
 * scope (a component's setup, or your own `effectScope()`). It holds no socket
 * logic of its own: reconnecting, queueing and channels are the socket's.
 *
 * @example
 * <script setup lang="ts">
 * import { useSteadySocket } from 'steadysocket/vue';
 * const props = defineProps<{ room: string }>();
 * const { state, channel } = useSteadySocket<{ chat: { text: string } }>(() => `wss://example.com/rooms/${props.room}`);
 * const chat = channel('chat');
 * chat.on((msg) => console.log(msg.text));
 * </script>
 *
 * @packageDocumentation
 */
import {
  getCurrentInstance,
  getCurrentScope,
  hasInjectionContext,
  inject,
  type MaybeRefOrGetter,
  onMounted,
  onScopeDispose,
  type Ref,
  type ShallowRef,
  shallowRef,
  ssrContextKey,
  toValue,
  watch,
} from 'vue';
import type { ChannelMap, Data, SteadySocketOptions, State } from './index';
import { SteadySocket } from './index';
import type { SocketFactory, UseSteadySocketFactoryOptions, UseSteadySocketOptions } from './bind';
import type { UrlProvider } from './url';

export type { SocketFactory, UseSteadySocketFactoryOptions, UseSteadySocketOptions } from './bind';

/** What the composable needs of a socket: a {@link SteadySocket}, a subclass, a `SharedSteadySocket` or the core entry's socket. */
export interface BindableSocket {
  /** see `SteadySocket#state` */
  readonly state: State;
  /** see `SteadySocket#addEventListener` */
  addEventListener(type: 'statechange', listener: () => void): void;
  /** see `SteadySocket#removeEventListener` */
  removeEventListener(type: 'statechange', listener: () => void): void;
  /** see `SteadySocket#send` */
  send(data: Data): void;
  /** see `SteadySocket#open` */
  open(): void;
  /** see `SteadySocket#close` */
  close(code?: number, reason?: string): void;
  /** see `SteadySocket#reconnect` */
  reconnect(code?: number, reason?: string): void;
  /** see `SteadySocket#channel` (absent on `steadysocket/core`'s socket, which has no channels) */
  channel?(name: never): object;
}

/** The channel map of a socket type: `SteadySocket<Channels>` (or a subclass) gives `Channels`. */
export type ChannelsOf<S> = S extends SteadySocket<infer C> ? C : ChannelMap;
/** The channel names a socket type accepts. */
export type ChannelName<S> = keyof ChannelsOf<S> & string;
/** The payload type of channel `K` of a socket type. */
export type ChannelPayload<S, K extends ChannelName<S>> = ChannelsOf<S>[K];

/** A channel of whichever socket is current: `send` goes to it, and `on` follows it to the next one. */
export interface BoundChannel<T> {
  /** the channel's name */
  readonly name: string;
  /** Send on the current socket's channel (queued while not open); nothing while there is no socket. */
  send(data: T): void;
  /**
   * Call `handler` for every frame of this channel, on the current socket and on
   * every later one (a new url), until the returned function is called or the
   * scope is disposed.
   */
  on(handler: (data: T, event: MessageEvent) => void): () => void;
}

/** What {@link useSteadySocket} returns. */
export interface UseSteadySocketReturn<S> {
  /** The current socket: `null` on the server and while the url is `null`/`undefined`. */
  socket: Readonly<ShallowRef<S | null>>;
  /** The current socket's `state` (`'closed'` without a socket). */
  state: Readonly<Ref<State>>;
  /** `send()` on the current socket (queued while not open); nothing without a socket. */
  send(data: Data): void;
  /** `open()` the current socket. */
  open(): void;
  /** `close()` the current socket for good (until `open()` or a new url). */
  close(code?: number, reason?: string): void;
  /** `reconnect()` the current socket. */
  reconnect(code?: number, reason?: string): void;
  /** A channel that always means the current socket's: see {@link BoundChannel}. */
  channel<K extends ChannelName<S>>(name: K): BoundChannel<ChannelPayload<S, K>>;
}

/** A url as {@link useSteadySocket} takes it: a value, a ref or a getter (a function is read as a getter). */
export type UrlSource = MaybeRefOrGetter<UrlProvider | null | undefined>;

interface Subscription {
  name: string;
  handler: (data: unknown, event: MessageEvent) => void;
  off?: (() => void) | undefined;
}

/** True while rendering on a server: the server renderer provides its context; reads no global. */
const onServer = () => hasInjectionContext() && inject(ssrContextKey, null) != null;

/** What a url is compared by: a string or URL by its text, a provider function by identity. */
const keyOf = (url: UrlProvider | null | undefined) =>
  url == null ? null : typeof url === 'function' ? url : String(url);

/** {@link useSteadySocket} with the socket made by `options.create` (a `SharedSteadySocket`, a subclass). */
export function useSteadySocket<S extends BindableSocket>(
  url: UrlSource,
  options: UseSteadySocketFactoryOptions<S>,
): UseSteadySocketReturn<S>;
/**
 * A socket for the current url, closed when the url changes (a new one is made)
 * and when the effect scope is disposed (component unmounted, `scope.stop()`).
 *
 * - `url` may be a string, a ref or a getter; a change reconnects (old closed, new
 *   made). A string or `URL` is compared by its text. A function is read as a
 *   getter: for a url provider called before every attempt (a fresh token), pass
 *   a getter or ref that returns the provider, e.g. `() => provider`.
 * - Options are read when a socket is made, not watched.
 * - In a component, the socket is made in `setup` without connecting and is opened
 *   once mounted, so server and client markup match; in a bare `effectScope()` it
 *   opens at once. On a server (SSR) nothing is made: `socket` stays `null`.
 * - Outside any effect scope nothing closes it for you: call `close()`.
 *
 * @param url where to connect: a value, ref or getter; `null`/`undefined` for no socket.
 * @param options the socket's options, plus `protocols` (and `create` for another socket class). With
 *   `schemas`, the channel types are inferred from them, as `new SteadySocket()` does.
 */
export function useSteadySocket<Channels extends object = ChannelMap>(
  url: UrlSource,
  options?: UseSteadySocketOptions<Channels>,
): UseSteadySocketReturn<SteadySocket<Channels>>;
export function useSteadySocket(
  url: UrlSource,
  options?: UseSteadySocketOptions & { create?: SocketFactory<BindableSocket> },
): UseSteadySocketReturn<BindableSocket> {
  const socket = shallowRef<BindableSocket | null>(null);
  const state = shallowRef<State>('closed');
  const subs = new Set<Subscription>();
  const result: UseSteadySocketReturn<BindableSocket> = {
    socket,
    state,
    send: (data) => socket.value?.send(data),
    open: () => socket.value?.open(),
    close: (code, reason) => socket.value?.close(code, reason),
    reconnect: (code, reason) => socket.value?.reconnect(code, reason),
    channel: (name: string) => ({
      name,
      send: (data: unknown) => {
        if (socket.value) channelOf(socket.value, name).send(data);
      },
      on: (handler: (data: unknown, event: MessageEvent) => void) => {
        const sub: Subscription = { name, handler };
        attach(sub, socket.value); // throws for a socket without channels: then nothing is kept
        subs.add(sub);
        return () => {
          subs.delete(sub);
          sub.off?.();
          sub.off = undefined;
        };
      },
    }),
  } as UseSteadySocketReturn<BindableSocket>;
  if (onServer()) return result;

  const { protocols, create, ...rest } = options ?? {};
  const auto = !rest.startClosed;
  const instance = getCurrentInstance();
  let mounted = !instance || instance.isMounted;
  let key: unknown = null;
  let off: (() => void) | undefined;

  const replace = (value: UrlProvider | null | undefined) => {
    const k = keyOf(value);
    if (k === key && (socket.value || k === null)) return;
    key = k;
    const old = socket.value;
    if (old) {
      off?.();
      off = undefined;
      for (const sub of subs) attach(sub, null);
      socket.value = null;
      state.value = 'closed';
      old.close();
    }
    if (value == null) return;
    const o: SteadySocketOptions = { ...rest, startClosed: true };
    const s = create ? create(value, protocols, o) : new SteadySocket(value, protocols, o);
    const onState = () => {
      state.value = s.state;
    };
    s.addEventListener('statechange', onState);
    off = () => s.removeEventListener('statechange', onState);
    for (const sub of subs) attach(sub, s);
    socket.value = s;
    state.value = s.state;
    if (mounted && auto) s.open();
  };

  const stop = watch(() => toValue(url), replace, { immediate: true });
  if (!mounted) {
    onMounted(() => {
      mounted = true;
      if (auto) socket.value?.open();
    });
  }
  if (getCurrentScope()) {
    onScopeDispose(() => {
      stop();
      for (const sub of subs) attach(sub, null);
      subs.clear();
      replace(null);
    });
  }
  return result;
}

/** Move a channel subscription to `to` (or drop it with `null`). */
function attach(sub: Subscription, to: BindableSocket | null): void {
  sub.off?.();
  sub.off = to ? channelOf(to, sub.name).on(sub.handler) : undefined;
}

/** The socket's channel, or a TypeError that says where channels are (the core entry has none). */
function channelOf(socket: BindableSocket, name: string) {
  if (typeof socket.channel !== 'function')
    throw new TypeError(
      "steadysocket/vue: this socket has no channel(): channels are in the full 'steadysocket' entry",
    );
  return (socket as unknown as SteadySocket).channel(name);
}
