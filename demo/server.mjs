// The demo's local server: static files, a `ws` echo endpoint at /ws, and
// fault switches, all on one 127.0.0.1 port.
//
//   browser ──TCP──▶ proxy (public port) ──TCP──▶ HTTP + ws echo (private port)
//
// The proxy is there so faults can happen at the TCP level, where real
// networks fail. It reads each connection's request head to tell WebSocket
// upgrades from plain HTTP; faults touch WebSocket connections only, so the
// page and its fault buttons keep working while the socket suffers.
//
//   POST /fault/drop            destroy every WebSocket connection (no close frame: 1006)
//   POST /fault/stop?ms=5000    drop, then reset new WebSocket connections for ms
//   POST /fault/blackhole?ms=N  silence: open connections and new ones are held open
//                               and everything sent is discarded; when it ends they
//                               are destroyed (a stream that lost data cannot resume)
//   POST /fault/heal            end stop/blackhole now
//   GET  /status                JSON: { demo, version, ws, connections, held, stop, blackhole, log }
//                               (version: package.json's; stop, blackhole: ms left; log: the
//                               last connections, { conn, open, subscribes, unsubscribes, topics })
//
// The echo answers the demo's heartbeat ping, the one-byte binary frame [9],
// with [10], and echoes every other frame as it came, text or binary: a text
// 'ping' or 'pong' someone types is echoed like any other text. A few JSON text
// frames are the conversation panels' and get answers instead of an echo:
//
//   {"channel":"echo","id":…,"data":d}    → {"channel":"echo","id":…,"data":d} at once
//   {"channel":"slow","id":…,"data":{"ms":N}} → {"channel":"slow","id":…,"data":{"ms":N}} after
//                                           N ms (at most 30 s)
//   {"channel":"fail","id":…,"data":d}    → {"channel":"fail","id":…,"error":{"message":…,"data":d}}
//   {"sub":"topic"}                       → {"channel":"tick","data":{"topic","n","conn"}} at once
//                                           and every second on this connection (counted)
//   {"unsub":"topic"}                     → the ticks stop (counted)
//   {"emit":"reading"}                    → {"channel":"reading","data":{"celsius":21.5}}
//   {"emit":"reading","invalid":true}     → {"channel":"reading","data":{"celsius":"warm"}}
//
// Any other frame, a request on another channel included, is echoed. Every
// timer belongs to its connection and is cleared when it closes. /status lists
// the last connections with their subscribe and unsubscribe counts by topic.

import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';

const here = dirname(fileURLToPath(import.meta.url));
export const root = join(here, '..');
const UMD = join(root, 'dist', 'steadysocket.umd.min.js');
/** The script-tag builds the page loads, by url path (the shared one for "Share one connection across tabs"). */
const DIST = {
  '/dist/steadysocket.umd.min.js': UMD,
  '/dist/steadysocket.shared.umd.min.js': join(root, 'dist', 'steadysocket.shared.umd.min.js'),
};

const files = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/index.html': ['index.html', 'text/html; charset=utf-8'],
  '/app.js': ['app.js', 'text/javascript; charset=utf-8'],
  '/style.css': ['style.css', 'text/css; charset=utf-8'],
};
/** The heartbeat frames (demo/app.js): binary, so no typed text can be taken for one. */
const PING = 9;
const PONG = 10;
const MAX_FAULT_MS = 120_000;
const MAX_HEAD = 16 * 1024;
/** Bounds of the conversation part: per connection, and the connections /status remembers. */
const MAX_SLOW_MS = 30_000;
const MAX_PENDING = 100; // slow replies waiting, per connection
const MAX_TOPICS = 16; // topics counted and ticking, per connection
const MAX_TOPIC_LEN = 64;
const TICK_MS = 1000;
const LOG_CONNECTIONS = 12;

