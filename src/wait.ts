/**
 * Waits on the socket that end one of four ways — done, `timeout`, `signal`, or
 * the socket closing for good — and leave nothing behind whichever comes first.
 * The base of `ready()`, `drained()` and `request()`.
 */
import { T } from './options';

/** Options of every promise-returning call. */
export interface WaitOptions {
  /** Give up after this many ms: the promise rejects with an Error named `'TimeoutError'`. */
  timeout?: number | undefined;
  /** Give up when this signal aborts: the promise rejects with its `reason` (an `'AbortError'` by default). */
  signal?: AbortSignal | undefined;
}

/** An Error whose `name` says why a call ended (`'TimeoutError'`, `'ClosedError'`, …), with extra `fields`. */
export const failure = (name: string, message: string, fields?: object): Error =>
  Object.assign(new Error(`SteadySocket: ${message}`), { name }, fields);

/** What a wait needs of the socket: its state changes. */
interface Watched {
  readonly state: string;
  addEventListener(type: 'statechange', f: (e: Event & { to?: string }) => void): void;
  removeEventListener(type: 'statechange', f: (e: Event & { to?: string }) => void): void;
}

/**
 * Run a wait on `socket`: `start(done)` begins it and may return its own cleanup. The wait
 * ends at the first of `done(err?, value?)` (an `err` other than undefined rejects), `timeout`, `signal` and the socket entering
 * `closed` (an Error named `'ClosedError'`); then every timer and listener of it is released.
 * Bad options reject with a TypeError or RangeError naming them.
 */
export const wait = <V>(
  /** the socket whose closing for good ends the wait; undefined when the caller sees to that itself */
  socket: Watched | undefined,
  options: WaitOptions | undefined,
  what: string,
  start: (done: (err?: unknown, value?: V) => void) => (() => void) | undefined | void,
): Promise<V> =>
  new Promise<V>((resolve, reject) => {
    const { timeout, signal } = options ?? {};
    if (options !== undefined && (typeof options !== 'object' || !options))
      return reject(new TypeError(`SteadySocket: ${what} options must be an object`));
    if (
      timeout !== undefined &&
      !(typeof timeout === 'number' && timeout >= 0 && (timeout <= T || timeout === Infinity))
    )
      return reject(
        new RangeError(
          `SteadySocket: ${what} timeout must be a number from 0 to ${T} or Infinity, got ${String(timeout)}`,
        ),
      );
    if (signal !== undefined && typeof signal?.addEventListener !== 'function')
      return reject(new TypeError(`SteadySocket: ${what} signal must be an AbortSignal`));
    // the signal's reason, whatever it is (0 and null too, as fetch does); an AbortError without one
    const aborted = () =>
      signal!.reason !== undefined ? signal!.reason : failure('AbortError', `${what} was aborted`);
    if (signal?.aborted) return reject(aborted());
    let over = false;
    let cleanup: (() => void) | undefined | void;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onAbort = () => done(aborted());
    const onState = (e: Event & { to?: string }) =>
      e.to === 'closed' && done(failure('ClosedError', `${what}: the socket closed for good`));
    function done(err?: unknown, value?: V) {
      if (over) return;
      over = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket?.removeEventListener('statechange', onState);
      cleanup?.();
      // any error, falsy ones included (abort(0)), rejects; only done() / done(undefined, value) resolves
      err !== undefined ? reject(err) : resolve(value as V);
    }
    if (timeout !== undefined && timeout < Infinity)
      timer = setTimeout(() => done(failure('TimeoutError', `${what} timed out after ${timeout} ms`)), timeout);
    signal?.addEventListener('abort', onAbort);
    socket?.addEventListener('statechange', onState);
    cleanup = start(done);
    // done() called from start(): its cleanup came back after
    if (over) cleanup?.();
  });
