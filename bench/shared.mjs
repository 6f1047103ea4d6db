#!/usr/bin/env node
// steadysocket/shared in Chromium: tabs of one origin (pages in one browser context) against a
// local ws server, with dist/steadysocket.shared.umd.min.js.
//   handover  the leader tab goes away (closed, or its renderer crashed); time from that moment to
//             the `open` of the new connection in the first remaining tab. Median of `rounds`.
//   relay     per-message delivery to a follower tab compared with the leader tab's own delivery:
//             the extra latency of each message (paced, one every 2 ms: no queueing) and the time
//             to deliver a burst of 20,000 small messages in each tab.
//   node bench/shared.mjs [--rounds N]    (prints JSON; bench/run.mjs --only shared prints a table)
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { WebSocketServer } from 'ws';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/chromium.mjs';
import { log, median, ROOT, sleep } from './lib/util.mjs';

const UMD = path.join(ROOT, 'dist', 'steadysocket.shared.umd.min.js');
const now = () => performance.timeOrigin + performance.now();

const PAGE = `<!doctype html><meta charset="utf-8"><title>shared bench</title>
<script>if (location.search === '?bare') { delete Navigator.prototype.locks; delete window.BroadcastChannel; }</script>
<script src="/shared.js"></script>
<script>
  window.opened = []; window.arrivals = []; window.count = 0;
  window.start = (url) => {
    const s = (window.s = new steadysocketShared.SharedSteadySocket(url));
    s.addEventListener('open', () => opened.push(performance.timeOrigin + performance.now()));
    s.addEventListener('message', (e) => {
      const t = performance.timeOrigin + performance.now();
      if (e.data.charCodeAt(0) === 112) arrivals.push([+e.data.slice(1), t]); // "p<i>": paced
      else if (++count === 1) first = t; else last = t;
      window.last = t;
    });
  };
  window.first = 0;
</script>`;

async function servers() {
  const web = http.createServer((req, res) => {
    if (req.url.startsWith('/shared.js'))
      res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(fs.readFileSync(UMD));
    else res.writeHead(200, { 'Content-Type': 'text/html', 'Cache-Control': 'no-store' }).end(PAGE);
  });
  await new Promise((r) => web.listen(0, '127.0.0.1', r));
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await new Promise((r) => wss.on('listening', r));
  let connections = 0;
  wss.on('connection', (ws) => {
    connections++;
    ws.on('error', () => {});
  });
  return {
    url: `http://127.0.0.1:${web.address().port}/`,
    ws: `ws://127.0.0.1:${wss.address().port}`,
    wss,
    get connections() {
      return connections;
    },
    send: (d) => {
      for (const c of wss.clients) if (c.readyState === 1) c.send(d);
    },
    close: () => {
      for (const c of wss.clients) c.terminate();
      wss.close();
      web.closeAllConnections();
      web.close();
    },
  };
}

const until = async (fn, what, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
};

async function tabs(browser, srv, n, bare = false) {
  const context = await browser.newContext();
  const pages = [];
  for (let i = 0; i < n; i++) {
    const p = await context.newPage();
    await p.goto(bare ? `${srv.url}?bare` : srv.url);
    await p.evaluate((u) => window.start(u), srv.ws);
    pages.push(p);
  }
  for (const p of pages) await until(() => p.evaluate(() => opened.length >= 1), 'open');
  const leader = bare
    ? pages[0]
    : await until2(async () => {
        const l = await Promise.all(pages.map((p) => p.evaluate(() => s.leader)));
        return l.filter(Boolean).length === 1 && pages[l.indexOf(true)];
      });
  return { context, pages, leader, followers: pages.filter((p) => p !== leader) };
}
const until2 = async (fn) => {
  const end = Date.now() + 10_000;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out waiting for one leader');
    await sleep(10);
  }
};

async function handover(browser, srv, how) {
  const { context, leader, followers } = await tabs(browser, srv, 3);
  try {
    const t0 = now();
    if (how === 'crash') {
      const cdp = await context.newCDPSession(leader);
      const crashed = new Promise((r) => leader.once('crash', r));
      void cdp.send('Page.crash').catch(() => {});
      await crashed;
    } else await leader.close();
    for (const p of followers) await until(() => p.evaluate(() => opened.length >= 2), 'the new open');
    const t = Math.min(...(await Promise.all(followers.map((p) => p.evaluate(() => opened[1])))));
    return t - t0;
  } finally {
    await context.close();
  }
}

