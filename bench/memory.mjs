// Memory per idle connection in Chromium: JS heap after GC (CDP
// HeapProfiler.collectGarbage + Runtime.getHeapUsage) before and after opening
// n idle connections with one library; arms rotated per round. Two figures:
// the V8 heap (usedSize) and V8 + Blink's own heap (embedderHeapUsedSize, where
// native objects such as the WebSocket itself and its listeners live).
import { log, median, spread, sleep } from './lib/util.mjs';

async function heap(cdp) {
  for (let i = 0; i < 3; i++) await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize, embedderHeapUsedSize = Number.NaN } = await cdp.send('Runtime.getHeapUsage');
  return { v8: usedSize, all: usedSize + embedderHeapUsedSize };
}

async function drain(b, limitMs = 10_000) {
  const end = Date.now() + limitMs;
  while (b.srv.clients() > 0 && Date.now() < end) await sleep(50);
  return b.srv.clients();
}

export async function runMemory(b, names, { n = 200, rounds = 3 }) {
  await b.cdp.send('HeapProfiler.enable');
  // Warm-up: compile every arm's code (and let it tier up) before anything is counted.
  for (const name of names) {
    await b.page.evaluate(([x, u, k]) => window.bench.memOpen(x, u, k), [name, b.srv.wsAll('/idle'), 50]);
    await b.page.evaluate(() => window.bench.memClose(0));
    await drain(b);
  }
  const per = Object.fromEntries(names.map((x) => [x, []]));
  const perV8 = Object.fromEntries(names.map((x) => [x, []]));
  for (let r = 0; r < rounds; r++) {
    for (const name of names.map((_, i) => names[(i + r) % names.length])) {
      const h0 = await heap(b.cdp);
      await b.page.evaluate(([x, u, k]) => window.bench.memOpen(x, u, k), [name, b.srv.wsAll('/idle'), n]);
      await sleep(300);
      const h1 = await heap(b.cdp);
      per[name].push((h1.all - h0.all) / n);
      perV8[name].push((h1.v8 - h0.v8) / n);
      await b.page.evaluate(() => window.bench.memClose(0));
      const left = await drain(b);
      if (left) log(`memory: ${left} ${name} connections still open after close`);
      await sleep(200);
    }
  }
  const out = { n, rounds };
  for (const name of names) {
    out[name] = { bytesPerConn: median(per[name]), v8PerConn: median(perV8[name]), samples: per[name] };
    if (name !== 'raw' && per.raw) {
      const d = per[name].map((v, i) => v - per.raw[i]);
      const d8 = perV8[name].map((v, i) => v - perV8.raw[i]);
      out[name].overRaw = { median: median(d), range: spread(d) };
      out[name].v8OverRaw = { median: median(d8), range: spread(d8) };
    }
  }
  return out;
}
