// Bundled by esbuild into .tmp/bench/page.js (IIFE, global `bench`) and loaded in
// Chromium after dist/steadysocket.umd.min.js (global `steadysocket`).
import RWS from 'reconnecting-websocket';
import { WebSocket as PartyWS } from 'partysocket';
import Sockette from 'sockette';
import * as WebsocketTs from 'websocket-ts';
import { channelBench, driveOne, makeAdapters, overheadBench } from '../lib/overhead-core.mjs';

const libs = () => ({
  SteadySocket: globalThis.steadysocket?.SteadySocket,
  SteadySocketCore: globalThis.steadysocketCore?.SteadySocket,
  RWS,
  PartyWS,
  Sockette,
  WebsocketTs,
});
const adapters = () => makeAdapters(libs());

function deadline(ms, what) {
  let timer;
  const p = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms);
  });
  return { p, cancel: () => clearTimeout(timer) };
}

export async function overhead(opts) {
  const out = await overheadBench({ libs: libs(), ...opts });
  if (libs().SteadySocket && opts.names.includes('steadysocket'))
    out.channel = await channelBench({ libs: libs(), n: opts.n / 2, rounds: opts.rounds });
  return out;
}

export function drive(opts) {
  return driveOne({ libs: libs(), ...opts });
}

// ---- throughput ---------------------------------------------------------------
// One open connection per arm, reused across rounds. An arm's handler is swapped
// per measurement; every arm reaches it through the same one-line closure.
const tp = {};

function openConn(name, url, onData) {
  return new Promise((resolve, reject) => {
    const dl = deadline(10000, `open ${name}`);
    dl.p.catch(reject);
    const h = adapters()[name].create(url, WebSocket, {
      onOpen: () => {
        dl.cancel();
        resolve(h);
      },
      onMessage: onData,
    });
  });
}

/** arms: plain names, plus 'channel' (steadysocket channel) and 'channel-raw' (JSON by hand on a raw socket). */
export async function tpSetup(url, arms) {
  for (const arm of arms) {
    const slot = { handler: () => {} };
    if (arm === 'channel') {
      const h = await openConn('steadysocket', url);
      const ch = h.target.channel('c');
      ch.on((data) => slot.handler(data));
      slot.send = (obj) => ch.send(obj);
      slot.conn = h;
    } else if (arm === 'channel-raw') {
      const ws = await openConn('raw', url, (e) => {
        const m = JSON.parse(e.data);
        if (m !== null && typeof m === 'object' && m.channel === 'c') slot.handler(m.data);
      });
      slot.send = (obj) => ws.target.send(JSON.stringify({ channel: 'c', data: obj }));
      slot.conn = ws;
    } else {
      // 'raw#2' is a second raw socket: the A/A arm that shows the noise floor.
      const h = await openConn(arm.split('#')[0], url, (e) => slot.handler(e.data));
      slot.send = (d) => h.target.send(d);
      slot.conn = h;
    }
    tp[arm] = slot;
  }
  return Object.keys(tp);
}

/** Send n messages back to back, resolve with ms until the n-th echo arrives. */
export function tpMeasure(arm, size, n) {
  const slot = tp[arm];
  const isChannel = arm === 'channel' || arm === 'channel-raw';
  const msg = isChannel ? { id: 1, text: 'x'.repeat(Math.max(0, size - 40)) } : 'x'.repeat(size);
  return new Promise((resolve, reject) => {
    const dl = deadline(30000, `${arm} ${size}B x${n}`);
    dl.p.catch(reject);
    let got = 0;
    let t0 = 0;
    slot.handler = () => {
      if (++got === n) {
        const t = performance.now() - t0;
        dl.cancel();
        slot.handler = () => {};
        resolve(t);
      }
    };
    t0 = performance.now();
    for (let i = 0; i < n; i++) slot.send(msg);
  });
}

export function tpTeardown() {
  for (const k of Object.keys(tp)) {
    try {
      tp[k].conn.close();
    } catch {}
    delete tp[k];
  }
}

// ---- memory -------------------------------------------------------------------
let held = [];

/**
 * Open n idle connections with one library, spread over several server ports
 * (urls), one pending connection per port: Chromium lets one handshake per
 * host:port be in flight and waits ~10 ms after each, and its throttle delays
 * new connections exponentially in the number pending.
 */
export async function memOpen(name, urls, n) {
  const a = adapters()[name];
  let next = 0;
  const openOne = (i, url) =>
    new Promise((resolve, reject) => {
      const dl = deadline(10000, `open ${name} #${i}`);
      dl.p.catch(reject);
      held.push(
        a.create(url, WebSocket, {
          onOpen: () => {
            dl.cancel();
            resolve();
          },
        }),
      );
    });
  const worker = async (url) => {
    while (next < n) await openOne(next++, url);
  };
  await Promise.all(urls.map(worker));
  return held.length;
}

