#!/usr/bin/env node
// Where the per-message time goes: CPU profile of steadysocket's inbound or
// outbound path on the fake transport (see lib/overhead-core.mjs), in Chromium
// (CDP Profiler) and in Node (inspector), with readable names: the page loads
// an unminified bundle of dist/steadysocket.mjs instead of the UMD file.
//   node bench/profile.mjs [inbound|outbound] [library] [--top 20]
//   node bench/profile.mjs memory [library]   heap snapshot diff per idle connection (Chromium)
//   node bench/profile.mjs size                what the UMD bytes are made of
//   node bench/profile.mjs reconnect           where a fast reconnect cycle's time goes (raw, core, full; Chromium)
import path from 'node:path';
import { Session } from 'node:inspector/promises';
import * as esbuild from 'esbuild';
import { openBrowser } from './lib/browser.mjs';
import { ROOT, TMP } from './lib/util.mjs';

/** dist/steadysocket.mjs as one IIFE (global `steadysocket`) for the profiling page. */
async function buildSteadyScript() {
  const file = path.join(TMP, 'steadysocket.iife.js');
  await esbuild.build({
    entryPoints: [path.join(ROOT, 'dist', 'steadysocket.mjs')],
    bundle: true,
    format: 'iife',
    globalName: 'steadysocket',
    outfile: file,
    logLevel: 'error',
  });
  return file;
}

const args = process.argv.slice(2);
const topAt = args.indexOf('--top');
const pos = args.filter((a, i) => !a.startsWith('--') && (topAt < 0 || i !== topAt + 1));
const dir = pos[0] ?? 'inbound';
const name = pos[1] ?? 'steadysocket';
// the page serves the unminified bundle under the UMD file's name
const top = (topAt >= 0 && Number(args[topAt + 1])) || 20;
const run = { name, dir, n: 50_000, reps: 60 };

/** Self time per function (name + location), in % of the samples, biggest first. */
function summarize(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  let total = 0;
  for (const id of profile.samples) {
    const cf = byId.get(id).callFrame;
    const file = cf.url ? path.basename(cf.url.split('?')[0]) : '';
    const key = `${cf.functionName || '(anonymous)'}  ${file}${file ? `:${cf.lineNumber + 1}` : ''}`;
    self.set(key, (self.get(key) ?? 0) + 1);
    total++;
  }
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, v]) => `${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`)
    .join('\n');
}

async function chromiumProfile() {
  const b = await openBrowser({ steadyScript: await buildSteadyScript() });
  try {
    await b.page.evaluate((o) => window.bench.drive({ ...o, reps: 5 }), run); // warm up
    await b.cdp.send('Profiler.enable');
    await b.cdp.send('Profiler.setSamplingInterval', { interval: 50 });
    await b.cdp.send('Profiler.start');
    const ns = await b.page.evaluate((o) => window.bench.drive(o), run);
    const { profile } = await b.cdp.send('Profiler.stop');
    return { ns, text: summarize(profile), version: b.version };
  } finally {
    await b.close();
  }
}

async function nodeProfile() {
  const { loadLibs } = await import('./lib/libs-node.mjs');
  const { driveOne } = await import('./lib/overhead-core.mjs');
  const libs = await loadLibs({ steady: name === 'steadysocket' });
  await driveOne({ libs, ...run, reps: 5 });
  const s = new Session();
  s.connect();
  await s.post('Profiler.enable');
  await s.post('Profiler.setSamplingInterval', { interval: 50 });
  await s.post('Profiler.start');
  const ns = await driveOne({ libs, ...run });
  const { profile } = await s.post('Profiler.stop');
  s.disconnect();
  return { ns, text: summarize(profile) };
}

/** Heap snapshot (CDP) -> Map "type name" -> { count, size }. */
async function snapshot(cdp) {
  const chunks = [];
  const onChunk = (e) => chunks.push(e.chunk);
  cdp.on('HeapProfiler.addHeapSnapshotChunk', onChunk);
  for (let i = 0; i < 3; i++) await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false, exposeInternals: false });
  cdp.off('HeapProfiler.addHeapSnapshotChunk', onChunk);
  const snap = JSON.parse(chunks.join(''));
  const f = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const [iT, iN, iS] = ['type', 'name', 'self_size'].map((k) => f.indexOf(k));
  const agg = new Map();
  for (let i = 0; i < snap.nodes.length; i += f.length) {
    const type = types[snap.nodes[i + iT]];
    let name = snap.strings[snap.nodes[i + iN]];
    if (type === 'string' || type === 'concatenated string' || type === 'sliced string') name = '(string)';
    if (type === 'code' || type === 'number' || type === 'hidden') name = `(${type})`;
    if (name.length > 60) name = `${name.slice(0, 57)}...`;
    const key = `${type.padEnd(8)} ${name}`;
    const a = agg.get(key) ?? { count: 0, size: 0 };
    a.count++;
    a.size += snap.nodes[i + iS];
    agg.set(key, a);
  }
  return agg;
}

