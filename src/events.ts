import type { State } from './machine';
import type { Data, DropReason } from './queue';

/** `statechange`: the state moved from `from` to `to`. */
export interface StateChangeEvent extends Event {
  readonly from: State;
  readonly to: State;
}

/** `reconnecting`: attempt number `attempt` will start in `delay` ms. */
export interface ReconnectingEvent extends Event {
  readonly attempt: number;
  readonly delay: number;
}

/** `drop`: a message handed to `send()` will not be sent. */
export interface DropEvent extends Event {
  readonly data: Data;
  readonly reason: DropReason;
}

/** `giveup`: `attempts` failed attempts in a row reached `maxRetries`. */
export interface GiveUpEvent extends Event {
  readonly attempts: number;
}

/** `pong`: the server answered a heartbeat ping after `rtt` ms. */
export interface PongEvent extends Event {
  readonly rtt: number;
}

/** `error`: the native error event, or one of the library's own with the `error` that caused it. */
export interface SteadyErrorEvent extends Event {
  readonly error?: unknown;
  readonly message?: string;
}

/** Every event a SteadySocket dispatches, by type. */
export interface SteadySocketEventMap {
  open: Event;
  message: MessageEvent;
  close: CloseEvent;
  error: SteadyErrorEvent;
  statechange: StateChangeEvent;
  reconnecting: ReconnectingEvent;
  drop: DropEvent;
  giveup: GiveUpEvent;
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
    const fixed = { type: 'message', eventPhase: 2, isTrusted: false, bubbles: false, cancelable: false, composed: false, defaultPrevented: false, returnValue: true };
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
