// Chromium harness: bundles the page script, serves it with dist/steadysocket[.core].umd.min.js
// from 127.0.0.1, offers ws endpoints (/echo echoes, /rpc answers JSON envelope requests,
// /bounce closes each connection right after it opens, /idle holds), launches Chromium.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { WebSocketServer } from 'ws';
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../scripts/chromium.mjs';
import { ROOT, TMP } from './util.mjs';

const CHROMIUM = CHROMIUM_PATH;
const ARGS = [
  ...CHROMIUM_ARGS,
  // gc() for the overhead bench; compiled code stays put so the memory bench
  // does not count functions being recompiled after its forced GCs.
  '--js-flags=--expose-gc --no-flush-bytecode',
];
const UMD = path.join(ROOT, 'dist', 'steadysocket.umd.min.js');
const CORE_UMD = path.join(ROOT, 'dist', 'steadysocket.core.umd.min.js');

export async function bundlePage() {
  fs.mkdirSync(TMP, { recursive: true });
  const outfile = path.join(TMP, 'page.js');
  await esbuild.build({
    entryPoints: [path.join(ROOT, 'bench', 'page', 'entry.mjs')],
    bundle: true,
    format: 'iife',
    globalName: 'bench',
    platform: 'browser',
    target: 'es2022',
    outfile,
    logLevel: 'error',
  });
  return outfile;
}

/**
 * http + ws server on 127.0.0.1:0. close() terminates every socket.
 * steadyScript / coreScript: served as the full and core script-tag builds (globals
 * `steadysocket`, `steadysocketCore`), by default the dist files.
 */
export async function startPageServer(pageJs, steadyScript = UMD, coreScript = CORE_UMD) {
  const served = new Map(
    [
      ['/steadysocket.umd.min.js', steadyScript],
      ['/steadysocket.core.umd.min.js', coreScript],
    ].filter(([, f]) => fs.existsSync(f)),
  );
  const hasUmd = served.has('/steadysocket.umd.min.js');
  served.set('/page.js', pageJs);
  const html = `<!doctype html><meta charset="utf-8"><title>bench</title>
${[...served.keys()].map((u) => `<script src="${u}"></script>`).join('')}`;
  const headers = {
    // Cross-origin isolation gives performance.now() 5 µs resolution instead of 100 µs.
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
    'Cache-Control': 'no-store',
  };
  const server = http.createServer((req, res) => {
    const url = req.url.split('?')[0];
    if (url === '/') {
      res.writeHead(200, { ...headers, 'Content-Type': 'text/html' }).end(html);
    } else if (served.has(url)) {
      res.writeHead(200, { ...headers, 'Content-Type': 'text/javascript' }).end(fs.readFileSync(served.get(url)));
    } else {
      res.writeHead(404, headers).end();
    }
  });
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  const sockets = new Set();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('upgrade', (req, socket, head) => {
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (req.url.startsWith('/echo')) ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
      // JSON envelope requests: {"channel","id","data"} is answered with the same channel, id and data
      else if (req.url.startsWith('/rpc'))
        ws.on('message', (data) => {
          let m;
          try {
            m = JSON.parse(String(data));
          } catch {
            return;
          }
          ws.send(JSON.stringify({ channel: m?.channel, id: m?.id, data: m?.data }));
        });
      // every connection is closed right after it opens (the fast reconnect bench)
      else if (req.url.startsWith('/bounce')) ws.close(1000);
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  // Extra ports for opening many connections at once (see memOpen in page/entry.mjs).
  const extra = [];
  for (let i = 0; i < 6; i++) {
    const s = http.createServer((_req, res) => res.writeHead(404).end());
    s.on('connection', (c) => {
      sockets.add(c);
      c.on('close', () => sockets.delete(c));
    });
    s.on('upgrade', (req, socket, head) => server.emit('upgrade', req, socket, head));
    await new Promise((r) => s.listen(0, '127.0.0.1', r));
    extra.push(s);
  }
  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    ws: (p) => `ws://127.0.0.1:${port}${p}`,
    wsAll: (p) => [port, ...extra.map((s) => s.address().port)].map((q) => `ws://127.0.0.1:${q}${p}`),
    hasUmd,
    clients: () => wss.clients.size,
    async close() {
      for (const c of wss.clients) c.terminate();
      for (const s of sockets) s.destroy();
      await Promise.all(extra.map((s) => new Promise((r) => s.close(() => r()))));
      await new Promise((r) => wss.close(() => server.close(() => r())));
    },
  };
}

/** Launches Chromium on the bench page. Always call close(). steadyScript / coreScript: served instead of the UMD files. */
export async function openBrowser({ steadyScript, coreScript } = {}) {
  const pageJs = await bundlePage();
  const srv = await startPageServer(pageJs, steadyScript, coreScript);
  let browser;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${srv.origin}/`);
    await page.waitForFunction(() => typeof window.bench === 'object', null, { timeout: 10000 });
    const isolated = await page.evaluate(() => globalThis.crossOriginIsolated === true);
    const cdp = await page.context().newCDPSession(page);
    return {
      browser,
      page,
      cdp,
      srv,
      errors,
      isolated,
      version: browser.version(),
      async reload() {
        await page.goto(`${srv.origin}/`);
        await page.waitForFunction(() => typeof window.bench === 'object', null, { timeout: 10000 });
      },
      async close() {
        await browser.close().catch(() => {});
        await srv.close();
      },
    };
  } catch (e) {
    await browser?.close().catch(() => {});
    await srv.close();
    throw e;
  }
}
