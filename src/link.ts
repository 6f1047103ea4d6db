/**
 * A handle's side of `steadysocket/shared`: the virtual socket its SteadySocket uses as its
 * `WebSocket`, the election (Web Locks) and the relay (BroadcastChannel) to the leader's hub.
 *
 * The handle is a full SteadySocket whose "native socket" is a {@link Virtual}: it opens when the
 * leader's real connection opens, delivers the real connection's frames, and closes with the
 * real close (code, reason, wasClean); the handle then reconnects at once (a new Virtual that
 * waits for the leader's next open). So the handle's own machinery — state, queue, ttl, overflow,
 * channels, events — works as in a plain socket, in its own tab.
 *
 * Frames sent on an open Virtual go to the hub, numbered; the hub answers each with `ack` (sent)
 * or `nack` (its connection was not open: not sent). Unanswered frames whose leader is replaced
 * have an unknown fate: `drop` with reason `'handover'`. Refused frames go out again first on the
 * next open, before anything queued after them, so a tab's order holds and nothing goes twice.
 */
import { Hub } from './hub';
import type { Handlers, Message, Peer } from './relay';
import { make, route, VERSION } from './relay';
import type { Data, DropReason } from './queue';
import type { SteadySocket } from './full';

type Handle = SteadySocket<object>;
type Closer = [code?: number | undefined, reason?: string | undefined];

const noop = () => {};
const event = (type: string, props: object): Event => Object.assign(new Event(type), props);

/** A SharedArrayBuffer can't cross to another tab: send a copy, as the native send() would. */
const clonable = (d: Data): Data => {
  const buf = ArrayBuffer.isView(d) ? d.buffer : d;
  if (Object.prototype.toString.call(buf) !== '[object SharedArrayBuffer]') return d;
  const v = ArrayBuffer.isView(d) ? d : new Uint8Array(d as ArrayBufferLike);
  return new Uint8Array(v.buffer, v.byteOffset, v.byteLength).slice();
};

/** The WebSocket-like object a handle's SteadySocket connects with. */
export class Virtual {
  readyState: 0 | 1 | 2 | 3 = 0;
  binaryType = 'blob';
  readonly bufferedAmount = 0;
  onopen: ((ev: Event) => void) | null = null;
  onmessage: ((ev: object) => void) | null = null;
  onclose: ((ev: Event) => void) | null = null;
  onerror: ((ev: Event) => void) | null = null;
  /** the leader's epoch and the generation of the connection this one is open on */
  e = 0;
  g = 0;
  /** what the real connection reported when this one opened */
  peer: Peer | undefined;
  origin = '';
  /** what the handle's close() asked for, while frames sent before it are still unanswered */
  bye: Closer | undefined;

  constructor(
    private _link: Link,
    private _url: string,
  ) {
    _link.attach(this);
  }
  get url(): string {
    return this.peer?.url || this._url;
  }
  get protocol(): string {
    return this.peer?.protocol ?? '';
  }
  get extensions(): string {
    return this.peer?.extensions ?? '';
  }
  send(data: Data): void {
    this._link.send(this, data);
  }
  close(code?: number, reason?: string): void {
    this._link.close(this, code, reason);
  }
}

export class Link {
  /** this handle's id: replies from the hub carry it */
  readonly id = Math.random().toString(36).slice(2) + Date.now().toString(36);
  /** whether this handle holds the real connection */
  leader = false;
  /** the real connection's retry count, as the hub last reported it */
  retries = 0;
  /** The constructor the handle's SteadySocket uses as `WebSocket`. */
  readonly Socket: new (
    url: string,
  ) => Virtual;

