// Fast reconnect in Chromium: the /bounce server closes every connection right after it
// opens. raw = a new WebSocket made in the old one's close handler; steadysocket core and
// full = reconnect { minDelay: 0, jitter: 0 }. Each run times n connect/close cycles; the
// arms interleaved (lib/sandwich.mjs); 'raw#2' is the A/A arm.
// profileReconnect(): where the time of one run goes (CDP Profiler, readable builds).
import path from 'node:path';
import * as esbuild from 'esbuild';
import { openBrowser } from './lib/browser.mjs';
import { sandwich } from './lib/sandwich.mjs';
import { log, ROOT, TMP } from './lib/util.mjs';

// 'raw-timer': raw with the next socket made in a 0 ms timer (what scheduling a retry costs by itself)
export const ARMS = ['raw#2', 'raw-timer', 'steadysocket/core', 'steadysocket'];

/**
 * ports 'all': the arms take the server's 7 ports in turn, so Chromium's per-endpoint
 * handshake throttle (a new WebSocket to a host:port waits until ~10 ms after the previous
 * handshake there) does not set the pace and the clients' own cost shows; 'one': every
 * cycle on the same port, as an app reconnecting to its one server sees it.
 */
export async function runReconnect(b, { rounds, n, ports = 'all' }) {
  const urls = ports === 'all' ? b.srv.wsAll('/bounce') : [b.srv.ws('/bounce')];
  log(`reconnect (${urls.length} port(s)): ${n} cycles per run, ${rounds} rounds`);
  const r = await sandwich(
    (arm) => b.page.evaluate(([a, u, k]) => window.bench.reconnectCycles(a, u, k), [arm, urls, n]),
    'raw',
    ARMS,
    rounds,
  );
  for (const a of Object.values(r)) {
    a.msPerCycle = a.ms / n;
    a.cyclesPerSec = (1000 * n) / a.ms;
  }
  return { rounds, n, ports: urls.length, arms: r };
}

/** dist/<file> as one unminified IIFE under `global`, so profiles name the functions. */
async function readable(file, global) {
  const outfile = path.join(TMP, `${global}.iife.js`);
  await esbuild.build({
    entryPoints: [path.join(ROOT, 'dist', file)],
    bundle: true,
    format: 'iife',
    globalName: global,
    outfile,
    logLevel: 'error',
  });
  return outfile;
}

// the readable builds are served under the script-tag builds' names
const LIB_FILES = ['steadysocket.umd.min.js', 'steadysocket.core.umd.min.js'];

/**
 * CPU profile of `reps` runs of n cycles per arm (raw, core, full), 50 µs sampling. Returns per
 * arm: ms per cycle, main-thread busy µs per cycle by category (library code, page/bench code,
 * GC, native/V8 internals, idle), and the library's top self-time functions (µs per cycle).
 */
export async function profileReconnect({ n = 200, reps = 3, top = 12 } = {}) {
  const b = await openBrowser({
    steadyScript: await readable('steadysocket.mjs', 'steadysocket'),
    coreScript: await readable('steadysocket.core.mjs', 'steadysocketCore'),
  });
  const urls = b.srv.wsAll('/bounce');
  const out = {};
  try {
    await b.cdp.send('Profiler.enable');
    await b.cdp.send('Profiler.setSamplingInterval', { interval: 50 });
    for (const arm of ['raw', 'steadysocket/core', 'steadysocket']) {
      await b.page.evaluate(([a, u, k]) => window.bench.reconnectCycles(a, u, k), [arm, urls, n]); // warm up
      await b.cdp.send('Profiler.start');
      let ms = 0;
      for (let i = 0; i < reps; i++)
        ms += await b.page.evaluate(([a, u, k]) => window.bench.reconnectCycles(a, u, k), [arm, urls, n]);
      const { profile } = await b.cdp.send('Profiler.stop');
      out[arm] = { msPerCycle: ms / (n * reps), ...summarize(profile, n * reps, top) };
    }
  } finally {
    await b.close();
  }
  return out;
}

/**
 * Time by category and by library function, in µs per cycle. Each sample counts for the
 * profile's mean sampling interval (a sample's own time delta would hand a whole descheduled
 * stretch of a loaded machine to whatever function it happened to land in). A native function
 * on top of the stack (a DOM or builtin call: `new WebSocket`, `setTimeout`,
 * `Object.defineProperties`) counts for the nearest JavaScript caller below it, and is named
 * after it as `caller > native`.
 */
function summarize(profile, cycles, top) {
  const tick = (profile.endTime - profile.startTime) / profile.samples.length;
  const byId = new Map(profile.nodes.map((x) => [x.id, x]));
  const parent = new Map();
  for (const x of profile.nodes) for (const c of x.children ?? []) parent.set(c, x.id);
  const fileOf = (cf) => (cf.url ? path.basename(cf.url.split('?')[0]) : '');
  const cat = { ctor: 0, library: 0, bench: 0, program: 0, gc: 0, idle: 0 };
  const fns = new Map();
  for (const id of profile.samples) {
    const cf = byId.get(id).callFrame;
    let c;
    let key;
    if (cf.functionName === '(idle)') c = 'idle';
    else if (cf.functionName === '(garbage collector)') c = 'gc';
    else if (cf.functionName === '(program)' || cf.functionName === '(root)') c = 'program';
    else {
      // the nearest frame with a script file: this one, or the JavaScript that called the native one
      let at = id;
      while (at !== undefined && !fileOf(byId.get(at).callFrame)) at = parent.get(at);
      const js = at === undefined ? undefined : byId.get(at).callFrame;
      c = js && LIB_FILES.includes(fileOf(js)) ? 'library' : js ? 'bench' : 'program';
      // the native constructor itself, whoever calls it: the same work in every arm
      if (js && js !== cf && cf.functionName === 'WebSocket') c = 'ctor';
      if (js) {
        const name = (f) => f.functionName || '(anonymous)';
        key = `${c === 'library' ? '' : 'page: '}${js === cf ? name(js) : `${name(js)} > ${name(cf)}`}`;
      }
    }
    cat[c] += tick;
    if (key) fns.set(key, (fns.get(key) ?? 0) + tick);
  }
  const per = (x) => x / cycles;
  return {
    usPerCycle: Object.fromEntries(Object.entries(cat).map(([k, v]) => [k, per(v)])),
    busyUsPerCycle: per(cat.ctor + cat.library + cat.bench + cat.program + cat.gc),
    // the library's functions; on the raw arm, the page's
    top: [...fns.entries()]
      .filter(([k]) => (cat.library ? !k.startsWith('page: ') : true))
      .sort((x, y) => y[1] - x[1])
      .slice(0, top)
      .map(([k, v]) => [k, per(v)]),
  };
}
