import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Data, DropReason, QueueOptions } from '../../src/queue';
import { byteLength, SendQueue } from '../../src/queue';

const utf8 = (s: string) => new TextEncoder().encode(s).length;

/** A small seeded PRNG (mulberry32) so the generated strings are the same on every run. */
const prng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

describe('byteLength of strings', () => {
  it('ASCII: one byte per character', () => {
    expect(byteLength('')).toBe(0);
    expect(byteLength('a')).toBe(1);
    expect(byteLength('hello world')).toBe(11);
    expect(byteLength('\u0000\u007f')).toBe(2);
  });

  it('2-byte UTF-8 (U+0080–U+07FF)', () => {
    expect(byteLength('\u0080')).toBe(2);
    expect(byteLength('é')).toBe(2);
    expect(byteLength('\u07ff')).toBe(2);
    expect(byteLength('héllo')).toBe(6);
  });

  it('3-byte UTF-8 (U+0800–U+FFFF outside surrogates)', () => {
    expect(byteLength('\u0800')).toBe(3);
    expect(byteLength('€')).toBe(3);
    expect(byteLength('中文')).toBe(6);
    expect(byteLength('\uffff')).toBe(3);
    expect(byteLength('\ue000')).toBe(3); // just above the surrogate range
  });

  it('4-byte UTF-8: surrogate pairs count 4, not 6', () => {
    expect(byteLength('😀')).toBe(4);
    expect(byteLength('\u{10000}')).toBe(4);
    expect(byteLength('\u{10ffff}')).toBe(4);
    expect(byteLength('a😀b')).toBe(6);
    expect(byteLength('😀😀😀')).toBe(12);
    expect(byteLength('👨‍👩‍👧')).toBe(utf8('👨‍👩‍👧')); // ZWJ sequence: 18
  });

  it('lone surrogates count as U+FFFD (3 bytes), like the UTF-8 the socket sends', () => {
    expect(byteLength('\ud800')).toBe(3);
    expect(byteLength('\udc00')).toBe(3);
    expect(byteLength('\udc00\ud800')).toBe(6); // reversed pair: two lone halves
    expect(byteLength('\ud800a')).toBe(4);
  });

  // Was a bug (fixed in 4cb2bf4): a high surrogate followed by anything but a low surrogate was
  // counted as a pair, skipping the next code unit's extra bytes ('\ud800é' gave 4, not 5).
  it('a lone high surrogate before a non-ASCII character counts like TextEncoder (was a bug)', () => {
    expect(byteLength('\ud800é')).toBe(5);
    expect(byteLength('\ud800中')).toBe(6);
    expect(byteLength('\ud800\ud800')).toBe(6);
  });

  it('matches TextEncoder on 2000 random well-formed strings', () => {
    const rnd = prng(42);
    // ranges by byte width, and the astral planes
    const ranges: [number, number][] = [
      [0x20, 0x7e],
      [0x80, 0x7ff],
      [0x800, 0xd7ff],
      [0xe000, 0xffff],
      [0x10000, 0x10ffff],
    ];
    let total = 0;
    for (let n = 0; n < 2000; n++) {
      const len = Math.floor(rnd() * 40);
      let s = '';
      for (let i = 0; i < len; i++) {
        const [lo, hi] = ranges[Math.floor(rnd() * ranges.length)]!;
        s += String.fromCodePoint(lo + Math.floor(rnd() * (hi - lo + 1)));
      }
      const want = utf8(s);
      total += want;
      if (byteLength(s) !== want) expect({ s, got: byteLength(s) }).toEqual({ s, got: want });
    }
    expect(total).toBeGreaterThan(50_000); // the loop really produced multi-byte text
  });

  it('matches TextEncoder on 2000 random strings of raw UTF-16 code units (lone surrogates included)', () => {
    const rnd = prng(99);
    // bias towards the interesting units: surrogate halves and the 1/2/3-byte boundaries
    const pick = () => {
      const r = rnd();
      if (r < 0.3) return 0xd800 + Math.floor(rnd() * 0x800); // either surrogate half
      if (r < 0.4) return [0x7f, 0x80, 0x7ff, 0x800, 0xffff, 0xfffd][Math.floor(rnd() * 6)]!;
      return Math.floor(rnd() * 0x10000);
    };
    for (let n = 0; n < 2000; n++) {
      const len = Math.floor(rnd() * 20);
      const s = String.fromCharCode(...Array.from({ length: len }, pick));
      if (byteLength(s) !== utf8(s))
        expect({ s: JSON.stringify(s), got: byteLength(s) }).toEqual({ s: JSON.stringify(s), got: utf8(s) });
    }
  });

  it('matches TextEncoder on fixed samples in many scripts', () => {
    const samples = [
      'The quick brown fox',
      'Ça va? Größe, naïve, façade',
      'Ελληνικά, русский, עברית, العربية',
      '日本語のテキスト、한국어, 中文',
      '𝕳𝖊𝖑𝖑𝖔 🌍🚀✨ 🇫🇷',
      '{"channel":"chat","data":{"text":"héllo 😀"}}',
      'x'.repeat(10_000) + '€'.repeat(10_000) + '😀'.repeat(10_000),
    ];
    for (const s of samples) expect(byteLength(s)).toBe(utf8(s));
  });
});