  private _handle: Handle | undefined;
  /** the leader's epoch and its connection's generation, as far as this handle knows */
  private _e = 0;
  private _g = 0;
  /** the epoch of the leader before the current one */
  private _prev = 0;
  /** whether connection `_g` is open */
  private _open = false;
  private _peer: Peer | undefined;
  private _vs: Virtual | undefined;
  private _active = false;
  private _suspended = false;
  private _down: BroadcastChannel | undefined;
  private _up: BroadcastChannel | undefined;
  private _hub: Hub | undefined;
  private _lock: { ac: AbortController; release?: () => void } | undefined;
  /** this handle's own lock, held while it is active: the hub waits for it to know the handle is gone */
  private _own: { ac: AbortController; release?: () => void } | undefined;
  /** the subscriptions this handle holds through the hub: number → [frame, unsubscribe frame] */
  private _subs = new Map<number, [Data, Data | undefined]>();
  /** while taking the lead: the sync token, the channel it was posted on, what to do when heard */
  private _probe: [string, BroadcastChannel, () => void] | undefined;
  private _n = 0;
  /** frames sent to the hub of epoch [2] on generation [3], not answered yet: [number, data, e, g] */
  private _pending: [number, Data, number, number][] = [];
  /** frames the hub refused: sent first on the next open */
  private _retry: Data[] = [];
  /** the connection is over for good (the hub said so): the close every Virtual gets until the handle reopens */
  private _final: Message<'close'> | undefined;
  /** what this handle's close() asked for: the code the real connection closes with when the leader leaves */
  private _bye: Closer = [];
  /** while a relayed `reconnecting` is dispatched (the handle's own are hidden: they say 0 ms) */
  private _relaying = false;
  /** while a giveup is relayed: the handle's queue drops say 'giveup' too */
  private _giving = false;
  /** while this handle's own lead is announced to itself (its hub does not exist yet) */
  private _leading = false;
  /** relay messages ignored (garbage, another version); reported once */
  ignored = 0;
  private readonly _on: Handlers;

  constructor(
    private _name: string,
    private _connect: () => SteadySocket,
  ) {
    const link = this;
    this.Socket = class extends Virtual {
      constructor(url: string) {
        super(link, url);
      }
    };
    this._on = {
      sync: (m) => {
        const probe = this._probe;
        if (probe?.[0] !== m.f) return;
        this._probe = undefined;
        probe[1].close();
        probe[2]();
      },
      lead: (m) => {
        if (m.e > this._e) this._epoch(m.e, m.g);
      },
      welcome: (m) => {
        if (m.to !== this.id || !this._fresh(m)) return;
        this._g = m.g;
        this._state(m.open, m, m.retries);
      },
      open: (m) => {
        if (!this._fresh(m)) return;
        this._g = m.g;
        this._state(true, m, m.retries);
      },
      msg: (m) => {
        const vs = this._vs;
        if (vs?.readyState !== 1 || vs.e !== m.e || vs.g !== m.g) return;
        let data: unknown = m.d;
        if (typeof data !== 'string' && vs.binaryType === 'blob' && !(data instanceof Blob))
          data = new Blob([data as ArrayBuffer]);
        vs.onmessage?.({ type: 'message', data, origin: vs.origin, lastEventId: '' });
      },
      close: (m) => {
        if (m.end && m.e < this._e && m.e === this._prev) {
          // the previous leader's connection ended for good, and this handle hears of it only after
          // another handle took over (a lock grant and a channel message are not ordered): it ends
          // all the same, as it would have, and leaves (its connection, if it leads, with it)
          this._final = m;
          const vs = this._vs;
          if (vs && vs.readyState < 2) this._closed(vs, m);
          return;
        }
        if (!this._fresh(m)) return;
        this._open = false;
        this._g = m.g + 1;
        this.retries = m.retries;
        if (m.end) this._final = m;
        const vs = this._vs;
        if (vs && vs.readyState < 2) this._closed(vs, m);
      },
      ack: (m) => m.to === this.id && this._settle(m.n, true),
      nack: (m) => m.to === this.id && this._settle(m.n, false),
      error: (m) => {
        if (m.e === this._e && this._active && !this._suspended)
          this._emit(event('error', { message: m.message, error: new Error(m.message) }));
      },
      retry: (m) => {
        if (m.e !== this._e || !this._active || this._suspended) return;
        this._relaying = true;
        this._emit(event('reconnecting', { attempt: m.attempt, delay: m.delay }));
        this._relaying = false;
      },
      pong: (m) => {
        const h = this._handle;
        if (m.e !== this._e || !h || !this._active || this._suspended) return;
        h.rtt = m.rtt;
        this._emit(event('pong', { rtt: m.rtt }));
      },
    };
  }

  /** Called once the handle exists: watch its state and hide its own `reconnecting`. */
  bind(handle: Handle): void {
    this._handle = handle;
    handle.addEventListener('reconnecting', (ev) => {
      // the handle reconnects at once; the leader's own wait is relayed instead
      if (!this._relaying) ev.stopImmediatePropagation();
    });
    handle.addEventListener('drop', (ev) => {
      if (this._giving && ev.reason === 'closed') (ev as { reason: DropReason }).reason = 'giveup';
    });
    handle.addEventListener('statechange', (ev) => {
      if (ev.to === 'closed') {
        // after the close event and the queue's drops: then leave (unless a listener reopened it)
        queueMicrotask(() => this._deactivate());
      } else if (ev.from === 'closed' && this._active) {
        // reopened before leaving: start over with the hub
        this._final = undefined;
        this._toHub(make('hello', { f: this.id }));
      }
    });
    if (this._vs) this._activate();
  }

