import type { NetworkTarget } from './network';
import type { Data, Overflow } from './queue';

/** How binary frames are delivered: the DOM's `BinaryType`, spelled out so Node projects need no DOM lib. */
export type BinaryType = 'blob' | 'arraybuffer';

/**
 * The constructor of a WebSocket implementation: the browser's, `ws`, undici's, or a test double.
 * Instances are typed loosely on purpose: `ws` and mocks declare members differently from the DOM's
 * `WebSocket` (ws's `binaryType` includes `'nodebuffer'`), and must still be accepted without a cast.
 */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => object;

/** The `close` event a reconnect decision is made on. */
export interface CloseInfo {
  /** the close code (1006 when the connection was lost without a close frame) */
  readonly code: number;
  /** the close reason the peer sent, or the library's (`'heartbeat timeout'`, `'connect timeout'`) */
  readonly reason: string;
  /** whether the closing handshake completed */
  readonly wasClean: boolean;
}

/** Reconnect settings; `reconnect: false` turns reconnecting off. */
export interface ReconnectOptions {
  /**
   * Wait before the first retry, in ms; later retries grow from it by `factor`.
   * @default 1000
   */
  minDelay?: number | undefined;
  /**
   * The longest wait between attempts, in ms (before jitter shortens it).
   * @default 30000
   */
  maxDelay?: number | undefined;
  /**
   * Growth of the wait from one failed attempt to the next (≥ 1).
   * @default 2
   */
  factor?: number | undefined;
  /**
   * Share of each wait that is randomised, 0–1: the wait is `base × (1 − jitter × random)`.
   * 0 waits exactly `base`; 1 is "full jitter".
   * @default 0.65
   */
  jitter?: number | undefined;
  /**
   * Retries after a failed attempt before giving up (`giveup` event, state `closed`), as in the
   * peer libraries: `N` makes N + 1 attempts in a row; `0` never retries.
   * @default Infinity
   */
  maxRetries?: number | undefined;
  /**
   * A connection that stays open this long (ms) counts as stable and resets `retryCount`.
   * A connection dropped sooner counts as a failed attempt, so a flapping server backs off.
   * @default 5000
   */
  minUptime?: number | undefined;
  /**
   * Decide per close whether to reconnect; replaces the default close-code policy.
   * Not called after your own `close()`.
   * @default reconnect unless the code is 1002, 1003, 1007, 1008, 1009, 1010, 4401 or 4403
   * @example shouldReconnect: (e) => e.code !== 4000 // our server's "you were kicked"
   */
  shouldReconnect?: ((event: CloseInfo) => boolean) | undefined;
}

/** Send-queue settings; `queue: false` makes `send()` drop (with a `drop` event) while not open. */
export interface QueueSettings {
  /**
   * Most messages held while not open.
   * @default 1000
   */
  max?: number | undefined;
  /**
   * Most bytes (UTF-8 for text) held while not open.
   * @default 1048576 (1 MiB)
   */
  maxBytes?: number | undefined;
  /**
   * What a full queue does with a new message: discard the oldest queued one,
   * discard the new one, or discard the new one and throw from `send()`.
   * Each discarded message gets a `drop` event.
   * @default 'drop-oldest'
   */
  overflow?: Overflow | undefined;
  /**
   * A queued message older than this (ms) is discarded with a `drop` event instead of sent.
   * @default Infinity
   */
  ttl?: number | undefined;
}

/**
 * Options of the core (`steadysocket/core`), the third constructor argument. Every one is
 * optional; an explicit `undefined` keeps the default. The full entry adds its features'
 * options (`heartbeat`, `channels`, `requestTimeout`, `schemas`).
 */
