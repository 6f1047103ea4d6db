import { delayFor } from './backoff';
import type { SteadyCloseEvent, SteadySocketEventMap } from './events';
import { makeEvent, SteadyMessageEvent } from './events';
import type { Feature, FeatureDef, Host } from './feature';
import type { Input, State } from './machine';
import { READY_STATE, transition } from './machine';
import { browserTarget, isOffline, watchBrowser, watchNetwork } from './network';
import type { BinaryType, CoreOptions, Resolved } from './options';
import { BINARY_TYPES, FATAL_CODES, normalizeOptions } from './options';
import type { Data, DropReason, Item } from './queue';
import { byteLength, SendQueue, toFrame } from './queue';
import type { Listener, ListenerOptions } from './target';
import { report, Target } from './target';
import type { ProtocolsProvider, UrlProvider } from './url';
import { checkProtocols, checkUrl, syntaxError } from './url';

/** Channel names mapped to their payload types, for `new SteadySocket<Channels>()`. */
export type ChannelMap = Record<string, unknown>;

/**
 * A listener for one event type of the map, as addEventListener/removeEventListener take it
 * (`This`: the socket class, for `this` inside a listener function).
 */
export type TypedListener<C extends object, K extends keyof SteadySocketEventMap, This = SteadySocket<C>> =
  | ((this: This, ev: SteadySocketEventMap[K]) => unknown)
  | {
      /** called with each event, like a listener function */
      handleEvent(ev: SteadySocketEventMap[K]): unknown;
    }
  | null;
type NativeSocket = WebSocket & { terminate?: () => void };

const noop = () => {};

/** Cut a ws (Node) connection that is not closed yet; nothing on a browser socket. */
const cut = (ws: NativeSocket | undefined) => {
  try {
    if (ws && ws.readyState < 3) ws.terminate?.();
  } catch {
    // a socket we let go of must not fail the caller
  }
};

/** Page base for relative urls; read at call time so importing touches no browser global. */
const base = () => (globalThis as { document?: { baseURI?: string } }).document?.baseURI;

const isThenable = (v: unknown): v is PromiseLike<unknown> => typeof (v as PromiseLike<unknown>)?.then === 'function';

/**
 * `close(code, reason)` as the native socket takes them: WebIDL converts the code as a
 * `[Clamp] unsigned short` ('1000' and 1000.4 are 1000) and the reason to a well-formed string;
 * then the code must be 1000 or 3000–4999 and the reason at most 123 UTF-8 bytes.
 */
export const checkClose = (code?: unknown, reason?: unknown): [number | undefined, string | undefined] => {
  let c: number | undefined;
  if (code !== undefined) {
    // ToNumber (throws for a Symbol or BigInt, as natively), clamp, round half to even
    const x = Math.min(65535, Math.max(0, +(code as number) || 0));
    c = Math.round(x);
    if (c - x === 0.5 && c % 2) c--;
    if (c !== 1000 && !(c >= 3000 && c <= 4999))
      throw syntaxError(`close code must be 1000 or 3000-4999, got ${c}`, 'InvalidAccessError');
  }
  // a template literal throws for a Symbol, as the native conversion does
  const text = reason === undefined ? reason : `${reason as string}`;
  // lone surrogates become U+FFFD (USVString); older engines without toWellFormed send them as is
  const r = (text as { toWellFormed?: () => string } | undefined)?.toWellFormed?.() ?? text;
  if (r !== undefined && byteLength(r) > 123) throw syntaxError('close reason is over 123 bytes');
  return [c, r];
};

const closeEvent = (code: number, reason: string, wasClean = false) =>
  makeEvent('close', { code, reason, wasClean }) as CloseEvent;

