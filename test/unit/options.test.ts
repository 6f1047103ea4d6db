import { afterEach, describe, expect, it, vi } from 'vitest';
import { jsonEnvelope } from '../../src/channels';
import { SteadySocket } from '../../src/full';
import type { CoreOptions, WebSocketConstructor } from '../../src/options';
import { FATAL_CODES, normalizeOptions as normalizeCore } from '../../src/options';

type SteadySocketOptions = CoreOptions & Record<string, unknown>;
/** The full entry's options: the core's and every feature's, as its constructor resolves them. */
const FEATURES = Object.assign({}, ...SteadySocket.features.map((d) => d.options));
const normalizeOptions = (o?: SteadySocketOptions) => normalizeCore(o, FEATURES);

/** Only the constructor identity matters here; nothing is instantiated. */
const FakeWS = class {} as unknown as WebSocketConstructor;
const norm = (o: Record<string, unknown> = {}) => normalizeOptions({ WebSocket: FakeWS, ...o } as SteadySocketOptions);

/** Calls normalizeOptions and returns the error it throws (the test fails if it doesn't). */
const thrown = (o: unknown): Error => {
  try {
    normalizeOptions(o as SteadySocketOptions);
  } catch (e) {
    return e as Error;
  }
  throw new Error(`expected normalizeOptions(${String(JSON.stringify(o))}) to throw`);
};

/** Expect a TypeError or RangeError (as given) whose message names `name`. */
const expectBad = (o: Record<string, unknown>, name: string, Err: typeof TypeError | 'either' = 'either') => {
  const e = thrown({ WebSocket: FakeWS, ...o });
  if (Err === 'either') expect([TypeError, RangeError]).toContain(e.constructor);
  else expect(e).toBeInstanceOf(Err);
  expect(e.message).toContain(`'${name}'`);
  return e;
};

