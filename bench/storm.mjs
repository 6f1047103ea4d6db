// Reconnect storm (Node): N clients of one library connect to a ws server, stay up
// past every library's minUptime, then the server drops every socket (TCP reset,
// no close frame: a crash, clients see 1006), stays down for an outage of `downMs`,
// and listens again on the same port. We record each handshake ('upgrade') after the
// restart and the time each client id is back. One child process per run; a run is
// aborted at 40 s after its outage.
//
// One outage length alone is a race against each library's fixed delays (partysocket's
// first retry comes ~3 s after the drop: with a 3 s outage it lands just before or just
// after the restart, 0.1 s or 3.9 s back). So runStorm runs several outage lengths, each
// a few times (fresh server, fresh child), and reports medians with their range.
import http from 'node:http';
import { fork } from 'node:child_process';
import path from 'node:path';
import { WebSocketServer } from 'ws';
import { ROOT, log, sleep } from './lib/util.mjs';

/** outage lengths (ms) and reruns per length, unless the caller says otherwise */
export const OUTAGES = [1000, 3000, 7000];
export const RERUNS = 3;
const RUN_LIMIT_MS = 40_000;

function stormServer() {
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  const sockets = new Set();
  const handshakes = []; // performance.now() of each upgrade request
  const connected = new Map(); // id -> performance.now() of its latest successful handshake
  let server;
  let port = 0;

  function listen() {
    server = http.createServer((_req, res) => res.writeHead(426).end());
    server.on('connection', (s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    server.on('upgrade', (req, socket, head) => {
      handshakes.push(performance.now());
      const id = new URL(req.url, 'http://x').searchParams.get('id');
      wss.handleUpgrade(req, socket, head, (ws) => {
        connected.set(id, performance.now());
        ws.on('error', () => {});
      });
    });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        port = server.address().port;
        resolve(port);
      });
    });
  }

  async function relisten() {
    // A client's refused connect can, rarely, take our port as its own source
    // port (TCP self-connect); it lets go at once, so retry briefly.
    for (let i = 0; ; i++) {
      try {
        return await listen();
      } catch (e) {
        if (e.code !== 'EADDRINUSE' || i >= 50) throw e;
        await sleep(20);
      }
    }
  }

  function stop() {
    for (const ws of wss.clients) ws.terminate();
    for (const s of sockets) s.destroy();
    return new Promise((r) => server.close(() => r()));
  }

  return {
    listen,
    relisten,
    stop,
    handshakes,
    connected,
    get port() {
      return port;
    },
    async dispose() {
      await stop().catch(() => {});
      wss.close();
    },
  };
}

async function waitFor(pred, limitMs) {
  const end = performance.now() + limitMs;
  while (!pred()) {
    if (performance.now() > end) return false;
    await sleep(20);
  }
  return true;
}

/** Peak handshakes in any window [t, t + w) and the sorted times. */
function peakWindow(times, w) {
  let peak = 0;
  for (let i = 0, j = 0; j < times.length; j++) {
    while (times[j] - times[i] >= w) i++;
    peak = Math.max(peak, j - i + 1);
  }
  return peak;
}

