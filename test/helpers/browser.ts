/**
 * Browser test harness: Chromium through playwright-core, a static server for
 * the built artifacts, and pages that load them the way users do.
 *
 *   const b = useBrowser();                       // in a test file: registers the hooks
 *   it('...', async () => {
 *     const { page } = await b.page('umd');       // or 'esm'; a fresh context per call
 *     const srv = await b.server({ echo: true }); // a fault server, closed after the test
 *   });
 *
 * One browser and one static server per file (beforeAll/afterAll); every page,
 * context and fault server a test opens is closed in afterEach, pass or fail.
 * Each page gets test/helpers/page-init.js first (timer/listener counters and
 * `__t.track`), then loads dist/steadysocket.umd.min.js with <script> ('umd') or
 * dist/steadysocket.mjs with <script type="module"> ('esm'); both leave the
 * library's namespace on `window.steadysocket`.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { type Behaviour, startFaultServer } from './fault-server.js';
import { type StaticServer, startStaticServer } from './static-server.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../scripts/chromium.mjs';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const CHROMIUM = CHROMIUM_PATH;
const INIT = join(ROOT, 'test/helpers/page-init.js');
export const ARTIFACTS = ['dist/steadysocket.umd.min.js', 'dist/steadysocket.mjs'];

export type Lib = 'umd' | 'esm';

/** What page-init.js installs, as seen from page.evaluate callbacks. */
export interface PageHarness {
  logs: Record<string, EventRecord[]>;
  sockets: Record<string, any>;
  errors: string[];
  now(): number;
  timers(): { live: number; created: number };
  listeners(): { total: number; byType: Record<string, number> };
  track<S>(name: string, s: S): S;
  log(name: string): EventRecord[];
  count(name: string, type?: string): number;
}

export interface EventRecord {
  type: string;
  t: number;
  state: string;
  code?: number;
  reason?: string;
  wasClean?: boolean;
  data?: unknown;
  from?: string;
  to?: string;
  attempt?: number;
  delay?: number;
  attempts?: number;
  rtt?: number;
  error?: string;
}

declare global {
  /** the library namespace as the page sees it (UMD global or the ESM namespace) */
  var steadysocket: any;
  var __t: PageHarness;
}

/**
 * STEADY_ENTRY=core (the browser-core project) runs the same tests against the core entry:
 * the 'umd' page loads dist/steadysocket.core.umd.min.js, the 'esm' page dist/steadysocket.core.mjs,
 * and either leaves the namespace on `window.steadysocket` as usual.
 */
export const CORE = process.env.STEADY_ENTRY === 'core';
const UMD_FILE = CORE ? 'steadysocket.core.umd.min.js' : 'steadysocket.umd.min.js';
const UMD_GLOBAL = CORE ? 'steadysocketCore' : 'steadysocket';
const ESM_FILE = CORE ? 'steadysocket.core.mjs' : 'steadysocket.mjs';

export const PAGES: Record<string, string> = {
  '/umd.html':
    '<!doctype html><meta charset="utf-8"><title>steadysocket umd</title>' +
    `<script src="/dist/${UMD_FILE}"></script>` +
    `<script>window.steadysocket = window.${UMD_GLOBAL};</script>` +
    "<script>window.__libReady = typeof steadysocket === 'object' && typeof steadysocket.SteadySocket === 'function' ? 'umd' : 'missing';</script>",
  '/esm.html':
    '<!doctype html><meta charset="utf-8"><title>steadysocket esm</title>' +
    `<script type="module">import * as lib from "/dist/${ESM_FILE}"; window.steadysocket = lib;` +
    "window.__libReady = typeof lib.SteadySocket === 'function' ? 'esm' : 'missing';</script>",
};

export const LAUNCH_ARGS = [
  ...CHROMIUM_ARGS,
  '--disable-dev-shm-usage',
  // keep timers honest in a page nobody looks at
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS, timeout: 30_000 });
}

export interface TestPage {
  context: BrowserContext;
  page: Page;
  /** uncaught page errors seen by Playwright */
  errors: string[];
  close(): Promise<void>;
}