describe('byteLength of binary data', () => {
  it('ArrayBuffer: byteLength', () => {
    expect(byteLength(new ArrayBuffer(0))).toBe(0);
    expect(byteLength(new ArrayBuffer(17))).toBe(17);
  });

  it('typed arrays and DataView: bytes, not elements', () => {
    expect(byteLength(new Uint8Array(5))).toBe(5);
    expect(byteLength(new Uint16Array(5))).toBe(10);
    expect(byteLength(new Float64Array(3))).toBe(24);
    expect(byteLength(new DataView(new ArrayBuffer(9)))).toBe(9);
    // a view on part of a larger buffer counts only the view
    expect(byteLength(new Uint8Array(new ArrayBuffer(100), 10, 20))).toBe(20);
    expect(byteLength(new Uint32Array(new ArrayBuffer(100), 8, 4))).toBe(16);
  });

  it('Blob: size', () => {
    expect(byteLength(new Blob([]))).toBe(0);
    expect(byteLength(new Blob(['héllo']))).toBe(6);
    expect(byteLength(new Blob([new Uint8Array(1000), 'abc']))).toBe(1003);
  });
});

type Drop = [Data, DropReason];

const make = (o: Partial<QueueOptions> = {}, clock = { t: 1_000_000 }) => {
  const drops: Drop[] = [];
  const q = new SendQueue(
    { max: 1000, maxBytes: 1 << 20, overflow: 'drop-oldest', ttl: Infinity, ...o },
    () => clock.t,
    (d, r) => {
      drops.push([d, r]);
    },
  );
  /** empty the queue through shift(), oldest first */
  const drain = () => {
    const out: Data[] = [];
    for (let d = q.shift(), n = 0; d !== undefined && n < 100_000; d = q.shift(), n++) out.push(d);
    return out;
  };
  return { q, drops, clock, drain };
};

/** the bytes of a list of messages, recomputed */
const sumBytes = (items: Data[]) => items.reduce<number>((n, d) => n + byteLength(d), 0);

