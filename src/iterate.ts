/**
 * `for await` over a socket or a channel: an async iterator that listens from the
 * moment it is made, holds at most `max` unread items, and ends normally when the
 * socket closes for good, with the abort signal's reason on abort, or with an
 * `OverflowError` once the consumer fell `max` items behind — never a silent gap.
 * `break` (the iterator's `return()`) removes its listener.
 */
import type { WaitOptions } from './wait';
import { failure } from './wait';

/** Options of `messages()`. */
export interface MessagesOptions {
  /** End the loop when this signal aborts: it throws the signal's reason. */
  signal?: WaitOptions['signal'];
  /**
   * Unread items held for a slow consumer; one more ends the loop with an `OverflowError`.
   * @default 1000
   */
  max?: number | undefined;
}

interface Watched {
  addEventListener(type: 'statechange', f: (e: Event & { to?: string }) => void): void;
  removeEventListener(type: 'statechange', f: (e: Event & { to?: string }) => void): void;
}

/** The iterator `messages()` returns. */
export class Inbox<V> implements AsyncIterableIterator<V> {
  private _buf: V[] = [];
  private _max: number;
  /** a next() waiting for an item */
  private _wait: [(r: IteratorResult<V>) => void, (e: unknown) => void] | undefined;
  /** set when no more items will come: undefined error = a normal end */
  private _end: { error?: unknown } | undefined;
  private _off: (() => void) | undefined;

  /** `listen(push)` starts delivering items and returns the function that stops it. */
  constructor(socket: Watched, listen: (push: (v: V) => void) => () => void, options: MessagesOptions = {}) {
    const { signal, max = 1000 } = options;
    if (!(typeof max === 'number' && max >= 1))
      throw new RangeError(`SteadySocket: messages() max must be a number ≥ 1, got ${String(max)}`);
    if (signal !== undefined && typeof signal?.addEventListener !== 'function')
      throw new TypeError('SteadySocket: messages() signal must be an AbortSignal');
    this._max = max;
    const onState = (e: Event & { to?: string }) => e.to === 'closed' && this._finish();
    const onAbort = () => {
      // an abort ends the loop at once: what was buffered is not delivered
      this._buf = [];
      this._finish(signal!.reason !== undefined ? signal!.reason : failure('AbortError', 'messages() was aborted'));
    };
    const stop = listen((v) => this._push(v));
    socket.addEventListener('statechange', onState);
    signal?.addEventListener('abort', onAbort);
    this._off = () => {
      stop();
      socket.removeEventListener('statechange', onState);
      signal?.removeEventListener('abort', onAbort);
    };
    if (signal?.aborted) onAbort();
  }

  private _push(v: V): void {
    if (this._end) return;
    const w = this._wait;
    if (w) {
      this._wait = undefined;
      return w[0]({ value: v, done: false });
    }
    if (this._buf.length >= this._max)
      return this._finish(
        failure('OverflowError', `messages(): the consumer fell more than ${this._max} items behind`),
      );
    this._buf.push(v);
  }

  /** No more items: release the listeners; a waiting next() ends (or throws) now, a later one after the buffer. */
  private _finish(error?: unknown): void {
    if (this._end) return;
    this._end = error === undefined ? {} : { error };
    this._off?.();
    this._off = undefined;
    const w = this._wait;
    this._wait = undefined;
    if (w) this._settle(w[0], w[1]);
  }

  private _settle(resolve: (r: IteratorResult<V>) => void, reject: (e: unknown) => void): void {
    const end = this._end!;
    if ('error' in end) {
      // thrown once; the loop is over after that
      const { error } = end;
      this._end = {};
      reject(error);
    } else resolve({ value: undefined, done: true });
  }

  next(): Promise<IteratorResult<V>> {
    if (this._buf.length) return Promise.resolve({ value: this._buf.shift()!, done: false });
    return new Promise((resolve, reject) => {
      if (this._end) this._settle(resolve, reject);
      else this._wait = [resolve, reject];
    });
  }

  /** `break` out of the loop: stop listening and drop what is buffered. */
  return(): Promise<IteratorResult<V>> {
    this._buf = [];
    this._finish();
    this._end = {};
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
