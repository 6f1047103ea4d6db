// Conversations in Chromium on the built files against the fault server: requests and
// subscriptions across a dropped connection and a black-holed one (found by the heartbeat).
import { describe, expect, it } from 'vitest';
import { events, figure, pageUntil, useBrowser, waitEvents } from '../helpers/browser.js';

const b = useBrowser();

interface Env {
  channel: string;
  id?: string;
  data?: unknown;
  sub?: string;
}

describe('conversations in Chromium', () => {
  it('requests: answered, dropped mid-request (DisconnectedError), then black-holed (heartbeat) — the queued one goes out once on the next connection', async () => {
    const { page, errors } = await b.page('umd');
    let answer = true;
    const srv = await b.server({
      onMessage(ws, data) {
        let f: Env;
        try {
          f = JSON.parse(String(data));
        } catch {
          return;
        }
        if (f.id && answer) ws.send(JSON.stringify({ channel: f.channel, id: f.id, data: `re:${String(f.data)}` }));
      },
    });
    await page.evaluate((url) => {
      const s = __t.track(
        's',
        new steadysocket.SteadySocket(url, undefined, {
          reconnect: { minDelay: 50, jitter: 0 },
          heartbeat: { interval: 300, timeout: 300 },
        }),
      );
      const w = window as unknown as { out: Record<string, unknown> };
      w.out = {};
      // returns nothing: page.evaluate would otherwise wait for the reply
      (window as unknown as { ask: (k: string, opts?: object) => void }).ask = (k, opts) => {
        s.channel('rpc')
          .request(k, opts)
          .then(
            (v: unknown) => (w.out[k] = ['ok', v]),
            (e: Error) => (w.out[k] = ['err', e.name]),
          );
      };
    }, srv.url);
    await waitEvents(page, 's', 'open');
    const result = (k: string) =>
      page.evaluate((key) => (window as unknown as { out: Record<string, unknown> }).out[key], k);
    await page.evaluate(() => (window as unknown as { ask: (k: string) => void }).ask('a'));
    await pageUntil(page, () => 'a' in (window as unknown as { out: object }).out, undefined, { what: 'reply a' });
    expect(await result('a')).toEqual(['ok', 're:a']);
    // unanswered, then the connection drops under it
    answer = false;
    await page.evaluate(() => (window as unknown as { ask: (k: string) => void }).ask('b'));
    await pageUntil(page, () => __t.sockets.s.bufferedAmount === 0, undefined, { what: 'b sent' });
    await new Promise((r) => setTimeout(r, 100));
    srv.resetAll();
    await pageUntil(page, () => 'b' in (window as unknown as { out: object }).out, undefined, { what: 'b settled' });
    expect(await result('b')).toEqual(['err', 'DisconnectedError']);
    await waitEvents(page, 's', 'open', 2);
    // black-holed: the heartbeat finds it; a request made meanwhile goes out after the new connection
    answer = true;
    await srv.mode('blackhole');
    await page.evaluate(() =>
      (window as unknown as { ask: (k: string, o: object) => void }).ask('c', { timeout: 20_000 }),
    );
    await waitEvents(page, 's', 'close', 2, 5000);
    await srv.mode('pass');
    await pageUntil(page, () => 'c' in (window as unknown as { out: object }).out, undefined, {
      timeout: 10_000,
      what: 'c settled',
    });
    const c = await result('c');
    const cFrames = srv.received.filter((r) => String(r.data).includes('"data":"c"'));
    figure(
      `requests across faults: a ${JSON.stringify(await result('a'))}, b ${JSON.stringify(await result('b'))}, c ${JSON.stringify(c)}; c frames at the server: ${cFrames.length}`,
    );
    // the request sent into the black hole was lost with its connection: DisconnectedError, not resent;
    // or (if it was still queued when the heartbeat fired) it went out once on the new connection
    expect([JSON.stringify(['err', 'DisconnectedError']), JSON.stringify(['ok', 're:c'])]).toContain(JSON.stringify(c));
    expect(cFrames.length).toBeLessThanOrEqual(1);
    expect(errors).toEqual([]);
    await page.evaluate(() => __t.sockets.s.close());
  });

  it('subscriptions: replayed once on every new connection after a drop and a black hole; stop() sends unsubscribe once', async () => {
    const { page, errors } = await b.page('esm');
    const srv = await b.server({ echo: false });
    await page.evaluate((url) => {
      const s = __t.track(
        's',
        new steadysocket.SteadySocket(url, undefined, {
          reconnect: { minDelay: 50, jitter: 0 },
          heartbeat: { interval: 300, timeout: 300 },
        }),
      );
      (window as unknown as { stop: () => void }).stop = s.subscribe('{"sub":"prices"}', {
        unsubscribe: '{"unsub":"prices"}',
      });
    }, srv.url);
    await waitEvents(page, 's', 'open');
    const subsOn = (conn: number) =>
      srv.received.filter((r) => r.conn === conn && String(r.data) === '{"sub":"prices"}').length;
    const until = async (f: () => boolean, what: string) => {
      for (let i = 0; i < 300 && !f(); i++) await new Promise((r) => setTimeout(r, 10));
      if (!f()) throw new Error(`timed out waiting for ${what}`);
    };
    await until(() => subsOn(1) === 1, 'the first subscribe');
    srv.resetAll();
    await waitEvents(page, 's', 'open', 2);
    await until(() => subsOn(2) === 1, 'the replay after a drop');
    await srv.mode('blackhole');
    await waitEvents(page, 's', 'close', 2, 5000);
    await srv.mode('pass');
    await waitEvents(page, 's', 'open', 3, 5000);
    const opened = srv.handshakes.filter((h) => h.openedAt).map((h) => h.id);
    const last = opened.at(-1)!;
    await until(() => subsOn(last) === 1, 'the replay after the black hole');
    await page.evaluate(() => {
      const stop = (window as unknown as { stop: () => void }).stop;
      stop();
      stop();
    });
    await until(() => srv.received.some((r) => String(r.data).includes('unsub')), 'the unsubscribe');
    await new Promise((r) => setTimeout(r, 200));
    const perConn = opened.map((id) => subsOn(id));
    const unsubs = srv.received.filter((r) => String(r.data).includes('unsub'));
    figure(
      `subscription replays per opened connection: ${perConn.join(', ')}; unsubscribes ${unsubs.length} (on connection ${unsubs[0]?.conn})`,
    );
    expect(perConn.every((n) => n === 1)).toBe(true);
    expect(unsubs.map((r) => r.conn)).toEqual([last]);
    expect((await events(page, 's')).filter((r) => r.type === 'error')).toEqual([]);
    expect(errors).toEqual([]);
    await page.evaluate(() => __t.sockets.s.close());
  });
});