/** The documented reconnect defaults, written out here independently of src. */
const RECONNECT_DEFAULTS = {
  minDelay: 1000,
  maxDelay: 30000,
  factor: 2,
  jitter: 0.65,
  maxRetries: Infinity,
  minUptime: 5000,
  shouldReconnect: undefined,
};

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('normalizeOptions defaults', () => {
  it('fills every option', () => {
    const r = norm();
    expect(r.WebSocket).toBe(FakeWS);
    expect(r.binaryType).toBe('blob');
    expect(r.connectTimeout).toBe(10000);
    expect(r.startClosed).toBe(false);
    expect(r.reconnect).toEqual(RECONNECT_DEFAULTS);
    expect(r.reconnecting).toBe(true);
    expect(r.queue).toEqual({ max: 1000, maxBytes: 1048576, overflow: 'drop-oldest', ttl: Infinity });
    expect(r.heartbeat).toBeUndefined();
    expect(r.network).toBe(true);
    expect(r.beforeOpen).toBeUndefined();
    expect(r.channels).toBe(jsonEnvelope);
    expect(r.random).toBe(Math.random);
    expect(typeof r.now).toBe('function');
    const before = Date.now();
    const t = r.now();
    expect(t).toBeGreaterThanOrEqual(before);
    expect(t).toBeLessThanOrEqual(Date.now());
  });

  it('the default clock follows a Date replaced after import (fake timers)', () => {
    const r = norm();
    vi.useFakeTimers();
    try {
      vi.setSystemTime(1_000_000);
      expect(r.now()).toBe(1_000_000);
      vi.advanceTimersByTime(2500);
      expect(r.now()).toBe(1_002_500);
    } finally {
      vi.useRealTimers();
    }
  });

  it('no options at all: the same defaults, WebSocket from globalThis', () => {
    vi.stubGlobal('WebSocket', FakeWS);
    const r = normalizeOptions();
    expect(r.WebSocket).toBe(FakeWS);
    expect(r.connectTimeout).toBe(10000);
    expect(r.reconnect.minDelay).toBe(1000);
    expect(r.queue?.max).toBe(1000);
    expect(normalizeOptions(undefined).WebSocket).toBe(FakeWS);
  });

  it('the WebSocket option wins over the global one', () => {
    const Other = class {} as unknown as WebSocketConstructor;
    vi.stubGlobal('WebSocket', Other);
    expect(norm().WebSocket).toBe(FakeWS);
  });

  it('missing WebSocket in Node (no global, no option) throws a TypeError naming the option', () => {
    vi.stubGlobal('WebSocket', undefined);
    const e = thrown({});
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message).toContain("'WebSocket'");
    expect(thrown(undefined)).toBeInstanceOf(TypeError);
  });

  it('explicit undefined keeps every default, top level and nested', () => {
    const r = norm({
      binaryType: undefined,
      connectTimeout: undefined,
      startClosed: undefined,
      reconnect: undefined,
      queue: undefined,
      heartbeat: undefined,
      network: undefined,
      beforeOpen: undefined,
      channels: undefined,
      random: undefined,
      now: undefined,
    });
    expect(r).toEqual(norm());
    const nested = norm({
      reconnect: {
        minDelay: undefined,
        maxDelay: undefined,
        factor: undefined,
        jitter: undefined,
        maxRetries: undefined,
        minUptime: undefined,
        shouldReconnect: undefined,
      },
      queue: { max: undefined, maxBytes: undefined, overflow: undefined, ttl: undefined },
      heartbeat: { interval: undefined, timeout: undefined, message: undefined, isPong: undefined },
    });
    expect(nested.reconnect).toEqual(norm().reconnect);
    expect(nested.queue).toEqual(norm().queue);
    expect(nested.heartbeat).toMatchObject({ interval: 20000, timeout: 10000, message: 'ping' });
  });

  it('WebSocket: undefined still falls back to the global', () => {
    vi.stubGlobal('WebSocket', FakeWS);
    expect(normalizeOptions({ WebSocket: undefined }).WebSocket).toBe(FakeWS);
  });

  it('given values are kept, partial groups merge with the defaults', () => {
    const shouldReconnect = () => false;
    const beforeOpen = () => {};
    const random = () => 0.5;
    const now = () => 1;
    const channels = { encode: () => '', decode: () => undefined };
    const r = norm({
      binaryType: 'arraybuffer',
      connectTimeout: 500,
      startClosed: true,
      reconnect: { minDelay: 10, shouldReconnect },
      queue: { overflow: 'error', ttl: 100 },
      network: false,
      beforeOpen,
      channels,
      random,
      now,
    });
    expect(r.binaryType).toBe('arraybuffer');
    expect(r.connectTimeout).toBe(500);
    expect(r.startClosed).toBe(true);
    expect(r.reconnect).toEqual({ ...RECONNECT_DEFAULTS, minDelay: 10, shouldReconnect });
    expect(r.queue).toEqual({ max: 1000, maxBytes: 1048576, overflow: 'error', ttl: 100 });
    expect(r.network).toBe(false);
    expect(r.beforeOpen).toBe(beforeOpen);
    expect(r.channels).toBe(channels);
    expect(r.random).toBe(random);
    expect(r.now).toBe(now);
  });

  it('a minDelay above the default cap raises the cap instead of throwing', () => {
    expect(norm({ reconnect: { minDelay: 60000 } }).reconnect).toMatchObject({ minDelay: 60000, maxDelay: 60000 });
    expect(norm({ reconnect: { minDelay: 60000, maxDelay: undefined } }).reconnect.maxDelay).toBe(60000);
    // below the default cap nothing changes
    expect(norm({ reconnect: { minDelay: 20000 } }).reconnect.maxDelay).toBe(30000);
  });

  it('a network target object is kept as given', () => {
    const target = { window: new EventTarget(), document: new EventTarget() };
    expect(norm({ network: target }).network).toBe(target);
  });

  it('accepts the edges of every range', () => {
    const T = 2 ** 31 - 1;
    expect(() =>
      norm({
        connectTimeout: Infinity,
        reconnect: { minDelay: 0, maxDelay: 0, factor: 1, jitter: 0, maxRetries: 0, minUptime: 0 },
        queue: { max: 0, maxBytes: 0, ttl: 1 },
        heartbeat: { interval: 1, timeout: 1 },
      }),
    ).not.toThrow();
    expect(() =>
      norm({
        connectTimeout: T,
        reconnect: { minDelay: T, maxDelay: T, factor: 1000, jitter: 1, maxRetries: Infinity, minUptime: Infinity },
        queue: { max: Infinity, maxBytes: Infinity, ttl: Infinity },
        heartbeat: { interval: T, timeout: T },
      }),
    ).not.toThrow();
    expect(norm({ connectTimeout: 1 }).connectTimeout).toBe(1);
  });

  it('does not mutate the options object (frozen input works)', () => {
    const given = Object.freeze({
      WebSocket: FakeWS,
      reconnect: Object.freeze({ minDelay: 5 }),
      queue: Object.freeze({ max: 3 }),
      heartbeat: Object.freeze({ interval: 50 }),
    });
    const r = normalizeOptions(given);
    expect(r.reconnect.minDelay).toBe(5);
    expect(r.queue?.max).toBe(3);
    expect(r.heartbeat?.interval).toBe(50);
    expect(given.reconnect).toEqual({ minDelay: 5 });
  });

  it('groups left at their defaults are shared between sockets, frozen so no one can change them', () => {
    const a = norm({ heartbeat: true });
    const b = norm({ heartbeat: true });
    expect(a).not.toBe(b);
    expect(a.reconnect).toBe(b.reconnect);
    expect(a.queue).toBe(b.queue);
    expect(a.heartbeat).toBe(b.heartbeat);
    expect(Object.isFrozen(a.reconnect)).toBe(true);
    expect(() => {
      a.reconnect.minDelay = 1;
    }).toThrow(TypeError);
    expect(norm().reconnect.minDelay).toBe(1000);
    // a group with any setting of its own gets its own object
    expect(norm({ reconnect: { minDelay: 5 } }).reconnect).not.toBe(a.reconnect);
  });
});