  /** The handle's shouldReconnect: always, until the real connection is over for good. */
  again = (): boolean => !this._final;

  /** The real connection's url, once known. */
  get url(): string | undefined {
    return this._peer?.url;
  }

  // ── the handle's Virtual ─────────────────────────────────────────────

  attach(vs: Virtual): void {
    this._vs = vs;
    // a handle made in this tab's SteadySocket constructor is bound after it: bind() activates
    if (!this._active && this._handle) this._activate();
    const final = this._final;
    queueMicrotask(() => {
      if (this._vs !== vs) return;
      if (final && vs.readyState === 0) this._closed(vs, final);
      else this._tryOpen();
    });
  }

  send(vs: Virtual, d: Data): void {
    if (vs !== this._vs || vs.readyState !== 1) return;
    const n = ++this._n;
    const { e, g } = vs;
    this._pending.push([n, d, e, g]);
    this._toHub(make('send', { f: this.id, n, e, g, d: clonable(d) }));
  }

  close(vs: Virtual, code?: number, reason?: string): void {
    if (vs !== this._vs || vs.readyState > 1) return;
    this._bye = [code, reason];
    if (!vs.onclose) {
      // let go by the handle (restart, or close() while connecting): no events
      vs.readyState = 3;
      this._vs = undefined;
      return;
    }
    if (vs.readyState === 0) return this._fire(vs, 1006, '', false);
    // frames sent before close() are answered first, as a native socket sends them before its close frame
    vs.readyState = 2;
    vs.bye = [code, reason];
    this._finish();
  }

  /**
   * `subscribe()` through the leader: its connection holds the frame (equal strings counted across
   * every tab) on every connection, until `stop()` or until this handle is gone. Returns `stop()`.
   */
  subscribe(frame: Data, unsubscribe: Data | undefined): () => void {
    const s = ++this._n;
    this._subs.set(s, [frame, unsubscribe]);
    this._sub(s);
    return () => {
      if (this._subs.delete(s) && this._own?.release) this._toHub(make('unsub', { f: this.id, s }));
    };
  }

  /** Tell the hub of subscription `s` (every one without `s`): once this handle's own lock is held. */
  private _sub(s?: number): void {
    if (!this._own?.release) return;
    for (const [k, [d, u]] of this._subs)
      if (s === undefined || s === k)
        this._toHub(make('sub', u === undefined ? { f: this.id, s: k, d } : { f: this.id, s: k, d, u }));
  }

  /** `reconnect()` of an active handle: ask the leader to reconnect the shared connection. */
  reconnect(code?: number, reason?: string): boolean {
    if (!this._active || !this._vs) return false;
    this._toHub(make('reconnect', { f: this.id, e: this._e, g: this._g, code, reason } as Message<'reconnect'>));
    return true;
  }

  // ── hub messages ────────────────────────────────────────────────────

  /** A message of the current leader (a newer one is a handover first); false for a stale one. */
  private _fresh(m: { e: number; g: number }): boolean {
    if (m.e < this._e) return false;
    if (m.e > this._e) this._epoch(m.e, m.g);
    return m.g >= this._g;
  }

  private _state(open: boolean, peer: Peer, retries: number): void {
    this._open = open;
    this.retries = retries;
    if (open) this._peer = { url: peer.url, protocol: peer.protocol, extensions: peer.extensions };
    this._tryOpen();
  }

  /** A new leader: frames the old one did not answer have an unknown fate, and its connection is gone. */
  private _epoch(e: number, g: number): void {
    this._prev = this._e;
    this._e = e;
    this._g = g;
    this._open = false;
    const lost = this._pending;
    this._pending = [];
    // the new leader's connection holds this handle's subscriptions from now on (its own hub is
    // told in _lead, once it exists)
    if (!this._leading) this._sub();
    for (const p of lost) this._drop(p[1], 'handover');
    const vs = this._vs;
    if (vs?.readyState === 1) this._fire(vs, 1006, 'leader gone', false);
    else this._finish();
  }

