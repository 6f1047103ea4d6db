// Conversations on the full entry, in jsdom with the hand-driven FakeSocket and fake timers:
// ready(), request() and its fates, subscribe(), messages()/for await, schemas, drained().
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as v from 'valibot';
import { z } from 'zod';
import type { SteadySocketOptions } from '../../src/index';
import { SteadySocket } from '../../src/index';
import { FakeSocket } from './fake';

type Opts = SteadySocketOptions;
const URL_ = 'ws://example.test/live';
const make = <C extends object = Record<string, unknown>>(options: Opts = {}) =>
  new SteadySocket<C>(URL_, undefined, {
    WebSocket: FakeSocket as unknown as Opts['WebSocket'],
    network: false,
    random: () => 0,
    ...options,
  } as Opts);

/** The promise's outcome so far: ['ok', value] | ['err', name] | ['pending']. */
const watch = (p: Promise<unknown>) => {
  const out: { s: ['pending'] | ['ok', unknown] | ['err', string, Error] } = { s: ['pending'] };
  p.then(
    (value) => (out.s = ['ok', value]),
    (e: Error) => (out.s = ['err', e?.name, e]),
  );
  return out;
};
const flush = () => vi.advanceTimersByTimeAsync(0);
const sentFrames = () => FakeSocket.last.sent.map((f) => JSON.parse(String(f)));

beforeEach(() => {
  FakeSocket.reset();
  vi.useFakeTimers();
});
afterEach(() => {
  // finish the closing handshakes the fake leaves open: then nothing may be scheduled
  for (const f of FakeSocket.all) if (f.readyState === 2) f.drop(1000, '', true);
  expect(vi.getTimerCount()).toBe(0);
  vi.useRealTimers();
});

describe('ready()', () => {
  it('resolves at once when open, at the next open otherwise; leaves nothing behind', async () => {
    const s = make();
    const r = watch(s.ready());
    await flush();
    expect(r.s).toEqual(['pending']);
    FakeSocket.last.accept();
    await flush();
    expect(r.s).toEqual(['ok', undefined]);
    const again = watch(s.ready());
    await flush();
    expect(again.s[0]).toBe('ok');
    s.close();
  });

  it('on a startClosed socket waits for open(), does not open it', async () => {
    const s = make({ startClosed: true });
    const r = watch(s.ready({ timeout: 5000 }));
    await vi.advanceTimersByTimeAsync(1000);
    expect(FakeSocket.all).toHaveLength(0);
    s.open();
    FakeSocket.last.accept();
    await flush();
    expect(r.s[0]).toBe('ok');
    s.close();
  });

  it('rejects with ClosedError, TimeoutError, the abort reason; bad options reject naming them', async () => {
    const s = make();
    const closed = watch(s.ready());
    const timed = watch(s.ready({ timeout: 100 }));
    const ctrl = new AbortController();
    const aborted = watch(s.ready({ signal: ctrl.signal }));
    const bad = watch(s.ready({ timeout: -1 }));
    await vi.advanceTimersByTimeAsync(100);
    expect(timed.s[0] === 'err' && timed.s[1]).toBe('TimeoutError');
    ctrl.abort();
    await flush();
    expect(aborted.s[0] === 'err' && aborted.s[1]).toBe('AbortError');
    s.close();
    await flush();
    expect(closed.s[0] === 'err' && closed.s[1]).toBe('ClosedError');
    expect(bad.s[0] === 'err' && bad.s[1]).toBe('RangeError');
  });

  it('an abort with a falsy reason (0, null) still rejects, with that reason', async () => {
    const s = make({ startClosed: true });
    for (const reason of [0, null, '', false]) {
      const ctrl = new AbortController();
      const r = s.ready({ signal: ctrl.signal });
      const q = s.channel('x').request(1, { signal: ctrl.signal });
      ctrl.abort(reason);
      await expect(r).rejects.toBe(reason);
      await expect(q).rejects.toBe(reason);
    }
    s.close();
  });

  it('a giveup rejects with ClosedError', async () => {
    const s = make({ reconnect: { maxRetries: 0 } });
    const r = watch(s.ready());
    FakeSocket.last.fail();
    await flush();
    expect(r.s[0] === 'err' && r.s[1]).toBe('ClosedError');
  });
});