describe('reconnect: false / queue: false / heartbeat: true', () => {
  it('reconnect: false turns reconnecting off but keeps resolved numbers (minUptime etc.)', () => {
    const r = norm({ reconnect: false });
    expect(r.reconnecting).toBe(false);
    expect(r.reconnect).toEqual(norm().reconnect);
  });

  it('reconnect: true and reconnect: {} mean the defaults, on', () => {
    for (const reconnect of [true, {}]) {
      const r = norm({ reconnect });
      expect(r.reconnecting).toBe(true);
      expect(r.reconnect).toEqual(norm().reconnect);
    }
  });

  it('queue: false resolves to no queue; true and {} to the defaults', () => {
    expect(norm({ queue: false }).queue).toBeUndefined();
    expect(norm({ queue: true }).queue).toEqual({
      max: 1000,
      maxBytes: 1048576,
      overflow: 'drop-oldest',
      ttl: Infinity,
    });
    expect(norm({ queue: {} }).queue).toEqual(norm({ queue: true }).queue);
  });

  it('heartbeat: true gives the documented defaults; {} too; false or missing is off', () => {
    for (const heartbeat of [true, {}]) {
      const h = norm({ heartbeat }).heartbeat!;
      expect(h).toBeDefined();
      expect(h.interval).toBe(20000);
      expect(h.timeout).toBe(10000);
      expect(h.message).toBe('ping');
      expect(h.isPong('pong')).toBe(true);
      expect(h.isPong('ping')).toBe(false);
      expect(h.isPong('PONG')).toBe(false);
      expect(h.isPong(undefined)).toBe(false);
    }
    expect(norm({ heartbeat: false }).heartbeat).toBeUndefined();
    expect(norm().heartbeat).toBeUndefined();
  });

  it('heartbeat.message may be binary or a function', () => {
    const bin = new Uint8Array([9]);
    const fn = () => 'p';
    expect(norm({ heartbeat: { message: bin } }).heartbeat?.message).toBe(bin);
    expect(norm({ heartbeat: { message: fn } }).heartbeat?.message).toBe(fn);
  });
});