describe('SendQueue basics', () => {
  it('keeps order: first in, first out', () => {
    const { q, drain, drops } = make();
    for (const m of ['a', 'b', 'c', 'd']) expect(q.push(m)).toBeTruthy();
    expect(q.length).toBe(4);
    expect(drain()).toEqual(['a', 'b', 'c', 'd']);
    expect(q.length).toBe(0);
    expect(q.shift()).toBeUndefined();
    expect(drops).toEqual([]);
  });

  it('interleaved push and shift stay in order', () => {
    const { q } = make();
    q.push('1');
    q.push('2');
    expect(q.shift()).toBe('1');
    q.push('3');
    expect(q.shift()).toBe('2');
    expect(q.shift()).toBe('3');
    expect(q.shift()).toBeUndefined();
  });

  it('queues a copy of binary data, as the native send() copies at call time; drops report the object given', () => {
    const { q, drops } = make({ max: 2 });
    const buf = new Uint8Array([1, 1, 1]);
    const ab = new Uint8Array([7, 8]).buffer;
    const blob = new Blob(['x']);
    q.push(buf);
    buf.fill(2); // changed after send(): the queued message keeps what was sent
    q.push(ab);
    structuredClone(ab, { transfer: [ab] }); // detached after send(): still sent whole
    expect(ab.byteLength).toBe(0);
    q.push(blob); // drop-oldest: buf goes
    expect(drops).toEqual([[buf, 'overflow']]);
    expect(drops[0]![0]).toBe(buf);
    expect(q.shift()).toEqual(new Uint8Array([7, 8]).buffer);
    expect(q.shift()).toBe(blob);
    q.push(new Uint16Array([0x0102]).subarray(0, 1));
    expect(q.shift()).toEqual(new Uint8Array(new Uint16Array([0x0102]).buffer));
  });

  it("copies another realm's ArrayBuffer and a SharedArrayBuffer too", async () => {
    const { runInNewContext } = await import('node:vm');
    const { q } = make();
    const foreign = runInNewContext('new Uint8Array([5, 6]).buffer') as ArrayBuffer;
    expect(foreign instanceof ArrayBuffer).toBe(false);
    q.push(foreign);
    new Uint8Array(foreign).fill(0);
    const shared = new SharedArrayBuffer(2);
    new Uint8Array(shared).set([7, 8]);
    q.push(shared as unknown as ArrayBuffer);
    new Uint8Array(shared).fill(0);
    expect(new Uint8Array(q.shift() as ArrayBuffer)).toEqual(new Uint8Array([5, 6]));
    const s = q.shift() as ArrayBuffer;
    expect(s).toBeInstanceOf(ArrayBuffer);
    expect(new Uint8Array(s)).toEqual(new Uint8Array([7, 8]));
  });

  it('the copy goes out with the bytes the view covered, not its whole buffer', () => {
    const { q } = make();
    const big = new Uint8Array([0, 1, 2, 3, 4, 5]);
    q.push(big.subarray(2, 4));
    expect(q.shift()).toEqual(new Uint8Array([2, 3]));
  });

  it('counts bytes exactly through pushes and shifts', () => {
    const { q } = make();
    expect(q.bytes).toBe(0);
    q.push('héllo'); // 6
    q.push(new Uint8Array(10)); // 10
    q.push('😀'); // 4
    expect(q.bytes).toBe(20);
    q.shift();
    expect(q.bytes).toBe(14);
    q.shift();
    q.shift();
    expect(q.bytes).toBe(0);
  });
});

describe('SendQueue max (count)', () => {
  it('drop-oldest evicts the oldest with an overflow drop', () => {
    const { q, drops, drain } = make({ max: 3 });
    for (const m of ['a', 'b', 'c', 'd', 'e']) expect(q.push(m)).toBeTruthy();
    expect(q.length).toBe(3);
    expect(drops).toEqual([
      ['a', 'overflow'],
      ['b', 'overflow'],
    ]);
    expect(q.bytes).toBe(3);
    expect(drain()).toEqual(['c', 'd', 'e']);
  });

  it('drop-newest refuses the new message and keeps the old ones', () => {
    const { q, drops, drain } = make({ max: 2, overflow: 'drop-newest' });
    expect(q.push('a')).toBeTruthy();
    expect(q.push('b')).toBeTruthy();
    expect(q.push('c')).toBeTruthy(); // not an error: dropped and reported
    expect(q.push('d')).toBeTruthy();
    expect(drops).toEqual([
      ['c', 'overflow'],
      ['d', 'overflow'],
    ]);
    expect(q.bytes).toBe(2);
    expect(drain()).toEqual(['a', 'b']);
  });

  it('error returns false for the new message and reports it', () => {
    const { q, drops, drain } = make({ max: 2, overflow: 'error' });
    expect(q.push('a')).toBeTruthy();
    expect(q.push('b')).toBeTruthy();
    expect(q.push('c')).toBe(false);
    expect(drops).toEqual([['c', 'overflow']]);
    expect(q.length).toBe(2);
    expect(q.bytes).toBe(2);
    expect(drain()).toEqual(['a', 'b']);
    // room again after draining
    expect(q.push('d')).toBeTruthy();
  });

  it('max 0 holds nothing under every policy', () => {
    for (const overflow of ['drop-oldest', 'drop-newest', 'error'] as const) {
      const { q, drops } = make({ max: 0, overflow });
      expect(q.push('a') !== false).toBe(overflow !== 'error');
      expect(q.length).toBe(0);
      expect(q.bytes).toBe(0);
      expect(drops).toEqual([['a', 'overflow']]);
    }
  });
});

