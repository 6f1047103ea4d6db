import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Heartbeat } from '../../src/heartbeat';
import { createHeartbeat } from '../../src/heartbeat';

const INTERVAL = 1000;
const TIMEOUT = 300;

/**
 * A heartbeat on fake timers. `now()` follows fake time plus `skew`: raising
 * `skew` moves the wall clock without running timers, which is what a laptop
 * waking from sleep looks like to a timer callback that fires late.
 */
const setup = (o: { interval?: number; timeout?: number } = {}) => {
  const clock = { skew: 0 };
  const pings: number[] = [];
  const deaths: number[] = [];
  const now = () => Date.now() + clock.skew;
  const start = now();
  const hb: Heartbeat = createHeartbeat({
    interval: o.interval ?? INTERVAL,
    timeout: o.timeout ?? TIMEOUT,
    now,
    ping: () => pings.push(now() - start),
    dead: () => deaths.push(now() - start),
  });
  return { hb, pings, deaths, clock, elapsed: () => now() - start };
};

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(1_700_000_000_000);
});

afterEach(() => {
  vi.useRealTimers();
});

describe('createHeartbeat', () => {
  it('check() after stop() sends nothing and arms no timer', () => {
    const { hb, pings } = setup();
    hb.stop();
    hb.check();
    expect(pings).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a clock that reads 0 (an injected test clock) still tracks the outstanding ping', () => {
    let t = 0;
    const pings: number[] = [];
    const deaths: number[] = [];
    const hb = createHeartbeat({
      interval: INTERVAL,
      timeout: TIMEOUT,
      now: () => t,
      ping: () => pings.push(t),
      dead: () => deaths.push(t),
    });
    hb.check(); // at t = 0
    expect(pings).toEqual([0]);
    hb.check(); // a ping is out: no second one
    expect(pings).toEqual([0]);
    t = 5;
    expect(hb.pong()).toBe(5);
    hb.stop();
  });

  it('arms exactly one timer and sends nothing at creation', () => {
    const { hb, pings, deaths } = setup();
    expect(vi.getTimerCount()).toBe(1);
    expect(pings).toEqual([]);
    expect(deaths).toEqual([]);
    hb.stop();
  });

  it('pings after `interval` of silence, not before', () => {
    const { hb, pings } = setup();
    vi.advanceTimersByTime(INTERVAL - 1);
    expect(pings).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(pings).toEqual([INTERVAL]);
    hb.stop();
  });

  it('touch() postpones the ping to `interval` after the last inbound frame', () => {
    const { hb, pings } = setup();
    vi.advanceTimersByTime(600);
    hb.touch();
    vi.advanceTimersByTime(900); // t=1500: only 900 ms of silence
    expect(pings).toEqual([]);
    hb.touch(); // t=1500
    vi.advanceTimersByTime(999); // t=2499
    expect(pings).toEqual([]);
    vi.advanceTimersByTime(1); // t=2500
    expect(pings).toEqual([2500]);
    hb.stop();
  });

  it('steady traffic means no pings at all', () => {
    const { hb, pings, deaths } = setup();
    for (let i = 0; i < 50; i++) {
      vi.advanceTimersByTime(INTERVAL / 2);
      hb.touch();
    }
    expect(pings).toEqual([]);
    expect(deaths).toEqual([]);
    expect(vi.getTimerCount()).toBe(1);
    hb.stop();
  });

  it('pong() returns the round trip of the outstanding ping', () => {
    const { hb, pings } = setup();
    vi.advanceTimersByTime(INTERVAL);
    expect(pings).toEqual([INTERVAL]);
    vi.advanceTimersByTime(42);
    expect(hb.pong()).toBe(42);
    hb.stop();
  });

  it('a pong in the same millisecond as the ping counts as an answer', () => {
    const { hb, pings, deaths } = setup();
    vi.advanceTimersByTime(INTERVAL);
    expect(pings).toHaveLength(1);
    expect(hb.pong()).toBe(0);
    vi.advanceTimersByTime(TIMEOUT);
    expect(deaths).toEqual([]);
    vi.advanceTimersByTime(INTERVAL);
    expect(pings).toEqual([INTERVAL, 2 * INTERVAL]);
    hb.stop();
  });

  it('a frame in the same millisecond as the ping counts as an answer', () => {
    const { hb, deaths } = setup();
    vi.advanceTimersByTime(INTERVAL);
    hb.touch();
    vi.advanceTimersByTime(TIMEOUT);
    expect(deaths).toEqual([]);
    hb.stop();
  });

  it('pong() with no ping outstanding returns undefined (an unsolicited pong)', () => {
    const { hb } = setup();
    vi.advanceTimersByTime(100);
    expect(hb.pong()).toBeUndefined();
    hb.stop();
  });

  it('no answer within `timeout` → dead, exactly once, and nothing left armed', () => {
    const { hb, pings, deaths } = setup();
    vi.advanceTimersByTime(INTERVAL); // ping
    vi.advanceTimersByTime(TIMEOUT - 1);
    expect(deaths).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(deaths).toEqual([INTERVAL + TIMEOUT]);
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(60_000);
    expect(deaths).toHaveLength(1);
    expect(pings).toHaveLength(1);
    hb.stop();
  });

  it('any inbound frame after the ping also counts as an answer', () => {
    const { hb, deaths } = setup();
    vi.advanceTimersByTime(INTERVAL);
    vi.advanceTimersByTime(100);
    hb.touch();
    vi.advanceTimersByTime(TIMEOUT * 3);
    expect(deaths).toEqual([]);
    hb.stop();
  });

  it('answered → the next ping comes `interval` after the answer', () => {
    const { hb, pings, deaths } = setup();
    vi.advanceTimersByTime(INTERVAL); // ping at 1000
    vi.advanceTimersByTime(50);
    expect(hb.pong()).toBe(50); // answer at 1050
    vi.advanceTimersByTime(INTERVAL - 1); // 2049
    expect(pings).toEqual([1000]);
    vi.advanceTimersByTime(1); // 2050
    expect(pings).toEqual([1000, 2050]);
    vi.advanceTimersByTime(10);
    expect(hb.pong()).toBe(10);
    vi.advanceTimersByTime(INTERVAL);
    expect(pings).toEqual([1000, 2050, 3060]);
    expect(deaths).toEqual([]);
    hb.stop();
  });

  it('a long quiet but answering connection pings every interval (+ rtt) and never dies', () => {
    const { hb, pings, deaths } = setup();
    for (let i = 0; i < 20; i++) {
      vi.advanceTimersByTime(INTERVAL);
      vi.advanceTimersByTime(5);
      expect(hb.pong()).toBe(5);
    }
    expect(pings).toHaveLength(20);
    expect(pings[19]).toBe(20 * INTERVAL + 19 * 5);
    expect(deaths).toEqual([]);
    hb.stop();
  });

  it('timeout longer than interval still waits the whole timeout', () => {
    const { hb, pings, deaths } = setup({ interval: 100, timeout: 1000 });
    vi.advanceTimersByTime(100);
    expect(pings).toEqual([100]);
    vi.advanceTimersByTime(999);
    expect(pings).toEqual([100]); // no second ping while one is out
    expect(deaths).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(deaths).toEqual([1100]);
    hb.stop();
  });

  it('check() pings at once', () => {
    const { hb, pings, deaths } = setup();
    vi.advanceTimersByTime(200);
    hb.check();
    expect(pings).toEqual([200]);
    vi.advanceTimersByTime(TIMEOUT);
    expect(deaths).toEqual([200 + TIMEOUT]);
    hb.stop();
  });

  it('check() while a ping is out does not ping again nor extend the deadline', () => {
    const { hb, pings, deaths } = setup();
    vi.advanceTimersByTime(INTERVAL);
    vi.advanceTimersByTime(100);
    hb.check();
    expect(pings).toEqual([INTERVAL]);
    vi.advanceTimersByTime(TIMEOUT - 100);
    expect(deaths).toEqual([INTERVAL + TIMEOUT]);
    hb.stop();
  });

  it('check() answered keeps the connection alive and returns the rtt', () => {
    const { hb, pings, deaths } = setup();
    vi.advanceTimersByTime(300);
    hb.check();
    vi.advanceTimersByTime(20);
    expect(hb.pong()).toBe(20);
    vi.advanceTimersByTime(TIMEOUT);
    expect(deaths).toEqual([]);
    vi.advanceTimersByTime(INTERVAL);
    expect(pings).toEqual([300, 320 + INTERVAL]);
    hb.stop();
  });

  describe('clock jumps', () => {
    it('a timeout timer that fires far too late is forgiven once with a fresh ping', () => {
      const { hb, pings, deaths, clock } = setup();
      vi.advanceTimersByTime(INTERVAL); // ping at 1000
      clock.skew += 60_000; // asleep for a minute: no timers ran
      vi.advanceTimersByTime(TIMEOUT); // the timeout fires 60 s late
      expect(deaths).toEqual([]);
      expect(pings).toEqual([1000, 61_300]);
      // the fresh ping gets a fresh full timeout
      vi.advanceTimersByTime(TIMEOUT - 1);
      expect(deaths).toEqual([]);
      vi.advanceTimersByTime(1);
      expect(deaths).toEqual([61_300 + TIMEOUT]);
      hb.stop();
    });

    it('forgiven, and the fresh ping answered: alive, back to normal pings', () => {
      const { hb, pings, deaths, clock } = setup();
      vi.advanceTimersByTime(INTERVAL);
      clock.skew += 60_000;
      vi.advanceTimersByTime(TIMEOUT); // forgiven, ping at 61300
      vi.advanceTimersByTime(30);
      expect(hb.pong()).toBe(30); // answered at 61330
      vi.advanceTimersByTime(INTERVAL); // 62330: the next regular ping, `interval` after the answer
      expect(pings).toEqual([1000, 61_300, 61_330 + INTERVAL]);
      vi.advanceTimersByTime(TIMEOUT - 1);
      expect(deaths).toEqual([]);
      hb.stop();
    });

    it('a second late timeout in a row is judged dead', () => {
      const { hb, pings, deaths, clock } = setup();
      vi.advanceTimersByTime(INTERVAL);
      clock.skew += 60_000;
      vi.advanceTimersByTime(TIMEOUT); // forgiven
      clock.skew += 60_000;
      vi.advanceTimersByTime(TIMEOUT); // late again: no second pardon
      expect(pings).toHaveLength(2);
      expect(deaths).toHaveLength(1);
      expect(vi.getTimerCount()).toBe(0);
      hb.stop();
    });

    it('the pardon is renewed after an answered ping', () => {
      const { hb, pings, deaths, clock } = setup();
      vi.advanceTimersByTime(INTERVAL);
      clock.skew += 60_000;
      vi.advanceTimersByTime(TIMEOUT); // forgiven (1st)
      vi.advanceTimersByTime(10);
      expect(hb.pong()).toBe(10); // answered at 61310
      vi.advanceTimersByTime(INTERVAL); // 62310: the next regular ping
      expect(pings).toEqual([1000, 61_300, 62_310]);
      clock.skew += 60_000;
      vi.advanceTimersByTime(TIMEOUT); // late again, but after an answer: forgiven again
      expect(deaths).toEqual([]);
      expect(pings).toHaveLength(4);
      hb.stop();
    });

    it('a timer that is only slightly late (≤ timeout) is not forgiven', () => {
      const { hb, pings, deaths, clock } = setup();
      vi.advanceTimersByTime(INTERVAL);
      clock.skew += TIMEOUT; // late by exactly `timeout`
      vi.advanceTimersByTime(TIMEOUT);
      expect(pings).toHaveLength(1);
      expect(deaths).toHaveLength(1);
      hb.stop();
    });

    it('a late interval timer just pings (a silent sleeper is not dead yet)', () => {
      const { hb, pings, deaths, clock } = setup();
      clock.skew += 3_600_000;
      vi.advanceTimersByTime(INTERVAL);
      expect(pings).toEqual([3_600_000 + INTERVAL]);
      expect(deaths).toEqual([]);
      hb.stop();
    });
  });

  describe('stop()', () => {
    it('leaves no timer in every phase', () => {
      const waiting = setup();
      waiting.hb.stop();
      expect(vi.getTimerCount()).toBe(0);

      const pinged = setup();
      vi.advanceTimersByTime(INTERVAL);
      expect(pinged.pings).toHaveLength(1);
      pinged.hb.stop();
      expect(vi.getTimerCount()).toBe(0);

      const checked = setup();
      checked.hb.check();
      checked.hb.stop();
      expect(vi.getTimerCount()).toBe(0);

      const dead = setup();
      vi.advanceTimersByTime(INTERVAL + TIMEOUT);
      expect(dead.deaths).toHaveLength(1);
      dead.hb.stop();
      expect(vi.getTimerCount()).toBe(0);
    });

    it('after stop() nothing fires, whatever time passes', () => {
      const { hb, pings, deaths } = setup();
      vi.advanceTimersByTime(INTERVAL); // a ping is out
      hb.stop();
      vi.advanceTimersByTime(10 * (INTERVAL + TIMEOUT));
      expect(pings).toHaveLength(1);
      expect(deaths).toEqual([]);
      hb.stop(); // twice is harmless
      expect(vi.getTimerCount()).toBe(0);
    });
  });

  it('a clock stepped back a minute still finds a dead connection within one period', () => {
    const { hb, pings, deaths, clock } = setup();
    vi.advanceTimersByTime(200);
    hb.touch();
    clock.skew = -60_000; // NTP steps the wall clock back
    // no frames from here on: ping at most interval + timeout later, dead one timeout after that
    vi.advanceTimersByTime(INTERVAL + TIMEOUT + INTERVAL + TIMEOUT);
    expect(pings.length).toBeGreaterThanOrEqual(1);
    expect(deaths).toHaveLength(1);
    hb.stop();
  });

  it('a second answer to the same ping gives no round-trip time', () => {
    const { hb, pings } = setup();
    vi.advanceTimersByTime(INTERVAL);
    expect(pings).toHaveLength(1);
    vi.advanceTimersByTime(40);
    expect(hb.pong()).toBe(40);
    vi.advanceTimersByTime(100);
    expect(hb.pong()).toBeUndefined();
    hb.stop();
  });

  it('with a timeout longer than the interval, the next ping still comes one interval after the answer', () => {
    const { hb, pings } = setup({ interval: 200, timeout: 1000 });
    vi.advanceTimersByTime(200);
    expect(pings).toEqual([200]);
    vi.advanceTimersByTime(10);
    expect(hb.pong()).toBe(10);
    vi.advanceTimersByTime(200);
    expect(pings).toEqual([200, 410]);
    hb.stop();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a pong after stop() arms nothing', () => {
    const { hb } = setup();
    vi.advanceTimersByTime(INTERVAL);
    hb.stop();
    hb.pong();
    expect(vi.getTimerCount()).toBe(0);
  });
});