describe('normalizeOptions rejects invalid values, naming the option', () => {
  const T1 = 2 ** 31;

  it('non-object options', () => {
    for (const o of [null, 'fast', 42, false, () => {}]) {
      const e = thrown(o);
      expect(e).toBeInstanceOf(TypeError);
      expect(e.message).toContain("'options'");
    }
  });

  it('unknown keys at top level', () => {
    expectBad({ reconect: {} }, 'reconect', TypeError);
    expectBad({ heartBeat: true }, 'heartBeat', TypeError);
    expectBad({ protocols: ['a'] }, 'protocols', TypeError);
    expectBad({ bogus: undefined }, 'bogus', TypeError); // a typo is a typo even when undefined
  });

  it('unknown keys nested', () => {
    expectBad({ reconnect: { mindelay: 1 } }, 'reconnect.mindelay', TypeError);
    expectBad({ reconnect: { retries: 3 } }, 'reconnect.retries', TypeError);
    expectBad({ queue: { size: 1 } }, 'queue.size', TypeError);
    expectBad({ queue: { maxSize: 1 } }, 'queue.maxSize', TypeError);
    expectBad({ heartbeat: { ping: 'x' } }, 'heartbeat.ping', TypeError);
  });

  it('connectTimeout: ≤ 0, NaN, above 2^31−1, not a number', () => {
    for (const v of [-1, 0, NaN, T1, -Infinity]) expectBad({ connectTimeout: v }, 'connectTimeout', RangeError);
    for (const v of ['100', null, true]) expectBad({ connectTimeout: v }, 'connectTimeout');
  });

  it('negative delays', () => {
    expectBad({ reconnect: { minDelay: -1 } }, 'reconnect.minDelay', RangeError);
    expectBad({ reconnect: { maxDelay: -1 } }, 'reconnect.maxDelay', RangeError);
    expectBad({ reconnect: { minUptime: -1 } }, 'reconnect.minUptime', RangeError);
    expectBad({ queue: { ttl: -1 } }, 'queue.ttl', RangeError);
    expectBad({ heartbeat: { interval: -1 } }, 'heartbeat.interval', RangeError);
    expectBad({ heartbeat: { timeout: -1 } }, 'heartbeat.timeout', RangeError);
  });

  it('zero where a positive time is needed', () => {
    expectBad({ queue: { ttl: 0 } }, 'queue.ttl', RangeError);
    expectBad({ heartbeat: { interval: 0 } }, 'heartbeat.interval', RangeError);
    expectBad({ heartbeat: { timeout: 0 } }, 'heartbeat.timeout', RangeError);
  });

  it('factor < 1', () => {
    for (const v of [0.99, 0, -2]) expectBad({ reconnect: { factor: v } }, 'reconnect.factor', RangeError);
  });

  it('jitter outside 0–1', () => {
    for (const v of [-0.1, 1.01, 2, -Infinity, Infinity])
      expectBad({ reconnect: { jitter: v } }, 'reconnect.jitter', RangeError);
  });

  it('NaN anywhere a number goes', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ connectTimeout: NaN }, 'connectTimeout'],
      [{ reconnect: { minDelay: NaN } }, 'reconnect.minDelay'],
      [{ reconnect: { maxDelay: NaN } }, 'reconnect.maxDelay'],
      [{ reconnect: { factor: NaN } }, 'reconnect.factor'],
      [{ reconnect: { jitter: NaN } }, 'reconnect.jitter'],
      [{ reconnect: { maxRetries: NaN } }, 'reconnect.maxRetries'],
      [{ reconnect: { minUptime: NaN } }, 'reconnect.minUptime'],
      [{ queue: { max: NaN } }, 'queue.max'],
      [{ queue: { maxBytes: NaN } }, 'queue.maxBytes'],
      [{ queue: { ttl: NaN } }, 'queue.ttl'],
      [{ heartbeat: { interval: NaN } }, 'heartbeat.interval'],
      [{ heartbeat: { timeout: NaN } }, 'heartbeat.timeout'],
    ];
    for (const [o, name] of cases) expectBad(o, name, RangeError);
  });

  it('numbers given as strings', () => {
    expectBad({ reconnect: { minDelay: '1000' } }, 'reconnect.minDelay');
    expectBad({ reconnect: { jitter: '0.5' } }, 'reconnect.jitter');
    expectBad({ queue: { max: '10' } }, 'queue.max');
    expectBad({ heartbeat: { interval: '1000' } }, 'heartbeat.interval');
  });

  it('negative counts', () => {
    expectBad({ reconnect: { maxRetries: -1 } }, 'reconnect.maxRetries', RangeError);
    expectBad({ queue: { max: -1 } }, 'queue.max', RangeError);
    expectBad({ queue: { maxBytes: -1 } }, 'queue.maxBytes', RangeError);
  });

  it('maxDelay < minDelay, both given', () => {
    const e = expectBad({ reconnect: { minDelay: 5000, maxDelay: 1000 } }, 'reconnect.maxDelay', RangeError);
    expect(e.message).toContain('5000');
  });

  it('timer values above 2^31−1 (they would fire at once)', () => {
    expectBad({ connectTimeout: T1 }, 'connectTimeout', RangeError);
    expectBad({ reconnect: { minDelay: T1, maxDelay: T1 } }, 'reconnect.minDelay', RangeError);
    expectBad({ reconnect: { maxDelay: T1 } }, 'reconnect.maxDelay', RangeError);
    expectBad({ reconnect: { maxDelay: Infinity } }, 'reconnect.maxDelay', RangeError);
    expectBad({ heartbeat: { interval: T1 } }, 'heartbeat.interval', RangeError);
    expectBad({ heartbeat: { timeout: T1 } }, 'heartbeat.timeout', RangeError);
    expectBad({ heartbeat: { interval: Infinity } }, 'heartbeat.interval', RangeError);
  });

  it('unknown overflow policy', () => {
    for (const v of ['bogus', 'drop-oldest ', 'DROP-OLDEST', 'drop_newest', '', 5, null]) {
      expectBad({ queue: { overflow: v } }, 'queue.overflow', RangeError);
    }
  });

  it('non-function callbacks', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ reconnect: { shouldReconnect: true } }, 'reconnect.shouldReconnect'],
      [{ reconnect: { shouldReconnect: 'no' } }, 'reconnect.shouldReconnect'],
      [{ reconnect: { shouldReconnect: null } }, 'reconnect.shouldReconnect'],
      [{ heartbeat: { isPong: 'pong' } }, 'heartbeat.isPong'],
      [{ heartbeat: { isPong: /pong/ } }, 'heartbeat.isPong'],
      [{ beforeOpen: 'auth' }, 'beforeOpen'],
      [{ beforeOpen: {} }, 'beforeOpen'],
      [{ random: 0.5 }, 'random'],
      [{ random: null }, 'random'],
      [{ now: 123 }, 'now'],
      [{ now: new Date() }, 'now'],
      [{ WebSocket: 'ws' }, 'WebSocket'],
      [{ WebSocket: {} }, 'WebSocket'],
      [{ WebSocket: null }, 'WebSocket'],
    ];
    for (const [o, name] of cases) expectBad(o, name, TypeError);
  });

  it('a message naming a non-function callback says so', () => {
    const e = expectBad({ now: 123 }, 'now', TypeError);
    expect(e.message).toMatch(/function/);
    expect(e.message).toContain('123');
  });

  it('heartbeat.message must be something send() takes: a string, binary data or a function', () => {
    for (const v of [{}, true, NaN, [], 5]) expectBad({ heartbeat: { message: v } }, 'heartbeat.message', TypeError);
    for (const v of ['p', new ArrayBuffer(1), new Uint8Array(1), new Blob(['p']), () => 'p'])
      expect(norm({ heartbeat: { message: v } }).heartbeat?.message).toBe(v);
  });

  it('wrong types for boolean-or-object options', () => {
    for (const k of ['reconnect', 'queue', 'heartbeat', 'network']) {
      for (const v of ['yes', 1, null, []]) expectBad({ [k]: v }, k, TypeError);
    }
    for (const v of ['yes', 1, null, {}]) expectBad({ startClosed: v }, 'startClosed', TypeError);
  });

  it('a channels codec without encode() and decode()', () => {
    for (const v of [null, {}, { encode: () => '' }, { decode: () => undefined }, 'json'])
      expectBad({ channels: v }, 'channels', TypeError);
  });

  it('heartbeat.message null', () => {
    expectBad({ heartbeat: { message: null } }, 'heartbeat.message', TypeError);
  });

  it('binaryType that is not a string', () => {
    expectBad({ binaryType: 1 }, 'binaryType', TypeError);
    expectBad({ binaryType: null }, 'binaryType', TypeError);
  });

  // Was a bug (fixed in 4cb2bf4): any string passed, so the socket's binaryType getter could
  // report 'bogus' while the native setter ignored it.
  it("binaryType 'bogus' is rejected (was a bug: accepted)", () => {
    expectBad({ binaryType: 'bogus' }, 'binaryType', TypeError);
    expectBad({ binaryType: 'Blob' }, 'binaryType', TypeError);
    expectBad({ binaryType: '' }, 'binaryType', TypeError);
  });

  it("binaryType accepts 'blob', 'arraybuffer' and ws's own 'nodebuffer' and 'fragments'", () => {
    for (const v of ['blob', 'arraybuffer', 'nodebuffer', 'fragments'])
      expect(norm({ binaryType: v }).binaryType).toBe(v);
  });
});