describe('request()', () => {
  type C = { sum: { a: number; b: number }; chat: { text: string } };

  it('replies are matched by channel and id, out of order; an error reply is a RequestError with .data', async () => {
    const s = make<C>();
    FakeSocket.last.accept();
    const sum = s.channel('sum');
    const ps = [1, 2, 3].map((a) => watch(sum.request({ a, b: 10 })));
    const frames = sentFrames();
    expect(frames.map((f) => f.channel)).toEqual(['sum', 'sum', 'sum']);
    expect(new Set(frames.map((f) => f.id)).size).toBe(3);
    // answered in reverse, plus a reply with the right id on another channel (not ours)
    FakeSocket.last.receive(JSON.stringify({ channel: 'chat', id: frames[0].id, data: 'wrong channel' }));
    for (const f of [...frames].reverse())
      FakeSocket.last.receive(
        JSON.stringify(
          f.data.a === 2
            ? { channel: 'sum', id: f.id, error: { code: 'nope' } }
            : { channel: 'sum', id: f.id, data: f.data.a + f.data.b },
        ),
      );
    await flush();
    expect(ps[0]!.s).toEqual(['ok', 11]);
    expect(ps[2]!.s).toEqual(['ok', 13]);
    expect(ps[1]!.s[0] === 'err' && ps[1]!.s[1]).toBe('RequestError');
    expect(ps[1]!.s[0] === 'err' && (ps[1]!.s[2] as Error & { data: unknown }).data).toEqual({ code: 'nope' });
    s.close();
  });

  it('a reply is no channel message; a late reply after a timeout is an ordinary channel message', async () => {
    const s = make<C>();
    FakeSocket.last.accept();
    const got: unknown[] = [];
    const raw: unknown[] = [];
    s.channel('sum').on((d) => got.push(d));
    s.addEventListener('message', (e) => raw.push(e.data));
    const answered = watch(s.channel('sum').request({ a: 1, b: 1 }));
    const late = watch(s.channel('sum').request({ a: 5, b: 5 }, { timeout: 50 }));
    const [f1, f2] = sentFrames();
    FakeSocket.last.receive(JSON.stringify({ channel: 'sum', id: f1.id, data: 2 }));
    await vi.advanceTimersByTimeAsync(50);
    expect(late.s[0] === 'err' && late.s[1]).toBe('TimeoutError');
    FakeSocket.last.receive(JSON.stringify({ channel: 'sum', id: f2.id, data: 10 }));
    await flush();
    expect(answered.s).toEqual(['ok', 2]);
    expect(got).toEqual([10]);
    expect(raw).toHaveLength(2); // the raw message event is unchanged
    s.close();
  });

  it('queued while connecting; a timeout or abort before it went out takes the frame out of the queue', async () => {
    const s = make<C>({ requestTimeout: 100 });
    const ctrl = new AbortController();
    const timed = watch(s.channel('sum').request({ a: 1, b: 1 }));
    const aborted = watch(s.channel('sum').request({ a: 2, b: 2 }, { signal: ctrl.signal, timeout: 1000 }));
    const kept = watch(s.channel('sum').request({ a: 3, b: 3 }, { timeout: 1000 }));
    expect(s.queued).toBe(3);
    ctrl.abort(new Error('user gave up'));
    await vi.advanceTimersByTimeAsync(100);
    expect(timed.s[0] === 'err' && timed.s[1]).toBe('TimeoutError');
    expect(aborted.s[0] === 'err' && (aborted.s[2] as Error).message).toBe('user gave up');
    expect(s.queued).toBe(1);
    FakeSocket.last.accept();
    // never sent late: only the request still waiting goes out
    expect(sentFrames().map((f) => f.data.a)).toEqual([3]);
    FakeSocket.last.receive(JSON.stringify({ channel: 'sum', id: sentFrames()[0].id, data: 6 }));
    await flush();
    expect(kept.s).toEqual(['ok', 6]);
    s.close();
  });

  it('the connection lost after it went out: DisconnectedError; still queued: waits for the next connection', async () => {
    const s = make<C>({ reconnect: { minDelay: 10, jitter: 0 } });
    FakeSocket.last.accept();
    const inflight = watch(s.channel('sum').request({ a: 1, b: 1 }));
    FakeSocket.last.drop(1006);
    const queued = watch(s.channel('sum').request({ a: 2, b: 2 }));
    await flush();
    expect(inflight.s[0] === 'err' && inflight.s[1]).toBe('DisconnectedError');
    expect(queued.s).toEqual(['pending']);
    await vi.advanceTimersByTimeAsync(10);
    FakeSocket.last.accept();
    const [f] = sentFrames();
    expect(f.data).toEqual({ a: 2, b: 2 });
    FakeSocket.last.receive(JSON.stringify({ channel: 'sum', id: f.id, data: 4 }));
    await flush();
    expect(queued.s).toEqual(['ok', 4]);
    s.close();
  });

  it('close() rejects what is in flight and what is queued with ClosedError, without drop events', async () => {
    const s = make<C>();
    const drops: unknown[] = [];
    s.addEventListener('drop', (e) => drops.push(e.data));
    const queued = watch(s.channel('sum').request({ a: 1, b: 1 }));
    await flush();
    s.close();
    await flush();
    expect(queued.s[0] === 'err' && queued.s[1]).toBe('ClosedError');
    s.open();
    FakeSocket.last.accept();
    const inflight = watch(s.channel('sum').request({ a: 2, b: 2 }));
    s.close();
    await flush();
    expect(inflight.s[0] === 'err' && inflight.s[1]).toBe('ClosedError');
    expect(drops).toEqual([]);
  });

  it('a statechange listener that reopens at giveup keeps a queued request pending: it goes out once, never rejected first', async () => {
    const s = make({ reconnect: { maxRetries: 0 } });
    const q = watch(s.channel('x').request(1, { timeout: 5000 }));
    s.addEventListener('statechange', (e) => e.to === 'closed' && s.open(), { once: true });
    FakeSocket.last.fail();
    await flush();
    expect(q.s).toEqual(['pending']);
    FakeSocket.last.accept();
    const [f] = sentFrames();
    FakeSocket.last.receive(JSON.stringify({ channel: 'x', id: f.id, data: 2 }));
    await flush();
    expect(q.s).toEqual(['ok', 2]);
    s.close();
  });

  it('hundreds of concurrent requests answered in random order all resolve with their own reply', async () => {
    const s = make<C>();
    FakeSocket.last.accept();
    const n = 500;
    const ps = Array.from({ length: n }, (_, a) => s.channel('sum').request({ a, b: 1 }));
    const frames = sentFrames();
    let seed = 7;
    const order = frames.map((f) => [f, (seed = (seed * 16807) % 2147483647)] as const).sort((x, y) => x[1] - y[1]);
    for (const [f] of order) FakeSocket.last.receive(JSON.stringify({ channel: 'sum', id: f.id, data: f.data.a * 2 }));
    expect(await Promise.all(ps)).toEqual(Array.from({ length: n }, (_, a) => a * 2));
    s.close();
  });
});

