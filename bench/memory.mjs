// Memory per idle connection in Chromium: JS heap after GC (CDP
// HeapProfiler.collectGarbage + Runtime.getHeapUsage) before and after opening
// n idle connections with one library; arms rotated per round.
import { log, median, spread, sleep } from './lib/util.mjs';

async function heap(cdp) {
  for (let i = 0; i < 3; i++) await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  return usedSize;
}

async function drain(b, limitMs = 10_000) {
  const end = Date.now() + limitMs;
  while (b.srv.clients() > 0 && Date.now() < end) await sleep(50);
  return b.srv.clients();
}

export async function runMemory(b, names, { n = 200, rounds = 3 }) {
  await b.cdp.send('HeapProfiler.enable');
  const per = Object.fromEntries(names.map((x) => [x, []]));
  for (let r = 0; r < rounds; r++) {
    for (const name of names.map((_, i) => names[(i + r) % names.length])) {
      const h0 = await heap(b.cdp);
      await b.page.evaluate(([x, u, k]) => window.bench.memOpen(x, u, k), [name, b.srv.ws('/idle'), n]);
      await sleep(300);
      const h1 = await heap(b.cdp);
      per[name].push((h1 - h0) / n);
      await b.page.evaluate(() => window.bench.memClose(0));
      const left = await drain(b);
      if (left) log(`memory: ${left} ${name} connections still open after close`);
      await sleep(200);
    }
  }
  const out = { n, rounds };
  for (const name of names) {
    out[name] = { bytesPerConn: median(per[name]), samples: per[name] };
    if (name !== 'raw' && per.raw) {
      const d = per[name].map((v, i) => v - per.raw[i]);
      out[name].overRaw = { median: median(d), range: spread(d) };
    }
  }
  return out;
}
