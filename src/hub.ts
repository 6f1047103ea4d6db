/**
 * The leader's side of `steadysocket/shared`: the one real connection of a key, and the relay
 * of everything it does to every handle. Made when a handle wins the election, stopped when it
 * steps down; it keeps no state per handle (each `send` names its handle and number, and is
 * answered at once), so a handle that dies leaves nothing behind here.
 */
import type { Handlers, Message, Peer } from './relay';
import { make } from './relay';
import type { SteadySocket } from './full';

/** What the hub needs from the leader's handle. */
export interface HubHost {
  /** the leader handle's id: replies to it are delivered in this tab, directly */
  readonly id: string;
  /** post to every other handle (the `down` channel) */
  post(m: Message): void;
  /** deliver to the leader's own handle */
  local(m: Message): void;
  /** the name of the lock handle `id` holds while it lives */
  lockOf(id: string): string;
}

/** The fields of the real socket's events that are relayed. */
interface RealEvent {
  data: Message<'msg'>['d'];
  code: number;
  reason: string;
  wasClean: boolean;
  message?: string;
  error?: { message?: string };
  attempt: number;
  attempts: number;
  delay: number;
  rtt: number;
}

const EVENTS = ['open', 'message', 'close', 'error', 'reconnecting', 'pong', 'giveup', 'drop'] as const;

export class Hub {
  /** the generation of the current connection (attempts included) */
  g = 1;
  /** whether connection `g` is open */
  private _open = false;
  private _peer: Peer = { url: '', protocol: '', extensions: '' };
  /** set by the real socket's `drop` during our own send(): that frame was not sent */
  private _refused = false;
  /** `attempts` of a `giveup` that follows the close being reported */
  private _gaveUp: number | undefined;
  private _ac = new AbortController();
  private _real: SteadySocket;
  /** the subscriptions of each handle, by its id and their number: their stop() on the real socket */
  private _subs = new Map<string, Map<number, () => void>>();

  /** The handlers for what handles send on `up`. */
  readonly handlers: Handlers;

  constructor(
    /** this leader's epoch */
    readonly e: number,
    private _host: HubHost,
    connect: () => SteadySocket,
  ) {
    const real = (this._real = connect());
    const on = { signal: this._ac.signal };
    const handler = { handleEvent: (ev: Event) => this._on(ev) };
    for (const type of EVENTS) real.addEventListener(type, handler, on);
    this.handlers = {
      hello: (m) => {
        // a handle opened again after the connection ended for good: so does the connection
        if (real.state === 'closed') real.open();
        const { e, g } = this;
        this._reply(m.f, make('welcome', { to: m.f, e, g, open: this._open, retries: real.retryCount, ...this._peer }));
      },
      send: (m) => {
        // a frame for another leader's connection is that leader's to judge (it may have sent it)
        if (m.e !== this.e) return;
        const ok = m.g === this.g && this._open && this._send(m.d);
        this._reply(m.f, make(ok ? 'ack' : 'nack', { e: this.e, to: m.f, n: m.n }));
      },
      sub: (m) => {
        let mine = this._subs.get(m.f);
        if (!mine) {
          this._subs.set(m.f, (mine = new Map()));
          // a handle holds its own lock while it lives: granted here when it is gone (closed, tab dead)
          navigator.locks
            .request(_host.lockOf(m.f), { signal: this._ac.signal }, () => this._release(m.f))
            .catch(() => {});
        }
        if (mine.has(m.s)) return;
        try {
          mine.set(m.s, real.subscribe(m.d, m.u === undefined ? undefined : { unsubscribe: m.u }));
        } catch {
          // a frame the socket refuses (it checks as for its own subscribe()) holds nothing
        }
      },
      unsub: (m) => {
        const stop = this._subs.get(m.f)?.get(m.s);
        this._subs.get(m.f)?.delete(m.s);
        stop?.();
      },
      reconnect: (m) => {
        // repeated or stale requests (the connection they meant is gone) do nothing
        if (m.e !== this.e || m.g !== this.g || real.state === 'closed') return;
        try {
          real.reconnect(m.code, m.reason);
        } catch {
          real.reconnect();
        }
      },
    };
  }

  /** Handle `f` is gone: its subscriptions end (the last holder of a frame sends its unsubscribe). */
  private _release(f: string): void {
    const mine = this._subs.get(f);
    this._subs.delete(f);
    for (const stop of mine?.values() ?? []) stop();
  }

  /** Whether connection `g` is open. */
  get open(): boolean {
    return this._open;
  }

  /** Send on the real connection now; false when it could not take the frame. */
  private _send(d: Message<'send'>['d']): boolean {
    this._refused = false;
    try {
      this._real.send(d);
    } catch {
      this._refused = true;
    }
    return !this._refused;
  }

  private _emit(m: Message): void {
    this._host.post(m);
    this._host.local(m);
  }

  private _reply(to: string, m: Message): void {
    to === this._host.id ? this._host.local(m) : this._host.post(m);
  }

  /** Everything the real socket does, relayed. */
  private _on(ev: Event): void {
    const real = this._real;
    const { e, g } = this;
    const x = ev as Event & RealEvent;
    switch (ev.type) {
      case 'open':
        this._open = true;
        this._peer = { url: real.url, protocol: real.protocol, extensions: real.extensions };
        return this._emit(make('open', { e, g, retries: real.retryCount, ...this._peer }));
      case 'message':
        return this._emit(make('msg', { e, g, d: x.data }));
      case 'close': {
        this._open = false;
        this.g++;
        const c = { e, g, code: x.code, reason: x.reason, wasClean: x.wasClean, retries: real.retryCount };
        if (real.state !== 'closed') return this._emit(make('close', c));
        // over for good: a `giveup` may follow in this same call; report the close with it
        this._gaveUp = undefined;
        queueMicrotask(() => {
          if (this._ac.signal.aborted) return;
          const over = real.state === 'closed';
          const end = over ? (this._gaveUp === undefined ? 'closed' : 'giveup') : undefined;
          this._emit(make('close', end ? { ...c, end, attempts: this._gaveUp ?? 0 } : c));
        });
        return;
      }
      case 'giveup':
        this._gaveUp = x.attempts;
        return;
      case 'drop':
        this._refused = true;
        return;
      case 'error':
        return this._emit(make('error', { e, message: String(x.message ?? x.error?.message ?? 'WebSocket error') }));
      case 'reconnecting':
        return this._emit(make('retry', { e, attempt: x.attempt, delay: x.delay }));
      case 'pong':
        return this._emit(make('pong', { e, rtt: x.rtt }));
    }
  }

  /**
   * Step down: close the real connection with `code`/`reason` and stop relaying. Handles of other
   * tabs see the open connection close (1001, `'leader left'`); the next leader connects anew.
   */
  stop(code?: number, reason?: string): void {
    if (this._ac.signal.aborted) return;
    this._ac.abort();
    // the connection ends with the hub: the next leader holds the handles' subscriptions again
    this._subs.clear();
    try {
      this._real.close(code, reason);
    } catch {
      this._real.close();
    }
    if (this._open)
      this._host.post(
        make('close', { e: this.e, g: this.g, code: 1001, reason: 'leader left', wasClean: true, retries: 0 }),
      );
    this._open = false;
  }
}
