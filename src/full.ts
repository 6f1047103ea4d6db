/**
 * The default `SteadySocket`: the core connection cycle (src/socket.ts) with
 * every feature plugged in through the interface in src/feature.ts. The whole
 * feature list is `features` below; each feature is a module of its own, and
 * the lazy ones (channels, requests, subscriptions) plug in on first use.
 */
import type { Channel, ChannelCodec } from './channels';
import { channels, Router } from './channels';
import type { SteadySocketEventMap } from './events';
import type { FeatureDef } from './feature';
import type { HeartbeatSettings } from './heartbeat';
import { heartbeat } from './heartbeat';
import type { MessagesOptions } from './iterate';
import { Inbox } from './iterate';
import type { CoreOptions } from './options';
import { fail, T } from './options';
import type { Data } from './queue';
import type { RequestOptions } from './requests';
import { Requests } from './requests';
import type { InferInput, InferOutput, Schema } from './schema';
import type { ChannelMap, TypedListener } from './socket';
import { SteadySocket as Core } from './socket';
import type { FrameSource, SubscribeOptions } from './subscribe';
import { checkFrame, Subscriptions } from './subscribe';
import type { Listener, ListenerOptions } from './target';
import type { ProtocolsProvider, UrlProvider } from './url';
import type { WaitOptions } from './wait';
import { wait } from './wait';

/** Options of the full entry: the core's, and the features'. */
export interface SteadySocketOptions<Channels extends object = ChannelMap> extends CoreOptions {
  /**
   * Ping after silence and drop connections that stop answering. `true` uses the defaults.
   * @default off
   */
  heartbeat?: boolean | HeartbeatSettings | undefined;
  /**
   * The codec for `channel()`.
   * @default JSON `{"channel": name, "data": payload}` (`"id"` on requests and replies)
   */
  channels?: ChannelCodec | undefined;
  /**
   * How long `request()` waits for its reply, in ms, unless the call says otherwise.
   * @default 10000
   */
  requestTimeout?: number | undefined;
  /**
   * A Standard Schema (zod, valibot, arktype, …) per channel: inbound payloads of the channel
   * (messages and request replies) are validated before any handler, iterator or request sees
   * them; an invalid one gives an `invalid` event instead. Channel types are inferred from them.
   * @example schemas: { chat: z.object({ text: z.string() }) }
   */
  schemas?: { [K in keyof Channels]?: Schema<unknown, Channels[K]> } | undefined;
}

/** The conversation options: `requestTimeout`. (`schemas` and `channels` are the channels feature's.) */
const conversations: FeatureDef = {
  options: {
    requestTimeout(v = 10000) {
      if (typeof v !== 'number') fail(TypeError, 'requestTimeout', 'a number', v);
      if (!((v as number) >= 1 && ((v as number) <= T || v === Infinity)))
        fail(RangeError, 'requestTimeout', `a number from 1 to ${T} or Infinity`, v);
      return v;
    },
  },
};

/** A channel map made from `schemas`: each channel's payload is its schema's output. */
export type SchemaChannels<S> = { [K in keyof S]: InferOutput<S[K]> };
/** What a channel of the map sends: a schema's input where there is one. */
export type { InferInput, InferOutput };