describe('SendQueue maxBytes', () => {
  it('drop-oldest evicts as many old messages as needed to fit the new one', () => {
    const { q, drops, drain } = make({ maxBytes: 10 });
    q.push('aaa');
    q.push('bbb');
    q.push('ccc'); // 9 bytes
    expect(q.push('dddddd')).toBeTruthy(); // 6: needs 5 free → evict aaa and bbb
    expect(drops).toEqual([
      ['aaa', 'overflow'],
      ['bbb', 'overflow'],
    ]);
    expect(q.bytes).toBe(9);
    expect(drain()).toEqual(['ccc', 'dddddd']);
  });

  it('a message exactly filling maxBytes fits', () => {
    const { q, drops } = make({ maxBytes: 6 });
    expect(q.push('héllo')).toBeTruthy(); // 6 bytes, 5 chars
    expect(q.bytes).toBe(6);
    expect(drops).toEqual([]);
  });

  it('counts UTF-8 bytes, not characters', () => {
    const { q, drops } = make({ maxBytes: 8, overflow: 'drop-newest' });
    q.push('😀'); // 4 bytes, 2 UTF-16 units
    q.push('😀');
    q.push('x'); // 9 > 8
    expect(drops).toEqual([['x', 'overflow']]);
    expect(q.bytes).toBe(8);
  });

  it('drop-newest refuses a message that does not fit in the bytes left', () => {
    const { q, drops, drain } = make({ maxBytes: 10, overflow: 'drop-newest' });
    q.push(new Uint8Array(8));
    expect(q.push('abc')).toBeTruthy();
    expect(drops).toEqual([['abc', 'overflow']]);
    expect(q.push('ab')).toBeTruthy(); // exactly 10
    expect(drops).toHaveLength(1);
    expect(q.bytes).toBe(10);
    expect(drain().map(byteLength)).toEqual([8, 2]);
  });

  it('error refuses a message that does not fit in the bytes left', () => {
    const { q, drops } = make({ maxBytes: 4, overflow: 'error' });
    expect(q.push('abc')).toBeTruthy();
    expect(q.push('de')).toBe(false);
    expect(drops).toEqual([['de', 'overflow']]);
    expect(q.bytes).toBe(3);
  });

  it('a message bigger than maxBytes is refused under every policy, without evicting anything', () => {
    for (const overflow of ['drop-oldest', 'drop-newest', 'error'] as const) {
      const { q, drops, drain } = make({ maxBytes: 10, overflow });
      q.push('abc');
      q.push('def');
      const big = 'x'.repeat(11);
      expect(q.push(big) !== false).toBe(overflow !== 'error');
      expect(drops).toEqual([[big, 'overflow']]);
      expect(q.bytes).toBe(6);
      expect(drain()).toEqual(['abc', 'def']);
    }
  });

  it('an empty message takes no bytes but still counts against max', () => {
    const { q, drops } = make({ max: 2, maxBytes: 0, overflow: 'drop-newest' });
    expect(q.push('')).toBeTruthy();
    expect(q.push(new ArrayBuffer(0))).toBeTruthy();
    expect(q.push('')).toBeTruthy();
    expect(q.length).toBe(2);
    expect(drops).toHaveLength(1);
    expect(q.bytes).toBe(0);
  });
});

describe('SendQueue ttl', () => {
  it('shift() drops messages older than ttl with reason ttl, then returns the first fresh one', () => {
    const clock = { t: 5000 };
    const { q, drops } = make({ ttl: 1000 }, clock);
    q.push('old1');
    clock.t += 400;
    q.push('old2');
    clock.t += 400;
    q.push('fresh');
    clock.t += 700; // ages: 1500, 1100, 700
    expect(q.shift()).toBe('fresh');
    expect(drops).toEqual([
      ['old1', 'ttl'],
      ['old2', 'ttl'],
    ]);
    expect(q.bytes).toBe(0);
  });

  it('a message exactly ttl old is still sent; one ms later it is dropped', () => {
    const clock = { t: 0 };
    const a = make({ ttl: 1000 }, clock);
    a.q.push('m');
    clock.t = 1000;
    expect(a.q.shift()).toBe('m');
    const b = make({ ttl: 1000 }, clock);
    clock.t = 0;
    b.q.push('m');
    clock.t = 1001;
    expect(b.q.shift()).toBeUndefined();
    expect(b.drops).toEqual([['m', 'ttl']]);
  });

  it('expire() reports stale messages without a shift', () => {
    const clock = { t: 0 };
    const { q, drops } = make({ ttl: 50 }, clock);
    q.push('a');
    q.push('bb');
    clock.t = 30;
    q.push('ccc');
    clock.t = 60;
    q.expire();
    expect(drops).toEqual([
      ['a', 'ttl'],
      ['bb', 'ttl'],
    ]);
    expect(q.length).toBe(1);
    expect(q.bytes).toBe(3);
  });

  it('push() expires first, so stale messages free room before the overflow policy applies', () => {
    const clock = { t: 0 };
    const { q, drops, drain } = make({ ttl: 100, max: 2, overflow: 'error' }, clock);
    q.push('a');
    q.push('b');
    clock.t = 200;
    expect(q.push('c')).toBeTruthy();
    expect(drops).toEqual([
      ['a', 'ttl'],
      ['b', 'ttl'],
    ]);
    expect(drain()).toEqual(['c']);
  });

  it('ttl Infinity keeps messages for ever', () => {
    const clock = { t: 0 };
    const { q, drops } = make({ ttl: Infinity }, clock);
    q.push('a');
    clock.t = Number.MAX_SAFE_INTEGER;
    expect(q.shift()).toBe('a');
    expect(drops).toEqual([]);
  });
});