/** Close everything memOpen opened and forget it. */
export async function memClose(waitMs = 3000) {
  const hs = held;
  held = [];
  for (const h of hs) {
    try {
      h.close();
    } catch {}
  }
  // Let the closing handshakes finish so the sockets are released before the next arm.
  await new Promise((r) => setTimeout(r, waitMs));
  return hs.length;
}

// ---- request round trip -------------------------------------------------------
// steadysocket's channel('x').request(data) vs a hand-written client on a raw
// WebSocket: its own Map<id, resolve> and the same JSON envelope. Both on one
// connection each to the /rpc server, which answers {"channel","id","data"} with the same.
const rpc = {};

export async function rpcSetup(url) {
  const open = (ws) =>
    new Promise((resolve, reject) => {
      const dl = deadline(10000, 'rpc open');
      dl.p.catch(reject);
      ws.addEventListener('open', () => {
        dl.cancel();
        resolve();
      });
    });
  const mk = (id) => {
    const s = new globalThis.steadysocket.SteadySocket(url);
    const ch = s.channel('x');
    rpc[id] = { request: (data) => ch.request(data), close: () => s.close(), ready: open(s) };
  };
  mk('steadysocket');
  // hand-written: 'raw' and 'raw#2' (A/A) are two such clients
  for (const id of ['raw', 'raw#2']) {
    const ws = new WebSocket(url);
    const pending = new Map();
    let next = 0;
    ws.onmessage = (e) => {
      const m = JSON.parse(e.data);
      if (m !== null && typeof m === 'object' && m.channel === 'x' && m.id !== undefined) {
        const resolve = pending.get(m.id);
        if (resolve) {
          pending.delete(m.id);
          resolve(m.data);
        }
      }
    };
    const request = (data) =>
      new Promise((resolve) => {
        const rid = String(++next);
        pending.set(rid, resolve);
        ws.send(JSON.stringify({ channel: 'x', id: rid, data }));
      });
    rpc[id] = { request, close: () => ws.close(), ready: open(ws) };
  }
  await Promise.all(Object.values(rpc).map((a) => a.ready));
  return Object.keys(rpc);
}

/** n round trips, one after the other (mode 'seq') or all at once ('batch'); resolves with ms. */
export async function rpcMeasure(arm, mode, n) {
  const a = rpc[arm];
  const data = { id: 7, q: 'hello' };
  const dl = deadline(30000, `rpc ${arm} ${mode} x${n}`);
  const run = async () => {
    const t0 = performance.now();
    if (mode === 'seq') {
      for (let i = 0; i < n; i++) {
        const r = await a.request(data);
        if (r?.id !== 7) throw new Error(`${arm}: wrong reply ${JSON.stringify(r)}`);
      }
    } else {
      const rs = await Promise.all(Array.from({ length: n }, () => a.request(data)));
      if (rs.length !== n || rs.some((r) => r?.id !== 7)) throw new Error(`${arm}: wrong replies`);
    }
    return performance.now() - t0;
  };
  try {
    return await Promise.race([run(), dl.p]);
  } finally {
    dl.cancel();
  }
}

export function rpcTeardown() {
  for (const k of Object.keys(rpc)) {
    try {
      rpc[k].close();
    } catch {}
    delete rpc[k];
  }
}

// ---- fast reconnect -------------------------------------------------------------
// The /bounce server closes every connection right after it opens. raw: a new
// WebSocket made in the old one's close handler; steadysocket (core or full):
// reconnect { minDelay: 0, jitter: 0 }. urls: one url, or several (ports of the same
// server) taken in turn by every arm. Resolves with ms for n connect/close cycles.
export function reconnectCycles(arm, urls, n) {
  return new Promise((resolve, reject) => {
    const dl = deadline(60000, `reconnect ${arm} x${n}`);
    let closes = 0;
    let opens = 0;
    let next = 0;
    const nextUrl = () => urls[next++ % urls.length];
    let t0 = 0;
    const done = (stop) => {
      const t = performance.now() - t0;
      dl.cancel();
      stop();
      if (opens < n) reject(new Error(`${arm}: ${opens} opens for ${n} closes`));
      else resolve(t);
    };
    dl.p.catch(reject);
    t0 = performance.now();
    if (arm.startsWith('raw')) {
      // 'raw-timer': the next socket made in a 0 ms timer, as a library that schedules its retry does
      const later = arm === 'raw-timer';
      const go = () => {
        const ws = new WebSocket(nextUrl());
        ws.onopen = () => opens++;
        ws.onclose = () => (++closes === n ? done(() => {}) : later ? setTimeout(go, 0) : go());
      };
      go();
      return;
    }
    const Ctor = (arm === 'steadysocket/core' ? globalThis.steadysocketCore : globalThis.steadysocket).SteadySocket;
    const s = new Ctor(urls.length === 1 ? urls[0] : nextUrl, { reconnect: { minDelay: 0, jitter: 0 } });
    s.onopen = () => opens++;
    s.onclose = () => {
      if (++closes === n) done(() => s.close());
    };
  });
}