describe('subscribe()', () => {
  it('sent now if open and on every new connection after beforeOpen, before the backlog; stop() sends unsubscribe only when open', async () => {
    const s = make({ reconnect: { minDelay: 10, jitter: 0 }, beforeOpen: (send) => send('auth') });
    s.send('backlog');
    const stop = s.subscribe('sub:prices', { unsubscribe: 'unsub:prices' });
    expect(s.queued).toBe(1); // not queued: it goes with every connection
    FakeSocket.last.accept();
    expect(FakeSocket.last.sent).toEqual(['auth', 'sub:prices', 'backlog']);
    FakeSocket.last.drop(1006);
    await vi.advanceTimersByTimeAsync(10);
    FakeSocket.last.accept();
    expect(FakeSocket.last.sent).toEqual(['auth', 'sub:prices']);
    FakeSocket.last.drop(1006);
    stop(); // not open: no unsubscribe now, none later
    stop();
    await vi.advanceTimersByTimeAsync(100);
    FakeSocket.last.accept();
    expect(FakeSocket.last.sent).toEqual(['auth']);
    s.close();
  });

  it('equal string frames are counted: one on the wire, unsubscribe when the last stops', () => {
    const s = make();
    FakeSocket.last.accept();
    const a = s.subscribe('sub:x', { unsubscribe: 'unsub:x' });
    const b = s.subscribe('sub:x', { unsubscribe: 'unsub:x' });
    const fn = s.subscribe(() => `sub:${FakeSocket.all.length}`);
    expect(FakeSocket.last.sent).toEqual(['sub:x', 'sub:1']);
    a();
    a();
    expect(FakeSocket.last.sent).toEqual(['sub:x', 'sub:1']);
    b();
    expect(FakeSocket.last.sent).toEqual(['sub:x', 'sub:1', 'unsub:x']);
    fn();
    expect(() => s.subscribe(42 as never)).toThrow(TypeError);
    s.close();
  });
});

