/**
 * Subscriptions that survive reconnects: a frame the server needs on every
 * connection, sent at once if open and again on every new connection (after
 * `beforeOpen`, before the queued backlog). Stopping sends the `unsubscribe`
 * frame only on a connection open at that moment: never queued, never replayed
 * into a later connection (RxJS `multiplex` replays it; rpc-websockets forgets
 * the subscribe). Equal string frames are counted: one on the wire. A feature
 * plugged in on the first `subscribe()`.
 */
import type { Feature, Host } from './feature';
import type { Data } from './queue';
import { isBinary } from './queue';

/** A frame, or a function that makes it each time it is sent (a fresh cursor, a token). */
export type FrameSource = Data | (() => Data);

/** Options of `subscribe()`. */
export interface SubscribeOptions {
  /** Sent when the last holder of this subscription calls `stop()`, if a connection is open then. */
  unsubscribe?: FrameSource | undefined;
}

interface Sub {
  frame: FrameSource;
  unsubscribe: FrameSource | undefined;
  /** holders of an equal string frame */
  n: number;
}

const make = (f: FrameSource): Data => (typeof f === 'function' ? f() : f);

/** The subscriptions of one socket. */
export class Subscriptions implements Feature {
  private _subs: Sub[] = [];

  constructor(private _host: Host) {}

  /** Send `f` on the open connection now (never queued); a frame function that throws is reported. */
  private _now(f: FrameSource): void {
    try {
      this._host.live(make(f));
    } catch (err) {
      this._host.error(err);
    }
  }

  ready(send: (data: Data) => void): void {
    for (const s of this._subs) {
      try {
        send(make(s.frame));
      } catch (err) {
        this._host.error(err);
      }
    }
  }

  /** Hold `frame` for every connection; returns `stop()` (idempotent). */
  add(frame: FrameSource, options: SubscribeOptions = {}): () => void {
    const { unsubscribe } = options;
    let s = typeof frame === 'string' ? this._subs.find((x) => x.frame === frame) : undefined;
    if (s) s.n++;
    else {
      this._subs.push((s = { frame, unsubscribe, n: 1 }));
      this._now(frame);
    }
    const sub = s;
    let stopped = false;
    return () => {
      if (stopped) return;
      stopped = true;
      if (--sub.n) return;
      this._subs = this._subs.filter((x) => x !== sub);
      if (sub.unsubscribe !== undefined) this._now(sub.unsubscribe);
    };
  }
}

/** Check a `subscribe()` frame: a string, binary data or a function making one. */
export const checkFrame = (f: unknown, name: string): void => {
  if (typeof f !== 'string' && typeof f !== 'function' && !isBinary(f))
    throw new TypeError(
      `SteadySocket: subscribe() ${name} must be a string, binary data or a function, got ${f === null ? 'null' : typeof f}`,
    );
};