export interface CoreOptions {
  /**
   * The WebSocket implementation. Pass `ws` on Node < 22, or a mock in tests.
   * @default globalThis.WebSocket
   */
  WebSocket?: WebSocketConstructor | undefined;
  /**
   * Applied to every underlying connection.
   * @default 'blob'
   */
  binaryType?: BinaryType | undefined;
  /**
   * An attempt (url provider, handshake and `beforeOpen`) not open by then is
   * abandoned and counts as failed, in ms. `Infinity` waits for ever.
   * @default 10000
   */
  connectTimeout?: number | undefined;
  /**
   * Don't connect until `open()` is called.
   * @default false
   */
  startClosed?: boolean | undefined;
  /**
   * Reconnect with exponential backoff and jitter, or `false` for never.
   * @default on, with the defaults of {@link ReconnectOptions}
   */
  reconnect?: boolean | ReconnectOptions | undefined;
  /**
   * Hold messages sent while not open and send them, in order, on the next open.
   * @default on, with the defaults of {@link QueueSettings}
   */
  queue?: boolean | QueueSettings | undefined;
  /**
   * React to the browser's network and page life cycle: `online` retries at once,
   * `offline` pauses retries, the page shown again checks the connection.
   * `true` uses `window`/`document` when they exist (nothing happens without them);
   * an object supplies your own targets.
   * @default true
   */
  network?: boolean | NetworkTarget | undefined;
  /**
   * Runs on each new connection after the native `open` and before the queued
   * backlog is flushed and `open` is emitted; `send` here goes out first. Use it
   * to authenticate or resubscribe. A returned promise is awaited (within
   * `connectTimeout`); if it rejects the connection is dropped and retried.
   * @example beforeOpen: (send) => send(JSON.stringify({ type: 'auth', token }))
   */
  beforeOpen?: ((send: (data: Data) => void) => void | Promise<unknown>) | undefined;
  /** Random numbers in [0, 1) for jitter; for tests. @default Math.random */
  random?: (() => number) | undefined;
  /** The clock, in ms; for tests. @default Date.now */
  now?: (() => number) | undefined;
}

/** Options after defaults and validation. */
export interface Resolved {
  /** the WebSocket implementation in use */
  WebSocket: WebSocketConstructor;
  /** as the option */
  binaryType: BinaryType;
  /** as the option */
  connectTimeout: number;
  /** as the option */
  startClosed: boolean;
  /** every reconnect setting, defaults filled in (see {@link ReconnectOptions}) */
  reconnect: {
    /** see {@link ReconnectOptions} */
    minDelay: number;
    /** see {@link ReconnectOptions} */
    maxDelay: number;
    /** see {@link ReconnectOptions} */
    factor: number;
    /** see {@link ReconnectOptions} */
    jitter: number;
    /** see {@link ReconnectOptions} */
    maxRetries: number;
    /** see {@link ReconnectOptions} */
    minUptime: number;
    /** see {@link ReconnectOptions} */
    shouldReconnect: ReconnectOptions['shouldReconnect'];
  };
  /** false for `reconnect: false` */
  reconnecting: boolean;
  /** every queue setting, defaults filled in; undefined for `queue: false` (see {@link QueueSettings}) */
  queue:
    | {
        /** see {@link QueueSettings} */
        max: number;
        /** see {@link QueueSettings} */
        maxBytes: number;
        /** see {@link QueueSettings} */
        overflow: Overflow;
        /** see {@link QueueSettings} */
        ttl: number;
      }
    | undefined;
  /** `true`: the browser's window and document, looked up when the socket starts */
  network: boolean | NetworkTarget;
  /** as the option */
  beforeOpen: CoreOptions['beforeOpen'];
  /** as the option */
  random: () => number;
  /** as the option */
  now: () => number;
  /** the features' own options, resolved by their normalisers */
  [feature: string]: unknown;
}

/** Close codes after which the default policy does not reconnect: the server says "don't come back as you are". */
export const FATAL_CODES: readonly number[] = [1002, 1003, 1007, 1008, 1009, 1010, 4401, 4403];

/** Accepted `binaryType` values: 'nodebuffer' and 'fragments' are the ws package's own. */
export const BINARY_TYPES: readonly string[] = ['blob', 'arraybuffer', 'nodebuffer', 'fragments'];

