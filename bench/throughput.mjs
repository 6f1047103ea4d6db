// Throughput in Chromium against the local ws echo server: n messages sent back to
// back, timed until the n-th echo. Every library arm sits between two raw arms
// (raw, A, raw, B, raw, ...; order rotated per round) and its round ratio is
// thr(lib) / mean(thr(raw before), thr(raw after)). Channel path: the same with
// steadysocket's channel vs JSON.stringify/JSON.parse of the same envelope on a raw socket.
// 'raw#2', a second raw socket in the same scheme, shows the noise floor (A/A).
// Short runs, many rounds: on a shared machine interference comes in bursts, and
// the median of many paired ratios rides over them better than a few long runs.
import { log, median, spread } from './lib/util.mjs';

function quartiles(xs) {
  const a = xs.filter(Number.isFinite).sort((x, y) => x - y);
  const at = (q) => a[Math.min(a.length - 1, Math.floor(q * (a.length - 1) + 0.5))];
  return a.length ? [at(0.25), at(0.75)] : [Number.NaN, Number.NaN];
}

const rot = (xs, k) => xs.map((_, i) => xs[(i + k) % xs.length]);

const threadTime = async (b) =>
  (await b.cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'ThreadTime')?.value ?? Number.NaN;

// Renderer main-thread CPU per message (CDP ThreadTime) is recorded alongside: the
// cost the page pays, less disturbed by other processes than wall-clock time.
async function measure(b, arm, size, n) {
  const t0 = await threadTime(b);
  const ms = await b.page.evaluate(([a, s, c]) => window.bench.tpMeasure(a, s, c), [arm, size, n]);
  const t1 = await threadTime(b);
  return { thr: (n * 1000) / ms, cpu: ((t1 - t0) * 1e6) / n };
}

async function sandwich(b, base, others, size, n, rounds, warmup = 1) {
  const thr = Object.fromEntries([base, ...others].map((a) => [a, []]));
  const cpu = Object.fromEntries([base, ...others].map((a) => [a, []]));
  const ratio = Object.fromEntries(others.map((a) => [a, []]));
  const keep = (arm, m) => {
    thr[arm].push(m.thr);
    cpu[arm].push(m.cpu);
  };
  for (let r = -warmup; r < rounds; r++) {
    let prev = await measure(b, base, size, n);
    if (r >= 0) keep(base, prev);
    for (const arm of rot(others, Math.max(r, 0))) {
      const m = await measure(b, arm, size, n);
      const next = await measure(b, base, size, n);
      if (r >= 0) {
        keep(arm, m);
        keep(base, next);
        ratio[arm].push(m.thr / ((prev.thr + next.thr) / 2));
      }
      prev = next;
    }
  }
  const out = {};
  for (const a of [base, ...others]) {
    out[a] = { msgsPerSec: median(thr[a]), cpuUsPerMsg: median(cpu[a]) };
    if (ratio[a]) {
      const x = ratio[a];
      out[a].ratio = { median: median(x), range: spread(x), iqr: quartiles(x), rounds: x.length };
    }
  }
  return out;
}

export const CONFIGS = { small: { size: 32, n: 500 }, large: { size: 16384, n: 100 } };

export async function runThroughput(b, names, { rounds, channel }) {
  const libs = ['raw#2', ...names];
  const arms = ['raw', ...libs];
  if (channel) arms.push('channel', 'channel-raw');
  await b.cdp.send('Performance.enable');
  await b.page.evaluate(([u, a]) => window.bench.tpSetup(u, a), [b.srv.ws('/echo'), arms]);
  const out = { rounds, configs: CONFIGS };
  try {
    for (const [key, { size, n }] of Object.entries(CONFIGS)) {
      log(`throughput: ${size} B x ${n}, ${rounds} rounds`);
      out[key] = await sandwich(b, 'raw', libs, size, n, rounds);
    }
    if (channel) {
      log(`throughput: channel path, ${rounds} rounds`);
      out.channel = await sandwich(b, 'channel-raw', ['channel'], CONFIGS.small.size, CONFIGS.small.n, rounds);
    }
  } finally {
    await b.page.evaluate(() => window.bench.tpTeardown());
  }
  return out;
}
