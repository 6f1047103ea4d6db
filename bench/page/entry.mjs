// Bundled by esbuild into .tmp/bench/page.js (IIFE, global `bench`) and loaded in
// Chromium after dist/steadysocket.umd.min.js (global `steadysocket`).
import RWS from 'reconnecting-websocket';
import { WebSocket as PartyWS } from 'partysocket';
import Sockette from 'sockette';
import * as WebsocketTs from 'websocket-ts';
import { makeAdapters } from '../lib/adapters.mjs';
import { channelBench, driveOne, overheadBench } from '../lib/overhead-core.mjs';

const libs = () => ({ SteadySocket: globalThis.steadysocket?.SteadySocket, RWS, PartyWS, Sockette, WebsocketTs });
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