/** setTimeout's upper bound: larger values would fire at once. */
export const T = 2 ** 31 - 1;
const N = Number.MAX_SAFE_INTEGER;

/** A group's options: default, and for numbers the allowed [min, max] (a negative max means "up to -max, or Infinity"). */
export type Spec = Record<string, [unknown, number?, number?]>;

/**
 * Every option: its default, and for numbers the allowed [min, max] (a
 * negative max means "up to -max, or Infinity"). Timer values above 2^31−1
 * would fire at once, so they are out of range.
 */
const SPEC: Record<string, Spec> = {
  '': {
    WebSocket: [undefined],
    binaryType: ['blob'],
    connectTimeout: [10000, 1, -T],
    startClosed: [false],
    reconnect: [true],
    queue: [true],
    network: [true],
    beforeOpen: [undefined],
    random: [Math.random],
    // read the clock through a closure so a replaced Date (fake timers) is honoured
    now: [() => Date.now()],
  },
  reconnect: {
    minDelay: [1000, 0, T],
    maxDelay: [30000, 0, T],
    factor: [2, 1, N],
    jitter: [0.65, 0, 1],
    maxRetries: [Infinity, 0, -N],
    minUptime: [5000, 0, -T],
    shouldReconnect: [undefined],
  },
  queue: {
    max: [1000, 0, -N],
    maxBytes: [1048576, 0, -N],
    overflow: ['drop-oldest'],
    ttl: [Infinity, 1, -N],
  },
};

const SHARED: Record<string, Record<string, unknown>> = {};

/** A value as an error message shows it: strings quoted, the type named, never a throw. */
const show = (v: unknown): string => {
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'string') return `'${v}' (a string)`;
  if (v === null || typeof v !== 'object') return `${String(v)} (${typeof v})`;
  if (Array.isArray(v)) return 'an array';
  // a module namespace (`import * as ws from 'ws'`) has no prototype and can't become a string
  return (v as { [Symbol.toStringTag]?: string })[Symbol.toStringTag] === 'Module' ? 'a module namespace' : 'an object';
};

export const fail = (Err: typeof TypeError, name: string, rule: string, v: unknown): never => {
  throw new Err(`SteadySocket: option '${name}' must be ${rule}, got ${show(v)}`);
};

/** Where the peers' option names live here (reconnecting-websocket, partysocket, socket.io, sockette). */
const MOVED: Record<string, string> = {
  maxRetries: 'reconnect.maxRetries',
  maxAttempts: 'reconnect.maxRetries',
  reconnectionAttempts: 'reconnect.maxRetries',
  minReconnectionDelay: 'reconnect.minDelay',
  reconnectionDelay: 'reconnect.minDelay',
  maxReconnectionDelay: 'reconnect.maxDelay',
  reconnectionDelayMax: 'reconnect.maxDelay',
  reconnectionDelayGrowFactor: 'reconnect.factor',
  randomizationFactor: 'reconnect.jitter',
  minUptime: 'reconnect.minUptime',
  connectionTimeout: 'connectTimeout',
  maxEnqueuedMessages: 'queue.max',
};

/** The full entry's options: on the core they are a mistake worth a clear word. */
const FULL = ['heartbeat', 'channels', 'requestTimeout', 'schemas'];

/** "did you mean" for an unknown option: a peer's name, or an option of another group given at the top. */
const hint = (k: string): string => {
  if (FULL.includes(k))
    return ` here: '${k}' is a feature of the full entry (import { SteadySocket } from 'steadysocket'), not 'steadysocket/core'`;
  let to = MOVED[k];
  for (const g in SPEC) if (!to && g && k in SPEC[g]!) to = `${g}.${k}`;
  return to ? ` (did you mean '${to}'?)` : '';
};

/**
 * Merge `given` over the defaults of `spec` (the options of `group`) and check each value:
 * numbers against their range, functions and booleans by type. Unknown keys are rejected (a
 * typo would otherwise be ignored in silence) unless `extra` has a normaliser for them (the
 * features' options, at the top level); an explicit `undefined` keeps the default.
 */
