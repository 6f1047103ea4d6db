/** Anything the native `WebSocket#send` accepts. */
export type Data = string | ArrayBufferLike | Blob | ArrayBufferView;

/** Why a message handed to `send()` was discarded. */
export type DropReason = 'overflow' | 'ttl' | 'closed' | 'giveup' | 'disabled' | 'error' | 'handover';

/** What a full send queue does with a new message; see `QueueSettings.overflow`. */
export type Overflow = 'drop-oldest' | 'drop-newest' | 'error';

export interface QueueOptions {
  max: number;
  maxBytes: number;
  overflow: Overflow;
  ttl: number;
}

/**
 * Bytes a message occupies on the wire, as `bufferedAmount` counts them:
 * UTF-8 for strings, the byte length for binary data.
 */
export const byteLength = (data: Data): number => {
  if (typeof data === 'object' && data) {
    const n = (data as Blob).size ?? (data as ArrayBuffer).byteLength;
    if (n !== undefined) return n;
  }
  // anything else goes out as its string form, like the native send()
  data = String(data);
  let n = data.length;
  for (let i = 0; i < data.length; i++) {
    const c = data.charCodeAt(i);
    if (c > 0x7f) {
      n += c > 0x7ff ? 2 : 1;
      // a surrogate pair is 4 bytes: the high half counted 3, the low half (1 in length) skipped;
      // a lone half goes out as U+FFFD, 3 bytes
      if (c >= 0xd800 && c < 0xdc00 && (data.charCodeAt(i + 1) & 0xfc00) === 0xdc00) i++;
    }
  }
  return n;
};

/** An ArrayBuffer or SharedArrayBuffer, told by its tag: `instanceof` misses an iframe's. */
export const isArrayBuffer = (data: unknown): data is ArrayBufferLike =>
  /ArrayBuffer\]$/.test(Object.prototype.toString.call(data));

/** Binary data the native `send()` takes as is: a buffer, a view, or a Blob (a File too), from any realm. */
export const isBinary = (data: unknown): boolean =>
  ArrayBuffer.isView(data) || /(ArrayBuffer|Blob|File)\]$/.test(Object.prototype.toString.call(data));

/**
 * What the native `send()` makes of `data` (WebIDL: BufferSource, Blob or USVString): binary data
 * as is, anything else its string form — `{a: 1}` is "[object Object]", 42 is "42" — so `ws`, which
 * throws on such values, sends what a browser would. A Symbol throws a TypeError, as natively.
 */
export const toFrame = (data: unknown): Data =>
  typeof data === 'string' || isBinary(data) ? (data as Data) : `${data as string}`;

/**
 * What goes on the wire for `data`: binary data is copied, as the native `send()`
 * copies it at call time, so changing (or transferring) the buffer after send()
 * does not change the queued message. Strings and Blobs are immutable.
 */
const snapshot = (data: Data): Data =>
  ArrayBuffer.isView(data)
    ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice()
    : isArrayBuffer(data)
      ? new Uint8Array(data).slice().buffer
      : toFrame(data);

/**
 * [data as given (reported in drops), bytes, enqueued at, what is sent, and for a feature's
 * frame the function told its fate instead of a `drop` event: () sent, (reason) discarded]
 */
export type Item = [Data, number, number, Data, (((dropped?: DropReason) => void) | undefined)?];

/**
 * Messages waiting for an open connection, oldest first. Every message that
 * leaves other than through `shift()`/`take()` is reported to `onDrop`: on
 * overflow, on `clear()`, and when its `ttl` runs out (a timer sees to that,
 * so the report doesn't wait for the next send).
 */
export class SendQueue {
  /** oldest first */
  private _items: Item[] = [];
  /** total bytes waiting */
  bytes = 0;
  /** the ttl timer, and the item it is armed for */
  private _t: ReturnType<typeof setTimeout> | undefined;
  private _armed: Item | undefined;
  private _parked = false;

  constructor(
    private _o: QueueOptions,
    private _now: () => number,
    private _onDrop: (data: Data, reason: DropReason, item: Item) => void,
  ) {}

  get length(): number {
    return this._items.length;
  }

