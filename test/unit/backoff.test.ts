import { describe, expect, it } from 'vitest';
import type { BackoffOptions } from '../../src/backoff';
import { delayFor } from '../../src/backoff';

const opts = (o: Partial<BackoffOptions> = {}): BackoffOptions => ({
  minDelay: 1000,
  maxDelay: 30000,
  factor: 2,
  jitter: 0,
  ...o,
});

describe('delayFor without jitter', () => {
  it('starts at minDelay for the first attempt', () => {
    expect(delayFor(1, opts(), 0.7)).toBe(1000);
  });

  it('grows by factor per attempt', () => {
    expect([1, 2, 3, 4, 5].map((n) => delayFor(n, opts(), 0.5))).toEqual([1000, 2000, 4000, 8000, 16000]);
    expect([1, 2, 3, 4].map((n) => delayFor(n, opts({ minDelay: 100, factor: 3 }), 0))).toEqual([100, 300, 900, 2700]);
  });

  it('factor 1 keeps the delay constant', () => {
    expect([1, 2, 10, 100].map((n) => delayFor(n, opts({ factor: 1, minDelay: 750 }), 0))).toEqual([
      750, 750, 750, 750,
    ]);
  });

  it('caps at maxDelay', () => {
    expect(delayFor(6, opts(), 0)).toBe(30000); // 32000 capped
    expect(delayFor(10, opts(), 0)).toBe(30000);
    expect(delayFor(1000, opts(), 0)).toBe(30000);
    expect(delayFor(5000, opts(), 0)).toBe(30000); // 2^4999 is Infinity: still the cap
  });

  it('a minDelay above nothing: minDelay == maxDelay is constant', () => {
    expect([1, 2, 3].map((n) => delayFor(n, opts({ minDelay: 5000, maxDelay: 5000 }), 0.9))).toEqual([
      5000, 5000, 5000,
    ]);
  });

  it('attempt 0 or below is treated as the first', () => {
    expect(delayFor(0, opts(), 0)).toBe(1000);
    expect(delayFor(-3, opts(), 0)).toBe(1000);
  });

  it('jitter 0 is exact whatever random says', () => {
    for (const r of [0, 0.25, 0.5, 0.999]) expect(delayFor(3, opts(), r)).toBe(4000);
  });

  it('returns whole milliseconds', () => {
    expect(delayFor(1, opts({ minDelay: 333, factor: 1.5 }), 0)).toBe(333);
    expect(delayFor(2, opts({ minDelay: 333, factor: 1.5 }), 0)).toBe(500); // 499.5 rounded
  });
});

describe('delayFor with jitter', () => {
  it('random 0 gives the full base delay', () => {
    expect(delayFor(1, opts({ jitter: 0.5 }), 0)).toBe(1000);
    expect(delayFor(3, opts({ jitter: 1 }), 0)).toBe(4000);
  });

  it('random 0.999 shortens by almost jitter × base', () => {
    expect(delayFor(1, opts({ jitter: 0.5 }), 0.999)).toBe(Math.round(1000 * (1 - 0.5 * 0.999)));
    expect(delayFor(1, opts({ jitter: 0.5 }), 0.999)).toBe(500); // 500.49999… in binary floating point
    expect(delayFor(2, opts({ jitter: 0.5 }), 0.999)).toBe(1001); // 2000 × 0.5005
    expect(delayFor(3, opts({ jitter: 1 }), 0.999)).toBe(4); // full jitter: 4000 × 0.001
  });

  it('stays within [base × (1 − jitter), base]', () => {
    const o = opts({ jitter: 0.3 });
    for (let i = 0; i < 100; i++) {
      const r = i / 100;
      const d = delayFor(4, o, r);
      expect(d).toBeGreaterThanOrEqual(8000 * 0.7);
      expect(d).toBeLessThanOrEqual(8000);
    }
  });

  it('is applied AFTER the cap: at the cap delays still spread over [max × (1 − jitter), max]', () => {
    const o = opts({ jitter: 0.5 });
    expect(delayFor(20, o, 0)).toBe(30000);
    expect(delayFor(20, o, 0.999)).toBe(Math.round(30000 * (1 - 0.5 * 0.999))); // 15015
    expect(delayFor(20, o, 0.5)).toBe(22500);
    // jitter before the cap would make these all 30000
    const atCap = [0, 0.2, 0.4, 0.6, 0.8, 0.999].map((r) => delayFor(12, o, r));
    expect(new Set(atCap).size).toBe(6);
    for (const d of atCap) {
      expect(d).toBeGreaterThanOrEqual(15000);
      expect(d).toBeLessThanOrEqual(30000);
    }
  });

  it('is monotonic in random: more random, shorter wait', () => {
    const o = opts({ jitter: 0.5 });
    let prev = Infinity;
    for (let i = 0; i < 50; i++) {
      const d = delayFor(3, o, i / 50);
      expect(d).toBeLessThanOrEqual(prev);
      prev = d;
    }
  });

  it('1000 clients at attempt 10 with Math.random spread widely', () => {
    const o = opts({ jitter: 0.5 }); // attempt 10: 512000 capped at 30000
    const delays = Array.from({ length: 1000 }, () => delayFor(10, o, Math.random()));
    const min = Math.min(...delays);
    const max = Math.max(...delays);
    const distinct = new Set(delays).size;
    // count clients per 1-second bucket: nobody should be herded into one second
    const buckets = new Map<number, number>();
    for (const d of delays) buckets.set(Math.floor(d / 1000), (buckets.get(Math.floor(d / 1000)) ?? 0) + 1);
    const busiest = Math.max(...buckets.values());
    console.log(
      `backoff spread: 1000 clients at attempt 10: min ${min} ms, max ${max} ms, ${distinct} distinct, busiest 1 s bucket ${busiest}`,
    );
    expect(min).toBeGreaterThanOrEqual(15000);
    expect(max).toBeLessThanOrEqual(30000);
    // expected width ~15000; the chance of less than 12000 from 1000 uniform draws is negligible (< 1e-90)
    expect(max - min).toBeGreaterThan(12000);
    expect(distinct).toBeGreaterThan(800);
    // uniform over 15 buckets: ~67 each; 200 would be a herd
    expect(busiest).toBeLessThan(200);
  });

  // Was a bug (fixed in 4cb2bf4): once factor^(attempt-1) overflowed to Infinity, 0 × Infinity
  // made the delay NaN, and `reconnecting` reported delay NaN.
  it('minDelay 0 with a large attempt gives 0, not NaN (was a bug)', () => {
    expect(delayFor(1100, opts({ minDelay: 0 }), 0)).toBe(0);
  });

  it('always a finite number in [0, maxDelay] for sane inputs', () => {
    const cases: BackoffOptions[] = [
      opts(),
      opts({ jitter: 1 }),
      opts({ minDelay: 1, maxDelay: 2 ** 31 - 1, factor: 10, jitter: 0.5 }),
      opts({ minDelay: 10, maxDelay: 10, factor: 1, jitter: 0.9 }),
    ];
    for (const o of cases) {
      for (const n of [1, 2, 3, 10, 50, 1100]) {
        for (const r of [0, 0.5, 0.999]) {
          const d = delayFor(n, o, r);
          expect(Number.isFinite(d)).toBe(true);
          expect(d).toBeGreaterThanOrEqual(0);
          expect(d).toBeLessThanOrEqual(o.maxDelay);
        }
      }
    }
  });
});
