// The core reconnect behaviour, end to end: Chromium running the UMD build
// against a real ws server behind the fault proxy. Each case prints one
// measured figure. Time bounds are the library's own delay plus a stated
// margin for a loaded 2-core machine; nothing is retried.
import type { WebSocket as NodeWebSocket } from 'ws';
import { describe, expect, it } from 'vitest';
import { CORE, events, figure, pageUntil, useBrowser, waitEvents } from '../helpers/browser.js';
import { now, sleep, until } from '../helpers/deferred.js';
import { sequence } from '../helpers/fault-server.js';
import { explainLoss, type SendRecord } from '../helpers/loss.js';

const b = useBrowser();
/** the heartbeat is a feature of the full entry: its tests skip on the core (browser-core project) */
const fullIt = it.skipIf(CORE);
const ms = (n: number | undefined) => `${Math.round(n ?? Number.NaN)} ms`;

describe('reconnect in Chromium (UMD build)', () => {
  it('server stopped and restarted on the same port: reconnects soon after it is back', async () => {
    const { page, errors } = await b.page('umd');
    const srv = await b.server();
    const port = srv.port;
    const o = { minDelay: 100, maxDelay: 400, factor: 2, jitter: 0, minUptime: 200 };
    await page.evaluate(
      ([url, o]) => {
        __t.track('s', new steadysocket.SteadySocket(url, undefined, { reconnect: o }));
      },
      [srv.url, o] as const,
    );
    await waitEvents(page, 's', 'open', 1);
    await sleep(o.minUptime + 100); // a stable connection: the retry count starts from zero
    const stoppedAt = now();
    await srv.stop();
    await waitEvents(page, 's', 'close', 1);
    await sleep(800); // down long enough for refused attempts and a backoff at maxDelay
    await srv.start();
    const startedAt = now();
    const log = await waitEvents(page, 's', 'open', 2, 5000);
    const reopen = log.filter((r) => r.type === 'open')[1]!.t - startedAt;
    const closeEv = log.find((r) => r.type === 'close')!;
    const retries = log.filter((r) => r.type === 'reconnecting');
    // each attempt while down was made and refused: a close (1006) of its own after the first one
    const refused = log.filter((r) => r.type === 'close' && r.t > closeEv.t && r.t < startedAt);
    figure(
      `restart: detected in ${ms(closeEv.t - stoppedAt)}, ${refused.length} attempts refused and ${retries.length} retries while down (delays ${retries.map((r) => r.delay).join(', ')} ms), reopened ${ms(reopen)} after the restart (maxDelay 400 ms)`,
    );
    expect(srv.port).toBe(port);
    // every retry scheduled before the restart made its attempt, refused at once (a close of its
    // own), except perhaps the last one, still waiting or in flight at the restart
    const retriesWhileDown = retries.filter((r) => r.t < startedAt).length;
    expect(refused.length).toBeGreaterThanOrEqual(Math.max(1, retriesWhileDown - 1));
    expect(refused.every((r) => r.code === 1006)).toBe(true);
    // the proxy saw the first connection and the one after the restart, nothing else
    expect(srv.handshakes).toHaveLength(2);
    expect(closeEv).toMatchObject({ code: 1006, wasClean: false });
    expect(retries.length).toBeGreaterThanOrEqual(3);
    // the pending wait is at most maxDelay; 1 s margin for a busy machine
    expect(reopen).toBeLessThan(400 + 1000);
    expect(await page.evaluate(() => __t.sockets.s.state)).toBe('open');
    expect(errors).toEqual([]);
    // after a stable connection the k-th retry waits min(maxDelay, minDelay * factor^(k-1)) (jitter 0)
    expect(retries.slice(0, 3).map((r) => r.delay)).toEqual([100, 200, 400]);
  });

  it('connection reset mid-stream: with the queue on, nothing lost, duplicated or reordered', async () => {
    const { page, errors } = await b.page('umd');
    const srv = await b.server();
    const N = 400;
    await page.evaluate(
      ([url, n]) => {
        const s = __t.track(
          's',
          new steadysocket.SteadySocket(url, undefined, { reconnect: { minDelay: 50, jitter: 0 } }),
        );
        const sent: { n: number; conn: number; flushed?: number }[] = [];
        (window as any).__sent = sent;
        // the queue went out into this connection, before its open event (see helpers/loss.ts)
        s.addEventListener('open', () => {
          for (const m of sent) if (m.conn === 0 && m.flushed === undefined) m.flushed = __t.count('s', 'open');
        });
        s.addEventListener(
          'open',
          () => {
            let i = 0;
            const timer = setInterval(() => {
              // two per tick: a steady 400/s stream
              for (let k = 0; k < 2 && i < n; k++, i++) {
                const q = s.queued;
                s.send(String(i));
                // handed to the open connection (its number), or queued (0)
                sent.push({ n: i, conn: s.queued === q ? __t.count('s', 'open') : 0 });
              }
              if (i >= n) clearInterval(timer);
            }, 5);
          },
          { once: true },
        );
      },
      [srv.url, N] as const,
    );
    await until(() => srv.received.length >= 100, { timeout: 5000, message: '100 messages at the server' });
    srv.resetAll();
    await pageUntil(page, (n) => (window as any).__sent.length >= n && __t.sockets.s.bufferedAmount === 0, N, {
      timeout: 10_000,
      what: 'all sent and flushed',
    });
    await sleep(300); // anything late or duplicated
    const sent: SendRecord[] = await page.evaluate(() => (window as any).__sent);
    const log = await events(page, 's');
    const dropped = new Set(log.filter((r) => r.type === 'drop').map((r) => Number(r.data)));
    const rep = sequence(
      srv.received.map((r) => Number(r.data)),
      N,
    );
    // only the unsent tail of the reset connection may go missing (see helpers/loss.ts); with the
    // default queue (1000 messages, no ttl) nothing may be dropped either
    const loss = explainLoss(rep.lost, sent, srv.handshakes, srv.received, dropped, { strict: true });
    const queuedCount = sent.filter((m) => m.conn === 0).length;
    figure(
      `reset mid-stream: ${N} sent, ${rep.received} received, lost ${rep.lost.length} (in flight on the reset connection ${loss.inFlight.length}, reported by drop ${dropped.size}, unexplained ${loss.unexplained.length}), duplicates ${rep.duplicates.length}, out of order ${rep.outOfOrder}; ${queuedCount} queued while reconnecting`,
    );
    expect(log.filter((r) => r.type === 'open')).toHaveLength(2);
    expect(queuedCount).toBeGreaterThan(0); // the reset did land mid-stream
    expect(rep.duplicates).toEqual([]);
    expect(rep.outOfOrder).toBe(0);
    expect(loss.dropped).toEqual([]);
    expect(loss.unexplained).toEqual([]);
    expect(errors).toEqual([]);
  });

  fullIt('half-open peer (black-holed TCP): the heartbeat detects it and a new connection replaces it', async () => {
    const { page, errors } = await b.page('umd');
    const srv = await b.server();
    const interval = 500;
    const timeout = 500;
    await page.evaluate(
      ([url, interval, timeout]) => {
        __t.track(
          's',
          new steadysocket.SteadySocket(url, undefined, {
            heartbeat: { interval, timeout },
            reconnect: { minDelay: 50, jitter: 0 },
          }),
        );
      },
      [srv.url, interval, timeout] as const,
    );
    await waitEvents(page, 's', 'pong', 1, 3000); // the heartbeat works on a healthy link
    await srv.mode('blackhole'); // the open connection goes silent...
    const holedAt = now();
    await srv.mode('pass'); // ...while new connections get through
    const log = await waitEvents(page, 's', 'open', 2, 5000);
    const closeEv = log.find((r) => r.type === 'close')!;
    const reopen = log.filter((r) => r.type === 'open')[1]!;
    const lastPong = log.filter((r) => r.type === 'pong' && r.t < closeEv.t).at(-1)!;
    const detected = closeEv.t - holedAt;
    // page clock only: the next ping goes out `interval` after the last frame in, and the link is
    // declared dead `timeout` after it. Timers never fire early (2 ms for clock rounding); the
    // slack above (400 ms, for a loaded machine) is under the 500 ms that twice the timeout or
    // twice the interval adds, so such a heartbeat fails however quiet the machine
    const sinceLast = closeEv.t - lastPong.t;
    figure(
      `half-open: closed ${ms(sinceLast)} after the last pong (interval ${interval} + timeout ${timeout}), ${ms(detected)} after the black-hole, replaced ${ms(reopen.t - holedAt)} after it; rtt before ${lastPong.rtt} ms`,
    );
    expect(closeEv).toMatchObject({ code: 1006, reason: 'heartbeat timeout', wasClean: false });
    expect(sinceLast).toBeGreaterThanOrEqual(interval + timeout - 2);
    expect(sinceLast).toBeLessThan(interval + timeout + 400);
    // a ping sent just before the black-hole is the earliest possible detection: timeout after it
    expect(detected).toBeGreaterThanOrEqual(timeout - 50);
    expect(detected).toBeLessThan(interval + timeout + 400);
    expect(srv.handshakes).toHaveLength(2);
    expect(srv.handshakes[1]?.openedAt).toBeDefined();
    expect(errors).toEqual([]);
  });

  fullIt('heartbeat with a timeout longer than the interval: a ping every interval after each pong', async () => {
    const { page, errors } = await b.page('umd');
    const srv = await b.server(); // answers 'ping' with 'pong'
    await page.evaluate((url) => {
      __t.track('s', new steadysocket.SteadySocket(url, undefined, { heartbeat: { interval: 200, timeout: 2000 } }));
    }, srv.url);
    // five round trips: about 1 s at one per interval; one per timeout would need 10 s
    const log = await waitEvents(page, 's', 'pong', 5, 4000);
    const pongs = log.filter((r) => r.type === 'pong').map((r) => r.t);
    const gaps = pongs.slice(1).map((t, i) => t - pongs[i]!);
    figure(`heartbeat pacing (interval 200, timeout 2000): pong gaps ${gaps.map((g) => ms(g)).join(', ')}`);
    expect(Math.max(...gaps)).toBeLessThan(1000);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(150);
    expect(log.filter((r) => r.type === 'close')).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('upgrade refused with HTTP 503, then accepted: delays follow the backoff with jitter', async () => {
    const { page, errors } = await b.page('umd');
    const srv = await b.server();
    await srv.mode('reject', { status: 503 });
    const o = { minDelay: 100, maxDelay: 2000, factor: 2, jitter: 0.5 };
    await page.evaluate(
      ([url, o]) => {
        __t.track('s', new steadysocket.SteadySocket(url, undefined, { reconnect: o }));
      },
      [srv.url, o] as const,
    );
    const REJECTS = 4;
    await until(() => srv.handshakes.length >= REJECTS, { timeout: 6000, message: `${REJECTS} refused handshakes` });
    await srv.mode('pass'); // the next wait is >= 400 ms, far more than this takes
    const log = await waitEvents(page, 's', 'open', 1, 5000);
    const retries = log.filter((r) => r.type === 'reconnecting');
    const hs = srv.handshakes;
    // the k-th retry in a row (k = 1, 2, ...) waits base = min(maxDelay, minDelay * factor^(k-1)),
    // shortened by jitter: "minDelay: wait before the first retry"
    const rows = retries.map((r, i) => {
      const base = Math.min(o.maxDelay, o.minDelay * o.factor ** i);
      const gap = hs[i + 1]!.at - hs[i]!.at;
      const sinceScheduled = hs[i + 1]!.at - r.t;
      return { attempt: r.attempt!, base, delay: r.delay!, gap, sinceScheduled };
    });
    figure(
      `503 backoff: ${rows.map((r) => `#${r.attempt} ${ms(r.delay)} of [${r.base * (1 - o.jitter)}, ${r.base}] (handshake gap ${ms(r.gap)})`).join('; ')}`,
    );
    expect(hs.map((h) => h.action)).toEqual([...Array(REJECTS).fill('reject'), 'pass']);
    // attempt numbers count up by one (the library numbers connection attempts: the first retry is attempt 2)
    expect(rows.map((r) => r.attempt - rows[0]!.attempt)).toEqual([0, 1, 2, 3]);
    expect(log.filter((r) => r.type === 'close').every((r) => r.code === 1006)).toBe(true);
    for (const r of rows) {
      expect(r.delay).toBeGreaterThanOrEqual(r.base * (1 - o.jitter));
      expect(r.delay).toBeLessThanOrEqual(r.base);
      // the next handshake comes no sooner than the delay, and not much later
      expect(r.sinceScheduled).toBeGreaterThanOrEqual(r.delay - 2);
      expect(r.sinceScheduled).toBeLessThanOrEqual(r.delay + 300);
      expect(r.gap).toBeGreaterThanOrEqual(r.delay - 2);
      expect(r.gap).toBeLessThanOrEqual(r.delay + 400);
    }
    // jitter is applied: four delays all exactly at base would mean random() was ignored
    expect(rows.some((r) => r.delay < r.base)).toBe(true);
    expect(errors).toEqual([]);
  });

  it('a handshake that never completes is abandoned at connectTimeout and retried', async () => {
    const { page, errors } = await b.page('umd');
    const srv = await b.server();
    await srv.mode('stall');
    const connectTimeout = 800;
    const startedAt: number = await page.evaluate(
      ([url, connectTimeout]) => {
        const t = __t.now();
        __t.track(
          's',
          new steadysocket.SteadySocket(url, undefined, { connectTimeout, reconnect: { minDelay: 100, jitter: 0 } }),
        );
        return t;
      },
      [srv.url, connectTimeout] as const,
    );
    await until(() => srv.handshakes.length >= 2, { timeout: 4000, message: 'a second stalled handshake' });
    await srv.mode('pass');
    const log = await waitEvents(page, 's', 'open', 1, 4000);
    const firstRetry = log.find((r) => r.type === 'reconnecting')!;
    const abandonedAfter = firstRetry.t - startedAt;
    const err = log.find((r) => r.type === 'error');
    await until(() => srv.live === 1, { timeout: 2000, message: 'the stalled TCP connections to be closed' });
    figure(
      `stalled handshake: abandoned after ${ms(abandonedAfter)} (connectTimeout ${connectTimeout}), error "${err?.error}", opened on attempt ${srv.handshakes.length}`,
    );
    expect(abandonedAfter).toBeGreaterThanOrEqual(connectTimeout - 5);
    expect(abandonedAfter).toBeLessThanOrEqual(connectTimeout + 400);
    expect(srv.handshakes.map((h) => h.action)).toEqual(['stall', 'stall', 'pass']);
    // attempt 2 starts no sooner than connectTimeout + minDelay after attempt 1 started
    expect(srv.handshakes[1]!.at - startedAt).toBeGreaterThanOrEqual(connectTimeout + 100 - 5);
    expect(srv.handshakes[1]!.at - srv.handshakes[0]!.at).toBeLessThanOrEqual(connectTimeout + 100 + 500);
    expect(errors).toEqual([]);
  });

  it('each close code gets the documented reconnect decision; shouldReconnect overrides it', async () => {
    const { page, errors } = await b.page('umd');
    const seen = new Map<string, number>();
    const srv = await b.server({
      // the first connection on each path is closed by the server with the code in the path
      onConnection(ws: NodeWebSocket, info) {
        const n = (seen.get(info.path) ?? 0) + 1;
        seen.set(info.path, n);
        const code = Number(info.path.split('/')[2]);
        if (n === 1) setTimeout(() => ws.close(code, 'test'), 50);
      },
    });
    const cases = [
      ...[1000, 1001, 1011, 1012, 1013, 4000].map((code) => ({ name: `r${code}`, code, expect: true, override: '' })),
      ...[1008, 1003, 4401, 4403].map((code) => ({ name: `n${code}`, code, expect: false, override: '' })),
      { name: 'o4000', code: 4000, expect: false, override: 'not4000' },
      { name: 'o4401', code: 4401, expect: true, override: 'always' },
    ];
    await page.evaluate(
      ([url, cases]) => {
        for (const c of cases) {
          const reconnect: Record<string, unknown> = { minDelay: 50, jitter: 0 };
          if (c.override === 'not4000') reconnect.shouldReconnect = (e: CloseEvent) => e.code !== 4000;
          if (c.override === 'always') reconnect.shouldReconnect = () => true;
          __t.track(c.name, new steadysocket.SteadySocket(`${url}/c/${c.code}/${c.name}`, undefined, { reconnect }));
        }
      },
      [srv.url, cases] as const,
    );
    for (const c of cases.filter((c) => c.expect)) await waitEvents(page, c.name, 'open', 2, 5000);
    await pageUntil(
      page,
      (names) => names.every((n) => __t.count(n, 'close') >= 1),
      cases.map((c) => c.name),
      {
        what: 'every socket closed once',
      },
    );
    await sleep(500); // 10 x minDelay: a retry would have started
    const results = [];
    for (const c of cases) {
      const log = await events(page, c.name);
      const closeEv = log.find((r) => r.type === 'close');
      results.push({
        ...c,
        closeCode: closeEv?.code,
        opens: log.filter((r) => r.type === 'open').length,
        handshakes: seen.get(`/c/${c.code}/${c.name}`) ?? 0,
        state: await page.evaluate((n) => __t.sockets[n].state, c.name),
      });
    }
    figure(
      `close codes: ${results.map((r) => `${r.code}${r.override ? `(${r.override})` : ''}→${r.opens === 2 ? 'reconnect' : 'stop'}`).join(', ')}`,
    );
    for (const r of results) {
      expect({ name: r.name, closeCode: r.closeCode }).toEqual({ name: r.name, closeCode: r.code });
      expect({ name: r.name, handshakes: r.handshakes, opens: r.opens }).toEqual(
        r.expect ? { name: r.name, handshakes: 2, opens: 2 } : { name: r.name, handshakes: 1, opens: 1 },
      );
      expect({ name: r.name, state: r.state }).toEqual({ name: r.name, state: r.expect ? 'open' : 'closed' });
    }
    expect(errors).toEqual([]);
  });

  it('close() from an error listener on a stalled handshake wins: no further attempt, no timer left', async () => {
    const { page, errors } = await b.page('umd');
    const srv = await b.server();
    await srv.mode('stall');
    const before = await page.evaluate(() => __t.timers().live);
    await page.evaluate((url) => {
      const s = new steadysocket.SteadySocket(url, undefined, { connectTimeout: 300, reconnect: { minDelay: 50 } });
      s.addEventListener('error', () => s.close(), { once: true });
      __t.track('s', s);
    }, srv.url);
    await waitEvents(page, 's', 'error', 1, 3000);
    await sleep(1000);
    const after = await page.evaluate(() => ({ timers: __t.timers().live, state: __t.sockets.s.state }));
    figure(
      `close() in an error listener: ${srv.handshakes.length} handshake(s), state ${after.state}, live timers ${before} → ${after.timers}`,
    );
    expect(after).toEqual({ timers: before, state: 'closed' });
    expect(srv.handshakes).toHaveLength(1);
    expect(errors).toEqual([]);
  });

  it('close(): no attempt for the next 2 s, timers and listeners released; open() afterwards works', async () => {
    const { page, errors } = await b.page('umd');
    const srv = await b.server({
      echo: true,
      onConnection(ws, info) {
        if (info.path === '/b') ws.close(1012, 'restarting'); // b is always waiting for a retry
      },
    });
    const before = await page.evaluate(() => ({ timers: __t.timers().live, listeners: __t.listeners().total }));
    await page.evaluate((url) => {
      __t.track('a', new steadysocket.SteadySocket(`${url}/a`));
      __t.track('b', new steadysocket.SteadySocket(`${url}/b`, undefined, { reconnect: { minDelay: 500, jitter: 0 } }));
    }, srv.url);
    await waitEvents(page, 'a', 'open', 1);
    await waitEvents(page, 'b', 'reconnecting', 1);
    const during = await page.evaluate(() => ({ timers: __t.timers().live, listeners: __t.listeners() }));
    await page.evaluate(() => {
      __t.sockets.a.close(1000, 'done');
      __t.sockets.b.close();
    });
    const closedAt = now();
    const handshakesAtClose = srv.handshakes.length;
    await sleep(2000);
    const after = await page.evaluate(() => ({
      timers: __t.timers().live,
      listeners: __t.listeners().total,
      a: __t.sockets.a.state,
      b: __t.sockets.b.state,
    }));
    const lateHandshakes = srv.handshakes.filter((h) => h.at > closedAt).length;
    const aLog = await events(page, 'a');
    figure(
      `close(): ${lateHandshakes} attempts in the 2 s after close(); live timers ${before.timers} → ${during.timers} (connected) → ${after.timers}; window/document listeners ${before.listeners} → ${during.listeners.total} → ${after.listeners}`,
    );
    expect(lateHandshakes).toBe(0);
    expect(srv.handshakes.length).toBe(handshakesAtClose);
    expect(after).toEqual({ timers: before.timers, listeners: before.listeners, a: 'closed', b: 'closed' });
    expect(aLog.find((r) => r.type === 'close')).toMatchObject({ code: 1000, reason: 'done', wasClean: true });
    // open() brings it back
    const echoed = await page.evaluate(async () => {
      const a = __t.sockets.a;
      a.open();
      return new Promise((resolve, reject) => {
        setTimeout(() => reject(new Error('no echo after open()')), 5000);
        a.addEventListener('message', (e: MessageEvent) => resolve(e.data), { once: true });
        a.send('after open()');
      });
    });
    expect(echoed).toBe('after open()');
    expect(await page.evaluate(() => __t.sockets.a.state)).toBe('open');
    expect(errors).toEqual([]);
  });

  it('maxRetries: giveup fires once and nothing is scheduled afterwards; open() revives', async () => {
    const { page, errors } = await b.page('umd');
    const srv = await b.server();
    await srv.mode('reject', { status: 503 });
    const before = await page.evaluate(() => __t.timers().live);
    await page.evaluate((url) => {
      __t.track(
        's',
        new steadysocket.SteadySocket(url, undefined, { reconnect: { maxRetries: 3, minDelay: 50, jitter: 0 } }),
      );
    }, srv.url);
    const atGiveup = await waitEvents(page, 's', 'giveup', 1, 5000);
    const handshakesAtGiveup = srv.handshakes.length;
    await sleep(1000); // the last delay was 400 ms: anything scheduled would show
    const log = await events(page, 's');
    const after = await page.evaluate(() => ({
      timers: __t.timers().live,
      state: __t.sockets.s.state,
      retryCount: __t.sockets.s.retryCount,
    }));
    const giveup = log.filter((r) => r.type === 'giveup');
    figure(
      `maxRetries 3: giveup after ${handshakesAtGiveup} handshakes (attempts ${giveup[0]?.attempts}), ${srv.handshakes.length - handshakesAtGiveup} after it, live timers ${after.timers} (before ${before})`,
    );
    expect(giveup).toHaveLength(1);
    expect(log.length).toBe(atGiveup.length);
    expect(srv.handshakes.length).toBe(handshakesAtGiveup);
    // API.md: maxRetries N = N retries = N + 1 attempts in a row, as in every peer
    expect(handshakesAtGiveup).toBe(4);
    expect(giveup[0]?.attempts).toBe(4);
    expect(log.filter((r) => r.type === 'reconnecting')).toHaveLength(3);
    expect(after).toMatchObject({ timers: before, state: 'closed' });
    await srv.mode('pass');
    await page.evaluate(() => __t.sockets.s.open());
    await waitEvents(page, 's', 'open', 1, 3000);
    expect(errors).toEqual([]);
  });

  // `offline`/`online` are dispatched on the page's window: the network itself stays up, so the only
  // thing that can hold a retry back is the library's pause (Playwright's setOffline would also
  // block the attempts, and the test could not tell the two apart)
  it('offline while a retry is pending: the retry waits well past its delay, online retries at once', async () => {
    const { page, errors } = await b.page('umd');
    const srv = await b.server();
    const delay = 500;
    await page.evaluate(
      ([url, delay]) => {
        __t.track(
          's',
          new steadysocket.SteadySocket(url, undefined, { reconnect: { minDelay: delay, maxDelay: delay, jitter: 0 } }),
        );
      },
      [srv.url, delay] as const,
    );
    await waitEvents(page, 's', 'open', 1);
    // offline comes in the task after the retry was scheduled (a test round trip could be late on
    // a loaded machine; inside the reconnecting listener itself it would come before the timer)
    await page.evaluate(() => {
      const w = window as any;
      __t.sockets.s.addEventListener(
        'reconnecting',
        () =>
          setTimeout(() => {
            w.__offlineAt = __t.now();
            dispatchEvent(new Event('offline'));
          }, 0),
        { once: true },
      );
    });
    srv.closeAll(1012, 'restart');
    const retry = (await waitEvents(page, 's', 'reconnecting', 1)).find((r) => r.type === 'reconnecting')!;
    await pageUntil(page, () => (window as any).__offlineAt !== undefined, undefined, { what: 'offline dispatched' });
    const offlineAt: number = await page.evaluate(() => (window as any).__offlineAt);
    await sleep(delay * 3); // the retry was due `delay` after it was scheduled
    const offline = { handshakes: srv.handshakes.length, state: await page.evaluate(() => __t.sockets.s.state) };
    const onlineAt: number = await page.evaluate(() => {
      dispatchEvent(new Event('online'));
      return __t.now();
    });
    const log = await waitEvents(page, 's', 'open', 2, 3000);
    const back = log.filter((r) => r.type === 'open')[1]!.t - onlineAt;
    figure(
      `offline with a retry pending (delay ${retry.delay} ms, offline ${ms(offlineAt - retry.t)} after it was scheduled): ${offline.handshakes - 1} attempts in ${delay * 3} ms offline; reopened ${ms(back)} after online`,
    );
    expect(retry.delay).toBe(delay);
    expect(offlineAt - retry.t).toBeLessThan(delay - 100); // the pause came before the retry was due
    expect(offline).toEqual({ handshakes: 1, state: 'connecting' });
    // at once: well before a fresh wait of `delay`
    expect(back).toBeLessThan(delay - 100);
    expect(srv.handshakes).toHaveLength(2);
    expect(errors).toEqual([]);
  });

  it('offline first, then the connection drops: no retry is scheduled until online', async () => {
    const { page, errors } = await b.page('umd');
    const srv = await b.server();
    const delay = 300;
    await page.evaluate(
      ([url, delay]) => {
        __t.track(
          's',
          new steadysocket.SteadySocket(url, undefined, { reconnect: { minDelay: delay, maxDelay: delay, jitter: 0 } }),
        );
      },
      [srv.url, delay] as const,
    );
    await waitEvents(page, 's', 'open', 1);
    await page.evaluate(() => dispatchEvent(new Event('offline')));
    srv.closeAll(1012, 'restart');
    await waitEvents(page, 's', 'close', 1);
    await sleep(delay * 4);
    const offline = {
      handshakes: srv.handshakes.length,
      retries: (await events(page, 's')).filter((r) => r.type === 'reconnecting').length,
      state: await page.evaluate(() => __t.sockets.s.state),
    };
    const onlineAt: number = await page.evaluate(() => {
      dispatchEvent(new Event('online'));
      return __t.now();
    });
    const log = await waitEvents(page, 's', 'open', 2, 3000);
    const back = log.filter((r) => r.type === 'open')[1]!.t - onlineAt;
    figure(
      `offline, then dropped: ${offline.handshakes - 1} attempts in ${delay * 4} ms; reopened ${ms(back)} after online`,
    );
    expect(offline).toEqual({ handshakes: 1, retries: 0, state: 'connecting' });
    expect(back).toBeLessThan(delay - 100);
    expect(errors).toEqual([]);
  });

  fullIt('close() while the server holds back the closing handshake: no heartbeat runs during closing', async () => {
    const { page, errors } = await b.page('umd');
    let hold = false;
    let held: { pause(): void; resume(): void } | undefined;
    const srv = await b.server({
      pong: false, // answered here, so the server can stop reading right after a pong
      onMessage(ws, data) {
        if (data !== 'ping') return;
        ws.send('pong');
        if (!hold || held) return;
        // the server stops reading: the close frame that follows this pong waits unanswered
        held = (ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
        held.pause();
      },
    });
    const interval = 200;
    await page.evaluate(
      ([url, interval]) => {
        const w = window as any;
        const s = __t.track(
          's',
          new steadysocket.SteadySocket(url, undefined, {
            heartbeat: { interval, timeout: interval },
            connectTimeout: 5000,
          }),
        );
        // close() at a pong: the heartbeat's next ping would be due `interval` later, in the handshake
        s.addEventListener('pong', () => {
          if (!w.__closeOnPong || s.state !== 'open') return;
          w.__closedAt = __t.now();
          s.close(1000, 'bye');
        });
      },
      [srv.url, interval] as const,
    );
    await waitEvents(page, 's', 'pong', 1, 3000);
    const base = await page.evaluate(() => __t.timers().live - 1); // the page's own, without the heartbeat's
    hold = true;
    await page.evaluate(() => {
      (window as any).__closeOnPong = true;
    });
    await pageUntil(page, () => __t.sockets.s.state === 'closing', undefined, { what: 'close() at a pong' });
    const HOLD = 5 * interval; // several heartbeat periods
    await sleep(HOLD);
    // a ping sent into the closing socket would count in bufferedAmount (as natively), and the
    // heartbeat's timer would be live next to the closing timeout
    const during = await page.evaluate(() => ({
      state: __t.sockets.s.state,
      bufferedAmount: __t.sockets.s.bufferedAmount,
      timers: __t.timers().live,
    }));
    held!.resume(); // the server reads the close frame and answers it
    const log = await waitEvents(page, 's', 'close', 1, 3000);
    const closedAt: number = await page.evaluate(() => (window as any).__closedAt);
    const ev = log.find((r) => r.type === 'close')!;
    const after = log.filter((r) => r.t > closedAt && r.type !== 'statechange' && r.type !== 'close');
    figure(
      `close() held ${HOLD} ms by the server: state ${during.state}, bufferedAmount ${during.bufferedAmount}, live timers ${during.timers} (page ${base}) meanwhile; closed ${ms(ev.t - closedAt)} after close() with ${ev.code} "${ev.reason}"`,
    );
    // the closing timeout is the socket's only timer, and nothing was sent after close()
    expect(during).toEqual({ state: 'closing', bufferedAmount: 0, timers: base + 1 });
    expect(ev).toMatchObject({ code: 1000, reason: 'bye', wasClean: true });
    expect(ev.t - closedAt).toBeGreaterThanOrEqual(HOLD);
    // no pong, error or anything else came out of the closing connection
    expect(after).toEqual([]);
    expect(await page.evaluate(() => __t.sockets.s.state)).toBe('closed');
    expect(errors).toEqual([]);
  });

  it('rapid flapping (server closes every connection ~20 ms after open): no crash, bounded timers, ends open, nothing lost', async () => {
    const { page, errors } = await b.page('umd');
    let flapping = true;
    let flaps = 0;
    const srv = await b.server({
      onConnection(ws) {
        if (!flapping) return;
        setTimeout(() => {
          flaps++;
          ws.close(1012, 'flap');
        }, 20);
      },
    });
    const baseTimers = await page.evaluate(() => __t.timers().live);
    await page.evaluate((url) => {
      const w = window as any;
      const s = __t.track(
        's',
        new steadysocket.SteadySocket(url, undefined, {
          reconnect: { minDelay: 10, maxDelay: 40, factor: 1.5, jitter: 0.5 },
        }),
      );
      w.__sent = [];
      w.__maxTimers = 0;
      w.__stop = false;
      // the queue went out into this connection, before its open event (see helpers/loss.ts)
      s.addEventListener('open', () => {
        for (const m of w.__sent) if (m.conn === 0 && m.flushed === undefined) m.flushed = __t.count('s', 'open');
      });
      let i = 0;
      const timer = setInterval(() => {
        w.__maxTimers = Math.max(w.__maxTimers, __t.timers().live);
        if (w.__stop) return clearInterval(timer);
        const q = s.queued;
        s.send(String(i));
        w.__sent.push({ n: i++, conn: s.queued === q ? __t.count('s', 'open') : 0 });
      }, 10);
    }, srv.url);
    const FLAPS = 40;
    await until(() => flaps >= FLAPS, { timeout: 20_000, message: `${FLAPS} flaps` });
    flapping = false;
    const calmAt = now();
    // the connection after the last flap stays open
    await pageUntil(page, () => __t.sockets.s.state === 'open' && __t.count('s', 'close') >= 40, undefined, {
      timeout: 5000,
      what: 'open after the last flap',
    });
    await sleep(100);
    await page.evaluate(() => {
      (window as any).__stop = true;
    });
    await pageUntil(page, () => __t.sockets.s.bufferedAmount === 0, undefined, { what: 'the queue flushed' });
    const sent: SendRecord[] = await page.evaluate(() => (window as any).__sent);
    await sleep(300); // anything late or duplicated
    const log = await events(page, 's');
    const st = await page.evaluate(() => ({
      state: __t.sockets.s.state,
      timers: __t.timers().live,
      max: (window as any).__maxTimers,
    }));
    const rep = sequence(
      srv.received.map((r) => Number(r.data)),
      sent.length,
    );
    const closes = log.filter((r) => r.type === 'close');
    const dropped = new Set(log.filter((r) => r.type === 'drop').map((r) => Number(r.data)));
    // a message handed to a connection the server was closing may be lost with the rest of its tail;
    // the default queue never fills here (a few messages per flap), so nothing may be dropped
    const loss = explainLoss(rep.lost, sent, srv.handshakes, srv.received, dropped, { strict: true });
    figure(
      `flapping: ${flaps} flaps (${srv.handshakes.length} handshakes), ended ${st.state}; page timers max ${st.max} live (baseline ${baseTimers}, +1 sender), ${st.timers} at the end; ${sent.length} sent (${sent.filter((m) => m.conn === 0).length} queued), lost ${rep.lost.length} (in flight on a closing connection ${loss.inFlight.length}, reported by drop ${dropped.size}, unexplained ${loss.unexplained.length}), duplicates ${rep.duplicates.length}, out of order ${rep.outOfOrder}; calm→open ${ms(log.filter((r) => r.type === 'open').at(-1)!.t - calmAt)}`,
    );
    expect(st.state).toBe('open');
    expect(closes.length).toBeGreaterThanOrEqual(FLAPS);
    expect(closes.every((c) => c.code === 1012)).toBe(true);
    // the sender's interval plus at most a few of the library's own: no pile-up
    expect(st.max).toBeLessThanOrEqual(baseTimers + 1 + 4);
    expect(st.timers).toBeLessThanOrEqual(baseTimers + 3);
    expect(rep.duplicates).toEqual([]);
    expect(rep.outOfOrder).toBe(0);
    expect(loss.dropped).toEqual([]);
    expect(loss.unexplained).toEqual([]);
    expect(errors).toEqual([]);
  });
});