describe('SendQueue clear', () => {
  it('reports every message, oldest first, with the given reason and empties the queue', () => {
    for (const reason of ['closed', 'giveup'] as const) {
      const { q, drops } = make();
      q.push('a');
      q.push(new Uint8Array(4));
      q.push('c');
      q.clear(reason);
      expect(drops.map(([d, r]) => [typeof d === 'string' ? d : byteLength(d), r])).toEqual([
        ['a', reason],
        [4, reason],
        ['c', reason],
      ]);
      expect(q.length).toBe(0);
      expect(q.bytes).toBe(0);
      expect(q.shift()).toBeUndefined();
    }
  });

  it('on an empty queue reports nothing', () => {
    const { q, drops } = make();
    q.clear('closed');
    expect(drops).toEqual([]);
  });
});

describe('SendQueue byte accounting under churn', () => {
  /** A plain reference model of the documented behaviour, compared step by step. */
  const model = (o: QueueOptions, now: () => number) => {
    const items: { d: Data; size: number; t: number }[] = [];
    const drops: Drop[] = [];
    const expire = () => {
      while (items.length && now() - items[0]!.t > o.ttl) drops.push([items.shift()!.d, 'ttl']);
    };
    const bytes = () => items.reduce((n, x) => n + x.size, 0);
    const fits = (size: number) => items.length < o.max && bytes() + size <= o.maxBytes;
    return {
      items,
      drops,
      bytes,
      expire,
      push(d: Data) {
        const size = byteLength(d);
        expire();
        if (!fits(size)) {
          if (o.overflow !== 'drop-oldest' || size > o.maxBytes) {
            drops.push([d, 'overflow']);
            return o.overflow !== 'error';
          }
          while (!fits(size)) drops.push([items.shift()!.d, 'overflow']);
        }
        items.push({ d, size, t: now() });
        return true;
      },
      shift() {
        expire();
        return items.shift()?.d;
      },
    };
  };

  it.each(['drop-oldest', 'drop-newest', 'error'] as const)(
    '%s: length, bytes and drops follow the model over 3000 random steps',
    (overflow) => {
      const rnd = prng(overflow.length * 7919);
      const clock = { t: 0 };
      const o: QueueOptions = { max: 20, maxBytes: 200, ttl: 120, overflow };
      const { q, drops } = make(o, clock);
      const m = model(o, () => clock.t);
      let pushed = 0;
      let shifted = 0;
      for (let i = 0; i < 3000; i++) {
        // mostly small steps, now and then a pause longer than the ttl
        clock.t += rnd() < 0.02 ? 200 : Math.floor(rnd() * 20);
        const op = rnd();
        if (op < 0.6) {
          const len = Math.floor(rnd() * 40);
          const d = rnd() < 0.5 ? '€😀a'.repeat(len) : new Uint8Array(len * 3);
          expect(q.push(d) !== false).toBe(m.push(d));
          pushed++;
        } else if (op < 0.95) {
          const got = q.shift();
          expect(got).toEqual(m.shift());
          if (got !== undefined) shifted++;
        } else {
          q.expire();
          m.expire();
        }
        expect(q.length).toBe(m.items.length);
        expect(q.bytes).toBe(m.bytes());
        expect(drops.length).toBe(m.drops.length);
      }
      expect(drops).toEqual(m.drops);
      // the workload exercised every door: overflow, ttl and shift
      expect(drops.some(([, r]) => r === 'overflow')).toBe(true);
      expect(drops.some(([, r]) => r === 'ttl')).toBe(true);
      expect(shifted).toBeGreaterThan(100);
      // every message pushed left by exactly one door: shifted, dropped, or still held
      const held = q.length;
      const heldBytes = q.bytes;
      const left: Data[] = [];
      for (let d = q.shift(), n = 0; d !== undefined && n < 100; d = q.shift(), n++) left.push(d);
      expect(left).toHaveLength(held);
      expect(sumBytes(left)).toBe(heldBytes);
      expect(q.bytes).toBe(0);
      expect(pushed).toBe(shifted + drops.length + left.length);
      console.log(
        `queue churn ${overflow}: ${pushed} pushed, ${shifted} shifted, ${drops.length} dropped, ${held} held`,
      );
    },
  );
});

