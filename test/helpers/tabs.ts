/**
 * Several tabs of one origin, for `steadysocket/shared`: pages in ONE browser context (they share
 * Web Locks and BroadcastChannel, as a user's tabs do), each loading the shared entry the way
 * users do, with page-init.js first (timer/listener counters, `__t.track`).
 *
 *   const t = setupTabs();                          // in a test file: registers the hooks
 *   it('...', async () => {
 *     const ctx = await t.context();              // a fresh context, closed after the test
 *     const [a, b] = await ctx.tabs(2, 'umd');    // or 'esm'; 'bare' = no Web Locks, no BroadcastChannel
 *     const srv = await t.server();               // a fault server, closed after the test
 *   });
 *
 * Each tab leaves the entry's namespace on `window.steadysocketShared`, and `window.__lead` records
 * the `leader` of every `leaderchange` of the sockets made with `__mk(name, url, protocols?, options?)`.
 */
import { join } from 'node:path';
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { pageUntil, ROOT, useHarness } from './browser.js';
import type { Behaviour } from './fault-server.js';

declare global {
  var steadysocketShared: any;
  var __lead: Record<string, boolean[]>;
  var __mk: (name: string, url: string, protocols?: unknown, options?: unknown) => any;
}

export type TabLib = 'umd' | 'esm' | 'bare';

const INIT = join(ROOT, 'test/helpers/page-init.js');
export const SHARED_ARTIFACTS = ['dist/steadysocket.shared.umd.min.js', 'dist/steadysocket.shared.mjs'];

// what every tab page runs once the library is there
const MK =
  'window.__lead = {}; window.__mk = (name, url, protocols, options) => {' +
  ' const s = new steadysocketShared.SharedSteadySocket(url, protocols, options);' +
  ' __lead[name] = []; s.addEventListener("leaderchange", (e) => __lead[name].push(e.leader));' +
  ' return __t.track(name, s); };';

export const TAB_PAGES: Record<string, string> = {
  '/shared-umd.html':
    '<!doctype html><meta charset="utf-8"><title>shared umd</title>' +
    '<script src="/dist/steadysocket.shared.umd.min.js"></script>' +
    `<script>${MK} window.__libReady = typeof steadysocketShared?.SharedSteadySocket === 'function' ? 'umd' : 'missing';</script>`,
  '/shared-esm.html':
    '<!doctype html><meta charset="utf-8"><title>shared esm</title>' +
    '<script type="module">import * as lib from "/dist/steadysocket.shared.mjs"; window.steadysocketShared = lib;' +
    `${MK} window.__libReady = typeof lib.SharedSteadySocket === 'function' ? 'esm' : 'missing';</script>`,
  // a browser without what sharing needs
  '/shared-bare.html':
    '<!doctype html><meta charset="utf-8"><title>shared bare</title>' +
    '<script>delete Navigator.prototype.locks; delete window.BroadcastChannel;</script>' +
    '<script src="/dist/steadysocket.shared.umd.min.js"></script>' +
    `<script>${MK} window.__libReady = typeof steadysocketShared?.SharedSteadySocket === 'function' && !('locks' in navigator) ? 'bare' : 'missing';</script>`,
};

export interface Tabs {
  context: BrowserContext;
  /** open `n` more tabs (one at a time, in order) */
  tabs(n: number, lib?: TabLib): Promise<Page[]>;
  /** a CDP session for a tab (Page.crash, Page.setWebLifecycleState) */
  cdp(page: Page): Promise<CDPSession>;
  close(): Promise<void>;
}

export function setupTabs() {
  const h = useHarness(SHARED_ARTIFACTS, TAB_PAGES);
  return {
    get browser() {
      return h.browser;
    },
    get web() {
      return h.web;
    },
    async context(): Promise<Tabs> {
      const context = h.keep(await h.browser.newContext());
      await context.addInitScript({ path: INIT });
      const url = h.web.url;
      return {
        context,
        async tabs(n, lib = 'umd') {
          const out: Page[] = [];
          for (let i = 0; i < n; i++) {
            const page = await context.newPage();
            page.on('pageerror', (e) => console.error(`[tab] page error: ${e}`));
            await page.goto(`${url}/shared-${lib}.html`);
            await pageUntil(page, (l) => (window as { __libReady?: string }).__libReady === l, lib, {
              timeout: 10_000,
              what: `the ${lib} shared build to load`,
            });
            out.push(page);
          }
          return out;
        },
        cdp: (page) => context.newCDPSession(page),
        close: () => context.close(),
      };
    },
    server: (b?: Behaviour) => h.server(b),
  };
}
