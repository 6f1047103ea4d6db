// Interleaved timing of several arms against a baseline arm, for wall-clock
// sections on a shared machine: every round runs base, A, base, B, base, ...
// (arm order rotated per round) and an arm's round ratio is
// time(arm) / mean(time(base before), time(base after)). Lower is better;
// 1 = as fast as the baseline. Median, IQR and range of the per-round ratios.
import { median, spread } from './util.mjs';

export function quartiles(xs) {
  const a = xs.filter(Number.isFinite).sort((x, y) => x - y);
  const at = (q) => a[Math.min(a.length - 1, Math.floor(q * (a.length - 1) + 0.5))];
  return a.length ? [at(0.25), at(0.75)] : [Number.NaN, Number.NaN];
}

const rot = (xs, k) => xs.map((_, i) => xs[(i + k) % xs.length]);

/**
 * @param {(arm: string) => Promise<number>} measure one timed run of an arm, in ms
 * @returns per arm { ms: median ms per run, runs } and, for the others, ratio { median, iqr, range, rounds }
 */
export async function sandwich(measure, base, others, rounds, warmup = 1) {
  const ms = Object.fromEntries([base, ...others].map((a) => [a, []]));
  const ratio = Object.fromEntries(others.map((a) => [a, []]));
  for (let r = -warmup; r < rounds; r++) {
    let prev = await measure(base);
    if (r >= 0) ms[base].push(prev);
    for (const arm of rot(others, Math.max(r, 0))) {
      const m = await measure(arm);
      const next = await measure(base);
      if (r >= 0) {
        ms[arm].push(m);
        ms[base].push(next);
        ratio[arm].push(m / ((prev + next) / 2));
      }
      prev = next;
    }
  }
  const out = {};
  for (const a of [base, ...others]) {
    out[a] = { ms: median(ms[a]), runs: ms[a].length };
    if (ratio[a]) {
      const x = ratio[a];
      out[a].ratio = { median: median(x), iqr: quartiles(x), range: spread(x), rounds: x.length };
    }
  }
  return out;
}