describe('messages() and for await', () => {
  it('socket: raw data from the moment it is called; ends when the socket closes for good', async () => {
    const s = make();
    FakeSocket.last.accept();
    FakeSocket.last.receive('before');
    const it = s.messages();
    FakeSocket.last.receive('a');
    FakeSocket.last.receive('b');
    const got: unknown[] = [];
    const loop = (async () => {
      for await (const d of it) got.push(d);
    })();
    await flush();
    FakeSocket.last.receive('c');
    s.close();
    FakeSocket.last.drop(1000, '', true);
    await loop;
    expect(got).toEqual(['a', 'b', 'c']);
  });

  it('channel: payloads only; break removes the listener; abort throws its reason', async () => {
    const s = make<{ chat: string }>();
    FakeSocket.last.accept();
    const got: unknown[] = [];
    const ch = s.channel('chat');
    const loop = (async () => {
      for await (const d of ch) {
        got.push(d);
        if (d === 'stop') break;
      }
    })();
    for (const d of ['x', 'stop', 'after']) FakeSocket.last.receive(JSON.stringify({ channel: 'chat', data: d }));
    await loop;
    expect(got).toEqual(['x', 'stop']);
    const ctrl = new AbortController();
    const it = ch.messages({ signal: ctrl.signal });
    const next = it.next();
    ctrl.abort(new Error('enough'));
    await expect(next).rejects.toThrow('enough');
    expect((await it.next()).done).toBe(true);
    s.close();
  });

  it('a consumer that falls more than max behind gets an OverflowError after the items it has, never a gap', async () => {
    const s = make();
    FakeSocket.last.accept();
    const it = s.messages({ max: 3 });
    for (const d of ['1', '2', '3', '4', '5']) FakeSocket.last.receive(d);
    const got: unknown[] = [];
    let error = '';
    try {
      for await (const d of it) got.push(d);
    } catch (e) {
      error = (e as Error).name;
    }
    expect(got).toEqual(['1', '2', '3']);
    expect(error).toBe('OverflowError');
    s.close();
  });
});

