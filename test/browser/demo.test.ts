// The demo (demo/): its server's own checks with Node's `ws`, then the page in
// Chromium against the local server, the way a person uses it: connect, send,
// see the echo, press fault buttons, watch it come back. Saves screenshots to
// test-results/demo.png (1280 px) and test-results/demo-390.png.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type DemoServer, startDemoServer } from '../../demo/server.mjs';
import { ARTIFACTS, launchBrowser, ROOT } from '../helpers/browser.js';
import { deferred, sleep, until } from '../helpers/deferred.js';

const RESULTS = join(ROOT, 'test-results');

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
    const messages: string[] = [];
    const opened = deferred();
    const closed = deferred<number>();
    const failed = deferred<string>();
    ws.on('open', () => opened.resolve());
    ws.on('message', (d) => messages.push(d.toString()));
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
    expect(await (await fetch(`${srv.url}status`)).json()).toMatchObject({ demo: 'steadysocket', ws: srv.wsUrl });
    expect((await fetch(`${srv.url}../package.json`)).status).toBe(404);
    expect((await fetch(`${srv.url}fault/drop`)).status).toBe(405);
    expect((await fetch(`${srv.url}fault/nope`, { method: 'POST' })).status).toBe(404);
  });

  it("echoes frames and answers 'ping' with 'pong'", async () => {
    const c = connect();
    await c.opened;
    c.ws.send('hello');
    c.ws.send('ping');
    c.ws.send('{"channel":"chat","data":{"text":"hi"}}');
    await until(() => c.messages.length === 3, { message: 'three replies' });
    expect(c.messages).toEqual(['hello', 'pong', '{"channel":"chat","data":{"text":"hi"}}']);
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

  it('fits a 390 px phone screen', async () => {
    const page = await open(srv.url, 390, 844);
    try {
      await page.waitForFunction(() => (document.getElementById('endpoint') as HTMLSelectElement).value === 'local');
      await page.click('#btn-open');
      await waitState(page, 'open');
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await page.screenshot({ path: join(RESULTS, 'demo-390.png'), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await page.context().close();
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
      expect(requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:'))).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await page.context().close();
    }
  });
});