async function memoryProfile(n = 200) {
  const b = await openBrowser({ steadyScript: await buildSteadyScript() });
  try {
    await b.cdp.send('HeapProfiler.enable');
    const out = [];
    for (const lib of ['raw', name]) {
      await b.page.evaluate(([x, u, k]) => window.bench.memOpen(x, u, k), [lib, b.srv.wsAll('/idle'), 50]); // warm-up
      await b.page.evaluate(() => window.bench.memClose(0));
      for (let end = Date.now() + 10_000; b.srv.clients() > 0 && Date.now() < end; )
        await new Promise((r) => setTimeout(r, 50));
      const before = await snapshot(b.cdp);
      await b.page.evaluate(([x, u, k]) => window.bench.memOpen(x, u, k), [lib, b.srv.wsAll('/idle'), n]);
      const after = await snapshot(b.cdp);
      await b.page.evaluate(() => window.bench.memClose(0));
      const rows = [];
      let total = 0;
      for (const [k, a] of after) {
        const z = before.get(k) ?? { count: 0, size: 0 };
        const dc = a.count - z.count;
        const ds = a.size - z.size;
        total += ds;
        if (Math.abs(ds) >= n * 4) rows.push([ds / n, dc / n, k]);
      }
      rows.sort((x, y) => y[0] - x[0]);
      out.push(
        `## ${lib}: heap snapshot diff, ${n} idle connections: ${(total / n).toFixed(0)} B per connection (self sizes, V8 + Blink objects in the snapshot)\n\n` +
          '   B/conn  objs/conn  type     name\n' +
          rows
            .slice(0, top)
            .map(([s, c, k]) => `${s.toFixed(0).padStart(9)}  ${c.toFixed(2).padStart(9)}  ${k}`)
            .join('\n'),
      );
      const end = Date.now() + 10_000;
      while (b.srv.clients() > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    }
    return out.join('\n\n');
  } finally {
    await b.close();
  }
}

/** Bytes per source module (esbuild bundle of src/ with metafile) and string literals in the UMD. */
async function sizeProfile() {
  const fs = await import('node:fs');
  const zlib = await import('node:zlib');
  const r = await esbuild.build({
    entryPoints: [path.join(ROOT, 'src', 'index.ts')],
    bundle: true,
    minify: true,
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'error',
  });
  const out = Object.values(r.metafile.outputs)[0];
  const total = r.outputFiles[0].contents.length;
  const gz = (b) => zlib.gzipSync(b, { level: 9 }).length;
  const lines = Object.entries(out.inputs)
    .sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput)
    .map(
      ([f, v]) =>
        `${String(v.bytesInOutput).padStart(7)}  ${((100 * v.bytesInOutput) / total).toFixed(1).padStart(5)}%  ${f}`,
    );
  const umd = fs.readFileSync(path.join(ROOT, 'dist', 'steadysocket.umd.min.js'), 'utf8');
  // acorn comes with rollup/terser; used only here, to find the string and template literals
  const { tokenizer } = await import('acorn');
  const lits = [];
  for (const t of tokenizer(umd, { ecmaVersion: 'latest' })) {
    if (t.type.label === 'string' || t.type.label === 'template') lits.push(umd.slice(t.start, t.end));
  }
  const long = lits.filter((x) => x.length > 12);
  const strBytes = long.reduce((a, x) => a + x.length, 0);
  return [
    `## src/ bundled by esbuild --minify: ${total} B (gzip ${gz(r.outputFiles[0].contents)} B); bytes per module`,
    '',
    ...lines,
    '',
    `## dist/steadysocket.umd.min.js: ${umd.length} B, gzip ${gz(Buffer.from(umd))} B`,
    `${long.length} string/template literals longer than 12 chars: ${strBytes} B of ${umd.length}; gzip of those strings alone, concatenated: ${gz(Buffer.from(long.join('')))} B`,
    '',
    ...long
      .sort((a, b) => b.length - a.length)
      .slice(0, top)
      .map((x) => `${String(x.length).padStart(5)}  ${x.slice(0, 110)}`),
  ].join('\n');
}

if (dir === 'size') {
  console.log(await sizeProfile());
  process.exit(0);
}

if (dir === 'reconnect') {
  const { profileReconnect } = await import('./reconnect.mjs');
  const pr = await profileReconnect({ n: 200, reps: 3, top });
  for (const [arm, x] of Object.entries(pr)) {
    const c = Object.entries(x.usPerCycle)
      .map(([k, v]) => `${k} ${v.toFixed(0)}`)
      .join(', ');
    console.log(`## ${arm}: ${(x.msPerCycle * 1000).toFixed(0)} µs per cycle; µs per cycle by category: ${c}`);
    for (const [k, v] of x.top) console.log(`${v.toFixed(1).padStart(8)} µs  ${k}`);
    console.log('');
  }
  process.exit(0);
}

if (dir === 'memory') {
  console.log(await memoryProfile());
  process.exit(0);
}

const c = await chromiumProfile();
console.log(
  `## Chromium ${c.version}: ${name} ${dir}, ${c.ns.toFixed(0)} ns/message in the loop (bare fake included)\n(steadysocket.umd.min.js here = an unminified bundle of dist/steadysocket.mjs)\n\n${c.text}\n`,
);
const nd = await nodeProfile();
console.log(
  `## Node ${process.version}: ${name} ${dir}, ${nd.ns.toFixed(0)} ns/message in the loop (bare fake included)\n\n${nd.text}`,
);
process.exit(0);
