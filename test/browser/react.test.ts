// steadysocket/react in Chromium: a tiny React 19 app (development build, so
// <StrictMode> doubles renders and effects) bundled by esbuild from the shipped
// dist/steadysocket.react.mjs into .tmp/, served by the harness's static server,
// against a real ws server behind the fault proxy. It connects once, survives a
// dropped connection (TCP reset) and shows the reconnected state; unmounting
// closes the socket and leaves no timer or window listener behind.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { figure, pageUntil, ROOT, useBrowser } from '../helpers/browser.js';
import { sleep } from '../helpers/deferred.js';
import { type StaticServer, startStaticServer } from '../helpers/static-server.js';

const b = useBrowser();
const OUT = join(ROOT, '.tmp', 'browser-react');

/** The app, as a user writes it: the three hooks and nothing else of ours. */
const APP = `
import { createElement as h, StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { useChannel, useSocketState, useSteadySocket } from 'steadysocket/react';

const params = new URLSearchParams(location.search);
const states = [];
const handled = [];
window.__app = { states, handled, renders: 0 };

function Live({ url }) {
  const socket = useSteadySocket(url, { reconnect: { minDelay: 50, maxDelay: 200, jitter: 0 } });
  const state = useSocketState(socket);
  const last = useChannel(socket, 'chat', (d) => handled.push(d.text));
  window.__app.socket = socket;
  window.__app.renders++;
  if (states.at(-1) !== state) states.push(state);
  return h('p', { id: 'out' }, state + '|' + (last ? last.text : ''));
}

function App() {
  const [on, setOn] = useState(true);
  window.__app.unmount = () => setOn(false);
  return on ? h(Live, { url: params.get('ws') }) : h('p', { id: 'out' }, 'unmounted');
}

createRoot(document.getElementById('root')).render(h(StrictMode, null, h(App)));
`;

let web: StaticServer;
beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  const r = await build({
    stdin: { contents: APP, resolveDir: ROOT, loader: 'js' },
    bundle: true,
    format: 'esm',
    outfile: join(OUT, 'app.js'),
    // the shipped artifact, as a bundler resolves the package's exports (import condition)
    alias: { 'steadysocket/react': join(ROOT, 'dist', 'steadysocket.react.mjs') },
    define: { 'process.env.NODE_ENV': '"development"' },
    logLevel: 'silent',
    metafile: true,
  });
  const inputs = Object.keys(r.metafile.inputs);
  if (!inputs.some((f) => f.endsWith('dist/steadysocket.react.mjs'))) throw new Error('the bundle missed dist/');
  web = await startStaticServer({
    root: ROOT,
    pages: {
      '/react.html':
        '<!doctype html><meta charset="utf-8"><title>steadysocket react</title>' +
        '<div id="root"></div><script type="module" src="/.tmp/browser-react/app.js"></script>',
    },
  });
});
afterAll(async () => {
  await web?.close();
});

describe('steadysocket/react bundled into a page (Chromium)', () => {
  it('StrictMode makes one connection; a dropped connection reconnects and the page shows it; unmount cleans up', async () => {
    const srv = await b.server();
    const context = await b.browser.newContext();
    try {
      await context.addInitScript({ path: join(ROOT, 'test/helpers/page-init.js') });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(`${web.url}/react.html?ws=${encodeURIComponent(`${srv.url}/live`)}`);
      const out = () => page.locator('#out').textContent();
      await pageUntil(page, () => document.getElementById('out')?.textContent === 'open|', undefined, {
        what: 'the page to show open',
      });
      await sleep(200);
      expect(srv.handshakes.map((x) => x.path)).toEqual(['/live']);
      expect(srv.clients).toHaveLength(1);

      srv.send(JSON.stringify({ channel: 'chat', data: { text: 'before' } }));
      await pageUntil(page, () => document.getElementById('out')?.textContent === 'open|before', undefined, {
        what: 'the first frame',
      });

      // the drop: every connection reset at the TCP level
      srv.resetAll();
      await pageUntil(page, () => (window as any).__app.states.includes('connecting', 2), undefined, {
        what: 'the page to see the drop',
      });
      await pageUntil(
        page,
        () => document.getElementById('out')?.textContent === 'open|before' && (window as any).__app.states.length >= 4,
        undefined,
        { what: 'the page to show the reconnected state', timeout: 5000 },
      );
      expect(srv.handshakes.map((x) => x.path)).toEqual(['/live', '/live']);
      srv.send(JSON.stringify({ channel: 'chat', data: { text: 'after' } }));
      await pageUntil(page, () => document.getElementById('out')?.textContent === 'open|after', undefined, {
        what: 'a frame on the new connection',
      });
      const app = await page.evaluate(() => {
        const a = (window as any).__app;
        return { states: a.states, handled: a.handled, renders: a.renders };
      });
      figure(`react page: states ${app.states.join(' → ')}, ${app.renders} renders, frames ${app.handled.join(', ')}`);
      expect(app.states).toEqual(['closed', 'connecting', 'open', 'connecting', 'open']);
      expect(app.handled).toEqual(['before', 'after']);

      // unmount: the socket closes, nothing it made is left in the page
      await page.evaluate(() => (window as any).__app.unmount());
      await pageUntil(page, () => (window as any).__app.socket?.state === 'closed', undefined, {
        what: 'the socket to close on unmount',
      });
      expect(await out()).toBe('unmounted');
      await pageUntil(page, () => __t.timers().live === 0, undefined, { what: 'no live timers in the page' });
      const listeners = await page.evaluate(() => __t.listeners().byType);
      for (const type of ['online', 'offline', 'pageshow', 'visibilitychange']) expect(listeners[type] ?? 0).toBe(0);
      await sleep(200);
      expect(srv.live).toBe(0);
      expect(srv.handshakes).toHaveLength(2);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