export async function stormOne(name, { n = 500, settleMs = 6000, mode = 'isolated', downMs = 3000 } = {}) {
  const srv = stormServer();
  const started = performance.now();
  let child;
  const result = { name, n, mode, downMs };
  try {
    await srv.listen();
    child = fork(path.join(ROOT, 'bench', 'storm-client.mjs'), [name, `ws://127.0.0.1:${srv.port}/`, String(n), mode], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const childExit = new Promise((r) => child.once('exit', (code) => r(code)));
    const left = () => RUN_LIMIT_MS + downMs - (performance.now() - started);
    const up = await Promise.race([waitFor(() => srv.connected.size >= n, 15_000), childExit.then(() => false)]);
    if (!up) throw new Error(`only ${srv.connected.size}/${n} connected initially ${stderr.slice(0, 300)}`);
    result.initialMs = performance.now() - started;
    // Past minUptime (5 s in steadysocket, reconnecting-websocket and partysocket): a long-lived connection.
    await sleep(settleMs);
    await srv.stop();
    const tStop = performance.now();
    srv.connected.clear();
    srv.handshakes.length = 0;
    await sleep(downMs);
    await srv.relisten();
    const tRestart = performance.now();
    result.outageMs = tRestart - tStop;
    await waitFor(() => srv.connected.size >= n, Math.max(0, left()));
    await sleep(Math.min(200, Math.max(0, left()))); // catch a few late duplicates
    const back = [...srv.connected.values()].map((t) => t - tRestart).sort((a, b) => a - b);
    const hs = srv.handshakes.map((t) => t - tRestart).sort((a, b) => a - b);
    const k95 = Math.ceil(0.95 * n);
    result.reconnected = back.length;
    result.t95 = back.length >= k95 ? back[k95 - 1] : Number.POSITIVE_INFINITY;
    result.t100 = back.length >= n ? back[n - 1] : Number.POSITIVE_INFINITY;
    result.firstMs = hs[0] ?? Number.NaN;
    result.handshakes = hs.length;
    result.peak100 = peakWindow(hs, 100);
    // Mean rate over the recovery, restart -> 95% back (at least one 100 ms window).
    const span = Number.isFinite(result.t95) ? result.t95 : (hs.at(-1) ?? 0);
    const inSpan = hs.filter((t) => t <= span).length;
    result.mean100 = inSpan / Math.max(1, span / 100);
    result.peakOverMean = result.peak100 / result.mean100;
    result.aborted = back.length < n;
    // a run that did not finish: say whether the clients' process was still there, and what it said
    if (result.aborted) {
      result.child = { exitCode: child.exitCode, signal: child.signalCode, stderr: stderr.slice(-300) };
    }
    result.peakBins100 = 0;
    // handshakes per 100 ms bin from the restart, for the record (results JSON)
    result.histogram100 = [];
    for (const t of hs) {
      const k = Math.max(0, Math.floor(t / 100));
      while (result.histogram100.length <= k) result.histogram100.push(0);
      result.histogram100[k]++;
    }
    result.peakBins100 = Math.max(0, ...result.histogram100);
  } catch (e) {
    result.error = String(e?.message ?? e);
  } finally {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await srv.dispose();
  }
  result.totalMs = performance.now() - started;
  return result;
}

/**
 * Median and range of one field over the runs that measured something: a run that failed to set
 * up (an error: no storm happened) is left out and counted apart; one whose clients did not all
 * come back in time counts, with Infinity for the times it could not measure.
 */
function summarize(runs, field) {
  const xs = runs.filter((r) => !r.error).map((r) => r[field] ?? Number.POSITIVE_INFINITY);
  const sorted = [...xs].sort((a, b) => a - b);
  const m = sorted.length >> 1;
  const median = !sorted.length ? Number.NaN : sorted.length % 2 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
  return { median, min: sorted[0] ?? Number.NaN, max: sorted.at(-1) ?? Number.NaN, all: xs };
}

const FIELDS = ['t95', 't100', 'firstMs', 'peak100', 'handshakes'];

/**
 * Every library through every outage length, `reruns` times each. Runs are interleaved
 * (round by round, libraries in turn) so that a slow spell of the machine does not land
 * on one library alone. Returns { [name]: { [downMs]: { runs, t95: {median,min,max,all}, ... } } }.
 */
export async function runStorm(names, { outages = OUTAGES, reruns = RERUNS, ...opts } = {}) {
  const runs = {};
  for (let round = 0; round < reruns; round++) {
    for (const downMs of outages) {
      for (const name of names) {
        log(`storm: ${name}, outage ${downMs} ms, run ${round + 1}/${reruns}`);
        const r = await stormOne(name, { ...opts, downMs });
        log(`storm: ${name}`, JSON.stringify({ ...r, histogram100: undefined }));
        ((runs[name] ??= {})[downMs] ??= []).push(r);
      }
    }
  }
  const out = { outages, reruns };
  for (const name of names) {
    out[name] = {};
    for (const downMs of outages) {
      const rs = runs[name][downMs];
      const row = { runs: rs, errors: rs.filter((r) => r.error).map((r) => r.error) };
      for (const f of FIELDS) row[f] = summarize(rs, f);
      out[name][downMs] = row;
    }
  }
  return out;
}