export const resolve = (
  group: string,
  spec: Spec,
  given: unknown,
  extra: Record<string, (v: unknown) => unknown> = {},
): Record<string, any> => {
  const out: Record<string, unknown> = {};
  for (const k in spec) out[k] = spec[k]![0];
  // a group left at its defaults shares one frozen object across sockets
  if (group && (given === undefined || given === true)) return (SHARED[group] ??= Object.freeze(out));
  if (given !== undefined && (typeof given !== 'object' || !given || Array.isArray(given)))
    fail(TypeError, group || 'options', 'an object', given);
  for (const k in extra) out[k] = extra[k]!((given as Record<string, unknown> | undefined)?.[k]);
  for (const [k, v] of Object.entries(given ?? {})) {
    const name = group ? `${group}.${k}` : k;
    const rule = spec[k];
    if (!rule) {
      if (k in extra) continue;
      throw new TypeError(`SteadySocket: unknown option '${name}'${group ? '' : hint(k)}`);
    }
    if (v === undefined) continue;
    const [d, min, max] = rule!;
    if (max !== undefined) {
      if (typeof v !== 'number') fail(TypeError, name, 'a number', v);
      if (!(v >= min! && (v <= Math.abs(max) || (max < 0 && v === Infinity)))) {
        fail(RangeError, name, `a number from ${min} to ${Math.abs(max)}${max < 0 ? ' or Infinity' : ''}`, v);
      }
    } else if ((d === undefined && k !== 'WebSocket') || typeof d === 'function') {
      // (WebSocket is checked below, with advice on what to pass)
      if (typeof v !== 'function') fail(TypeError, name, 'a function', v);
    } else if (
      typeof d === 'boolean' &&
      typeof v !== 'boolean' &&
      (k === 'startClosed' || typeof v !== 'object' || !v || Array.isArray(v))
    ) {
      fail(TypeError, name, k === 'startClosed' ? 'a boolean' : 'a boolean or an object', v);
    }
    out[k] = v;
  }
  return out;
};

/**
 * Apply defaults and validate, once, in the constructor. Throws a TypeError
 * (wrong type) or RangeError (out of range) naming the option and the rule.
 * `extra`: the installed features' options, each with its normaliser.
 */
export const normalizeOptions = (options?: CoreOptions, extra?: Record<string, (v: unknown) => unknown>): Resolved => {
  const o = resolve('', SPEC['']!, options, extra);
  o.WebSocket ??= (globalThis as { WebSocket?: unknown }).WebSocket;
  if (typeof o.WebSocket !== 'function')
    fail(
      TypeError,
      'WebSocket',
      "a WebSocket constructor (on Node < 22: import { WebSocket } from 'ws', not the module namespace)",
      o.WebSocket,
    );
  if (!BINARY_TYPES.includes(o.binaryType)) {
    fail(TypeError, 'binaryType', "'blob' or 'arraybuffer' (with ws also 'nodebuffer' or 'fragments')", o.binaryType);
  }
  const r = (o.reconnect = resolve('reconnect', SPEC.reconnect!, o.reconnect || {}));
  if (r.maxDelay < r.minDelay) {
    // a minDelay above the default cap raises the cap; an explicit smaller maxDelay is a mistake
    if ((options?.reconnect as ReconnectOptions)?.maxDelay !== undefined) {
      fail(RangeError, 'reconnect.maxDelay', `≥ minDelay (${r.minDelay})`, r.maxDelay);
    }
    r.maxDelay = r.minDelay;
  }
  o.reconnecting = options?.reconnect !== false;
  if (o.queue) {
    const q = (o.queue = resolve('queue', SPEC.queue!, o.queue));
    if (!['drop-oldest', 'drop-newest', 'error'].includes(q.overflow)) {
      fail(RangeError, 'queue.overflow', "'drop-oldest', 'drop-newest' or 'error'", q.overflow);
    }
  } else o.queue = undefined;
  return o as Resolved;
};