/** A fresh context and page with the harness, the library loaded and ready. */
export async function openPage(browser: Browser, web: StaticServer, lib: Lib = 'umd'): Promise<TestPage> {
  const context = await browser.newContext();
  try {
    await context.addInitScript({ path: INIT });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${web.url}/${lib}.html`);
    const ready = await page.waitForFunction(() => (window as { __libReady?: string }).__libReady, undefined, {
      timeout: 10_000,
      polling: 20,
    });
    const got = await ready.jsonValue();
    if (got !== lib) throw new Error(`library did not load in the ${lib} page (got ${got})`);
    return { context, page, errors, close: () => context.close() };
  } catch (e) {
    await context.close();
    throw e;
  }
}

/**
 * Heaps in use after three forced garbage collections (CDP), in bytes: `v8` is the JS heap,
 * `blink` the embedder's (Blink's Oilpan heap, where native objects such as a WebSocket and its
 * event listeners live; NaN where the browser does not report it), `total` both.
 */
export async function heapAfterGc(page: Page): Promise<{ v8: number; blink: number; total: number }> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('HeapProfiler.enable');
    for (let i = 0; i < 3; i++) await cdp.send('HeapProfiler.collectGarbage');
    const r = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number; embedderHeapUsedSize?: number };
    const blink = r.embedderHeapUsedSize ?? Number.NaN;
    return { v8: r.usedSize, blink, total: r.usedSize + blink };
  } finally {
    await cdp.detach();
  }
}

/**
 * The life cycle every browser test file shares: before all, the built `artifacts` checked and a
 * static server (serving `pages`) and Chromium started; after each test, whatever it opened
 * (handed to `keep`) and every fault server closed; after all, both shut down.
 */
export function useHarness(artifacts: string[], pages: Record<string, string>) {
  let browser: Browser | undefined;
  let web: StaticServer | undefined;
  const open: { close(): Promise<unknown> }[] = [];

  beforeAll(async () => {
    const missing = artifacts.filter((f) => !existsSync(join(ROOT, f)));
    if (missing.length) throw new Error(`missing ${missing.join(', ')}: build first (npx rollup -c --silent)`);
    web = await startStaticServer({ root: ROOT, pages });
    browser = await launchBrowser();
  });
  afterEach(async () => {
    await Promise.allSettled(open.splice(0).map((x) => x.close()));
  });
  afterAll(async () => {
    await Promise.allSettled([browser?.close(), web?.close()]);
  });

  return {
    get browser() {
      if (!browser) throw new Error('browser not launched');
      return browser;
    },
    get web() {
      if (!web) throw new Error('static server not started');
      return web;
    },
    /** close `x` after the current test */
    keep<T extends { close(): Promise<unknown> }>(x: T): T {
      open.push(x);
      return x;
    },
    /** a fault server, closed after the test */
    async server(b?: Behaviour) {
      return this.keep(await startFaultServer(b));
    },
  };
}

/** Registers beforeAll/afterEach/afterAll for a browser test file; see the header. */
export function useBrowser() {
  const h = useHarness(ARTIFACTS, PAGES);
  return {
    get browser() {
      return h.browser;
    },
    async page(lib: Lib = 'umd') {
      return h.keep(await openPage(h.browser, h.web, lib));
    },
    server: (b?: Behaviour) => h.server(b),
  };
}

/** Waits (polling every 10 ms) until `fn(arg)` is truthy in the page; the error names `what`. */
export async function pageUntil<A>(
  page: Page,
  fn: (arg: A) => unknown,
  arg: A,
  { timeout = 5000, what = 'a condition' }: { timeout?: number; what?: string } = {},
): Promise<void> {
  try {
    // (playwright types the argument as Unboxed<A>; plain data here, so the same)
    await page.waitForFunction(fn as (arg: unknown) => unknown, arg, { timeout, polling: 10 });
  } catch (e) {
    throw new Error(
      `timed out after ${timeout} ms waiting in the page for ${what}: ${(e as Error).message.split('\n')[0]}`,
    );
  }
}

/** The event record of the socket tracked as `name` (see page-init.js). */
export const events = (page: Page, name = 's'): Promise<EventRecord[]> => page.evaluate((n) => __t.log(n), name);

/** Waits until the socket tracked as `name` has dispatched `n` events of `type`; on timeout the error lists its record. */
export async function waitEvents(
  page: Page,
  name: string,
  type: string,
  n = 1,
  timeout = 5000,
): Promise<EventRecord[]> {
  try {
    await pageUntil(page, ([k, t, c]) => __t.count(k, t) >= c, [name, type, n] as const, {
      timeout,
      what: `${n} '${type}' event(s) on '${name}'`,
    });
  } catch (e) {
    const log = await events(page, name).catch(() => []);
    const tail = log
      .slice(-12)
      .map(
        (r) =>
          `${r.type}${r.code ? ` ${r.code}` : ''}${r.delay !== undefined ? ` ${r.delay}ms` : ''}${r.to ? ` →${r.to}` : ''}`,
      )
      .join(', ');
    throw new Error(`${(e as Error).message}\n  last events: ${tail}`);
  }
  return events(page, name);
}

/** Prints a one-line measured figure for the case (the suite's report). */
export const figure = (line: string): void => console.log(`[browser] ${line}`);
