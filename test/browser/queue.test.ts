// The send queue under overflow, in Chromium with the ESM build: each policy
// keeps the documented messages, reports the others with `drop`, and the
// server receives exactly the kept ones, in order, before anything sent later.
import { describe, expect, it } from 'vitest';
import { events, figure, pageUntil, useBrowser, waitEvents } from '../helpers/browser.js';
import { sleep } from '../helpers/deferred.js';

const b = useBrowser();

describe('send queue overflow in Chromium (ESM build)', () => {
  it('drop-oldest, drop-newest, error, maxBytes, ttl and queue: false', async () => {
    const { page, errors } = await b.page('esm');
    const srv = await b.server();
    // hold every upgrade 200 ms: the sockets are 'connecting' while the page sends
    // (Chromium runs one handshake per host:port at a time, so they open one by one)
    await srv.mode('delay', { delay: 200 });
    const cases = [
      { name: 'oldest', queue: { max: 5, overflow: 'drop-oldest' } },
      { name: 'newest', queue: { max: 5, overflow: 'drop-newest' } },
      { name: 'error', queue: { max: 5, overflow: 'error' } },
      // 4-byte messages, 12 bytes allowed: three fit
      { name: 'bytes', queue: { maxBytes: 12, overflow: 'drop-oldest' } },
      // everything expires before the connection opens
      { name: 'ttl', queue: { ttl: 100 } },
      { name: 'off', queue: false },
    ] as const;
    const thrown = await page.evaluate(
      ([url, cases]) => {
        const out: Record<string, string[]> = {};
        for (const c of cases) {
          const s = __t.track(c.name, new steadysocket.SteadySocket(`${url}/${c.name}`, undefined, { queue: c.queue }));
          out[c.name] = [];
          for (let i = 0; i < 8; i++) {
            const data = c.name === 'bytes' ? `m00${i}` : String(i);
            try {
              s.send(data);
            } catch (e) {
              out[c.name]!.push(`${(e as Error).name}:${data}`);
            }
          }
          s.addEventListener('open', () => s.send('after-open'), { once: true });
        }
        return out;
      },
      [srv.url, cases.map((c) => ({ name: c.name, queue: c.queue }))] as const,
    );
    for (const c of cases) await waitEvents(page, c.name, 'open', 1, 5000);
    await pageUntil(
      page,
      (names) => names.every((n) => __t.sockets[n].bufferedAmount === 0),
      cases.map((c) => c.name),
      {
        what: 'every queue flushed',
      },
    );
    await sleep(200);
    const byPath = (name: string) => {
      const ids = new Set(srv.handshakes.filter((h) => h.path === `/${name}`).map((h) => h.id));
      return srv.received.filter((r) => ids.has(r.conn)).map((r) => r.data);
    };
    const got: Record<string, { arrived: unknown[]; drops: string[]; thrown: string[] }> = {};
    for (const c of cases) {
      const log = await events(page, c.name);
      got[c.name] = {
        arrived: byPath(c.name),
        drops: log.filter((r) => r.type === 'drop').map((r) => `${r.reason}:${r.data}`),
        thrown: thrown[c.name] ?? [],
      };
    }
    figure(
      `queue overflow: ${cases.map((c) => `${c.name} ${got[c.name]!.arrived.length - 1} kept/${got[c.name]!.drops.length} dropped${got[c.name]!.thrown.length ? `/${got[c.name]!.thrown.length} thrown` : ''}`).join(', ')}`,
    );
    const seq = (from: number, to: number, f = (i: number) => String(i)) =>
      Array.from({ length: to - from + 1 }, (_, k) => f(from + k));
    expect(got.oldest).toEqual({
      arrived: [...seq(3, 7), 'after-open'],
      drops: seq(0, 2).map((d) => `overflow:${d}`),
      thrown: [],
    });
    expect(got.newest).toEqual({
      arrived: [...seq(0, 4), 'after-open'],
      drops: seq(5, 7).map((d) => `overflow:${d}`),
      thrown: [],
    });
    // 'error': send() throws (a RangeError) for what does not fit, and reports it as a drop
    expect(got.error).toEqual({
      arrived: [...seq(0, 4), 'after-open'],
      drops: seq(5, 7).map((d) => `overflow:${d}`),
      thrown: seq(5, 7).map((d) => `RangeError:${d}`),
    });
    const m = (i: number) => `m00${i}`;
    expect(got.bytes).toEqual({
      arrived: [...seq(5, 7, m), 'after-open'],
      drops: seq(0, 4, m).map((d) => `overflow:${d}`),
      thrown: [],
    });
    expect(got.ttl).toEqual({ arrived: ['after-open'], drops: seq(0, 7).map((d) => `ttl:${d}`), thrown: [] });
    expect(got.off).toEqual({ arrived: ['after-open'], drops: seq(0, 7).map((d) => `disabled:${d}`), thrown: [] });
    expect(errors).toEqual([]);
  });

  it('while the server is down: ttl drops fire on time, binary data goes out as sent, a re-sending drop listener cannot loop', async () => {
    const { page, errors } = await b.page('esm');
    const srv = await b.server();
    await page.evaluate((url) => {
      // retries stay 100 ms apart however long the server is down: the binary message (ttl 500)
      // must not expire while a grown backoff waits (it did, now and then, on a loaded machine)
      const opts = { reconnect: { minDelay: 100, maxDelay: 100, jitter: 0 } };
      __t.track('s', new steadysocket.SteadySocket(url, undefined, { ...opts, queue: { ttl: 500 } }));
      __t.track('d', new steadysocket.SteadySocket(`${url}/d`, undefined, { ...opts, queue: false }));
    }, srv.url);
    await waitEvents(page, 's', 'open', 1);
    await waitEvents(page, 'd', 'open', 1);
    await srv.stop();
    await waitEvents(page, 's', 'close', 1);
    await waitEvents(page, 'd', 'close', 1);
    const sent = await page.evaluate(() => {
      const s = __t.sockets.s;
      const d = __t.sockets.d;
      s.send('stale'); // expires 500 ms from now; nothing else is sent to it meanwhile
      const caught: string[] = [];
      d.addEventListener('drop', (e: Event & { data: unknown }) => {
        try {
          d.send(e.data as string);
        } catch (err) {
          caught.push((err as Error).name);
        }
      });
      d.send('nowhere'); // queue: false → drop → the listener re-sends → refused
      return { at: __t.now(), caught };
    });
    const drop = (await waitEvents(page, 's', 'drop', 1, 3000)).find((r) => r.type === 'drop')!;
    await page.evaluate(() => {
      const bytes = new Uint8Array([1, 2, 3]);
      __t.sockets.s.send(bytes);
      bytes.fill(9); // changed after send(): must not change what is sent
    });
    await srv.start();
    await waitEvents(page, 's', 'open', 2, 5000);
    await pageUntil(page, () => __t.sockets.s.bufferedAmount === 0, undefined, { what: 'flushed' });
    await sleep(200);
    const binary = srv.received.filter((r) => r.binary).map((r) => [...(r.data as Buffer)]);
    const dLog = await events(page, 'd');
    figure(
      `queue while down: ttl drop after ${drop.t - sent.at} ms (ttl 500), binary arrived as ${JSON.stringify(binary)}`,
    );
    expect(drop).toMatchObject({ reason: 'ttl', data: 'stale' });
    expect(drop.t - sent.at).toBeGreaterThanOrEqual(450);
    expect(drop.t - sent.at).toBeLessThan(1500);
    expect(binary).toEqual([[1, 2, 3]]);
    expect(sent.caught).toEqual(['RangeError']);
    expect(dLog.filter((r) => r.type === 'drop')).toHaveLength(1);
    expect(errors).toEqual([]);
  });

  it('queued messages go out in order, before anything sent later, across a server restart', async () => {
    const { page, errors } = await b.page('esm');
    const srv = await b.server();
    await page.evaluate((url) => {
      __t.track('s', new steadysocket.SteadySocket(url, undefined, { reconnect: { minDelay: 100, jitter: 0 } }));
    }, srv.url);
    await waitEvents(page, 's', 'open', 1);
    await srv.stop();
    await waitEvents(page, 's', 'close', 1);
    const queued = await page.evaluate(() => {
      const s = __t.sockets.s;
      for (let i = 0; i < 50; i++) s.send(`q${i}`);
      // sent from the open handler: must come after the queue
      s.addEventListener('open', () => s.send('from-open'), { once: true });
      return { queued: s.queued, bufferedAmount: s.bufferedAmount };
    });
    await srv.start();
    await waitEvents(page, 's', 'open', 2, 5000);
    await page.evaluate(() => __t.sockets.s.send('later'));
    await pageUntil(page, () => __t.sockets.s.bufferedAmount === 0, undefined, { what: 'flushed' });
    await sleep(200);
    const arrived = srv.received.map((r) => r.data);
    figure(
      `queue across a restart: ${queued.queued} queued (${queued.bufferedAmount} bytes counted in bufferedAmount), ${arrived.length} arrived in order`,
    );
    expect(queued.queued).toBe(50);
    // q0..q9 are 2 bytes, q10..q49 3 bytes
    expect(queued.bufferedAmount).toBe(10 * 2 + 40 * 3);
    expect(arrived).toEqual([...Array.from({ length: 50 }, (_, i) => `q${i}`), 'from-open', 'later']);
    expect(errors).toEqual([]);
  });
  it('close() while waiting for a retry: the queue is dropped with reason closed, its ttl timer with it, and nothing of it is sent later', async () => {
    const { page, errors } = await b.page('esm');
    const srv = await b.server();
    const base = await page.evaluate(() => __t.timers().live);
    await page.evaluate((url) => {
      __t.track(
        's',
        // a long wait and ttl: neither may fire during the test, so only close() can end them
        new steadysocket.SteadySocket(url, undefined, {
          reconnect: { minDelay: 60_000, jitter: 0 },
          queue: { ttl: 30_000 },
        }),
      );
    }, srv.url);
    await waitEvents(page, 's', 'open', 1);
    await srv.stop();
    await waitEvents(page, 's', 'reconnecting', 1);
    const r = await page.evaluate(() => {
      const s = __t.sockets.s;
      const waiting = __t.timers().live; // the retry wait
      for (const m of ['a', 'b', 'c']) s.send(m);
      const queued = { n: s.queued, timers: __t.timers().live }; // + the ttl timer
      s.close();
      return {
        waiting,
        queued,
        closed: { n: s.queued, bytes: s.bufferedAmount, timers: __t.timers().live, state: s.state },
      };
    });
    const drops = (await events(page, 's')).filter((e) => e.type === 'drop').map((e) => `${e.reason}:${e.data}`);
    await srv.start();
    await page.evaluate(() => {
      __t.sockets.s.open();
      __t.sockets.s.addEventListener('open', () => __t.sockets.s.send('after'), { once: true });
    });
    await waitEvents(page, 's', 'open', 2, 5000);
    await pageUntil(page, () => __t.sockets.s.bufferedAmount === 0, undefined, { what: 'flushed' });
    await sleep(200);
    figure(
      `close() with a queue: ${r.queued.n} queued, drops ${drops.join(', ')}; live timers ${base} → ${r.waiting} (waiting) → ${r.queued.timers} (queued, ttl) → ${r.closed.timers} (closed)`,
    );
    expect(r.waiting).toBe(base + 1);
    expect(r.queued).toEqual({ n: 3, timers: base + 2 });
    // everything the socket held is gone at once: the retry wait and the ttl timer
    expect(r.closed).toEqual({ n: 0, bytes: 0, timers: base, state: 'closed' });
    expect(drops).toEqual(['closed:a', 'closed:b', 'closed:c']);
    // after open() only what was sent then goes out
    expect(srv.received.map((m) => m.data)).toEqual(['after']);
    expect(errors).toEqual([]);
  });
});