  private _settle(n: number, sent: boolean): void {
    const p = this._pending;
    const i = p.findIndex((x) => x[0] === n);
    if (i < 0) return;
    const [[, d]] = p.splice(i, 1) as [[number, Data, number, number]];
    if (!sent) {
      // refused during the handle's close(): there is no next connection for it
      if (this._vs?.readyState === 2 || !this._active) this._drop(d, 'closed');
      else this._retry.push(d);
    }
    if (!p.length) {
      this._finish();
      this._tryOpen();
    }
  }

  /** Open the handle's Virtual when the connection is open and every frame of the last one is answered. */
  private _tryOpen(): void {
    const vs = this._vs;
    if (vs?.readyState !== 0 || !this._open || this._suspended || !this._active || this._pending.length) return;
    vs.readyState = 1;
    vs.e = this._e;
    vs.g = this._g;
    vs.peer = this._peer;
    try {
      vs.origin = new URL(vs.url).origin;
    } catch {
      vs.origin = '';
    }
    // refused frames first: they were sent before anything the handle queued since
    const again = this._retry;
    this._retry = [];
    for (const d of again) this.send(vs, d);
    vs.onopen?.(new Event('open'));
  }

  /** The close() of a Virtual completes once its frames are answered. */
  private _finish(): void {
    const vs = this._vs;
    if (vs?.readyState !== 2 || this._pending.length) return;
    const [code, reason] = vs.bye ?? [];
    queueMicrotask(() => this._fire(vs, code ?? 1005, reason ?? '', true));
  }

  /** The real connection (or attempt) closed; over for good, the handle ends as the real socket did. */
  private _closed(vs: Virtual, m: Message<'close'>): void {
    const end = m.end;
    this._giving = end === 'giveup';
    try {
      this._fire(vs, m.code, m.reason, m.wasClean);
      // after the close event and the queue's drops, as in the real socket: frames the hub has not
      // sent (refused, or not answered yet: it will refuse them) can't go anywhere now
      if (end && this._handle?.state === 'closed') {
        this._dropAll(end);
        if (end === 'giveup') this._emit(event('giveup', { attempts: m.attempts ?? 0 }));
      }
    } finally {
      this._giving = false;
    }
  }

  private _dropAll(reason: DropReason): void {
    const left = [...this._pending.map((p) => p[1]), ...this._retry];
    this._pending = [];
    this._retry = [];
    for (const d of left) this._drop(d, reason);
  }

  private _fire(vs: Virtual, code: number, reason: string, wasClean: boolean): void {
    if (vs.readyState === 3) return;
    vs.readyState = 3;
    if (this._vs === vs) this._vs = undefined;
    const C = (globalThis as { CloseEvent?: typeof CloseEvent }).CloseEvent;
    const ev = C ? new C('close', { code, reason, wasClean }) : event('close', { code, reason, wasClean });
    vs.onclose?.(ev);
  }

  private _emit(ev: Event): void {
    this._handle?.dispatchEvent(ev);
  }

  private _drop(data: Data, reason: DropReason): void {
    this._emit(event('drop', { data, reason }));
  }

  // ── election, relay and page life cycle ─────────────────────────────

  private _activate(): void {
    this._active = true;
    this._suspended = false;
    this._final = undefined;
    const name = `steadysocket/shared v${VERSION} ${this._name}`;
    const down = (this._down = new BroadcastChannel(`${name} down`));
    this._up = new BroadcastChannel(`${name} up`);
    down.onmessage = (ev) => {
      if (!route(ev.data, this._on)) this._ignore();
    };
    addEventListener('pagehide', this);
    addEventListener('pageshow', this);
    document.addEventListener('freeze', this);
    document.addEventListener('resume', this);
    this._compete();
    this._toHub(make('hello', { f: this.id }));
    const own: NonNullable<Link['_own']> = (this._own = { ac: new AbortController() });
    navigator.locks
      .request(this.lockOf(this.id), { signal: own.ac.signal }, () =>
        this._own === own
          ? new Promise<void>((resolve) => {
              own.release = resolve;
              this._sub();
            })
          : undefined,
      )
      .catch(noop);
  }

  /** The name of the lock handle `id` holds while it is active. */
  lockOf(id: string): string {
    return `steadysocket/shared v${VERSION} ${this._name} handle ${id}`;
  }

