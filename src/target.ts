/**
 * The event target the socket extends: the native EventTarget's semantics
 * (a listener added once per type/listener/capture, `once`, `signal`, listener
 * objects with `handleEvent`, a snapshot per dispatch, stopImmediatePropagation,
 * `on*` handler attributes that keep their place) without a native EventTarget
 * behind it, so a throwing listener is reported instead of breaking the socket
 * and no Blink object is made per socket. Knows nothing of sockets.
 */
import { makeEvent } from './events';
import { syntaxError } from './url';

// spelled out rather than the DOM's EventListenerOrEventListenerObject: the .d.ts must not need the DOM lib
/** A listener for any event type: a function, or an object with `handleEvent` (as with the native EventTarget). */
export type Listener =
  | ((ev: Event) => unknown)
  | {
      /** called with each event, like a listener function */
      handleEvent(ev: Event): unknown;
    };

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

/** A registered listener: function or object, capture flag, once, removed, abort wiring. */
interface Entry {
  f: Listener;
  c: boolean;
  o: boolean;
  r?: boolean;
  s?: AbortSignal;
  a?: () => void;
}

type Stoppable = Event & { _stop?: boolean };

/** Hand a listener's exception to the host like the platform does, without breaking the dispatch. */
export const report = (err: unknown): void => {
  const g = globalThis as { reportError?: (e: unknown) => void };
  g.reportError ? g.reportError(err) : console.error(err);
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
 * Point an event at the target for a dispatch: `target`, `currentTarget`, `eventPhase` 2 (at
 * target), and a stopImmediatePropagation() the dispatch can tell apart from stopPropagation().
 */
const point = (ev: Stoppable, target: object) => {
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

// `instanceof EventTarget` holds through the prototype chain, but no native
// EventTarget is constructed (a Blink object per socket that our own dispatch
// would never use). Guarded so the module loads where EventTarget is missing.
class Base {}
// a class (never an arrow a minifier could make of a function) whose prototype chain reaches EventTarget's
if (typeof EventTarget === 'function') Object.setPrototypeOf(Base.prototype, EventTarget.prototype);

/** An EventTarget with the native semantics, whose listeners can't break the code that dispatches. */
export class Target extends (Base as unknown as typeof EventTarget) {
  /** listeners by type; arrays are replaced, never mutated, so a dispatch iterates a stable snapshot */
  protected _l: Record<string, Entry[]> = Object.create(null);
  /** on* handlers by type: [handler, its entry in _l] */
  private _h: Record<string, [(this: unknown, ev: Event) => unknown, Entry] | undefined> | undefined;

  /**
   * Listen for an event, with the native semantics: a listener is added once per
   * (type, listener, capture), `once` removes it after the first call, `signal` removes it on abort,
   * and objects with `handleEvent` work. A listener that throws is reported and never breaks the socket.
   */
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

  /** Dispatch `event` to the listeners; returns false if a listener called `preventDefault()`. */
  override dispatchEvent(event: Event): boolean {
    if (!isEvent(event)) throw new TypeError('SteadySocket: not an Event');
    // as natively: an event being dispatched (here or on another target) can't be dispatched again
    if (event.eventPhase) throw syntaxError('SteadySocket: the event is already being dispatched', 'InvalidStateError');
    this._emit(event.type, event);
    // as natively after a dispatch: `target` stays, `currentTarget` is null, the phase is none
    try {
      Object.defineProperties(event, {
        currentTarget: { value: null, configurable: true },
        eventPhase: { value: 0, configurable: true },
      });
    } catch {
      // an event object that can't take them keeps its own fields
    }
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
   * reported without stopping the rest. An event made pointing here (the light
   * `message` event) is used as is; any other gets `target`/`currentTarget` re-pointed.
   */
  protected _emit(type: string, ev: Event): void {
    const list = this._l[type];
    if (!list) return;
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
      // set by stopImmediatePropagation() only: stopPropagation() leaves the other listeners, as natively
      if ((ev as Stoppable)._stop) {
        (ev as Stoppable)._stop = false; // as the native dispatch leaves it: the event can be dispatched again
        break;
      }
    }
  }

  /** Emit `ev`, or an event of `type` carrying `ev`'s fields; made only when someone listens. */
  protected _fire(type: string, ev: object): void {
    if (this._l[type]) this._emit(type, 'type' in ev ? (ev as Event) : makeEvent(type, ev));
  }

  /**
   * Define `on<type>` handler attributes on a prototype, as the native ones behave: assigning a
   * function sets the handler (it keeps the place in the listener list where it was first set),
   * anything else removes it.
   */
  protected static _handlers(proto: Target, types: string[]): void {
    for (const type of types) {
      Object.defineProperty(proto, `on${type}`, {
        get(this: Target) {
          return this._h?.[type]?.[0] ?? null;
        },
        set(this: Target, value: unknown) {
          const handlers = (this._h ??= Object.create(null) as NonNullable<Target['_h']>);
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
