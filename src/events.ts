import type { State } from './machine';
import type { Data, DropReason } from './queue';

/**
 * `close`: the fields of the DOM's `CloseEvent`, spelled out so a Node project needs no DOM lib
 * (where there is one, a `CloseEvent` is one of these and the other way round).
 */
export interface SteadyCloseEvent extends Event {
  /** the close code (1006 when the connection was lost without a close frame) */
  readonly code: number;
  /** the close reason from the peer, or the library's own (`'heartbeat timeout'`, …) */
  readonly reason: string;
  /** whether the closing handshake completed */
  readonly wasClean: boolean;
}

/** `statechange`: the state moved from `from` to `to`. */
export interface StateChangeEvent extends Event {
  /** the state before */
  readonly from: State;
  /** the state now */
  readonly to: State;
}

/** `reconnecting`: attempt number `attempt` will start in `delay` ms. */
export interface ReconnectingEvent extends Event {
  /** the attempt's number in the current run of failures, from 1 */
  readonly attempt: number;
  /** ms until the attempt starts */
  readonly delay: number;
}

/** `drop`: a message handed to `send()` will not be sent. */
export interface DropEvent extends Event {
  /** the message, as passed to `send()` */
  readonly data: Data;
  /**
   * why: `'overflow'`, `'ttl'`, `'closed'` (closed for good, or a `beforeOpen` send for a
   * connection that is gone), `'giveup'`, `'disabled'` (`queue: false`), `'error'` (the
   * native `send()` threw while the queue was flushed) or `'handover'` (a shared socket's frame
   * whose fate is unknown: the leader tab went away before confirming it)
   */
  readonly reason: DropReason;
}

/** `giveup`: `attempts` failed attempts in a row: the first one and `maxRetries` retries. */
export interface GiveUpEvent extends Event {
  /** failed attempts in a row */
  readonly attempts: number;
}

/** `pong`: the server answered a heartbeat ping after `rtt` ms. */
export interface PongEvent extends Event {
  /** round-trip time of the ping, in ms */
  readonly rtt: number;
}

/** `error`: the native error event, or one of the library's own with the `error` that caused it. */
export interface SteadyErrorEvent extends Event {
  /** the cause, on the library's own errors (a timeout, a url function or codec that threw, …) */
  readonly error?: unknown;
  /** the cause's message, on the library's own errors */
  readonly message?: string;
}

/** `invalid`: a channel payload (a message or a request's reply) failed the channel's schema. */
export interface InvalidEvent extends Event {
  /** the channel */
  readonly channel: string;
  /** the payload as it arrived */
  readonly data: unknown;
  /** what the schema found wrong */
  readonly issues: ReadonlyArray<{
    /** what is wrong */
    readonly message: string;
    /** where, from the payload's root */
    readonly path?: ReadonlyArray<unknown> | undefined;
  }>;
}

/** Every event a SteadySocket dispatches, by type. */
export interface SteadySocketEventMap {
  /** a connection is ready: native open, `beforeOpen` done, queued messages sent */
  open: Event;
  /** a frame arrived (heartbeat pongs excepted) */
  message: MessageEvent;
  /** a connection ended */
  close: SteadyCloseEvent;
  /** the native error event, or one of the library's own */
  error: SteadyErrorEvent;
  /** `state` changed */
  statechange: StateChangeEvent;
  /** a retry is scheduled */
  reconnecting: ReconnectingEvent;
  /** a message handed to `send()` will not be sent */
  drop: DropEvent;
  /** the first attempt and `maxRetries` retries failed; the socket is closed */
  giveup: GiveUpEvent;
  /** a heartbeat answer arrived */
  pong: PongEvent;
  /** a channel payload failed its schema (full entry, option `schemas`) */
  invalid: InvalidEvent;
}

/**
 * A real `Event` (a `CloseEvent` for `close` where the platform has one)
 * carrying `props` as own fields.
 */
export const makeEvent = (type: string, props: object): Event => {
  const g = globalThis as { CloseEvent?: typeof CloseEvent };
  return type === 'close' && g.CloseEvent ? new g.CloseEvent(type, props) : Object.assign(new Event(type), props);
};

/**
 * The `message` event handed to listeners: the native event's `data` with
 * `target` and `currentTarget` pointing at the SteadySocket.
 *
 * Why not the native event itself: re-dispatching it is not allowed while it
 * is being dispatched, copying it (`new MessageEvent`) costs about 2.5 µs, and
 * re-pointing its `target` with defineProperty about 1 µs. This object costs a
 * few tens of ns. It inherits from `MessageEvent.prototype` where that exists,
 * so `instanceof MessageEvent` holds; what the prototype would read from a real
 * event is answered here (fixed values, the socket as every target), and every
 * other getter or method of the platform's event is passed to the native event.
 */
export class SteadyMessageEvent<T = unknown> {
  /** Done once, on the first socket, so importing touches no global. */
  static init(): void {
    const g = globalThis as { MessageEvent?: typeof MessageEvent };
    const proto = SteadyMessageEvent.prototype;
    if (Object.hasOwn(proto, 'type')) return;
    if (g.MessageEvent) Object.setPrototypeOf(proto, g.MessageEvent.prototype);
    const fixed = {
      type: 'message',
      eventPhase: 2,
      isTrusted: false,
      bubbles: false,
      cancelable: false,
      composed: false,
      defaultPrevented: false,
    };
    for (const [k, value] of Object.entries(fixed)) Object.defineProperty(proto, k, { value });
    const self = {
      get(this: SteadyMessageEvent) {
        return this.target;
      },
    };
    Object.defineProperties(proto, {
      currentTarget: self,
      srcElement: self,
      // the event can't be cancelled: setting false does nothing, as on the native one
      returnValue: { get: () => true, set() {} },
    });
    // the rest (origin, lastEventId, ports, source, timeStamp, userActivation, initEvent, …) from the native event
    for (let p = Object.getPrototypeOf(proto); p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
      for (const [k, d] of Object.entries(Object.getOwnPropertyDescriptors(p))) {
        if (k === 'constructor' || Object.hasOwn(proto, k)) continue;
        const native = (e: SteadyMessageEvent) => e._e as unknown as Record<string, unknown>;
        if (d.get) {
          Object.defineProperty(proto, k, {
            get(this: SteadyMessageEvent) {
              return native(this)[k];
            },
          });
        } else if (typeof d.value === 'function') {
          Object.defineProperty(proto, k, {
            value(this: SteadyMessageEvent, ...args: unknown[]) {
              const e = native(this);
              const f = e[k];
              // the ws package's event has few of the platform's methods
              return typeof f === 'function' ? f.apply(e, args) : undefined;
            },
          });
        }
      }
    }
  }
  cancelBubble = false;
  /** set by stopImmediatePropagation(): the socket's dispatch stops */
  _stop = false;
  constructor(
    /** the frame, as the native event had it */
    readonly data: T,
    /** the SteadySocket */
    readonly target: EventTarget,
    private readonly _e: MessageEvent,
  ) {}
  preventDefault(): void {}
  /** There is no tree to propagate in: the socket's other listeners still run, as with the native EventTarget. */
  stopPropagation(): void {
    this.cancelBubble = true;
  }
  stopImmediatePropagation(): void {
    this.cancelBubble = this._stop = true;
  }
  composedPath(): EventTarget[] {
    return [this.target];
  }
  /** `JSON.stringify(event)` shows what it does for a native event, not the socket behind `target`. */
  toJSON(): object {
    return { isTrusted: false };
  }
}
