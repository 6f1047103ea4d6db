import type { State } from './machine';
import type { Data, DropReason } from './queue';

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
  /** why: `'overflow'`, `'ttl'`, `'closed'`, `'giveup'` or `'disabled'` */
  readonly reason: DropReason;
}

/** `giveup`: `attempts` failed attempts in a row reached `maxRetries`. */
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

/** Every event a SteadySocket dispatches, by type. */
export interface SteadySocketEventMap {
  /** a connection is ready: native open, `beforeOpen` done, queued messages sent */
  open: Event;
  /** a frame arrived (heartbeat pongs excepted) */
  message: MessageEvent;
  /** a connection ended */
  close: CloseEvent;
  /** the native error event, or one of the library's own */
  error: SteadyErrorEvent;
  /** `state` changed */
  statechange: StateChangeEvent;
  /** a retry is scheduled */
  reconnecting: ReconnectingEvent;
  /** a message handed to `send()` will not be sent */
  drop: DropEvent;
  /** `maxRetries` failed attempts in a row; the socket is closed */
  giveup: GiveUpEvent;
  /** a heartbeat answer arrived */
  pong: PongEvent;
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
 * so `instanceof MessageEvent` holds; everything the prototype would read from
 * a real event is answered here, the rest from the native event on demand.
 */
export class SteadyMessageEvent<T = unknown> {
  /** Done once, on the first socket, so importing touches no global. */
  static init(): void {
    const g = globalThis as { MessageEvent?: typeof MessageEvent };
    const proto = SteadyMessageEvent.prototype;
    if (Object.hasOwn(proto, 'type')) return;
    if (g.MessageEvent) Object.setPrototypeOf(proto, g.MessageEvent.prototype);
    // answer what the prototype's getters would read from a real event
    const fixed = {
      type: 'message',
      eventPhase: 2,
      isTrusted: false,
      bubbles: false,
      cancelable: false,
      composed: false,
      defaultPrevented: false,
      returnValue: true,
    };
    for (const [k, value] of Object.entries(fixed)) Object.defineProperty(proto, k, { value });
    for (const k of ['origin', 'lastEventId', 'ports', 'source', 'timeStamp'] as const) {
      Object.defineProperty(proto, k, {
        get(this: SteadyMessageEvent) {
          return this._e[k];
        },
      });
    }
    for (const k of ['currentTarget', 'srcElement']) {
      Object.defineProperty(proto, k, {
        get(this: SteadyMessageEvent) {
          return this.target;
        },
      });
    }
  }
  cancelBubble = false;
  constructor(
    /** the frame, as the native event had it */
    readonly data: T,
    /** the SteadySocket */
    readonly target: EventTarget,
    private readonly _e: MessageEvent,
  ) {}
  preventDefault(): void {}
  stopPropagation(): void {
    this.cancelBubble = true;
  }
  stopImmediatePropagation(): void {
    this.cancelBubble = true;
  }
  composedPath(): EventTarget[] {
    return [this.target];
  }
}
