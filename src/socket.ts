import { delayFor } from './backoff';
import type { Channel, Envelope } from './channels';
import type { SteadyCloseEvent, SteadySocketEventMap } from './events';
import { makeEvent, SteadyMessageEvent } from './events';
import type { Heartbeat } from './heartbeat';
import { createHeartbeat } from './heartbeat';
import type { Input, State } from './machine';
import { READY_STATE, transition } from './machine';
import { browserTarget, isOffline, watchBrowser, watchNetwork } from './network';
import type { BinaryType, Resolved, SteadySocketOptions } from './options';
import { BINARY_TYPES, FATAL_CODES, normalizeOptions } from './options';
import type { Data, DropReason, Item } from './queue';
import { byteLength, SendQueue, toFrame } from './queue';
import type { ProtocolsProvider, UrlProvider } from './url';
import { checkProtocols, checkUrl, syntaxError } from './url';

/** Channel names mapped to their payload types, for `new SteadySocket<Channels>()`. */
export type ChannelMap = Record<string, unknown>;

// spelled out rather than the DOM's EventListenerOrEventListenerObject: the .d.ts must not need the DOM lib
/** A listener for any event type: a function, or an object with `handleEvent` (as with the native EventTarget). */
export type Listener =
  | ((ev: Event) => unknown)
  | {
      /** called with each event, like a listener function */
      handleEvent(ev: Event): unknown;
    };
/** A registered listener: function or object, capture flag, once, removed, abort wiring. */
interface Entry {
  f: Listener;
  c: boolean;
  o: boolean;
  r?: boolean;
  s?: AbortSignal;
  a?: () => void;
}
type Handler = (data: unknown, event: MessageEvent) => void;
/** A listener for one event type of the map, as addEventListener/removeEventListener take it. */
export type TypedListener<C extends object, K extends keyof SteadySocketEventMap> =
  | ((this: SteadySocket<C>, ev: SteadySocketEventMap[K]) => unknown)
  | {
      /** called with each event, like a listener function */
      handleEvent(ev: SteadySocketEventMap[K]): unknown;
    }
  | null;
type NativeSocket = WebSocket & { terminate?: () => void };
/** `addEventListener` options, spelled out so the .d.ts needs no DOM lib (Node's types lack the name). */
export interface ListenerOptions {
  /** matched with the listener when removing it */
  capture?: boolean;
  /** remove the listener after its first call */
  once?: boolean;
  /** accepted for compatibility; the socket's events can't be cancelled anyway */
  passive?: boolean;
  /** remove the listener when this signal aborts */
  signal?: AbortSignal;
}

const noop = () => {};

/** Cut a ws (Node) connection that is not closed yet; nothing on a browser socket. */
const cut = (ws: NativeSocket | undefined) => {
  try {
    if (ws && ws.readyState < 3) ws.terminate?.();
  } catch {
    // a socket we let go of must not fail the caller
  }
};

/** Hand a listener's exception to the host like the platform does, without breaking the dispatch. */
const report = (err: unknown) => {
  const g = globalThis as { reportError?: (e: unknown) => void };
  g.reportError ? g.reportError(err) : console.error(err);
};

/** Page base for relative urls; read at call time so importing touches no browser global. */
const base = () => (globalThis as { document?: { baseURI?: string } }).document?.baseURI;

const isThenable = (v: unknown): v is PromiseLike<unknown> => typeof (v as PromiseLike<unknown>)?.then === 'function';

/**
 * `close(code, reason)` as the native socket takes them: WebIDL converts the code as a
 * `[Clamp] unsigned short` ('1000' and 1000.4 are 1000) and the reason to a well-formed string;
 * then the code must be 1000 or 3000–4999 and the reason at most 123 UTF-8 bytes.
 */