  private _deactivate(): void {
    if (!this._active || this._handle?.state !== 'closed') return;
    this._active = false;
    this._hub ? this._stepDown(...this._bye) : this._yield();
    this._bye = [];
    // the leader sees this handle gone: its subscriptions end there (they are told again on open())
    const own = this._own;
    this._own = undefined;
    own?.release ? own.release() : own?.ac.abort();
    removeEventListener('pagehide', this);
    removeEventListener('pageshow', this);
    document.removeEventListener('freeze', this);
    document.removeEventListener('resume', this);
    this._down!.onmessage = null;
    this._down!.close();
    this._up!.close();
    this._down = this._up = undefined;
    this._open = false;
    this._dropAll('closed');
  }

  /** Page life cycle: a frozen or hidden (back/forward cache) page holds nothing and waits for nothing. */
  handleEvent(ev: Event): void {
    if (ev.type === 'pagehide' || ev.type === 'freeze') this._suspend();
    else if (this._suspended) this._resume();
  }

  private _suspend(): void {
    if (this._suspended || !this._active) return;
    this._suspended = true;
    this._hub ? this._stepDown(1001, 'page hidden') : this._yield();
    const vs = this._vs;
    if (vs?.readyState === 1) this._fire(vs, 1001, 'page hidden', true);
  }

  private _resume(): void {
    this._suspended = false;
    this._compete();
    this._toHub(make('hello', { f: this.id }));
  }

  /** Wait for the leader lock; granted when no other handle of the key holds it. */
  private _compete(): void {
    const ac = new AbortController();
    const lock: NonNullable<Link['_lock']> = (this._lock = { ac });
    navigator.locks
      .request(`steadysocket/shared v${VERSION} ${this._name}`, { signal: ac.signal }, () => {
        // (a handle told that the connection is over for good is on its way out: it does not lead)
        if (this._lock !== lock || !this._active || this._suspended || this._final) return;
        if (this._vs?.readyState === 2) {
          // closing: no connection for a handle on its way out, but no leader is left to answer its
          // frames either (they are reported as a handover) — let the next handle lead
          this._epoch(this._e + 1, 0);
          return;
        }
        return new Promise<void>((resolve) => {
          lock.release = resolve;
          // hear out the previous leader first (its last messages and the lock are not ordered)
          const token = `${this.id}.${++this._n}`;
          const probe = new BroadcastChannel(this._down!.name);
          this._probe = [token, probe, () => (this._lock === lock && !this._final ? this._lead() : resolve())];
          probe.postMessage(make('sync', { f: token }));
        });
      })
      .catch(() => {
        // refused (not aborted by us): an opaque origin, such as a sandboxed frame, has no locks,
        // and no tab to share with either; hold a connection of its own, as without Web Locks
        if (lock.release || ac.signal.aborted || this._lock !== lock || !this._active || this._suspended) return;
        lock.release = noop;
        this._lead();
      });
  }

  private _yield(): void {
    this._probe?.[1].close();
    this._probe = undefined;
    const lock = this._lock;
    this._lock = undefined;
    lock?.release ? lock.release() : lock?.ac.abort();
  }

  private _lead(): void {
    const e = Math.max(this._e + 1, Date.now());
    const lead = make('lead', { e, g: 1 });
    this._down!.postMessage(lead);
    this._leading = true;
    this._on.lead!(lead);
    this._leading = false;
    this.leader = true;
    const hub = (this._hub = new Hub(
      e,
      {
        id: this.id,
        post: (m) => this._down?.postMessage(m),
        local: (m) => (this._on[m.t] as (m: Message) => void)(m),
        lockOf: (id) => this.lockOf(id),
      },
      this._connect,
    ));
    this._sub();
    this._up!.onmessage = (ev) => {
      if (!route(ev.data, hub.handlers)) this._ignore();
    };
    this._emit(event('leaderchange', { leader: true }));
  }

  private _stepDown(code?: number, reason?: string): void {
    this._hub!.stop(code, reason);
    this._hub = undefined;
    if (this._up) this._up.onmessage = null;
    this.leader = false;
    this._yield();
    this._emit(event('leaderchange', { leader: false }));
  }

  private _toHub(m: Message): void {
    const hub = this._hub;
    if (hub) return (hub.handlers[m.t] as (m: Message) => void)(m);
    try {
      this._up?.postMessage(m);
    } catch {
      // a frame that can't be cloned (the copy above covers what send() takes): not sent
      if (m.t === 'send') this._settle(m.n, false);
    }
  }

  private _ignore(): void {
    if (!this.ignored++)
      console.warn(
        `steadysocket/shared: ignored a relay message that is not of protocol version ${VERSION} (another version of the library, or not ours)`,
      );
  }
}