describe('schemas', () => {
  it('zod: invalid payloads never reach handlers, iterators or requests; an invalid event reports them', async () => {
    const s = new SteadySocket(URL_, undefined, {
      WebSocket: FakeSocket as never,
      network: false,
      schemas: { chat: z.object({ text: z.string() }), sum: z.number().transform((n) => n * 100) },
    });
    FakeSocket.last.accept();
    const got: unknown[] = [];
    const invalid: unknown[] = [];
    s.channel('chat').on((d) => got.push(d));
    s.addEventListener('invalid', (e) => invalid.push([e.channel, e.data, e.issues.length > 0]));
    FakeSocket.last.receive(JSON.stringify({ channel: 'chat', data: { text: 'ok' } }));
    FakeSocket.last.receive(JSON.stringify({ channel: 'chat', data: { text: 5 } }));
    const good = watch(s.channel('sum').request(1 as never));
    const bad = watch(s.channel('sum').request(2 as never));
    const [, f1, f2] = ['', ...sentFrames()];
    FakeSocket.last.receive(JSON.stringify({ channel: 'sum', id: f1.id, data: 7 }));
    FakeSocket.last.receive(JSON.stringify({ channel: 'sum', id: f2.id, data: 'seven' }));
    await flush();
    expect(got).toEqual([{ text: 'ok' }]);
    expect(invalid).toEqual([
      ['chat', { text: 5 }, true],
      ['sum', 'seven', true],
    ]);
    expect(good.s).toEqual(['ok', 700]);
    expect(bad.s[0] === 'err' && bad.s[1]).toBe('ValidationError');
    expect(bad.s[0] === 'err' && (bad.s[2] as Error & { issues: unknown[] }).issues.length).toBeGreaterThan(0);
    s.close();
  });

  it('valibot async validators keep the order of a channel', async () => {
    const slowFirst = v.pipeAsync(
      v.string(),
      v.checkAsync(async (x) => {
        await new Promise((r) => setTimeout(r, x === 'first' ? 50 : 1));
        return x !== 'bad';
      }, 'bad word'),
    );
    const s = new SteadySocket(URL_, undefined, {
      WebSocket: FakeSocket as never,
      network: false,
      schemas: { chat: slowFirst },
    });
    FakeSocket.last.accept();
    const got: unknown[] = [];
    s.channel('chat').on((d) => got.push(d));
    for (const d of ['first', 'bad', 'second', 'third'])
      FakeSocket.last.receive(JSON.stringify({ channel: 'chat', data: d }));
    await vi.advanceTimersByTimeAsync(100);
    expect(got).toEqual(['first', 'second', 'third']);
    s.close();
  });

  it('a schema that throws counts as invalid, never delivered; bad schemas are rejected at construction', () => {
    const broken = {
      '~standard': {
        version: 1,
        vendor: 'x',
        validate: () => {
          throw new Error('oops');
        },
      },
    } as const;
    const s = new SteadySocket(URL_, undefined, {
      WebSocket: FakeSocket as never,
      network: false,
      schemas: { c: broken as never },
    });
    FakeSocket.last.accept();
    const got: unknown[] = [];
    const invalid: unknown[] = [];
    s.channel('c').on((d) => got.push(d));
    s.addEventListener('invalid', (e) => invalid.push(e.issues[0]?.message));
    FakeSocket.last.receive(JSON.stringify({ channel: 'c', data: 1 }));
    expect(got).toEqual([]);
    expect(invalid).toEqual(['schema failed: oops']);
    s.close();
    expect(() => make({ schemas: { c: {} as never } })).toThrow(/schemas\.c/);
    expect(() => make({ requestTimeout: 0 })).toThrow(RangeError);
  });
});

describe('drained()', () => {
  it('resolves when the queue is sent; polls only while someone waits', async () => {
    const s = make();
    s.send('x'.repeat(100));
    const d = watch(s.drained());
    await vi.advanceTimersByTimeAsync(50);
    expect(d.s).toEqual(['pending']);
    expect(vi.getTimerCount()).toBeGreaterThan(0);
    FakeSocket.last.accept();
    await vi.advanceTimersByTimeAsync(20);
    expect(d.s[0]).toBe('ok');
    s.close();
    const bad = watch(s.drained({ below: -1 }));
    await flush();
    expect(bad.s[0] === 'err' && bad.s[1]).toBe('RangeError');
  });

  it('rejects with ClosedError when the socket closes for good first', async () => {
    const s = make();
    s.send('waiting');
    const d = watch(s.drained());
    s.close();
    await flush();
    expect(d.s[0] === 'err' && d.s[1]).toBe('ClosedError');
  });
});
