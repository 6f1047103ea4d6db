// The demo (demo/): its server's own checks with Node's `ws`, then the page in
// Chromium against the local server, the way a person uses it: connect, send,
// see the echo, press fault buttons, watch it come back; and the page's own
// promises: settings shown as configured, typed text never taken for a
// heartbeat, every pong on the plot, mistyped urls called out, a pinned CDN url.
// Saves screenshots to test-results/demo.png (1280 px), demo-390.png,
// demo-rtt.png (the heartbeat card) and demo-shared.png (a tab after a handover).
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type DemoServer, startDemoServer } from '../../demo/server.mjs';
import { ARTIFACTS, launchBrowser, ROOT } from '../helpers/browser.js';
import { deferred, sleep, until } from '../helpers/deferred.js';

const RESULTS = join(ROOT, 'test-results');
const VERSION: string = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
const CDN = `https://unpkg.com/steadysocket@${VERSION}/dist/steadysocket.umd.min.js`;

describe('demo server', () => {
  let srv: DemoServer;
  const sockets: WebSocket[] = [];
  beforeAll(async () => {
    srv = await startDemoServer();
  });
  afterEach(() => {
    for (const ws of sockets.splice(0)) ws.terminate();
    srv.fault.heal();
  });
  afterAll(() => srv?.close());

  function connect() {
    const ws = new WebSocket(srv.wsUrl);
    sockets.push(ws);
    const messages: string[] = []; // text as is, binary as "bin:<bytes>"
    const opened = deferred();
    const closed = deferred<number>();
    const failed = deferred<string>();
    ws.on('open', () => opened.resolve());
    ws.on('message', (d: Buffer, isBinary) => messages.push(isBinary ? `bin:${[...d].join(',')}` : d.toString()));
    ws.on('error', (e: NodeJS.ErrnoException) => failed.resolve(e.code ?? e.message));
    ws.on('close', (code) => closed.resolve(code));
    return { ws, messages, opened: opened.promise, closed: closed.promise, failed: failed.promise };
  }
  const post = (path: string) => fetch(srv.url + path, { method: 'POST' }).then((r) => r.json());

  it('serves the page, the library and its status; rejects the rest', async () => {
    const page = await fetch(srv.url);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('steadysocket.umd.min.js');
    for (const f of ['app.js', 'style.css', 'dist/steadysocket.umd.min.js']) {
      expect((await fetch(srv.url + f)).status, f).toBe(200);
    }
    expect(await (await fetch(`${srv.url}status`)).json()).toMatchObject({
      demo: 'steadysocket',
      version: VERSION, // the page pins its CDN snippet to it
      ws: srv.wsUrl,
    });
    expect((await fetch(`${srv.url}../package.json`)).status).toBe(404);
    expect((await fetch(`${srv.url}fault/drop`)).status).toBe(405);
    expect((await fetch(`${srv.url}fault/nope`, { method: 'POST' })).status).toBe(404);
  });

  it('echoes every frame as sent, text ping and pong included; answers the binary heartbeat [9] with [10]', async () => {
    const c = connect();
    await c.opened;
    c.ws.send('hello');
    c.ws.send('ping'); // typed text: echoed, never taken for a heartbeat
    c.ws.send('pong');
    c.ws.send(Buffer.from([9])); // the demo page's heartbeat ping
    c.ws.send(Buffer.from([9, 9])); // not the ping: echoed
    c.ws.send(Buffer.from([10]));
    c.ws.send('{"channel":"chat","data":{"text":"hi"}}');
    await until(() => c.messages.length === 7, { message: 'seven replies' });
    expect(c.messages).toEqual([
      'hello',
      'ping',
      'pong',
      'bin:10',
      'bin:9,9',
      'bin:10',
      '{"channel":"chat","data":{"text":"hi"}}',
    ]);
  });

  it('answers requests on echo at once, slow after the delay, fail with "error"; echoes requests on other channels', async () => {
    const c = connect();
    await c.opened;
    const t0 = Date.now();
    c.ws.send('{"channel":"slow","id":"s1","data":{"ms":300}}');
    c.ws.send('{"channel":"echo","id":"e1","data":{"n":1}}');
    c.ws.send('{"channel":"fail","id":"f1","data":2}');
    c.ws.send('{"channel":"chat","id":"c1","data":3}'); // not a conversation channel: echoed
    await until(() => c.messages.length === 3, { message: 'three quick answers' });
    expect(c.messages.map((m) => JSON.parse(m))).toEqual([
      { channel: 'echo', id: 'e1', data: { n: 1 } },
      { channel: 'fail', id: 'f1', error: { message: 'the demo server refuses this request', data: 2 } },
      { channel: 'chat', id: 'c1', data: 3 },
    ]);
    await until(() => c.messages.length === 4, { message: 'the slow reply' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    expect(JSON.parse(c.messages[3]!)).toEqual({ channel: 'slow', id: 's1', data: { ms: 300 } });
  });

  it('ticks each subscribed topic on its connection, counts sub/unsub frames per connection, clears timers on close', async () => {
    const a = connect();
    const b = connect();
    await Promise.all([a.opened, b.opened]);
    a.ws.send('{"sub":"prices"}');
    a.ws.send('{"sub":"prices"}'); // counted twice, ticks once
    b.ws.send('{"sub":"news"}');
    await until(() => a.messages.length >= 2 && b.messages.length >= 2, { message: 'two ticks each', timeout: 3000 });
    const ticks = (m: string[]) => m.map((x) => JSON.parse(x)).filter((x) => x.channel === 'tick');
    expect(ticks(a.messages).map((t) => t.data.topic)).toEqual(['prices', 'prices']);
    expect(ticks(a.messages).map((t) => t.data.n)).toEqual([1, 2]);
    expect(ticks(b.messages).every((t) => t.data.topic === 'news')).toBe(true);
    const conns = srv.fault.status().log.slice(-2);
    expect(conns.map((r) => r.subscribes)).toEqual(expect.arrayContaining([{ prices: 2 }, { news: 1 }]));
    a.ws.send('{"unsub":"prices"}');
    await until(() => srv.fault.status().log.some((r) => r.unsubscribes.prices === 1), { message: 'the unsub' });
    const seen = a.messages.length;
    await sleep(1300);
    expect(a.messages.length).toBe(seen); // no tick after the unsub
    b.ws.terminate();
    await until(() => srv.fault.status().log.some((r) => r.subscribes.news === 1 && !r.open), { message: 'b closed' });
    expect(srv.fault.status().log.find((r) => r.subscribes.news === 1)?.topics).toEqual([]); // its interval is gone
  });

  it('emits a valid or an invalid reading on demand', async () => {
    const c = connect();
    await c.opened;
    c.ws.send('{"emit":"reading"}');
    c.ws.send('{"emit":"reading","invalid":true}');
    await until(() => c.messages.length === 2, { message: 'two readings' });
    expect(c.messages).toEqual([
      '{"channel":"reading","data":{"celsius":21.5}}',
      '{"channel":"reading","data":{"celsius":"warm"}}',
    ]);
  });

  it('drop kills WebSocket connections without a close frame', async () => {
    const c = connect();
    await c.opened;
    expect(await post('fault/drop')).toMatchObject({ affected: 1 });
    expect(await c.closed).toBe(1006);
  });

  it('stop resets new connections until it ends', async () => {
    expect(await post('fault/stop?ms=300')).toMatchObject({ fault: 'stop' });
    expect(await connect().failed).toBe('ECONNRESET');
    await until(() => srv.fault.status().stop === 0, { message: 'stop to end' });
    await connect().opened;
  });

  it('black-hole swallows frames, holds new handshakes, then destroys both', async () => {
    const c = connect();
    await c.opened;
    await post('fault/blackhole?ms=400');
    c.ws.send('lost');
    const late = connect(); // its handshake is held, not answered
    await until(() => srv.fault.status().held === 2, { message: 'two held connections' });
    expect(await c.closed).toBe(1006);
    expect(await late.failed).toMatch(/ECONNRESET|socket hang up/);
    expect(c.messages).toEqual([]);
    expect(srv.fault.status()).toMatchObject({ blackhole: 0, held: 0 });
  });
});

describe('demo page in Chromium', () => {
  let browser: Browser;
  let srv: DemoServer;
  const errors: string[] = [];

  beforeAll(async () => {
    const missing = ARTIFACTS.filter((f) => !existsSync(join(ROOT, f)));
    if (missing.length) throw new Error(`missing ${missing.join(', ')}: build first (npx rollup -c --silent)`);
    mkdirSync(RESULTS, { recursive: true });
    srv = await startDemoServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await Promise.allSettled([browser?.close(), srv?.close()]);
  });

  const requests: string[] = [];
  async function open(url: string, width = 1280, height = 900): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height } });
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    requests.length = 0;
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(url);
    return page;
  }
  const state = (page: Page) => page.evaluate(() => document.body.dataset.state);
  const count = (page: Page, type: string) => page.locator(`#log li.t-${type}`).count();
  const waitState = (page: Page, s: string, timeout = 15_000) =>
    page.waitForFunction((want) => document.body.dataset.state === want, s, { timeout, polling: 20 });
  const waitOpens = (page: Page, n: number, timeout = 20_000) =>
    page.waitForFunction((want) => document.querySelectorAll('#log li.t-open').length >= want, n, {
      timeout,
      polling: 20,
    });

  it('connects, echoes, recovers from a drop and a 5 s stop, and flushes the queue', async () => {
    const page = await open(srv.url);
    try {
      // Served by the demo command: the local echo server is preselected.
      await page.waitForFunction(() => (document.getElementById('endpoint') as HTMLSelectElement).value === 'local');
      expect(await page.inputValue('#url')).toBe(srv.wsUrl);
      expect(await page.isEnabled('#fault-drop')).toBe(true);
      expect(await state(page)).toBe('closed');

      await page.click('#btn-open');
      await waitState(page, 'open');
      expect(await page.getAttribute('#n-open', 'class')).toContain('lit');

      // Send box → echo.
      await page.fill('#send-text', 'hello from the demo test');
      await page.click('#btn-send');
      await page.waitForFunction(() => document.getElementById('last-in')?.textContent === 'hello from the demo test');
      expect(await page.locator('#log li.t-message', { hasText: 'hello from the demo test' }).count()).toBe(1);

      // Typed channels → echo on the same channel.
      await page.fill('#chat-text', 'hi chat');
      await page.click('#chat-form button');
      await page.waitForSelector('#chat-log li.in:has-text("hi chat")');
      await page.click('#count-inc');
      await page.click('#count-inc');
      await page.waitForFunction(() => document.getElementById('count-echo')?.textContent === '2');

      // Fault 1: drop. The socket sees 1006 and comes back by itself.
      let t0 = Date.now();
      await page.click('#fault-drop');
      await page.waitForSelector('#log li.t-close:has-text("code 1006")');
      await page.waitForSelector('#log li.t-reconnecting');
      await waitOpens(page, 2);
      await waitState(page, 'open');
      const dropRecovery = Date.now() - t0;

      // Fault 2: stop for 5 s. Retries fail and back off; messages sent meanwhile queue up.
      t0 = Date.now();
      await page.click('#fault-stop');
      await waitState(page, 'connecting');
      await page.click('#btn-burst');
      await page.waitForFunction(() => document.getElementById('queued')?.textContent === '10');
      await page.waitForFunction(() => Number(document.getElementById('retry-count')?.textContent) >= 1, undefined, {
        timeout: 10_000,
      });
      const countdown = await page.textContent('#countdown');
      await waitOpens(page, 3, 30_000);
      await waitState(page, 'open');
      const stopRecovery = Date.now() - t0;
      await page.waitForFunction(() => document.getElementById('queued')?.textContent === '0');
      await page.waitForFunction(() => document.getElementById('last-in')?.textContent === 'burst 10');
      const retries = await count(page, 'reconnecting');
      expect(retries).toBeGreaterThanOrEqual(3); // one after the drop, at least two during the stop
      expect(await count(page, 'error')).toBeGreaterThanOrEqual(1);

      // Let one heartbeat (every 5 s of silence) land on the plot before the picture.
      await page
        .waitForSelector('#log li.t-pong', { timeout: 8_000 })
        .catch(() => console.log('  (no pong before the screenshot)'));
      await page.screenshot({ path: join(RESULTS, 'demo.png'), fullPage: true });

      console.log(
        `  demo: drop → open again in ${dropRecovery} ms; stop 5 s → open again in ${stopRecovery} ms; ` +
          `${retries} reconnecting events; countdown seen "${countdown}"; rtt ${await page.textContent('#rtt-last')}`,
      );
      expect(errors).toEqual([]);
    } finally {
      await page.context().close();
    }
  });

  const text = (page: Page, sel: string) => page.textContent(sel).then((t) => t ?? '');
  const local = (page: Page) =>
    page.waitForFunction(() => (document.getElementById('endpoint') as HTMLSelectElement).value === 'local');

  it('shows the configured queue limit and a heartbeat badge that follows its box, before and after Connect', async () => {
    const page = await open(srv.url);
    try {
      await local(page);
      // Before any socket exists: what Connect will use (the form), not "Up to 0".
      expect(await text(page, '#queue-note')).toContain('Up to 25 messages');
      await page.fill('#q-max', '7');
      expect(await text(page, '#queue-note')).toContain('Up to 7 messages');
      await page.fill('#q-max', ''); // blank: the library's default
      expect(await text(page, '#queue-note')).toContain('Up to 1000 messages');
      await page.uncheck('#q-on');
      expect(await text(page, '#queue-note')).toContain('Queue off');
      await page.check('#q-on');
      await page.fill('#q-max', '3');

      // The badge agrees with the box at every step, before any socket exists…
      expect(await page.isChecked('#hb-on')).toBe(true);
      expect(await text(page, '#hb-config')).toBe('every 5 s of silence');
      await page.uncheck('#hb-on');
      expect(await text(page, '#hb-config')).toBe('off');
      await page.check('#hb-on');
      await page.fill('#hb-interval', '2000');
      expect(await text(page, '#hb-config')).toBe('every 2 s of silence');

      // …and while one runs: the limit it really has, and edits flagged until applied.
      await page.click('#btn-open');
      await waitState(page, 'open');
      expect(await text(page, '#queue-note')).toMatch(/^Up to 3 messages wait/);
      expect(await text(page, '#hb-config')).toBe('every 2 s of silence');
      await page.fill('#q-max', '9');
      expect(await text(page, '#queue-note')).toMatch(/^Up to 3 messages wait.*Apply/);
      await page.uncheck('#hb-on');
      expect(await text(page, '#hb-config')).toBe('off · press Apply');
      await page.click('#btn-apply');
      await waitState(page, 'open');
      expect(await text(page, '#hb-config')).toBe('off');
      expect(await text(page, '#queue-note')).toBe(
        'Up to 9 messages wait while not open; they go out in order on the next open.',
      );
      expect(errors).toEqual([]);
    } finally {
      await page.context().close();
    }
  });

  it("echoes typed 'ping' and 'pong' like any text; plots every pong with sub-ms rtt, one visible dot each", async () => {
    const page = await open(srv.url);
    try {
      await local(page);
      await page.fill('#hb-interval', '150'); // a ping after 150 ms of silence
      await page.fill('#hb-timeout', '5000');
      await page.click('#btn-apply');
      await page.click('#btn-open');
      await waitState(page, 'open');

      for (const word of ['ping', 'pong', 'ping']) {
        const before = await count(page, 'message');
        await page.fill('#send-text', word);
        await page.click('#btn-send');
        await page.waitForFunction((n) => document.querySelectorAll('#log li.t-message').length > n, before);
        expect(await text(page, '#last-in')).toBe(word);
      }
      expect(await page.locator('#log li.t-message .detail').allTextContents()).toEqual(['ping', 'pong', 'ping']);

      // Heartbeat pongs: never a `message`, each one a point on the plot.
      await page.waitForFunction(() => document.querySelectorAll('#log li.t-pong').length >= 8, undefined, {
        timeout: 15_000,
      });
      const plot = await page.evaluate(() => {
        const c = document.getElementById('rtt-plot') as HTMLCanvasElement;
        const pongs = document.querySelectorAll('#log li.t-pong').length;
        const rtts = JSON.parse(c.dataset.rtts ?? '[]') as number[];
        const points = JSON.parse(c.dataset.points ?? '[]') as [number, number][];
        // the colour under each dot's centre, against the plot's background
        const g = c.getContext('2d')!;
        const k = c.width / c.clientWidth;
        const px = ([x, y]: [number, number]) => [...g.getImageData(Math.round(x * k), Math.round(y * k), 1, 1).data];
        const open = getComputedStyle(document.body).getPropertyValue('--open').trim();
        return { pongs, rtts, points, colours: points.map(px), open, w: c.clientWidth, h: c.clientHeight };
      });
      expect(plot.rtts.length).toBe(plot.pongs); // every pong is a sample
      // and each of the latest samples a dot (the plot holds as many as fit 10 px apart: about 30 at this width)
      expect(plot.points.length).toBeGreaterThanOrEqual(Math.min(plot.rtts.length, 25));
      expect(plot.points.length).toBeLessThanOrEqual(plot.rtts.length);
      // the dots are those rtts: a larger rtt is never drawn lower (y grows downwards; 1 px rounding)
      const shown = plot.rtts.slice(-plot.points.length);
      for (const [i, a] of shown.entries())
        for (const [j, b] of shown.entries())
          if (a > b) expect(plot.points[i]![1], `rtt ${a} vs ${b}`).toBeLessThanOrEqual(plot.points[j]![1] + 1);
      // sub-ms precision: whole-ms rtts (the library's Date.now clock) would all be integers
      expect(plot.rtts.some((r) => !Number.isInteger(r))).toBe(true);
      for (const [i, [x, y]] of plot.points.entries()) {
        expect(x).toBeGreaterThan(0);
        expect(x).toBeLessThan(plot.w);
        expect(y).toBeGreaterThanOrEqual(0);
        expect(y).toBeLessThan(plot.h);
        if (i) expect(x - plot.points[i - 1]![0], 'dots apart, not on top of each other').toBeGreaterThanOrEqual(8);
      }
      const [r, g, b] = plot.open.match(/[0-9a-f]{2}/gi)!.map((h) => Number.parseInt(h, 16));
      for (const c of plot.colours) {
        expect(c[3]).toBe(255); // something is drawn there…
        expect(Math.abs(c[0]! - r!) + Math.abs(c[1]! - g!) + Math.abs(c[2]! - b!)).toBeLessThan(40); // …in the dot colour
      }
      // the scale fits the samples: on a 1-2-5 scale topped 15% above the largest rtt, that one
      // fills at least ~35% of the plot's height, so its dot sits in the upper two thirds
      const highest = Math.min(...plot.points.map((p) => p[1]));
      expect(highest).toBeLessThan(plot.h * 0.65);
      await page.locator('.hb').screenshot({ path: join(RESULTS, 'demo-rtt.png') });
      expect(errors).toEqual([]);
    } finally {
      await page.context().close();
    }
  });

  it('says where a mistyped url really goes, before and while connecting', async () => {
    const page = await open(srv.url);
    try {
      await local(page);
      expect(await page.isHidden('#url-warning')).toBe(true); // the local endpoint is fine
      const resolved = `ws://127.0.0.1:${srv.port}/http//oops`;

      await page.fill('#url', 'http//oops'); // a missing ':'
      await page.waitForSelector('#url-warning', { state: 'visible' });
      expect(await text(page, '#url-warning')).toContain(resolved);
      expect(await text(page, '#url-warning')).toContain('no ws:// or wss://');

      await page.click('#btn-open');
      await waitState(page, 'connecting');
      await page.waitForFunction(
        (u) => document.getElementById('state-note')?.textContent?.includes(`Check the URL: this goes to ${u}`),
        resolved,
      );
      expect(await page.isVisible('#url-warning')).toBe(true);
      expect(await page.locator('#log li.t-demo', { hasText: resolved }).count()).toBe(1);
      await page.click('#btn-close');

      // A scheme with no slashes on a page of the same scheme is relative too: the host is this one.
      await page.fill('#url', 'http:oops');
      expect(await text(page, '#url-warning')).toContain(`host 127.0.0.1:${srv.port}, not oops`);

      // Urls that go where they say: no warning (only typed, nothing connects).
      for (const ok of [
        srv.wsUrl,
        'wss://echo.websocket.org',
        'ws:/example.com/x',
        'http://LOCALHOST:80/ws',
        'wss://bücher.example/',
      ]) {
        await page.fill('#url', ok);
        expect(await page.isHidden('#url-warning'), ok).toBe(true);
      }
      expect(errors).toEqual([]);
    } finally {
      await page.context().close();
    }
  });

  it(`pins the snippet's CDN url to the package version (${VERSION})`, async () => {
    const page = await open(srv.url);
    try {
      await local(page);
      const code = await text(page, '#code');
      expect(code).toContain(`<script src="${CDN}"></script>`);
      expect(code.match(/\b(?:https?|wss?):\/\/[^\s"'<>]+/g)).toEqual([CDN, srv.wsUrl]); // no other (unpinned) url
    } finally {
      await page.context().close();
    }
  });

  // ── the conversation panels (issue 12) ──
  const connectLocal = async (page: Page) => {
    await local(page);
    await page.click('#btn-open');
    await waitState(page, 'open');
  };
  /** The outcome of the request row `#n` once it settled ('reply' or an error name). */
  const outcome = async (page: Page, n: number, timeout = 15_000) => {
    const row = page.locator(`#req-log li[data-n="${n}"][data-outcome]`);
    await row.waitFor({ timeout });
    return { outcome: await row.getAttribute('data-outcome'), text: (await row.textContent()) ?? '' };
  };
  const request = async (page: Page, channel: string, { delay = '', timeout = '' } = {}) => {
    await page.selectOption('#req-channel', channel);
    if (channel === 'slow') await page.fill('#req-delay', delay);
    await page.fill('#req-timeout', timeout);
    const before = await page.locator('#req-log li[data-n]').count();
    await page.click('#req-send');
    await page.waitForFunction((n) => document.querySelectorAll('#req-log li[data-n]').length > n, before);
    return before + 1; // rows are numbered from 1 in the page
  };

  it('request panel: a reply with its round trip, and each failure by name (timeout, late reply, error reply, drop, cancel)', async () => {
    const page = await open(srv.url);
    try {
      await connectLocal(page);

      // echo: a reply and a round-trip time
      let n = await request(page, 'echo');
      let r = await outcome(page, n);
      expect(r.outcome).toBe('reply');
      expect(r.text).toMatch(/→ reply \{"n":1\} in \d+(\.\d+)? ms$/);
      expect(await text(page, '#req-rtt')).toMatch(/^\d+(\.\d+)? ms$/);
      expect(await text(page, '#req-result')).toBe("reply on 'echo'");

      // slow, answered after 1200 ms, with a 300 ms timeout: TimeoutError, then the late reply
      // comes in as an ordinary channel('slow') message
      n = await request(page, 'slow', { delay: '1200', timeout: '300' });
      r = await outcome(page, n);
      expect(r.outcome).toBe('TimeoutError');
      expect(Number(/after (\d+)/.exec(r.text)?.[1])).toBeGreaterThanOrEqual(299);
      expect(await text(page, '#req-result')).toBe('TimeoutError');
      expect(await page.locator('#req-log li.late').count()).toBe(0); // not yet: the server waits 1200 ms
      await page.waitForSelector('#req-log li.late', { timeout: 5000 });
      expect(await text(page, '#req-log li.late')).toContain(`late reply on 'slow'`);
      expect(await text(page, '#req-log li.late')).toContain('{"ms":1200}');

      // fail: the server's "error" reply
      n = await request(page, 'fail');
      r = await outcome(page, n);
      expect(r.outcome).toBe('RequestError');
      expect(r.text).toContain('the demo server refuses this request');

      // a slow request in flight, then Drop connections: DisconnectedError
      n = await request(page, 'slow', { delay: '5000', timeout: '20000' });
      expect(await text(page, '#req-pending')).toBe('1 pending');
      await page.click('#fault-drop');
      r = await outcome(page, n);
      expect(r.outcome).toBe('DisconnectedError');
      await waitOpens(page, 2);
      await waitState(page, 'open');

      // a slow request in flight, then Cancel: AbortError
      n = await request(page, 'slow', { delay: '5000', timeout: '20000' });
      await page.click('#req-cancel');
      r = await outcome(page, n);
      expect(r.outcome).toBe('AbortError');
      expect(await text(page, '#req-pending')).toBe('0 pending');
      expect(errors).toEqual([]);
    } finally {
      await page.context().close();
    }
  });

  it('subscription panel: replayed once on the connection after Drop connections (server counts); unsubscribe only sent while open', async () => {
    const page = await open(srv.url);
    try {
      const known = new Set(srv.fault.status().log.map((c) => c.conn)); // earlier tests' connections
      await connectLocal(page);
      const mine = () => srv.fault.status().log.filter((c) => !known.has(c.conn));

      await page.fill('#sub-topic', 'prices');
      await page.click('#sub-add');
      await page.waitForFunction(() =>
        /\d+ ticks? · connection #\d+/.test(
          document.querySelector('#sub-list li[data-topic="prices"] .ticks')?.textContent ?? '',
        ),
      );
      const first = await until(() => mine().find((c) => c.open && c.subscribes.prices), { message: 'the subscribe' });
      expect(first.subscribes).toEqual({ prices: 1 });

      await page.click('#fault-drop');
      await waitOpens(page, 2);
      const second = await until(() => mine().find((c) => c.open && c.conn !== first.conn), {
        message: 'the next connection',
        timeout: 10_000,
      });
      await until(() => mine().find((c) => c.conn === second.conn)?.subscribes.prices, { message: 'the replay' });
      await sleep(300); // a second replay would be here by now
      const after = mine();
      expect(after.map((c) => [c.conn, c.open, c.subscribes])).toEqual([
        [first.conn, false, { prices: 1 }],
        [second.conn, true, { prices: 1 }],
      ]);
      // the page shows the server's count for that connection (polled /status) and its ticks
      await page.waitForSelector(`#sub-server li[data-conn="${second.conn}"][data-open="true"]`, { timeout: 5000 });
      expect(await text(page, `#sub-server li[data-conn="${second.conn}"]`)).toContain('subscribe prices ×1');
      await page.waitForFunction(
        (conn) => document.querySelector('#sub-list li[data-topic="prices"] .ticks')?.textContent?.endsWith(`#${conn}`),
        second.conn,
      );

      // unsubscribe while open: one {"unsub"} on this connection, and the ticks stop
      await page.click('#sub-list li[data-topic="prices"] button');
      await until(() => mine().find((c) => c.conn === second.conn)?.unsubscribes.prices === 1, {
        message: 'the unsub',
      });
      expect(mine().find((c) => c.conn === second.conn)?.topics).toEqual([]);
      expect(await page.locator('#sub-list li').count()).toBe(0);

      // subscribe, close, unsubscribe while closed, connect: the new connection gets neither
      await page.fill('#sub-topic', 'news');
      await page.click('#sub-add');
      await until(() => mine().find((c) => c.conn === second.conn)?.subscribes.news === 1, { message: 'news' });
      await page.click('#btn-close');
      await waitState(page, 'closed');
      await page.click('#sub-list li[data-topic="news"] button');
      expect(
        await page.locator('#log li.t-demo', { hasText: 'unsubscribe "news" while closed: nothing sent' }).count(),
      ).toBe(1);
      await page.click('#btn-open');
      await waitState(page, 'open');
      const third = await until(() => mine().find((c) => c.open && c.conn > second.conn), {
        message: 'a third connection',
      });
      await sleep(300);
      expect(mine().find((c) => c.conn === third.conn)).toMatchObject({ subscribes: {}, unsubscribes: {} });
      expect(mine().find((c) => c.conn === second.conn)?.unsubscribes).toEqual({ prices: 1 }); // no news unsub
      expect(errors).toEqual([]);
    } finally {
      await page.context().close();
    }
  });

  it('validation panel: an invalid payload shows the invalid event with its issues and reaches no handler', async () => {
    const page = await open(srv.url);
    try {
      await connectLocal(page);
      await page.click('#val-good');
      await page.waitForFunction(() => document.getElementById('val-delivered')?.textContent === '1');
      expect(await text(page, '#val-last')).toBe('21.5 °C');

      await page.click('#val-bad');
      await page.waitForFunction(() => document.getElementById('val-invalid-count')?.textContent === '1');
      expect(await text(page, '#val-invalid li.failed')).toBe(
        `invalid on 'reading': {"celsius":"warm"} · celsius: expected a number, got "warm"`,
      );
      expect(await page.locator('#log li.t-invalid').count()).toBe(1);
      // the raw message event still fired for it
      expect(await page.locator('#log li.t-message', { hasText: '"celsius":"warm"' }).count()).toBe(1);

      // a valid one after it: the handler has seen exactly the two valid readings
      await page.click('#val-good');
      await page.waitForFunction(() => document.querySelectorAll('#log li.t-message').length >= 3);
      await page.waitForFunction(() => document.getElementById('val-delivered')?.textContent === '2');
      await sleep(100);
      expect(await text(page, '#val-delivered')).toBe('2');
      expect(await text(page, '#val-last')).toBe('21.5 °C');
      expect(await text(page, '#val-invalid-count')).toBe('1');
      await page.locator('.val').screenshot({ path: join(RESULTS, 'demo-validation.png') });
      expect(errors).toEqual([]);
    } finally {
      await page.context().close();
    }
  });

  it('fits a 390 px phone screen', async () => {
    const page = await open(srv.url, 390, 844);
    try {
      await page.waitForFunction(() => (document.getElementById('endpoint') as HTMLSelectElement).value === 'local');
      await page.click('#btn-open');
      await waitState(page, 'open');
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      // the conversation cards: nothing inside wider than the card
      const cards = await page.evaluate(() =>
        ['.req', '.subs', '.val'].map((sel) => {
          const el = document.querySelector(sel) as HTMLElement;
          const box = el.getBoundingClientRect();
          const wider = [...el.querySelectorAll('*')].filter((c) => c.getBoundingClientRect().right > box.right + 0.5);
          return { sel, width: box.width, wider: wider.map((c) => c.id || c.className || c.tagName) };
        }),
      );
      for (const c of cards) expect(c.wider, c.sel).toEqual([]);
      await page.screenshot({ path: join(RESULTS, 'demo-390.png'), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await page.context().close();
    }
  });

  it('shares one connection across two tabs: one leader, one server connection; closing the leader hands over within 5 s', async () => {
    // two tabs of one browser context, as a user's tabs (they share Web Locks and BroadcastChannel)
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const connections = async (): Promise<number> => (await (await fetch(`${srv.url}status`)).json()).connections;
    const role = (page: Page) => text(page, '#share-role');
    try {
      // a tab opened by the test after the previous tests' contexts closed: wait for their connections to go
      await until(async () => (await connections()) === 0, { timeout: 5000, message: 'no connection left over' });
      const tab = async () => {
        const page = await context.newPage();
        page.on('pageerror', (e) => errors.push(String(e)));
        await page.goto(srv.url);
        await local(page);
        return page;
      };
      const a = await tab();
      expect(await a.isChecked('#share-on')).toBe(false); // off by default
      await a.check('#share-on');
      const b = await tab(); // opened after the first: it starts with the setting the first one saved
      expect(await b.isChecked('#share-on')).toBe(true);
      for (const page of [a, b]) {
        await page.click('#btn-open');
        await waitState(page, 'open');
      }
      expect(await text(a, '#share-mode')).toBe('SharedSteadySocket');

      // one tab leads, the other follows, and the server holds one connection (for a while, not just once)
      await until(async () => [await role(a), await role(b)].sort().join() === 'follower,leader', {
        message: 'one leader and one follower',
      });
      await until(async () => (await connections()) === 1, { message: 'one server connection' });
      for (let i = 0; i < 5; i++) {
        await sleep(200);
        expect(await connections()).toBe(1);
      }
      // the card shows the server's count too (polled every second)
      await b.waitForFunction(() => document.getElementById('share-conns')?.textContent === '1', undefined, {
        timeout: 5000,
      });
      const [leader, other] = (await role(a)) === 'leader' ? [a, b] : [b, a];

      // close the leader's tab: the other takes over within 5 s, with one connection again
      const t0 = Date.now();
      await leader.close();
      await other.waitForFunction(() => document.getElementById('share-role')?.textContent === 'leader', undefined, {
        timeout: 5000,
        polling: 20,
      });
      const takeover = Date.now() - t0;
      await waitState(other, 'open', 5000);
      await until(async () => (await connections()) === 1, {
        timeout: 5000,
        message: 'one connection after the handover',
      });
      const settled = Date.now() - t0;
      expect(settled).toBeLessThan(5000);
      await other.waitForSelector('#log li.t-leaderchange:has-text("holds the shared connection")');
      await other.waitForFunction(() => document.getElementById('share-conns')?.textContent === '1', undefined, {
        timeout: 5000,
      });
      await other.screenshot({ path: join(RESULTS, 'demo-shared.png'), fullPage: true });
      console.log(
        `  demo shared: the other tab leads ${takeover} ms after the leader's tab closed, one connection at ${settled} ms`,
      );
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('opened from file://, it preselects echo.websocket.org and stays offline until asked', async () => {
    const page = await open(pathToFileURL(join(ROOT, 'demo/index.html')).href);
    try {
      await page.waitForFunction(() => typeof (window as { steadysocket?: unknown }).steadysocket === 'object');
      await sleep(200); // would a fetch of /status or a connection start on its own?
      expect(await page.inputValue('#endpoint')).toBe('wss://echo.websocket.org');
      expect(await page.isDisabled('#fault-drop')).toBe(true);
      expect(await page.isDisabled('#endpoint option[value="local"]')).toBe(true);
      expect(await state(page)).toBe('closed');
      // without the demo server the snippet still pins the version (app.js's own constant)
      expect(await page.textContent('#code')).toContain(`<script src="${CDN}"></script>`);
      expect(requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:'))).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await page.context().close();
    }
  });
});
