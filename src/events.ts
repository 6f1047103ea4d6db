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