/**
 * The connection cycle: a drop-in for the native `WebSocket` that reconnects
 * with backoff and jitter, queues what is sent while not open (reporting every
 * message it can't keep with `drop`), gives up an attempt at `connectTimeout`,
 * follows a close-code policy and the browser's network and page life cycle.
 * This is `steadysocket/core`; `steadysocket` adds the features (heartbeat,
 * channels, conversations) through the interface in `src/feature.ts`.
 *
 * @example
 * const socket = new SteadySocket('wss://example.com/live');
 * socket.addEventListener('message', (e) => console.log(e.data));
 * socket.send('hello'); // queued until the connection opens
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the interface below only declares what the static block defines on the prototype
export class SteadySocket<Channels extends object = ChannelMap> extends Target {
  /** `readyState` while connecting or waiting for a retry: 0 */
  static readonly CONNECTING: 0 = 0;
  /** `readyState` while open: 1 */
  static readonly OPEN: 1 = 1;
  /** `readyState` during the closing handshake after `close()`: 2 */
  static readonly CLOSING: 2 = 2;
  /** `readyState` when closed for good: 3 */
  static readonly CLOSED: 3 = 3;
  /**
   * The features this class installs (see `src/feature.ts`): none in the core. A subclass lists
   * its own; their options are accepted and their `setup` runs in the constructor.
   */
  static readonly features: readonly FeatureDef[] = [];

  /** @internal the resolved options */
  protected _o: Resolved;
  private _url: UrlProvider;
  private _protocols: ProtocolsProvider | undefined;
  private _href = '';
  private _binaryType: BinaryType;
  private _state: State = 'closed';
  /** readyState while a `close` event is dispatched (3), until a listener changes the state */
  private _rs: 3 | undefined;
  /** the current native socket: only events from this one count */
  private _ws: NativeSocket | undefined;
  /** attempt id: callbacks of an older attempt (a slow url provider, `beforeOpen`) do nothing */
  private _id = 0;
  /** the one state timer: backoff wait, connect timeout or closing timeout, never two at once */
  private _t: ReturnType<typeof setTimeout> | undefined;
  /** waiting for a retry (timer armed, or paused while offline) */
  private _wait = false;
  private _q: SendQueue | undefined;
  private _retries = 0;
  /** retries scheduled since the last stable connection (or open()/reconnect()): the backoff step */
  private _step = 0;
  private _openedAt = 0;
  /** the close event to report when open() cuts short a closing handshake: what close() sent */
  private _bye: CloseEvent | undefined;
  /** a ws socket closed cleanly by reconnect(), whose closing handshake may still be running */
  private _linger: NativeSocket | undefined;
  /** > 0 while `drop` listeners run: a send() from one that would drop again throws instead of looping */
  private _dropping = 0;
  private _offline = false;
  private _unwatch: (() => void) | undefined;
  /** plugged-in features (none on an idle core socket) */
  private _fs: Feature[] | undefined;
  /** the features with a `frame` hook, and those with a `message` hook: the hot path reads only these */
  private _in: Feature[] | undefined;
  private _out: Feature[] | undefined;
  /** the current connection was ready and its features have not been told it is lost */
  private _up = false;
  /** what features see of this socket; made on first use */
  private _hostObj: Host | undefined;

  /**
   * @param url where to connect: a string or URL (checked now, like the native
   *   constructor: a bad one throws a `SyntaxError`), or a function called
   *   before every attempt that may return a promise (fresh token, failover).
   * @param protocols subprotocols, or a function returning them (async allowed).
   * @param options see {@link CoreOptions}; may also be passed second when there are no protocols.
   */
  constructor(url: UrlProvider, protocols?: ProtocolsProvider | CoreOptions, options?: CoreOptions) {
    super();
    // as natively: the url is required (an explicit undefined is the relative url "undefined")
    if (!arguments.length) throw new TypeError('SteadySocket: 1 argument required, but only 0 present');
    if (protocols && typeof protocols === 'object' && !Array.isArray(protocols) && options === undefined) {
      options = protocols;
      protocols = undefined;
    }
    const defs = (new.target as typeof SteadySocket).features;
    const o = (this._o = normalizeOptions(options, Object.assign({}, ...defs.map((d) => d.options))));
    SteadyMessageEvent.init();
    if (typeof url !== 'function') this._href = checkUrl(url, base());
    if (protocols !== undefined && typeof protocols !== 'function') checkProtocols(protocols as string | string[]);
    this._url = url;
    this._protocols = protocols as ProtocolsProvider | undefined;
    this._binaryType = o.binaryType;
    for (const d of defs) {
      const f = d.setup?.(o, () => this._host(), this);
      if (f) this._use(f);
    }
    if (!o.startClosed)
      this._restart(undefined, undefined, typeof url === 'function' || typeof protocols === 'function');
  }

  // ── state ────────────────────────────────────────────────────────────

  /** `'connecting'` (also while waiting for a retry), `'open'`, `'closing'` or `'closed'`. */
  get state(): State {
    return this._state;
  }

  /**
   * The native number for {@link state}: 0 connecting, 1 open, 2 closing, 3 closed. Inside a
   * `close` listener it is 3, as natively, also when a retry follows (`state` tells what is next).
   */
  get readyState(): 0 | 1 | 2 | 3 {
    return this._rs ?? READY_STATE[this._state];
  }

  /** Consecutive failed attempts since the last connection that stayed up `minUptime`. */
  get retryCount(): number {
    const o = this._o;
    return this._openedAt && o.now() - this._openedAt >= o.reconnect.minUptime ? 0 : this._retries;
  }

  /** The url of the current (or last) connection, resolved and normalised. */
  get url(): string {
    return this._ws?.url || this._href;
  }

  /** The subprotocol the server chose; `''` when not connected. */
  get protocol(): string {
    return this._ws?.protocol ?? '';
  }

  /** The extensions the server chose; `''` when not connected. */
  get extensions(): string {
    return this._ws?.extensions ?? '';
  }

  /** How binary frames are delivered; applied to every connection. */
  get binaryType(): BinaryType {
    return this._binaryType;
  }
  /** Change how binary frames are delivered, for the current connection and every later one. */
  set binaryType(value: BinaryType) {
    // like the native setter, an unknown value is ignored
    if (!BINARY_TYPES.includes(value)) return;
    this._binaryType = value;
    if (this._ws) this._bind(this._ws);
  }

  /** Bytes not yet sent: the native socket's buffer plus the UTF-8 bytes waiting in the queue. */
  get bufferedAmount(): number {
    return (this._ws?.bufferedAmount ?? 0) + (this._q?.bytes ?? 0);
  }

  /** Messages waiting in the send queue. */
  get queued(): number {
    return this._q?.length ?? 0;
  }

  // ── public calls ─────────────────────────────────────────────────────

  /**
   * Send now when open; otherwise queue (in order, ahead of anything sent
   * later). A message that can't be kept gets a `drop` event; under
   * `overflow: 'error'` this also throws a RangeError.
   */
  send(data: Data): void {
    // as natively: send() needs its argument (an explicit undefined is sent as "undefined")
    if (!arguments.length) throw new TypeError('SteadySocket: send() needs 1 argument');
    const ws = this._ws;
    // the native socket may know it is closing before its close event reached us
    if (this._state === 'open' && ws?.readyState === 1) return ws.send(toFrame(data));
    this._send(data);
  }

  /** send() for the public call and for features (with `done`: see Host.send); returns the unqueue function. */
  private _send(data: Data, done?: Item[4]): () => boolean {
    const ws = this._ws;
    const never = () => false;
    if (this._state === 'open' && ws?.readyState === 1) {
      ws.send(toFrame(data));
      done?.();
      return never;
    }
    const o = this._o;
    // made on first use: an idle socket carries no queue
    const q = o.queue && (this._q ??= new SendQueue(o.queue, o.now, (_d, reason, item) => this._lose(item, reason)));
    // a drop listener that sends what can't be kept would loop for ever: refuse it instead
    if (this._dropping && !q?.room(data))
      throw new RangeError('SteadySocket: send() in a drop listener would drop again');
    if (!q) {
      this._lose([data, 0, 0, data, done], 'disabled');
      return never;
    }
    const item = q.push(data, done);
    if (!item) throw new RangeError('SteadySocket: send queue is full');
    return () => q.remove(item);
  }

  /** Start connecting: after `startClosed`, after `close()` or after `giveup`. Does nothing otherwise. */
  open(): void {
    if (this._state === 'closed' || this._state === 'closing') this._restart();
  }

  /**
   * Close for good: no retries until `open()`. Messages still queued are
   * dropped (`drop` with reason `'closed'`). Throws like the native `close()`
   * for a code other than 1000 or 3000–4999, or a reason over 123 bytes.
   */
  close(code?: number, reason?: string): void {
    [code, reason] = checkClose(code, reason);
    const ws = this._ws;
    if (this._state === 'open' && ws) {
      this._stopTimer();
      this._bye = closeEvent(code ?? 1005, reason ?? '', true);
      ws.close(code, reason);
      const id = this._id;
      this._set('close');
      // the features are done with this connection (no heartbeat pings into a closing handshake);
      // told after entering 'closing', so they can tell a close() from a lost connection
      this._down();
      // a peer that never answers the closing handshake must not keep us in 'closing',
      // unless a statechange listener already moved on (open() or reconnect())
      if (id === this._id)
        this._timer(() => this._over(closeEvent(1006, 'closing handshake timed out')), this._o.connectTimeout);
    } else if (this._state !== 'closing') {
      // connecting, waiting for a retry, or closed already: what was queued until now is dropped
      // (after the close event); what a close listener sends waits for the next open()
      const left = this._q?.cut();
      this._detach(code, reason);
      const id = this._id;
      // readyState is already CLOSED while `close` listeners run; one that calls open() wins
      this._set('end');
      if (ws) this._closed(closeEvent(1006, ''));
      if (id === this._id) this._end('closed', left);
      else this._q?.restore(left);
    }
  }

  /** Drop the current connection (closing it with `code`/`reason`) and connect again at once, resetting the retry count. */
  reconnect(code?: number, reason?: string): void {
    [code, reason] = checkClose(code, reason);
    this._restart(code ?? 1000, reason);
  }

  // ── the feature interface (src/feature.ts) ───────────────────────────

  /** What features see of this socket: made once, on first use. */
  protected _host(): Host {
    const self = this;
    return (this._hostObj ??= {
      options: this._o,
      get state() {
        return self._state;
      },
      send: (data, done) => this._send(data, done),
      live: (data) => {
        const ws = this._ws;
        const open = this._state === 'open' && ws?.readyState === 1;
        if (open) ws.send(toFrame(data));
        return open;
      },
      kill: (reason) => this._state === 'open' && this._over(closeEvent(1006, reason)),
      error: (err) => this._error(err),
      fire: (type, fields) => this._fire(type, fields),
      use: (f) => this._use(f),
    });
  }

  /** Plug a feature in; returns the function that unplugs it. */
  private _use(f: Feature): () => void {
    this._fs = [...(this._fs ?? []), f];
    this._hooks();
    return () => {
      this._fs = this._fs?.filter((x) => x !== f);
      this._hooks();
    };
  }

  private _hooks(): void {
    const fs = this._fs ?? [];
    const pick = (k: keyof Feature) => {
      const list = fs.filter((f) => f[k]);
      return list.length ? list : undefined;
    };
    this._in = pick('frame');
    this._out = pick('message');
  }

  /** Call `hook` on every feature that has it; a feature that throws is reported, never breaks the cycle. */
  private _each<K extends 'ready' | 'lost' | 'check' | 'end'>(hook: K, ...args: Parameters<NonNullable<Feature[K]>>) {
    for (const f of this._fs ?? []) {
      try {
        (f[hook] as ((...a: unknown[]) => void) | undefined)?.(...args);
      } catch (err) {
        report(err);
      }
    }
  }

  /** The ready connection is over for the features (dropped, replaced, or closing): told once. */
  private _down(): void {
    if (!this._up) return;
    this._up = false;
    this._each('lost');
  }

  // ── the connection cycle ─────────────────────────────────────────────

  /** Apply a state machine input; emits `statechange` on a real change, ignores impossible inputs. */
  private _set(input: Input): void {
    const from = this._state;
    const to = transition(from, input);
    if (!to || to === from) return;
    this._state = to;
    this._rs = undefined;
    this._fire('statechange', { from, to });
  }

  private _timer(fn: () => void, ms: number): void {
    clearTimeout(this._t);
    this._t = ms < Infinity ? setTimeout(fn, ms) : undefined;
  }

  private _stopTimer(): void {
    clearTimeout(this._t);
    this._t = undefined;
  }

  /** Forget the current native socket: stop its timers, unhook it, and close it if still up. */
  private _detach(code?: number, reason?: string): void {
    this._stopTimer();
    this._down();
    // whatever the old attempt still has in flight (a url provider, beforeOpen) is now stale
    this._id++;
    this._wait = false;
    const ws = this._ws;
    this._ws = undefined;
    if (!ws) return;
    ws.onopen = ws.onmessage = ws.onclose = null;
    // a late error from an abandoned socket must not be unhandled (ws emits it as an EventEmitter error)
    ws.onerror = noop;
    // ws (Node) can cut a connection, even one stuck in its closing handshake: otherwise its own
    // 30 s close timer keeps the process alive; a browser's native socket only takes close()
    if (ws.terminate && (code === undefined || ws.readyState === 2)) return cut(ws);
    try {
      if (ws.readyState < 2) ws.close(code, reason);
    } catch {
      // closing a socket we no longer use must not fail the caller
    }
    // a ws socket closed cleanly (reconnect()) may wait 30 s for a silent peer: cut it when the
    // next one is let go of this way, or when the socket closes for good
    if (ws.terminate) {
      cut(this._linger);
      this._linger = ws;
    }
  }

  /** Drop whatever is current and start a fresh attempt now (open() and reconnect()). */
  private _restart(code?: number, reason?: string, defer?: boolean): void {
    const ws = this._ws;
    const was = this._state;
    this._detach(code, reason);
    const id = this._id;
    this._retries = this._step = 0;
    this._openedAt = 0;
    // enter connecting first, so close listeners see the state a retry gives (as in _over)
    this._set('start');
    if (ws) {
      // an open connection closed by us now; a closing one as close() asked; one never opened is lost (1006)
      const ev =
        was === 'open'
          ? closeEvent(code ?? 1005, reason ?? '', true)
          : (was === 'closing' && this._bye) || closeEvent(1006, '');
      this._closed(ev);
    }
    // a statechange or close listener that called close() (or open()/reconnect() itself) wins
    if (id !== this._id) return;
    this._q?.park(false);
    const n = this._o.network;
    if (!this._unwatch && n) {
      const target = n === true ? browserTarget() : n;
      this._offline = isOffline(target);
      const handlers = {
        online: () => {
          this._offline = false;
          this._wake();
        },
        offline: () => {
          this._offline = true;
          if (this._wait) this._timer(noop, Infinity); // paused until online
          this._each('check');
        },
        visible: () => this._wake(),
      };
      // the page's own window is shared by every socket; an injected target is watched per socket
      this._unwatch = n === true ? watchBrowser(handlers) : watchNetwork(target, handlers);
    }
    // a url provider called from the constructor could fail before anyone listens: start in a microtask
    if (!defer) return this._connect();
    const now = this._id;
    queueMicrotask(() => now === this._id && this._connect());
  }

  /** Network back or page shown: retry now if waiting, check liveness if open. */
  private _wake(): void {
    if (this._wait && !this._offline) this._schedule(0);
    this._each('check');
  }

  private _connect(): void {
    const id = ++this._id;
    this._wait = false;
    const o = this._o;
    this._timer(
      () =>
        this._over(closeEvent(1006, 'connect timeout'), [
          new Error(`SteadySocket: connectTimeout (${o.connectTimeout} ms) passed`),
        ]),
      o.connectTimeout,
    );
    try {
      const url = typeof this._url === 'function' ? this._url() : this._url;
      const p = this._protocols;
      const protocols = typeof p === 'function' ? p() : p;
      // a url or protocols function that called close(), open() or reconnect() wins
      if (isThenable(url) || isThenable(protocols)) {
        Promise.all([url, protocols]).then(
          ([u, ps]) => id === this._id && this._dial(u, ps),
          (err) => id === this._id && this._over(closeEvent(1006, ''), [err]),
        );
      } else if (id === this._id) this._dial(url, protocols);
    } catch (err) {
      if (id === this._id) this._over(closeEvent(1006, ''), [err]);
    }
  }

  private _dial(url: string | URL, protocols: string | string[] | undefined): void {
    try {
      // a function that forgot to return would otherwise connect to <page>/undefined
      if (typeof url !== 'string' && (typeof url !== 'object' || !url))
        throw new TypeError(`SteadySocket: the url function gave ${String(url)}, not a string or URL`);
      const href = (this._href = checkUrl(url, base()));
      const ws = new this._o.WebSocket(
        href,
        protocols === undefined ? undefined : checkProtocols(protocols),
      ) as NativeSocket;
      this._bind(ws);
      this._ws = ws;
      // the message handler stays apart: the hot path needs no look at e.type;
      // one handler for the three rare events saves memory per connection
      ws.onmessage = (e) => ws === this._ws && this._message(e);
      ws.onopen =
        ws.onerror =
        ws.onclose =
          (e: Event) => {
            if (ws !== this._ws) return;
            if (e.type === 'open') this._opened(ws, e);
            else if (e.type === 'close') this._over(e as CloseEvent);
            else this._emit('error', e);
          };
    } catch (err) {
      this._over(closeEvent(1006, ''), [err]);
    }
  }

  /** Apply binaryType, then keep what the socket took: a browser ignores ws's 'nodebuffer' and 'fragments'. */
  private _bind(ws: NativeSocket): void {
    ws.binaryType = this._binaryType;
    this._binaryType = ws.binaryType || this._binaryType;
  }

  private _opened(ws: NativeSocket, e: Event): void {
    const id = this._id;
    const hook = this._o.beforeOpen;
    if (!hook) return this._ready(ws, e);
    try {
      // a frame meant for a connection that is gone is reported, not sent elsewhere
      const r = hook((data) => (id === this._id ? ws.send(data) : this._drop(data, 'closed')));
      // beforeOpen that called close(), open() or reconnect() wins
      if (id !== this._id) return;
      if (!isThenable(r)) return this._ready(ws, e);
      r.then(
        () => id === this._id && this._ready(ws, e),
        (err) => id === this._id && this._over(closeEvent(1006, 'beforeOpen failed'), [err]),
      );
    } catch (err) {
      if (id === this._id) this._over(closeEvent(1006, 'beforeOpen failed'), [err]);
    }
  }

  /** The connection is usable: features first, then the backlog, then become open, then tell the listeners. */
  private _ready(ws: NativeSocket, e: Event): void {
    const o = this._o;
    clearTimeout(this._t);
    this._openedAt = o.now();
    const id = this._id;
    this._up = true;
    // what features send here (subscriptions) goes first, on this connection only
    this._each('ready', (data: Data) => {
      if (id !== this._id) return;
      try {
        ws.send(toFrame(data));
      } catch (err) {
        this._error(err);
      }
    });
    // ttl drops reported during the flush run listeners: their sends queue behind the backlog, and
    // one that closed or replaced the connection stops the flush with the rest still queued
    const q = this._q;
    while (q) {
      q.expire();
      if (ws !== this._ws || ws.readyState !== 1 || !q.length) break;
      const item = q.take()!;
      try {
        ws.send(item[3]);
      } catch (err) {
        // a send that throws (a ws refusing a frame) costs that message alone, reported: the flush goes on
        this._error(err);
        this._lose(item, 'error');
        continue;
      }
      item[4]?.();
    }
    if (ws !== this._ws) return;
    this._set('ready');
    // a statechange listener that called close() or reconnect() wins: no `open` for a connection it ended
    if (id === this._id && this._state === 'open') this._emit('open', e);
  }

  /** The hot path: one frame in. */
  private _message(e: MessageEvent): void {
    const fin = this._in;
    if (fin) for (const f of fin) if (f.frame!(e.data)) return;
    const out = this._out;
    if (!this._l.message && !out) return;
    const ev = new SteadyMessageEvent(e.data, this, e) as unknown as MessageEvent;
    this._emit('message', ev);
    if (out) for (const f of out) f.message!(ev);
  }

  /**
   * The current connection or attempt is over: `ev` is the native close, or
   * one we made (timeout, heartbeat, url provider, beforeOpen) with the error
   * behind it in `err` (in an array: a promise may reject with undefined). Decide, enter the next state, emit `close` (when there was a
   * socket), then schedule the retry unless a close listener took over.
   */
  private _over(ev: CloseEvent, err?: [unknown]): void {
    const o = this._o;
    const r = o.reconnect;
    const had = !!this._ws;
    const closing = this._state === 'closing';
    if (err) {
      const before = this._id;
      this._error(err[0]);
      // an error listener called close(), open() or reconnect(): that wins
      if (before !== this._id) return;
    }
    this._detach();
    const id = this._id;
    if (closing) {
      // the closing handshake is over; what was sent meanwhile waits for the next open()
      this._set('end');
      this._closed(ev);
      if (id === this._id) this._end('closed');
      return;
    }
    // a connection that stayed up minUptime resets the count; anything shorter is one more failure
    if (this._openedAt && o.now() - this._openedAt >= r.minUptime) this._retries = this._step = 0;
    else this._retries++;
    this._openedAt = 0;
    let again = o.reconnecting;
    if (again && had) {
      try {
        again = r.shouldReconnect ? !!r.shouldReconnect(ev) : !FATAL_CODES.includes(ev.code);
      } catch (e) {
        report(e);
        again = !FATAL_CODES.includes(ev.code);
      }
    }
    // maxRetries counts retries, as every peer does: N retries = N + 1 attempts in a row
    const giveup = again && this._retries > r.maxRetries;
    const stay = again && !giveup;
    // what is queued now is given up with the socket; what a close listener sends waits for open()
    const left = stay ? undefined : this._q?.cut();
    // enter the next state first, so `state` in close listeners tells what follows: 'connecting' or 'closed'
    this._set(stay ? 'retry' : 'end');
    if (had) this._closed(ev);
    // a statechange or close listener called open(), close() or reconnect(): that wins (and keeps the queue)
    if (id !== this._id) return this._q?.restore(left);
    if (!stay) return this._end(giveup ? 'giveup' : 'closed', left);
    // the first retry after a stable connection (or after the first attempt) waits about minDelay, then the wait grows
    this._schedule(delayFor(++this._step, r, this._random()));
  }

  /** The `random` option's next number; one outside [0, 1) (or a throw) is reported and Math.random used. */
  private _random(): number {
    try {
      const x = this._o.random();
      if (x >= 0 && x < 1) return x;
      throw new RangeError(`SteadySocket: option 'random' must return a number from 0 to 1, got ${String(x)}`);
    } catch (e) {
      report(e);
    }
    return Math.random();
  }

  /** Wait `delay` ms, then attempt again (paused while offline). */
  private _schedule(delay: number): void {
    this._wait = true;
    this._timer(noop, Infinity);
    if (this._offline) return;
    const id = this._id;
    this._fire('reconnecting', { attempt: this._step, delay });
    // a reconnecting listener may have taken over, or the network gone offline meanwhile (paused)
    if (id === this._id && this._wait && !this._offline) this._timer(() => this._connect(), delay);
  }

  /**
   * Enter `closed` for good: nothing scheduled, nothing listened to, the messages `left` in the
   * queue when the socket gave up reported. The queue stays for sends made after close(), parked.
   */
  private _end(why: 'closed' | 'giveup', left: Item[] = []): void {
    this._detach();
    cut(this._linger);
    this._linger = undefined;
    this._unwatch?.();
    this._unwatch = undefined;
    this._q?.park(true);
    const id = this._id;
    this._set('end');
    // a statechange listener that called open() keeps what was queued, and there is nothing to give up on
    if (id !== this._id) return this._q?.restore(left);
    this._each('end', why);
    for (const item of left) this._lose(item, why);
    // a drop listener that called open() wins here too: the socket did not give up
    if (why === 'giveup' && id === this._id) this._fire('giveup', { attempts: this._retries });
  }

  /** Emit a connection's `close` with readyState CLOSED, as natively, whatever state comes next. */
  private _closed(ev: CloseEvent): void {
    this._rs = 3;
    this._fire('close', ev);
    this._rs = undefined;
  }

  /** A queued message will not be sent: a feature's frame tells its feature, any other is a `drop` event. */
  private _lose(item: Item, reason: DropReason): void {
    item[4] ? item[4](reason) : this._drop(item[0], reason);
  }

  private _drop(data: Data, reason: DropReason): void {
    // _emit reports listener exceptions itself, so the count always comes back down
    this._dropping++;
    this._fire('drop', { data, reason });
    this._dropping--;
  }

  private _error(error: unknown): void {
    this._fire('error', { error, message: String((error as Error)?.message ?? error) });
  }

  // Instance constants and on* handlers live on the prototype, defined once.
  // An on* handler keeps the place in the listener list where it was first
  // set, like the native event handler attributes.
  static {
    const proto = SteadySocket.prototype;
    for (const [i, k] of ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED'].entries())
      Object.defineProperty(proto, k, { value: i });
    Target._handlers(proto, ['open', 'message', 'close', 'error']);
  }
}