const checkClose = (code?: unknown, reason?: unknown): [number | undefined, string | undefined] => {
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

/**
 * The native argument checks of add/removeEventListener: two arguments, a listener that is
 * null, a function or an object (anything else is a TypeError at once, not at dispatch), and
 * the type as a string. Returns the type.
 */
const listenerArgs = (n: number, type: unknown, listener: unknown): string => {
  if (n < 2) throw new TypeError(`SteadySocket: 2 arguments required, but only ${n} present`);
  if (listener != null && typeof listener !== 'object' && typeof listener !== 'function')
    throw new TypeError('SteadySocket: the listener must be a function or an object with handleEvent');
  return `${type as string}`;
};

type Stoppable = Event & { _stop?: boolean };

/** An Event of this realm or another (an iframe's): what the native dispatchEvent() accepts. */
const isEvent = (ev: unknown): boolean => {
  if (typeof Event !== 'function' || ev instanceof Event) return true;
  try {
    // the platform's brand check: throws for anything that is not an Event
    Object.getOwnPropertyDescriptor(Event.prototype, 'type')?.get?.call(ev);
    return true;
  } catch {
    return false;
  }
};

/**
 * Point an event at the socket for a dispatch: `target`, `currentTarget`, `eventPhase` 2 (at
 * target), and a stopImmediatePropagation() the dispatch can tell apart from stopPropagation().
 */
const point = (ev: Stoppable, target: EventTarget) => {
  const v = (value: unknown) => ({ value, configurable: true });
  const stop = ev.stopImmediatePropagation;
  try {
    Object.defineProperties(ev, {
      target: v(target),
      currentTarget: v(target),
      eventPhase: v(2),
      stopImmediatePropagation: v(() => {
        ev._stop = true;
        stop?.call(ev);
      }),
    });
  } catch {
    // an event object that can't take them keeps its own fields
  }
};

const closeEvent = (code: number, reason: string, wasClean = false) =>
  makeEvent('close', { code, reason, wasClean }) as CloseEvent;

// `instanceof EventTarget` holds through the prototype chain, but no native
// EventTarget is constructed (a Blink object per socket that our own dispatch,
// see _emit, would never use). Guarded so the module loads where EventTarget is missing.
class Base {}
// a class (never an arrow a minifier could make of a function) whose prototype chain reaches EventTarget's
if (typeof EventTarget === 'function') Object.setPrototypeOf(Base.prototype, EventTarget.prototype);

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
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the interface below only declares what the static block defines on the prototype
export class SteadySocket<Channels extends object = ChannelMap> extends (Base as unknown as typeof EventTarget) {
  /** `readyState` while connecting or waiting for a retry: 0 */
  static readonly CONNECTING: 0 = 0;
  /** `readyState` while open: 1 */
  static readonly OPEN: 1 = 1;
  /** `readyState` during the closing handshake after `close()`: 2 */
  static readonly CLOSING: 2 = 2;
  /** `readyState` when closed for good: 3 */
  static readonly CLOSED: 3 = 3;

  /** Round-trip time of the last heartbeat ping, in ms; `undefined` before the first pong. */
  rtt: number | undefined;

  private _o: Resolved;
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
  private _hb: Heartbeat | undefined;
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
  /** listeners by type; arrays are replaced, never mutated, so a dispatch iterates a stable snapshot */
  private _l: Record<string, Entry[]> = Object.create(null);
  /** on* handlers by type: [handler, its entry in _l] */
  private _h: Record<string, [(this: unknown, ev: Event) => unknown, Entry] | undefined> | undefined;
  /** channel handlers by name, copy-on-write like _l */
  private _ch: Map<string, Handler[]> | undefined;

  /**
   * @param url where to connect: a string or URL (checked now, like the native
   *   constructor: a bad one throws a `SyntaxError`), or a function called
   *   before every attempt that may return a promise (fresh token, failover).
   * @param protocols subprotocols, or a function returning them (async allowed).
   * @param options see {@link SteadySocketOptions}; may also be passed second when there are no protocols.
   */
  constructor(url: UrlProvider, protocols?: ProtocolsProvider | SteadySocketOptions, options?: SteadySocketOptions) {
    super();
    // as natively: the url is required (an explicit undefined is the relative url "undefined")
    if (!arguments.length) throw new TypeError('SteadySocket: 1 argument required, but only 0 present');
    if (protocols && typeof protocols === 'object' && !Array.isArray(protocols) && options === undefined) {
      options = protocols;
      protocols = undefined;
    }
    const o = (this._o = normalizeOptions(options));
    SteadyMessageEvent.init();
    if (typeof url !== 'function') this._href = checkUrl(url, base());
    if (protocols !== undefined && typeof protocols !== 'function') checkProtocols(protocols as string | string[]);
    this._url = url;
    this._protocols = protocols as ProtocolsProvider | undefined;
    this._binaryType = o.binaryType;
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
    const o = this._o;
    // made on first use: an idle socket carries no queue
    const q = o.queue && (this._q ??= new SendQueue(o.queue, o.now, (d, reason) => this._drop(d, reason)));
    // a drop listener that sends what can't be kept would loop for ever: refuse it instead
    if (this._dropping && !q?.room(data))
      throw new RangeError('SteadySocket: send() in a drop listener would drop again');
    if (!q) return this._drop(data, 'disabled');
    if (!q.push(data)) throw new RangeError('SteadySocket: send queue is full');
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
      this._stopTimers();
      this._bye = closeEvent(code ?? 1005, reason ?? '', true);
      ws.close(code, reason);
      const id = this._id;
      this._set('close');
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

  /**
   * A typed channel on the `channels` codec (default: JSON `{"channel", "data"}`).
   * @example
   * const chat = socket.channel('chat');
   * const off = chat.on((msg) => show(msg.text));
   * chat.send({ text: 'hi' });
   */
  channel<K extends keyof Channels & string>(name: K): Channel<Channels[K]> {
    if (typeof name !== 'string') throw new TypeError('SteadySocket: channel name must be a string');
    const codec = this._o.channels;
    const map = (this._ch ??= new Map<string, Handler[]>());
    return {
      name,
      send: (data) => this.send(codec.encode(name, data)),
      on: (handler) => {
        if (typeof handler !== 'function') throw new TypeError('SteadySocket: channel handler must be a function');
        const h = handler as Handler;
        map.set(name, [...(map.get(name) ?? []), h]);
        return () => {
          const left = (map.get(name) ?? []).filter((x) => x !== h);
          left.length ? map.set(name, left) : map.delete(name);
        };
      },
    };
  }

  // ── events, with the native EventTarget's semantics ──────────────────

  /**
   * Listen for an event, with the native semantics: a listener is added once per
   * (type, listener, capture), `once` removes it after the first call, `signal` removes it on abort,
   * and objects with `handleEvent` work. A listener that throws is reported and never breaks the socket.
   */
  override addEventListener<K extends keyof SteadySocketEventMap>(
    type: K,
    listener: TypedListener<Channels, K>,
    options?: boolean | ListenerOptions,
  ): void;
  override addEventListener(type: string, listener: Listener | null, options?: boolean | ListenerOptions): void;
  override addEventListener(type: string, listener: Listener | null, options?: boolean | ListenerOptions): void {
    type = listenerArgs(arguments.length, type, listener);
    if (!listener) return;
    const opts = typeof options === 'object' && options ? options : {};
    const c = typeof options === 'boolean' ? options : !!opts.capture;
    const s = opts.signal;
    if (s?.aborted || this._find(type, listener, c)) return;
    const entry: Entry = { f: listener, c, o: !!opts.once };
    this._l[type] = [...(this._l[type] ?? []), entry];
    if (s) {
      entry.s = s;
      entry.a = () => this._remove(type, entry);
      s.addEventListener('abort', entry.a);
    }
  }

  /** Remove a listener added with the same type, listener and capture flag. */
  override removeEventListener<K extends keyof SteadySocketEventMap>(
    type: K,
    listener: TypedListener<Channels, K>,
    options?: boolean | Pick<ListenerOptions, 'capture'>,
  ): void;
  override removeEventListener(
    type: string,
    listener: Listener | null,
    options?: boolean | Pick<ListenerOptions, 'capture'>,
  ): void;
  override removeEventListener(
    type: string,
    listener: Listener | null,
    options?: boolean | Pick<ListenerOptions, 'capture'>,
  ): void {
    type = listenerArgs(arguments.length, type, listener);
    const c = typeof options === 'boolean' ? options : !!options?.capture;
    const entry = listener && this._find(type, listener, c);
    if (entry) this._remove(type, entry);
  }

  /** Dispatch `event` to this socket's listeners; returns false if a listener called `preventDefault()`. */
  override dispatchEvent(event: Event): boolean {
    if (!isEvent(event)) throw new TypeError('SteadySocket: not an Event');
    this._emit(event.type, event);
    return !event.defaultPrevented;
  }

  private _find(type: string, f: Listener, c: boolean): Entry | undefined {
    return this._l[type]?.find((e) => e.f === f && e.c === c);
  }

  private _remove(type: string, entry: Entry): void {
    entry.r = true;
    entry.s?.removeEventListener('abort', entry.a!);
    const left = (this._l[type] ?? []).filter((e) => e !== entry);
    if (left.length) this._l[type] = left;
    else delete this._l[type];
  }

  /**
   * The dispatch, with the native semantics: a snapshot of the listeners,
   * `once`, `handleEvent`, stopImmediatePropagation, and a throwing listener
   * reported without stopping the rest. `message` events arrive here already
   * pointing at this socket (SteadyMessageEvent); the rare others get their
   * `target`/`currentTarget` re-pointed.
   */
  private _emit(type: string, ev: Event): void {
    const list = this._l[type];
    if (!list) return;
    // a `message` event is made pointing here; any other is pointed here now
    if (ev.currentTarget !== this) point(ev, this);
    // left set by a listener of another target this event was dispatched to since
    if ((ev as Stoppable)._stop) (ev as Stoppable)._stop = false;
    for (const e of list) {
      if (e.r) continue;
      if (e.o) this._remove(type, e);
      try {
        const f = e.f;
        typeof f === 'function' ? f.call(this, ev) : f.handleEvent(ev);
      } catch (err) {
        report(err);
      }
      // set by stopImmediatePropagation() only: stopPropagation() leaves the socket's other listeners, as natively
      if ((ev as Stoppable)._stop) {
        (ev as Stoppable)._stop = false; // as the native dispatch leaves it: the event can be dispatched again
        break;
      }
    }
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

  private _stopTimers(): void {
    clearTimeout(this._t);
    this._t = undefined;
    this._hb?.stop();
    this._hb = undefined;
  }

  /** Forget the current native socket: stop its timers, unhook it, and close it if still up. */
  private _detach(code?: number, reason?: string): void {
    this._stopTimers();
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
          this._hb?.check();
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
    this._hb?.check();
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

  /** The connection is usable: flush the backlog, then become open, then tell the listeners. */
  private _ready(ws: NativeSocket, e: Event): void {
    const o = this._o;
    clearTimeout(this._t);
    this._openedAt = o.now();
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
        this._drop(item[0], 'error');
      }
    }
    if (ws !== this._ws) return;
    const hb = o.heartbeat;
    if (hb) {
      this._hb = createHeartbeat({
        interval: hb.interval,
        timeout: hb.timeout,
        now: o.now,
        ping: () => {
          try {
            ws.send(typeof hb.message === 'function' ? hb.message() : hb.message);
          } catch (err) {
            this._error(err);
          }
        },
        dead: () => this._over(closeEvent(1006, 'heartbeat timeout')),
      });
    }
    const id = this._id;
    this._set('ready');
    // a statechange listener that called close() or reconnect() wins: no `open` for a connection it ended
    if (id === this._id && this._state === 'open') this._emit('open', e);
  }

  /** The hot path: one frame in. */
  private _message(e: MessageEvent): void {
    const hb = this._hb;
    if (hb) {
      let pong = false;
      try {
        pong = this._o.heartbeat!.isPong(e.data);
      } catch (err) {
        this._error(err);
      }
      if (pong) {
        const rtt = hb.pong();
        if (rtt !== undefined) this._fire('pong', { rtt: (this.rtt = rtt) });
        return;
      }
      hb.touch();
    }
    const ch = this._ch?.size;
    if (!this._l.message && !ch) return;
    const ev = new SteadyMessageEvent(e.data, this, e) as unknown as MessageEvent;
    this._emit('message', ev);
    if (ch) this._channel(ev);
  }

  private _channel(e: MessageEvent): void {
    let env: Envelope | undefined;
    try {
      env = this._o.channels.decode(e.data);
    } catch (err) {
      // a frame the codec can't read was already delivered as a plain message
      return this._error(err);
    }
    for (const h of (env && this._ch?.get(env.channel)) || []) {
      try {
        h(env!.data, e);
      } catch (err) {
        report(err);
      }
    }
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
    if (id === this._id && this._wait) this._timer(() => this._connect(), delay);
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
    for (const item of left) this._drop(item[0], why);
    // a drop listener that called open() wins here too: the socket did not give up
    if (why === 'giveup' && id === this._id) this._fire('giveup', { attempts: this._retries });
  }

  /** Emit a connection's `close` with readyState CLOSED, as natively, whatever state comes next. */
  private _closed(ev: CloseEvent): void {
    this._rs = 3;
    this._fire('close', ev);
    this._rs = undefined;
  }

  /** Emit `ev`, or an event of `type` carrying `ev`'s fields; made only when someone listens. */
  private _fire(type: string, ev: object): void {
    if (this._l[type]) this._emit(type, 'type' in ev ? (ev as Event) : makeEvent(type, ev));
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
    for (const type of ['open', 'message', 'close', 'error']) {
      Object.defineProperty(proto, `on${type}`, {
        get(this: SteadySocket) {
          return this._h?.[type]?.[0] ?? null;
        },
        set(this: SteadySocket, value: unknown) {
          const handlers = (this._h ??= Object.create(null) as NonNullable<SteadySocket['_h']>);
          const h = handlers[type];
          const fn = value as (this: unknown, ev: Event) => unknown;
          if (typeof fn !== 'function') {
            if (h) this._remove(type, h[1]);
            handlers[type] = undefined;
          } else if (h) h[0] = fn;
          else {
            const entry: Entry = { f: (ev: Event) => handlers[type]?.[0].call(this, ev), c: false, o: false };
            this._l[type] = [...(this._l[type] ?? []), entry];
            handlers[type] = [fn, entry];
          }
        },
      });
    }
  }
}

export interface SteadySocket<Channels extends object = ChannelMap> {
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