describe('FATAL_CODES', () => {
  it('is the documented no-reconnect list', () => {
    expect([...FATAL_CODES].sort()).toEqual([1002, 1003, 1007, 1008, 1009, 1010, 4401, 4403]);
    for (const ok of [1000, 1001, 1005, 1006, 1011, 1012, 1013, 1014, 4000, 4400])
      expect(FATAL_CODES).not.toContain(ok);
  });
});

describe('0.2: error messages that say what to do', () => {
  const message = (opts: unknown) => {
    try {
      norm(opts as never);
    } catch (e) {
      return (e as Error).message;
    }
    return 'no throw';
  };

  it('quotes strings and names the type', () => {
    expect(message({ reconnect: { minDelay: '1000' } })).toBe(
      "SteadySocket: option 'reconnect.minDelay' must be a number, got '1000' (a string)",
    );
    expect(message({ connectTimeout: true })).toMatch(/got true \(boolean\)$/);
    expect(message({ connectTimeout: null })).toMatch(/got null \(object\)$/);
    expect(message({ connectTimeout: [] })).toMatch(/got an array$/);
  });

  it('a module namespace as WebSocket is named, with what to pass instead', () => {
    const ns = Object.create(null, {
      WebSocket: { value: class {}, enumerable: true },
      [Symbol.toStringTag]: { value: 'Module' },
    });
    const m = message({ WebSocket: ns });
    expect(m).toMatch(/option 'WebSocket' must be a WebSocket constructor/);
    expect(m).toMatch(/import \{ WebSocket \} from 'ws'/);
    expect(m).toMatch(/got a module namespace$/);
  });

  it.each([
    ['maxRetries', 'reconnect.maxRetries'],
    ['minReconnectionDelay', 'reconnect.minDelay'],
    ['maxReconnectionDelay', 'reconnect.maxDelay'],
    ['reconnectionDelayGrowFactor', 'reconnect.factor'],
    ['connectionTimeout', 'connectTimeout'],
    ['maxEnqueuedMessages', 'queue.max'],
    ['reconnectionAttempts', 'reconnect.maxRetries'],
    ['ttl', 'queue.ttl'],
    ['jitter', 'reconnect.jitter'],
  ])("a peer's or misplaced option %s points at %s", (given, where) => {
    expect(message({ [given]: 1 })).toBe(`SteadySocket: unknown option '${given}' (did you mean '${where}'?)`);
  });

  it('an unknown option nobody has says so plainly', () => {
    expect(message({ bogus: 1 })).toBe("SteadySocket: unknown option 'bogus'");
    expect(message({ reconnect: { bogus: 1 } })).toBe("SteadySocket: unknown option 'reconnect.bogus'");
  });
});