// the typed overloads of the listener methods; the methods themselves are Target's
export interface SteadySocket<Channels extends object = ChannelMap> {
  /**
   * Listen for an event, with the native semantics: a listener is added once per
   * (type, listener, capture), `once` removes it after the first call, `signal` removes it on abort,
   * and objects with `handleEvent` work. A listener that throws is reported and never breaks the socket.
   */
  addEventListener<K extends keyof SteadySocketEventMap>(
    type: K,
    listener: TypedListener<Channels, K>,
    options?: boolean | ListenerOptions,
  ): void;
  /** Listen for an event of any other type. */
  addEventListener(type: string, listener: Listener | null, options?: boolean | ListenerOptions): void;
  /** Remove a listener added with the same type, listener and capture flag. */
  removeEventListener<K extends keyof SteadySocketEventMap>(
    type: K,
    listener: TypedListener<Channels, K>,
    options?: boolean | Pick<ListenerOptions, 'capture'>,
  ): void;
  /** Remove a listener of any other type. */
  removeEventListener(
    type: string,
    listener: Listener | null,
    options?: boolean | Pick<ListenerOptions, 'capture'>,
  ): void;
  /** 0 */
  readonly CONNECTING: 0;
  /** 1 */
  readonly OPEN: 1;
  /** 2 */
  readonly CLOSING: 2;
  /** 3 */
  readonly CLOSED: 3;
  /** Called for every `open`; assigning replaces the previous handler in place, `null` removes it. */
  // `this` is the socket at run time; typed `any` (not SteadySocket) so a SteadySocket
  // can be passed wherever a DOM `WebSocket` is expected, whose handlers take `this: WebSocket`
  // biome-ignore lint/suspicious/noExplicitAny: see above
  onopen: ((this: any, ev: Event) => unknown) | null;
  /** Called for every `message` (not for heartbeat pongs). */
  // biome-ignore lint/suspicious/noExplicitAny: see onopen
  onmessage: ((this: any, ev: MessageEvent) => unknown) | null;
  /** Called for every `close` of an underlying connection. */
  // biome-ignore lint/suspicious/noExplicitAny: see onopen
  onclose: ((this: any, ev: SteadyCloseEvent) => unknown) | null;
  /** Called for every `error`. */
  // biome-ignore lint/suspicious/noExplicitAny: see onopen
  onerror: ((this: any, ev: Event) => unknown) | null;
}
