/**
 * The default `SteadySocket`: the core connection cycle (src/socket.ts) with
 * every feature plugged in through the interface in src/feature.ts. The whole
 * feature list is `features` below; each feature is a module of its own.
 */
import type { Channel, ChannelCodec } from './channels';
import { channels, Router } from './channels';
import type { HeartbeatSettings } from './heartbeat';
import { heartbeat } from './heartbeat';
import type { CoreOptions } from './options';
import type { ProtocolsProvider, UrlProvider } from './url';
import type { ChannelMap, TypedListener } from './socket';
import type { SteadySocketEventMap } from './events';
import type { Listener, ListenerOptions } from './target';
import { SteadySocket as Core } from './socket';

/** Options of the full entry: the core's, and the features'. */
export interface SteadySocketOptions extends CoreOptions {
  /**
   * Ping after silence and drop connections that stop answering. `true` uses the defaults.
   * @default off
   */
  heartbeat?: boolean | HeartbeatSettings | undefined;
  /**
   * The codec for `channel()`.
   * @default JSON `{"channel": name, "data": payload}`
   */
  channels?: ChannelCodec | undefined;
}

/**
 * A WebSocket that stays connected: a drop-in for the native `WebSocket` that
 * reconnects with backoff and jitter, queues what is sent while not open,
 * finds dead connections with a heartbeat and offers typed channels.
 *
 * @example
 * const socket = new SteadySocket('wss://example.com/live', [], { heartbeat: true });
 * socket.addEventListener('message', (e) => console.log(e.data));
 * socket.send('hello'); // queued until the connection opens
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the interface below only narrows `this` in listeners
export class SteadySocket<Channels extends object = ChannelMap> extends Core<Channels> {
  /** Every feature of the full entry, in the order they see each frame. */
  static override readonly features = [heartbeat, channels];

  /** Round-trip time of the last heartbeat ping, in ms; `undefined` before the first pong. */
  rtt: number | undefined;

  /** the channel router, plugged in on the first `channel()` */
  private _router: Router | undefined;

  /**
   * @param url where to connect: a string or URL (checked now, like the native
   *   constructor: a bad one throws a `SyntaxError`), or a function called
   *   before every attempt that may return a promise (fresh token, failover).
   * @param protocols subprotocols, or a function returning them (async allowed).
   * @param options see {@link SteadySocketOptions}; may also be passed second when there are no protocols.
   */
  // biome-ignore lint/complexity/noUselessConstructor: it declares the full entry's options for users and docs
  constructor(url: UrlProvider, protocols?: ProtocolsProvider | SteadySocketOptions, options?: SteadySocketOptions) {
    // `arguments` as given: the core counts them as the native constructor does
    super(...(arguments as unknown as [UrlProvider, ProtocolsProvider?, SteadySocketOptions?]));
    void url, protocols, options;
  }

  /** The channel router, plugged in on first use. */
  protected _routes(): Router {
    if (!this._router) {
      const host = this._host();
      host.use((this._router = new Router(host)));
    }
    return this._router;
  }

  /**
   * A typed channel on the `channels` codec (default: JSON `{"channel", "data"}`).
   * @example
   * const chat = socket.channel('chat');
   * const off = chat.on((msg) => show(msg.text));
   * chat.send({ text: 'hi' });
   */
  channel<K extends keyof Channels & string>(name: K): Channel<Channels[K]> {
    if (typeof name !== 'string') throw new TypeError('SteadySocket: channel name must be a string');
    const r = this._routes();
    return {
      name,
      send: (data) => this.send(r.codec.encode(name, data)),
      on: (handler) => {
        if (typeof handler !== 'function') throw new TypeError('SteadySocket: channel handler must be a function');
        return r.on(name, handler as (data: unknown, event: MessageEvent) => void);
      },
    };
  }
}

export interface SteadySocket<Channels extends object = ChannelMap> {
  /** Listen for an event (see the core's addEventListener); `this` in a listener function is this socket. */
  addEventListener<K extends keyof SteadySocketEventMap>(
    type: K,
    listener: TypedListener<Channels, K, SteadySocket<Channels>>,
    options?: boolean | ListenerOptions,
  ): void;
  addEventListener(type: string, listener: Listener | null, options?: boolean | ListenerOptions): void;
  /** Remove a listener added with the same type, listener and capture flag. */
  removeEventListener<K extends keyof SteadySocketEventMap>(
    type: K,
    listener: TypedListener<Channels, K, SteadySocket<Channels>>,
    options?: boolean | Pick<ListenerOptions, 'capture'>,
  ): void;
  removeEventListener(
    type: string,
    listener: Listener | null,
    options?: boolean | Pick<ListenerOptions, 'capture'>,
  ): void;
}
