// Throughput in Chromium against the local ws echo server: n messages sent back to
// back, timed until the n-th echo. Every library arm sits between two raw arms
// (raw, A, raw, B, raw, ...; order rotated per round) and its round ratio is
// thr(lib) / mean(thr(raw before), thr(raw after)). Channel path: the same with
// steadysocket's channel vs JSON.stringify/JSON.parse of the same envelope on a raw socket.
import { log, median, spread } from './lib/util.mjs';

const rot = (xs, k) => xs.map((_, i) => xs[(i + k) % xs.length]);

async function measure(b, arm, size, n) {
  const ms = await b.page.evaluate(([a, s, c]) => window.bench.tpMeasure(a, s, c), [arm, size, n]);
  return (n * 1000) / ms;
}

async function sandwich(b, base, others, size, n, rounds, warmup = 1) {
  const thr = Object.fromEntries([base, ...others].map((a) => [a, []]));
  const ratio = Object.fromEntries(others.map((a) => [a, []]));
  for (let r = -warmup; r < rounds; r++) {
    let prev = await measure(b, base, size, n);
    if (r >= 0) thr[base].push(prev);
    for (const arm of rot(others, Math.max(r, 0))) {
      const t = await measure(b, arm, size, n);
      const next = await measure(b, base, size, n);
      if (r >= 0) {
        thr[arm].push(t);
        thr[base].push(next);
        ratio[arm].push(t / ((prev + next) / 2));
      }
      prev = next;
    }
  }
  const out = {};
  for (const a of [base, ...others]) {
    out[a] = { msgsPerSec: median(thr[a]) };
    if (ratio[a]) out[a].ratio = { median: median(ratio[a]), range: spread(ratio[a]), rounds: ratio[a].length };
  }
  return out;
}

export const CONFIGS = { small: { size: 32, n: 4000 }, large: { size: 16384, n: 300 } };

export async function runThroughput(b, libs, { rounds, channel }) {
  const arms = ['raw', ...libs];
  if (channel) arms.push('channel', 'channel-raw');
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