/**
 * A WebSocket that stays connected: a drop-in for the native `WebSocket` that
 * reconnects with backoff and jitter, queues what is sent while not open,
 * finds dead connections with a heartbeat, and carries conversations: typed
 * channels, requests with replies, subscriptions that survive reconnects,
 * `for await` over messages, and schema validation.
 *
 * @example
 * const socket = new SteadySocket('wss://example.com/live', [], { heartbeat: true });
 * socket.addEventListener('message', (e) => console.log(e.data));
 * socket.send('hello'); // queued until the connection opens
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the interface below only narrows `this` in listeners
export class SteadySocket<Channels extends object = ChannelMap> extends Core<Channels> {
  /** Every feature of the full entry, in the order they see each frame. */
  static override readonly features: readonly FeatureDef[] = [heartbeat, channels, conversations];

  /** Round-trip time of the last heartbeat ping, in ms; `undefined` before the first pong. */
  rtt: number | undefined;

  /** the channel router, plugged in on the first `channel()` */
  private _router: Router | undefined;
  private _requests: Requests | undefined;
  private _subs: Subscriptions | undefined;

  /**
   * @param url where to connect: a string or URL (checked now, like the native
   *   constructor: a bad one throws a `SyntaxError`), or a function called
   *   before every attempt that may return a promise (fresh token, failover).
   * @param protocols subprotocols, or a function returning them (async allowed).
   * @param options see {@link SteadySocketOptions}; may also be passed second when there are no protocols.
   */
  constructor(
    url: UrlProvider,
    protocols?: ProtocolsProvider | SteadySocketOptions<Channels>,
    options?: SteadySocketOptions<Channels>,
  ) {
    // `arguments` as given: the core counts them as the native constructor does
    super(...(arguments as unknown as [UrlProvider]));
    void [url, protocols, options];
  }

  /** The channel router, plugged in on first use. */
  protected _routes(): Router {
    if (!this._router) {
      const host = this._host();
      host.use((this._router = new Router(host)));
    }
    return this._router;
  }

  /** The request registry, plugged in on the first request. */
  protected _asks(prefix?: string): Requests {
    if (!this._requests) {
      const host = this._host();
      host.use((this._requests = new Requests(host, this._routes(), prefix)));
    }
    return this._requests;
  }

  /**
   * A typed channel on the `channels` codec (default: JSON `{"channel", "data"}`).
   * @example
   * const chat = socket.channel('chat');
   * const off = chat.on((msg) => show(msg.text));
   * chat.send({ text: 'hi' });
   * const user = await socket.channel('users').request({ id: 7 });
   * for await (const msg of chat) show(msg.text);
   */
  channel<K extends keyof Channels & string>(name: K): Channel<Channels[K]> {
    if (typeof name !== 'string') throw new TypeError('SteadySocket: channel name must be a string');
    const r = this._routes();
    const on = (handler: (data: Channels[K], event: MessageEvent) => void) => {
      if (typeof handler !== 'function') throw new TypeError('SteadySocket: channel handler must be a function');
      return r.on(name, handler as (data: unknown, event: MessageEvent) => void);
    };
    const messages = (options?: MessagesOptions) => new Inbox<Channels[K]>(this, (push) => on(push), options);
    return {
      name,
      send: (data) => this.send(r.codec.encode(name, data)),
      on,
      request: (data, options) => this._asks().ask(name, data, options) as Promise<Channels[K]>,
      messages,
      [Symbol.asyncIterator]: () => messages(),
    };
  }

  /**
   * Resolves when the socket is open: at once if it is, else at the next `open`. On a
   * `startClosed` socket it waits for `open()` (it does not open it). Rejects with
   * `ClosedError` when the socket closes for good first, `TimeoutError`, or the signal's reason.
   */
  ready(options?: WaitOptions): Promise<void> {
    return wait<void>(this, options, 'ready()', (done) => {
      if (this.state === 'open') return done();
      const on = () => done();
      this.addEventListener('open', on);
      return () => this.removeEventListener('open', on);
    });
  }

  /**
   * Resolves when `bufferedAmount` (the native buffer plus the queue) is at or below `below`
   * (default 0): backpressure for large uploads. Polls every 16 ms while someone waits.
   * Rejects with `ClosedError` when the socket closes for good first, `TimeoutError`, or the signal's reason.
   */
  drained(options?: WaitOptions & { below?: number | undefined }): Promise<void> {
    const below = options?.below ?? 0;
    if (!(typeof below === 'number' && below >= 0))
      return Promise.reject(new RangeError(`SteadySocket: drained() below must be a number ≥ 0, got ${String(below)}`));
    return wait<void>(this, options, 'drained()', (done) => {
      let t: ReturnType<typeof setTimeout> | undefined;
      const poll = () => {
        if (this.bufferedAmount <= below) done();
        else t = setTimeout(poll, 16);
      };
      poll();
      return () => clearTimeout(t);
    });
  }

  /**
   * An async iterator over the `data` of every `message` from now on; `for await (const data of
   * socket)` does the same with defaults. Ends when the socket closes for good; see {@link MessagesOptions}.
   */
  messages(options?: MessagesOptions): AsyncIterableIterator<unknown> {
    return new Inbox<unknown>(
      this,
      (push) => {
        const f = (e: MessageEvent) => push(e.data);
        this.addEventListener('message', f);
        return () => this.removeEventListener('message', f);
      },
      options,
    );
  }

  /** `for await (const data of socket)`: see {@link messages}. */
  [Symbol.asyncIterator](): AsyncIterableIterator<unknown> {
    return this.messages();
  }

  /**
   * A frame (or a function making one) the server needs on every connection: sent now if open,
   * and on every new connection after `beforeOpen` and before the queued backlog. Returns
   * `stop()`, which sends `unsubscribe` only if a connection is open at that moment.
   * @example
   * const stop = socket.subscribe(JSON.stringify({ sub: 'prices' }), { unsubscribe: JSON.stringify({ unsub: 'prices' }) });
   */
  subscribe(frame: FrameSource, options?: SubscribeOptions): () => void {
    checkFrame(frame, 'frame');
    if (options?.unsubscribe !== undefined) checkFrame(options.unsubscribe, 'unsubscribe');
    if (!this._subs) {
      const host = this._host();
      host.use((this._subs = new Subscriptions(host)));
    }
    return this._subs.add(frame, options);
  }
}

export interface SteadySocket<Channels extends object = ChannelMap> {
  /** Listen for an event (see the core's addEventListener); `this` in a listener function is this socket. */
  addEventListener<K extends keyof SteadySocketEventMap>(
    type: K,
    listener: TypedListener<Channels, K, SteadySocket<Channels>>,
    options?: boolean | ListenerOptions,
  ): void;
  /** Listen for an event of any other type. */
  addEventListener(type: string, listener: Listener | null, options?: boolean | ListenerOptions): void;
  /** Remove a listener added with the same type, listener and capture flag. */
  removeEventListener<K extends keyof SteadySocketEventMap>(
    type: K,
    listener: TypedListener<Channels, K, SteadySocket<Channels>>,
    options?: boolean | Pick<ListenerOptions, 'capture'>,
  ): void;
  /** Remove a listener of any other type. */
  removeEventListener(
    type: string,
    listener: Listener | null,
    options?: boolean | Pick<ListenerOptions, 'capture'>,
  ): void;
}

export type { Data, RequestOptions };