/** Newest mtime (ms) of any file under dir, or 0 when dir is missing. */
function newestMtime(dir) {
  let newest = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Runs `npx rollup -c --silent` when dist/ is missing or older than src/. Returns true if it built. */
export function buildIfStale({ log = console.log } = {}) {
  let built = 0;
  try {
    built = statSync(UMD).mtimeMs;
  } catch {}
  if (built && built >= newestMtime(join(root, 'src'))) return false;
  log(built ? 'src/ changed since the last build: building…' : 'dist/ missing: building…');
  const r = spawnSync('npx', ['rollup', '-c', '--silent'], {
    cwd: root,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  if (r.status !== 0) throw new Error(`build failed (npx rollup -c --silent exited ${r.status ?? r.signal})`);
  return true;
}

/**
 * Starts the demo server on 127.0.0.1.
 * @param {{ port?: number, fallback?: boolean, log?: (msg: string) => void }} [options]
 *   port: 0 picks a free one; fallback: if `port` is busy, use a free one instead.
 * @returns {Promise<{ url: string, wsUrl: string, port: number, fault: object, close: () => Promise<void> }>}
 */
export async function startDemoServer({ port = 0, fallback = false, log = () => {} } = {}) {
  // read at start, so the page's snippet pins the version this checkout would publish
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

  // ── the echo server (private port) ──
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1 << 20 });
  let connSeq = 0;
  const connLog = []; // the last LOG_CONNECTIONS connections' conversation records
  wss.on('connection', (ws) => {
    const rec = { conn: ++connSeq, open: true, subscribes: new Map(), unsubscribes: new Map(), ticks: new Map() };
    connLog.push(rec);
    if (connLog.length > LOG_CONNECTIONS) connLog.shift();
    const pending = new Set(); // slow replies' timers
    const answer = (frame) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
    };
    const tick = (topic) => {
      const t = rec.ticks.get(topic);
      if (t) answer({ channel: 'tick', data: { topic, n: ++t.n, conn: rec.conn } });
    };

    /** Handles a conversation frame; false for anything else (which is echoed). */
    function converse(text) {
      if (text.charCodeAt(0) !== 123 /* { */) return false;
      let m;
      try {
        m = JSON.parse(text);
      } catch {
        return false;
      }
      if (!m || typeof m !== 'object' || Array.isArray(m)) return false;
      if (typeof m.sub === 'string' || typeof m.unsub === 'string') {
        const sub = typeof m.sub === 'string';
        const topic = sub ? m.sub : m.unsub;
        if (topic.length > MAX_TOPIC_LEN) return true;
        const counts = sub ? rec.subscribes : rec.unsubscribes;
        if (!counts.has(topic) && counts.size >= MAX_TOPICS) return true;
        counts.set(topic, (counts.get(topic) ?? 0) + 1);
        const t = rec.ticks.get(topic);
        if (sub && !t) {
          rec.ticks.set(topic, { n: 0, timer: setInterval(() => tick(topic), TICK_MS) });
          tick(topic);
        } else if (!sub && t) {
          clearInterval(t.timer);
          rec.ticks.delete(topic);
        }
        return true;
      }
      if (m.emit === 'reading') {
        answer({ channel: 'reading', data: { celsius: m.invalid ? 'warm' : 21.5 } });
        return true;
      }
      if (typeof m.channel !== 'string' || m.id === undefined) return false;
      const { channel, id, data } = m;
      if (channel === 'echo') answer({ channel, id, data });
      else if (channel === 'fail')
        answer({ channel, id, error: { message: 'the demo server refuses this request', data } });
      else if (channel === 'slow') {
        if (pending.size >= MAX_PENDING) {
          answer({ channel, id, error: { message: `more than ${MAX_PENDING} slow requests waiting` } });
          return true;
        }
        const ms = Math.min(MAX_SLOW_MS, Math.max(0, Number(data?.ms) || 0));
        const timer = setTimeout(() => {
          pending.delete(timer);
          answer({ channel, id, data: { ms } });
        }, ms);
        pending.add(timer);
      } else return false;
      return true;
    }

    ws.on('message', (data, isBinary) => {
      if (isBinary && data.length === 1 && data[0] === PING) ws.send(Buffer.from([PONG]), { binary: true });
      else if (!isBinary && converse(data.toString())) return;
      else ws.send(data, { binary: isBinary });
    });
    ws.on('close', () => {
      rec.open = false;
      for (const t of pending) clearTimeout(t);
      pending.clear();
      for (const t of rec.ticks.values()) clearInterval(t.timer);
      rec.ticks.clear();
    });
    ws.on('error', () => {});
  });

  const inner = http.createServer((req, res) => {
    handleHttp(req, res).catch((err) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(err?.message ?? err));
    });
  });
  inner.on('upgrade', (req, socket, head) => {
    if (new URL(req.url, 'http://x').pathname !== '/ws') return socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });
  await listen(inner, 0);

  // ── the proxy (public port) and the faults ──
  const pairs = new Set(); // every proxied connection: { client, upstream, ws }
  const held = new Set(); // client sockets silenced by a blackhole
  const faults = { stop: null, blackhole: null }; // { until, timer } while active

  const clients = new Set(); // every accepted socket, so close() never waits on an idle one
  const proxy = net.createServer((client) => {
    clients.add(client);
    client.on('close', () => clients.delete(client));
    client.on('error', () => {});
    let head = Buffer.alloc(0);
    const onData = (chunk) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0 && head.length < MAX_HEAD) return;
      client.off('data', onData);
      client.pause();
      route(client, head, /^upgrade:[ \t]*websocket/im.test(head.subarray(0, end).toString('latin1')));
    };
    client.on('data', onData);
  });

  function route(client, head, ws) {
    if (ws && faults.stop) return client.resetAndDestroy(); // the browser sees a reset
    if (ws && faults.blackhole) return hold(client);
    const upstream = net.connect(inner.address().port, '127.0.0.1');
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    const pair = { client, upstream, ws, end };
    pairs.add(pair);
    upstream.on('error', () => {});
    upstream.write(head);
    client.pipe(upstream).pipe(client);
    client.resume();
    client.on('close', end);
    upstream.on('close', end);
  }

  function hold(client) {
    held.add(client);
    client.on('data', () => {}); // read and discard: what is sent is lost
    client.resume();
    client.on('close', () => held.delete(client));
  }

  function wsPairs() {
    return [...pairs].filter((p) => p.ws && !p.client.destroyed);
  }

  function endFault(name) {
    const f = faults[name];
    if (!f) return;
    clearTimeout(f.timer);
    faults[name] = null;
    if (name === 'blackhole') {
      for (const c of held) c.destroy();
      held.clear();
    }
    log(`fault ${name}: ended`);
  }

  function startFault(name, ms) {
    endFault(name);
    faults[name] = { until: Date.now() + ms, timer: setTimeout(() => endFault(name), ms) };
  }

  const fault = {
    drop() {
      const list = wsPairs();
      for (const p of list) {
        p.client.destroy();
        p.upstream.destroy();
      }
      log(`fault drop: ${list.length} connection(s) destroyed`);
      return list.length;
    },
    stop(ms) {
      const n = fault.drop();
      startFault('stop', ms);
      log(`fault stop: refusing WebSocket connections for ${ms} ms`);
      return n;
    },
    blackhole(ms) {
      const list = wsPairs();
      for (const p of list) {
        // The server side forgets the connection; the browser's side stays open and hears nothing.
        pairs.delete(p);
        p.client.off('close', p.end);
        p.upstream.off('close', p.end);
        p.client.unpipe(p.upstream);
        p.upstream.unpipe(p.client);
        p.upstream.destroy();
        hold(p.client);
      }
      startFault('blackhole', ms);
      log(`fault blackhole: ${list.length} connection(s) silenced for ${ms} ms`);
      return list.length;
    },
    heal() {
      endFault('stop');
      endFault('blackhole');
    },
    status() {
      const left = (f) => (f ? Math.max(0, f.until - Date.now()) : 0);
      return {
        demo: 'steadysocket',
        version,
        ws: wsUrl,
        connections: wsPairs().length,
        held: held.size,
        stop: left(faults.stop),
        blackhole: left(faults.blackhole),
        log: connLog.map((r) => ({
          conn: r.conn,
          open: r.open,
          subscribes: Object.fromEntries(r.subscribes),
          unsubscribes: Object.fromEntries(r.unsubscribes),
          topics: [...r.ticks.keys()],
        })),
      };
    },
  };

  async function handleHttp(req, res) {
    const url = new URL(req.url, 'http://x');
    const send = (status, type, body) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    const json = (status, body) => send(status, 'application/json', JSON.stringify(body));

    if (url.pathname.startsWith('/fault/')) {
      if (req.method !== 'POST') return json(405, { error: 'use POST' });
      const ms = Math.min(MAX_FAULT_MS, Math.max(0, Number(url.searchParams.get('ms') ?? 5000) || 0));
      const name = url.pathname.slice('/fault/'.length);
      let affected = 0;
      if (name === 'drop') affected = fault.drop();
      else if (name === 'stop') affected = fault.stop(ms);
      else if (name === 'blackhole') affected = fault.blackhole(ms);
      else if (name === 'heal') fault.heal();
      else return json(404, { error: `unknown fault ${name}` });
      return json(200, { fault: name, affected, ...fault.status() });
    }
    if (url.pathname === '/status') return json(200, fault.status());
    const dist = Object.hasOwn(DIST, url.pathname) ? DIST[url.pathname] : undefined;
    if (dist) {
      try {
        return send(200, 'text/javascript; charset=utf-8', await readFile(dist));
      } catch {
        return send(404, 'text/plain', `${url.pathname.slice(1)} is missing: run npx rollup -c`);
      }
    }
    const file = files[url.pathname];
    if (!file || (req.method !== 'GET' && req.method !== 'HEAD')) return send(404, 'text/plain', 'not found');
    return send(200, file[1], await readFile(join(here, file[0])));
  }

  // ── listen (with the fallback) ──
  try {
    await listen(proxy, port);
  } catch (err) {
    if (!(fallback && port !== 0 && err.code === 'EADDRINUSE')) {
      await closeQuietly();
      throw err;
    }
    log(`port ${port} is busy: using a free one`);
    await listen(proxy, 0);
  }
  const actual = proxy.address().port;
  const url = `http://127.0.0.1:${actual}/`;
  const wsUrl = `ws://127.0.0.1:${actual}/ws`;

  async function closeQuietly() {
    fault.heal();
    for (const p of pairs) {
      p.client.destroy();
      p.upstream.destroy();
    }
    for (const c of clients) c.destroy();
    for (const ws of wss.clients) ws.terminate();
    wss.close();
    inner.closeAllConnections?.();
    await Promise.all([
      new Promise((r) => (proxy.listening ? proxy.close(() => r()) : r())),
      new Promise((r) => (inner.listening ? inner.close(() => r()) : r())),
    ]);
  }

  return { url, wsUrl, port: actual, fault, close: closeQuietly };
}

function listen(server, port) {
  return new Promise((resolve, reject) => {
    const onError = (err) => {
      server.off('listening', onListening);
      reject(err);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, '127.0.0.1');
  });
}
