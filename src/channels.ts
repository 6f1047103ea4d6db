/**
 * Channels: a codec that maps (channel, payload) to a frame and back, and the
 * router that sends each decoded frame where it belongs — the request it answers,
 * or the channel's handlers and iterators, after the channel's schema (if any)
 * passed it. A feature of the full entry, plugged in on the first `channel()`.
 */
import type { Feature, FeatureDef, Host } from './feature';
import { fail } from './options';
import type { Data } from './queue';
import type { MessagesOptions } from './iterate';
import type { RequestOptions } from './requests';
import type { Issue, Schema } from './schema';
import { validate } from './schema';
import { report } from './target';

/** A decoded channel frame. */
export interface Envelope {
  /** the channel's name */
  channel: string;
  /** the payload */
  data?: unknown;
  /** a request's id: on a request, and on the reply that answers it */
  id?: string | undefined;
  /** on a reply: the server's error payload (the request rejects with a `RequestError`) */
  error?: unknown;
}

/**
 * Maps a channel name and payload to a frame and back.
 * `decode` returns `undefined` for a frame that is not a channel frame; it may
 * throw, and the socket reports that as an `error` event without crashing.
 */
export interface ChannelCodec {
  /** Make the frame that `channel(name).send(data)` sends; with `id`, the frame of a request. */
  encode(channel: string, data: unknown, id?: string): Data;
  /**
   * Read an inbound frame: its channel and payload (and `id`, `error` on a reply), or
   * `undefined` when it is not a channel frame.
   */
  decode(frame: unknown): Envelope | undefined;
}

/**
 * The default codec: a JSON text frame `{"channel": name, "data": payload}`, with `"id"` on
 * requests and their replies, and `"error"` instead of `"data"` on a failed reply. Anything
 * else (binary, non-JSON text, JSON without a string `channel`) is not a channel frame.
 */
export const jsonEnvelope: ChannelCodec = {
  encode: (channel, data, id) => JSON.stringify(id === undefined ? { channel, data } : { channel, id, data }),
  decode(frame) {
    // cheap pre-check so ordinary traffic is not parsed at all
    if (typeof frame !== 'string' || frame.charCodeAt(0) !== 123 /* { */ || frame.indexOf('"channel"') < 0) return;
    let v: unknown;
    try {
      v = JSON.parse(frame);
    } catch {
      return;
    }
    return v && typeof (v as Envelope).channel === 'string' ? (v as Envelope) : undefined;
  },
};

/** The `channels` and `schemas` options. */
export const channels: FeatureDef = {
  options: {
    channels(v = jsonEnvelope) {
      const c = v as ChannelCodec;
      if (typeof c?.encode !== 'function' || typeof c.decode !== 'function')
        fail(TypeError, 'channels', 'a codec with encode() and decode()', v);
      return v;
    },
    schemas(v) {
      if (v === undefined) return;
      if (typeof v !== 'object' || !v) fail(TypeError, 'schemas', 'an object of Standard Schemas by channel', v);
      for (const [k, s] of Object.entries(v as object))
        if (typeof (s as Schema)?.['~standard']?.validate !== 'function')
          fail(TypeError, `schemas.${k}`, "a Standard Schema (with ['~standard'].validate)", s);
      return v;
    },
  },
};

type Handler = (data: unknown, event: MessageEvent) => void;

/** A channel payload that failed its schema: the `invalid` event's fields. */
export interface Invalid {
  channel: string;
  data: unknown;
  issues: readonly Issue[];
}

/**
 * One socket's channel router. Decodes every message once; a frame that answers a pending
 * request goes to that request alone (see `reply`); any other goes through the channel's
 * schema, in arrival order even when validators are async, to the channel's handlers.
 */
export class Router implements Feature {
  readonly codec: ChannelCodec;
  /** handlers by channel name; arrays are replaced, never mutated (a dispatch iterates a snapshot) */
  private _h = new Map<string, Handler[]>();
  /** per channel, the tail of its async validations: later frames wait their turn */
  private _tail = new Map<string, Promise<unknown>>();
  /** set by the requests module: takes a frame that answers a pending request (returns true) */
  reply: ((env: Envelope, event: MessageEvent) => boolean) | undefined;
  /**
   * set where several clients share one connection (a shared tab): true for an id that another
   * client's request owns — its reply is consumed here, a channel message for nobody
   */
  foreign: ((id: string) => boolean) | undefined;