  /**
   * Queue `data`. Returns its item (for `remove()`; a message discarded at once is in no queue),
   * or false when it was refused under the `error` policy (the caller throws); every discarded
   * message has been reported already.
   */
  push(data: Data, done?: Item[4] | undefined): Item | false {
    const o = this._o;
    const size = byteLength(data);
    const item: Item = [data, size, this._now(), snapshot(data), done];
    this.expire();
    const fits = () => this._items.length < o.max && this.bytes + size <= o.maxBytes;
    if (!fits()) {
      // a message that could never fit is refused whatever the policy
      if (o.overflow !== 'drop-oldest' || size > o.maxBytes || o.max < 1) {
        this._report(item, 'overflow');
        return o.overflow !== 'error' && item;
      }
      // make room first and report after: a drop listener then sees the queue settled
      const out: Item[] = [];
      while (!fits()) out.push(this._take()!);
      this._add(item);
      for (const x of out) this._report(x, 'overflow');
    } else this._add(item);
    return item;
  }

  /** Take `item` out unsent and unreported (a request that timed out before it went out); false if it was not queued. */
  remove(item: Item): boolean {
    const i = this._items.indexOf(item);
    if (i < 0) return false;
    this._items.splice(i, 1);
    this.bytes -= item[1];
    this._arm();
    return true;
  }

  /** Whether `data` would be queued without discarding anything (after expiring old messages). */
  room(data: Data): boolean {
    const o = this._o;
    this.expire();
    return this._items.length < o.max && this.bytes + byteLength(data) <= o.maxBytes;
  }

  /** The oldest message still within its ttl, or undefined when empty. */
  shift(): Data | undefined {
    this.expire();
    return this.take()?.[3];
  }

  /** The oldest message, without looking at its age: `[as given, bytes, queued at, what to send]`. */
  take(): Item | undefined {
    const item = this._take();
    this._arm();
    return item;
  }

  /** Report and discard messages older than `ttl` (`due`: the timer's check, which takes exactly `ttl` old too). */
  expire(due = false): void {
    const limit = this._now() - this._o.ttl;
    while (this._items.length && (this._items[0]![2] < limit || (due && this._items[0]![2] === limit))) {
      this._report(this._take()!, 'ttl');
    }
    this._arm();
  }

  /** Discard everything, reporting each message with `reason`. */
  clear(reason: DropReason): void {
    for (const item of this.cut()) this._report(item, reason);
  }

  /**
   * Take every message out, unreported, for the caller to report later. What is pushed from
   * then on (a drop or close listener sending again) goes into a fresh list.
   */
  cut(): Item[] {
    const items = this._items;
    this._items = [];
    // counts settle first, so a listener sees an empty queue
    this.bytes = 0;
    this._arm();
    return items;
  }

  /** Put messages taken with `cut()` back, ahead of anything queued since. */
  restore(items: Item[] = []): void {
    this._items = [...items, ...this._items];
    for (const item of items) this.bytes += item[1];
    this._armed = undefined;
    this._arm();
  }

  /**
   * While parked (the socket is closed for good) no ttl timer runs: nothing may be scheduled
   * after `close()`. Messages keep their age and expire when the queue is next looked at.
   */
  park(parked: boolean): void {
    this._parked = parked;
    this._armed = undefined;
    clearTimeout(this._t);
    this._t = undefined;
    if (!parked) this._arm();
  }

  private _take(): Item | undefined {
    const item = this._items.shift();
    if (item) this.bytes -= item[1];
    return item;
  }

  private _add(item: Item): void {
    this._items.push(item);
    this.bytes += item[1];
    this._arm();
  }

  private _report(item: Item, reason: DropReason): void {
    this._onDrop(item[0], reason, item);
  }

  /** Keep the ttl timer on the oldest message: it fires just after that one expires. */
  private _arm(): void {
    const head = this._items[0];
    if (head === this._armed) return;
    this._armed = head;
    clearTimeout(this._t);
    this._t = undefined;
    const ttl = this._o.ttl;
    if (!head || ttl === Infinity || this._parked) return;
    // at most ttl + 1 ms: a clock stepped back only means another look later, never a timer for ever
    const wait = Math.min(2 ** 31 - 1, ttl + 1, Math.max(1, head[2] + ttl - this._now() + 1));
    this._t = setTimeout(() => {
      this._armed = undefined;
      this.expire(true);
    }, wait);
  }
}