/** Send `m` small frames at once; per page: ms to the last arrival and renderer CPU µs per message. */
async function burst(context, pages, srv, m) {
  const cdps = await Promise.all(pages.map((p) => context.newCDPSession(p)));
  const cpu = async () =>
    Promise.all(
      cdps.map(async (c) => {
        const { metrics } = await c.send('Performance.getMetrics');
        return metrics.find((x) => x.name === 'ThreadTime').value;
      }),
    );
  await Promise.all(cdps.map((c) => c.send('Performance.enable')));
  const before = await Promise.all(pages.map((p) => p.evaluate(() => count)));
  const c0 = await cpu();
  const msg = 'b'.repeat(32);
  const t0 = now();
  for (let i = 0; i < m; i++) srv.send(msg);
  for (const [k, p] of pages.entries())
    await until(() => p.evaluate((n) => count >= n, before[k] + m), 'the burst', 120_000);
  const c1 = await cpu();
  const last = await Promise.all(pages.map((p) => p.evaluate(() => last)));
  await Promise.all(cdps.map((c) => c.detach()));
  return { ms: last.map((t) => t - t0), cpuUs: c1.map((x, k) => ((x - c0[k]) / m) * 1e6) };
}

/** The same burst into one tab with a plain per-tab socket (sharing unavailable): the baseline. */
async function plain(browser, srv, m) {
  const { context, pages } = await tabs(browser, srv, 1, true);
  try {
    const b = await burst(context, pages, srv, m);
    return { ms: b.ms[0], cpuUs: b.cpuUs[0] };
  } finally {
    await context.close();
  }
}

async function relay(browser, srv) {
  const { context, leader, followers } = await tabs(browser, srv, 2);
  const follower = followers[0];
  try {
    // paced: one message every 2 ms
    const N = 500;
    for (let i = 0; i < N; i++) {
      srv.send(`p${i}`);
      await sleep(2);
    }
    for (const p of [leader, follower]) await until(() => p.evaluate((n) => arrivals.length >= n, N), 'paced messages');
    const [a, b] = await Promise.all([leader, follower].map((p) => p.evaluate(() => arrivals)));
    const extra = a.map(([i, t], k) => (b[k][0] === i ? b[k][1] - t : Number.NaN)).filter((x) => !Number.isNaN(x));
    const sorted = [...extra].sort((x, y) => x - y);
    // burst: 20,000 messages of 32 bytes at once
    const M = 20_000;
    const bu = await burst(context, [leader, follower], srv, M);
    return {
      pacedExtraMs: { median: median(extra), p95: sorted[Math.floor(sorted.length * 0.95)], n: extra.length },
      burst: {
        messages: M,
        leaderMs: bu.ms[0],
        followerMs: bu.ms[1],
        ratio: bu.ms[1] / bu.ms[0],
        leaderCpuUs: bu.cpuUs[0],
        followerCpuUs: bu.cpuUs[1],
      },
    };
  } finally {
    await context.close();
  }
}

export async function runShared({ rounds = 5 } = {}) {
  if (!fs.existsSync(UMD)) throw new Error(`${UMD} is missing: build first (npx rollup -c --silent)`);
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      ...CHROMIUM_ARGS,
      '--disable-background-timer-throttling',
      '--disable-renderer-backgrounding',
      '--disable-backgrounding-occluded-windows',
    ],
  });
  const srv = await servers();
  try {
    const out = { handover: {}, relay: [] };
    for (const how of ['close', 'crash']) {
      const xs = [];
      for (let i = 0; i < rounds; i++) xs.push(await handover(browser, srv, how));
      out.handover[how] = { median: median(xs), min: Math.min(...xs), max: Math.max(...xs), runs: xs };
      log(
        `shared: handover after the leader tab ${how}: median ${median(xs).toFixed(0)} ms (${xs.map((x) => x.toFixed(0)).join(', ')})`,
      );
    }
    const plainRuns = [];
    for (let i = 0; i < Math.max(1, Math.min(3, rounds)); i++) {
      out.relay.push(await relay(browser, srv));
      plainRuns.push(await plain(browser, srv, 20_000));
    }
    const r = out.relay;
    out.plain = plainRuns;
    out.relaySummary = {
      pacedExtraMedianMs: median(r.map((x) => x.pacedExtraMs.median)),
      pacedExtraP95Ms: median(r.map((x) => x.pacedExtraMs.p95)),
      burstRatio: median(r.map((x) => x.burst.ratio)),
      burstLeaderMs: median(r.map((x) => x.burst.leaderMs)),
      burstFollowerMs: median(r.map((x) => x.burst.followerMs)),
      burstPlainMs: median(plainRuns.map((x) => x.ms)),
      cpuUsPerMsg: {
        plain: median(plainRuns.map((x) => x.cpuUs)),
        leader: median(r.map((x) => x.burst.leaderCpuUs)),
        follower: median(r.map((x) => x.burst.followerCpuUs)),
      },
    };
    log(`shared: relay ${JSON.stringify(out.relaySummary)}`);
    return out;
  } finally {
    srv.close();
    await browser.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--rounds');
  const rounds = i > 0 ? Number(process.argv[i + 1]) : 5;
  console.log(JSON.stringify(await runShared({ rounds }), null, 2));
}