  constructor(private _host: Host) {
    this.codec = _host.options.channels as ChannelCodec;
  }

  message(e: MessageEvent): void {
    let env: Envelope | undefined;
    try {
      env = this.codec.decode(e.data);
    } catch (err) {
      // a frame the codec can't read was already delivered as a plain message
      return this._host.error(err);
    }
    if (!env || typeof env.channel !== 'string' || this.reply?.(env, e)) return;
    if (env.id !== undefined && this.foreign?.(String(env.id))) return;
    const name = env.channel;
    if (!this._h.has(name)) return;
    this.pass(name, env.data, (value) => {
      for (const h of this._h.get(name) ?? []) {
        try {
          h(value, e);
        } catch (err) {
          report(err);
        }
      }
    });
  }

  /**
   * Run `data` through the channel's schema, then `then(value)` with the schema's output; an
   * invalid payload gives an `invalid` event and `invalid(issues)` instead. A synchronous schema
   * (or none) decides at once unless an async one of the same channel is still running: order
   * per channel is kept.
   */
  pass(name: string, data: unknown, then: (value: unknown) => void, invalid?: (issues: readonly Issue[]) => void) {
    const schema = (this._host.options.schemas as Record<string, Schema> | undefined)?.[name];
    if (!schema) return then(data);
    const settle = (r: { value?: unknown; issues?: readonly Issue[] | undefined }) => {
      if (!r.issues) return then(r.value);
      this._host.fire('invalid', { channel: name, data, issues: r.issues });
      invalid?.(r.issues);
    };
    const tail = this._tail.get(name);
    const r = tail ? undefined : validate(schema, data);
    if (r && !('then' in r)) return settle(r);
    // async: chained behind the channel's earlier frames, and forgotten when it is the last
    const next: Promise<unknown> = (tail ?? Promise.resolve())
      .then(() => r ?? validate(schema, data))
      .then(settle, (err) => this._host.error(err))
      .finally(() => this._tail.get(name) === next && this._tail.delete(name));
    this._tail.set(name, next);
  }

  /** Add a handler to channel `name`; returns the function that removes it (calling it twice is harmless). */
  on(name: string, h: Handler): () => void {
    this._h.set(name, [...(this._h.get(name) ?? []), h]);
    return () => {
      const left = (this._h.get(name) ?? []).filter((x) => x !== h);
      left.length ? this._h.set(name, left) : this._h.delete(name);
    };
  }
}

/** A typed channel: see `SteadySocket#channel`. `T`: what is sent; `R`: what arrives (a schema's output). */
export interface Channel<T, R = T> {
  /** the channel's name */
  readonly name: string;
  /** Encode `data` with the socket's codec and `send()` it (queued while not open). */
  send(data: T): void;
  /**
   * Call `handler` for every frame of this channel (replies to requests excepted), after its
   * schema, if any, accepted it. Returns a function that unsubscribes; calling it twice is harmless.
   */
  on(handler: (data: R, event: MessageEvent) => void): () => void;
  /**
   * Send `data` as a request (with an id) and resolve with the reply's payload. Sent while not
   * open, it waits in the queue; if it times out or is aborted before it went out, it is taken
   * out of the queue and never sent late. Rejects with an Error named `'TimeoutError'`,
   * `'AbortError'` (or the signal's reason), `'ClosedError'`, `'DisconnectedError'` (the
   * connection that carried it was lost: the server may or may not have acted on it),
   * `'RequestError'` (the server's error payload on `.data`) or `'ValidationError'` (`.issues`).
   */
  request(data: T, options?: RequestOptions): Promise<R>;
  /** An async iterator over this channel's payloads from now on; see `SteadySocket#messages`. */
  messages(options?: MessagesOptions): AsyncIterableIterator<R>;
  /** `for await (const payload of channel)`: `messages()` with defaults. */
  [Symbol.asyncIterator](): AsyncIterableIterator<R>;
}