describe('SendQueue ttl timer', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const timed = (ttl: number) => {
    const drops: Drop[] = [];
    const q = new SendQueue({ max: 10, maxBytes: 1000, overflow: 'drop-oldest', ttl }, Date.now, (d, r) => {
      drops.push([d, r]);
    });
    return { q, drops };
  };

  it('reports an expired message when its ttl runs out, with no send() to trigger it', () => {
    const { q, drops } = timed(100);
    q.push('a');
    vi.advanceTimersByTime(50);
    q.push('b');
    vi.advanceTimersByTime(51);
    expect(drops).toEqual([['a', 'ttl']]);
    expect(q.length).toBe(1);
    vi.advanceTimersByTime(50);
    expect(drops).toEqual([
      ['a', 'ttl'],
      ['b', 'ttl'],
    ]);
    expect(q.bytes).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('keeps one timer at most, and none once the queue is empty or ttl is Infinity', () => {
    const { q } = timed(100);
    for (let i = 0; i < 5; i++) q.push(String(i));
    expect(vi.getTimerCount()).toBe(1);
    while (q.take() !== undefined);
    expect(vi.getTimerCount()).toBe(0);
    q.push('x');
    q.clear('closed');
    expect(vi.getTimerCount()).toBe(0);
    const forever = timed(Infinity);
    forever.q.push('y');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a ttl beyond what setTimeout takes is clamped, not fired at once', () => {
    const { q, drops } = timed(2 ** 40);
    q.push('a');
    vi.advanceTimersByTime(10_000);
    expect(drops).toEqual([]);
    q.clear('closed');
  });

  it('a clock frozen at the very moment a message expires: reported, not re-checked every millisecond', () => {
    let now = 1000;
    const drops: Drop[] = [];
    const q = new SendQueue(
      { max: 10, maxBytes: 1000, overflow: 'drop-oldest', ttl: 100 },
      () => now,
      (d, r) => {
        drops.push([d, r]);
      },
    );
    q.push('a');
    now = 1100; // exactly ttl old, and the clock stays there
    vi.advanceTimersByTime(200);
    expect(drops).toEqual([['a', 'ttl']]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a clock stepped back: the timer looks again after ttl, it is never set for the size of the step', () => {
    let now = 1_000_000;
    const { q } = (() => {
      const q = new SendQueue(
        { max: 10, maxBytes: 1000, overflow: 'drop-oldest', ttl: 100 },
        () => now,
        () => {},
      );
      return { q };
    })();
    q.push('a');
    now -= 500_000;
    vi.advanceTimersByTime(101);
    // looked, found nothing due by this clock, and armed again for at most ttl + 1 ms
    expect(vi.getTimerCount()).toBe(1);
    expect(q.length).toBe(1);
    now += 500_100;
    vi.advanceTimersByTime(101);
    expect(q.length).toBe(0);
  });
});

describe('0.2: a feature frame with a fate', () => {
  it('remove() takes a queued item out unsent and unreported; false once it is gone', () => {
    const drops: unknown[] = [];
    const q = new SendQueue(
      { max: 10, maxBytes: 100, overflow: 'drop-oldest', ttl: Infinity },
      () => 0,
      (d) => drops.push(d),
    );
    q.push('a');
    const b = q.push('bb');
    q.push('c');
    expect(q.bytes).toBe(4);
    expect(b && q.remove(b)).toBe(true);
    expect(b && q.remove(b)).toBe(false);
    expect(q.bytes).toBe(2);
    expect([q.shift(), q.shift(), q.shift()]).toEqual(['a', 'c', undefined]);
    expect(drops).toEqual([]);
  });

  it('a discarded item with a done function is reported to it (the caller decides), with the item', () => {
    const seen: unknown[] = [];
    const q = new SendQueue(
      { max: 1, maxBytes: 100, overflow: 'drop-oldest', ttl: Infinity },
      () => 0,
      (d, r, item) => seen.push([d, r, typeof item[4]]),
    );
    q.push('a', () => {});
    q.push('b');
    expect(seen).toEqual([['a', 'overflow', 'function']]);
  });
});
