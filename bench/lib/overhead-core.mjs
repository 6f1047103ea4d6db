// Per-message overhead: what a wrapper adds on top of the WebSocket it drives.
// Runs in Node and in Chromium (bundled). A fake, in-memory WebSocket (an
// EventTarget that we drive synchronously) stands in for the network:
//   inbound:  fake.dispatchEvent(ev) N times, ev one MessageEvent reused, with a
//             listener on the library  vs  the same listener on a bare fake;
//   outbound: lib.send(p) N times  vs  fake.send(p) N times.
// Arms alternate (bare, lib / lib, bare) within every round; each round gives
// one difference; we report the median difference, in ns per message.
import { makeAdapters as makePeerAdapters } from './adapters.mjs';

/** The core entry's name in the reports (`libs.SteadySocketCore`, driven like the full one). */
export const CORE = 'steadysocket/core';

/** The shared adapters, plus the core entry driven exactly as the full one is. */
export function makeAdapters(libs) {
  const a = makePeerAdapters(libs);
  if (libs.SteadySocketCore) a[CORE] = makePeerAdapters({ ...libs, SteadySocket: libs.SteadySocketCore }).steadysocket;
  return a;
}

class FakeWS extends EventTarget {
  static CONNECTING = 0;
  static OPEN = 1;
  static CLOSING = 2;
  static CLOSED = 3;
  static instances = [];
  CONNECTING = 0;
  OPEN = 1;
  CLOSING = 2;
  CLOSED = 3;
  readyState = 0;
  protocol = '';
  extensions = '';
  binaryType = 'blob';
  bufferedAmount = 0;
  sent = 0;
  last = undefined;
  #on = {};
  constructor(url) {
    super();
    this.url = String(url);
    FakeWS.instances.push(this);
  }
  send(data) {
    this.sent++;
    this.last = data;
  }
  close(code = 1000, reason = '') {
    if (this.readyState === 3) return;
    this.readyState = 3;
    const e = new Event('close');
    Object.assign(e, { code, reason, wasClean: true });
    this.dispatchEvent(e);
  }
  #prop(type, fn) {
    if (this.#on[type]) this.removeEventListener(type, this.#on[type]);
    this.#on[type] = typeof fn === 'function' ? fn : undefined;
    if (this.#on[type]) this.addEventListener(type, this.#on[type]);
  }
  set onopen(fn) {
    this.#prop('open', fn);
  }
  get onopen() {
    return this.#on.open ?? null;
  }
  set onmessage(fn) {
    this.#prop('message', fn);
  }
  get onmessage() {
    return this.#on.message ?? null;
  }
  set onclose(fn) {
    this.#prop('close', fn);
  }
  get onclose() {
    return this.#on.close ?? null;
  }
  set onerror(fn) {
    this.#prop('error', fn);
  }
  get onerror() {
    return this.#on.error ?? null;
  }
}

const tick = () => new Promise((r) => setTimeout(r, 0));

// Each arm gets its own compiled loops and listener, so every call site stays
// monomorphic and no arm pays for another arm's shapes.
const makeSendLoop = () => new Function('t', 'p', 'n', 'for (let i = 0; i < n; i++) t.send(p);');
const makeDispatchLoop = () => new Function('f', 'ev', 'n', 'for (let i = 0; i < n; i++) f.dispatchEvent(ev);');
const makeSink = (sink) => new Function('sink', 'return function (e) { sink.n++; sink.last = e.data; };')(sink);

export async function openArm(adapters, name) {
  FakeWS.instances.length = 0;
  const sink = { n: 0, last: undefined };
  const onMessage = makeSink(sink);
  const h = adapters[name].create('ws://fake.invalid/', FakeWS, { onMessage });
  for (let i = 0; i < 200 && !FakeWS.instances.length; i++) await tick(); // rws/partysocket connect async
  const fake = FakeWS.instances[0];
  if (!fake) throw new Error(`${name}: never constructed its WebSocket`);
  fake.readyState = 1;
  fake.dispatchEvent(new Event('open'));
  for (let i = 0; i < 5; i++) await tick();
  const before = fake.sent;
  h.target.send('probe');
  if (fake.sent !== before + 1) throw new Error(`${name}: send() did not reach the open socket`);
  return { name, target: h.target, fake, sink, send: makeSendLoop(), dispatch: makeDispatchLoop(), close: h.close };
}

export function bareArm() {
  const fake = new FakeWS('ws://fake.invalid/');
  fake.readyState = 1;
  const sink = { n: 0, last: undefined };
  fake.addEventListener('message', makeSink(sink));
  return { name: 'bare', target: fake, fake, sink, send: makeSendLoop(), dispatch: makeDispatchLoop() };
}

// With --expose-gc (Node child, Chromium --js-flags), start every timed run from
// a clean young generation so one arm's garbage is not collected on another's clock.
const gc = typeof globalThis.gc === 'function' ? globalThis.gc : () => {};

export function timeInbound(arm, ev, n) {
  gc();
  const s0 = arm.sink.n;
  const t0 = performance.now();
  arm.dispatch(arm.fake, ev, n);
  const t = performance.now() - t0;
  if (arm.sink.n - s0 !== n) throw new Error(`${arm.name}: delivered ${arm.sink.n - s0} of ${n} messages`);
  return (t * 1e6) / n;
}

export function timeOutbound(arm, payload, n) {
  gc();
  const s0 = arm.fake.sent;
  const t0 = performance.now();
  arm.send(arm.target, payload, n);
  const t = performance.now() - t0;
  if (arm.fake.sent - s0 !== n) throw new Error(`${arm.name}: sent ${arm.fake.sent - s0} of ${n} messages`);
  return (t * 1e6) / n;
}

const med = (xs) => {
  const a = [...xs].sort((x, y) => x - y);
  const m = a.length >> 1;
  return a.length % 2 ? a[m] : (a[m - 1] + a[m]) / 2;
};

/**
 * @param {{ libs: object, names: string[], n: number, rounds: number, warmup?: number }} o
 * @returns per name: { inbound: {median, min, max, bare, lib}, outbound: {...} } in ns/message,
 *          or { error } when that library could not be driven.
 */
export async function overheadBench({ libs, names, n, rounds, warmup = 2 }) {
  const adapters = makeAdapters(libs);
  const payload = 'x'.repeat(32);
  const ev = new MessageEvent('message', { data: payload });
  const bare = bareArm();
  const arms = [];
  const out = {};
  for (const name of names) {
    try {
      arms.push(await openArm(adapters, name));
    } catch (e) {
      out[name] = { error: String(e?.message ?? e) };
    }
  }
  const diffs = Object.fromEntries(
    arms.map((a) => [a.name, { in: [], out: [], bareIn: [], libIn: [], bareOut: [], libOut: [] }]),
  );
  for (let r = -warmup; r < rounds; r++) {
    for (let k = 0; k < arms.length; k++) {
      const arm = arms[(k + Math.max(r, 0)) % arms.length]; // rotate the order every round
      const d = diffs[arm.name];
      const libFirst = r % 2 === 0;
      let bi;
      let li;
      let bo;
      let lo;
      if (libFirst) {
        li = timeInbound(arm, ev, n);
        bi = timeInbound(bare, ev, n);
        lo = timeOutbound(arm, payload, n);
        bo = timeOutbound(bare, payload, n);
      } else {
        bi = timeInbound(bare, ev, n);
        li = timeInbound(arm, ev, n);
        bo = timeOutbound(bare, payload, n);
        lo = timeOutbound(arm, payload, n);
      }
      if (r < 0) continue;
      d.in.push(li - bi);
      d.out.push(lo - bo);
      d.bareIn.push(bi);
      d.libIn.push(li);
      d.bareOut.push(bo);
      d.libOut.push(lo);
    }
  }
  for (const arm of arms) {
    const d = diffs[arm.name];
    out[arm.name] = {
      inbound: {
        median: med(d.in),
        min: Math.min(...d.in),
        max: Math.max(...d.in),
        bare: med(d.bareIn),
        lib: med(d.libIn),
      },
      outbound: {
        median: med(d.out),
        min: Math.min(...d.out),
        max: Math.max(...d.out),
        bare: med(d.bareOut),
        lib: med(d.libOut),
      },
      raw: d,
    };
    try {
      arm.close?.();
    } catch {}
  }
  return out;
}

/**
 * For profiling (bench/profile.mjs): drive one library's inbound or outbound
 * path `reps` times n messages; returns ns per message.
 */
export async function driveOne({ libs, name, dir, n, reps }) {
  const arm = name === 'bare' ? bareArm() : await openArm(makeAdapters(libs), name);
  const payload = 'x'.repeat(32);
  const ev = new MessageEvent('message', { data: payload });
  const per = [];
  for (let r = 0; r < reps; r++) per.push(dir === 'inbound' ? timeInbound(arm, ev, n) : timeOutbound(arm, payload, n));
  return med(per);
}

/**
 * Channel path on the fake transport: steadysocket's channel('c').on/send vs the
 * same envelope by hand on a bare fake (JSON.parse + channel check in a message
 * listener; fake.send(JSON.stringify({ channel, data }))). ns per message added.
 */
export async function channelBench({ libs, n, rounds, warmup = 2 }) {
  const obj = { id: 1, text: 'hello' };
  const frame = JSON.stringify({ channel: 'c', data: obj });
  const ev = new MessageEvent('message', { data: frame });
  // the library arm
  FakeWS.instances.length = 0;
  const s = new libs.SteadySocket('ws://fake.invalid/', undefined, { WebSocket: FakeWS });
  for (let i = 0; i < 200 && !FakeWS.instances.length; i++) await tick();
  const fake = FakeWS.instances[0];
  fake.readyState = 1;
  fake.dispatchEvent(new Event('open'));
  for (let i = 0; i < 5; i++) await tick();
  const ch = s.channel('c');
  const libSink = { n: 0, last: undefined };
  ch.on(new Function('sink', 'return function (data) { sink.n++; sink.last = data; };')(libSink));
  // the hand-written arm
  const bare = new FakeWS('ws://fake.invalid/');
  bare.readyState = 1;
  const bareSink = { n: 0, last: undefined };
  bare.addEventListener(
    'message',
    new Function(
      'sink',
      'return function (e) { const m = JSON.parse(e.data); if (m !== null && typeof m === "object" && m.channel === "c") { sink.n++; sink.last = m.data; } };',
    )(bareSink),
  );
  const libSend = new Function('ch', 'o', 'n', 'for (let i = 0; i < n; i++) ch.send(o);');
  const bareSend = new Function(
    'f',
    'o',
    'n',
    'for (let i = 0; i < n; i++) f.send(JSON.stringify({ channel: "c", data: o }));',
  );
  const libIn = makeDispatchLoop();
  const bareIn = makeDispatchLoop();
  const time = (fn) => {
    gc();
    const t0 = performance.now();
    fn();
    return ((performance.now() - t0) * 1e6) / n;
  };
  const d = { in: [], out: [] };
  for (let r = -warmup; r < rounds; r++) {
    const l0 = libSink.n;
    const b0 = bareSink.n;
    const f0 = fake.sent;
    const g0 = bare.sent;
    // alternate which arm runs first
    const both = (lib, hand) => (r % 2 ? [time(lib), time(hand)] : [time(hand), time(lib)].reverse());
    const [li, bi] = both(
      () => libIn(fake, ev, n),
      () => bareIn(bare, ev, n),
    );
    const [lo, bo] = both(
      () => libSend(ch, obj, n),
      () => bareSend(bare, obj, n),
    );
    if (libSink.n - l0 !== n || bareSink.n - b0 !== n) throw new Error('channel bench: messages lost');
    if (fake.sent - f0 !== n || bare.sent - g0 !== n) throw new Error('channel bench: sends lost');
    if (fake.last !== frame) throw new Error(`channel bench: codec produced ${String(fake.last).slice(0, 80)}`);
    if (r < 0) continue;
    d.in.push(li - bi);
    d.out.push(lo - bo);
  }
  s.close();
  const sum = (xs) => ({ median: med(xs), min: Math.min(...xs), max: Math.max(...xs) });
  return { inbound: sum(d.in), outbound: sum(d.out) };
}
