// Small helpers shared by the bench sections (Node side only).
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const TMP = path.join(ROOT, '.tmp', 'bench');

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function median(xs) {
  const a = xs.filter((x) => Number.isFinite(x)).sort((x, y) => x - y);
  if (!a.length) return Number.NaN;
  const m = a.length >> 1;
  return a.length % 2 ? a[m] : (a[m - 1] + a[m]) / 2;
}

export function spread(xs) {
  const a = xs.filter((x) => Number.isFinite(x));
  return a.length ? [Math.min(...a), Math.max(...a)] : [Number.NaN, Number.NaN];
}

/** Number formatting: fixed decimals, thousands separators, NaN as "n/a". */
export function fmt(x, digits = 0) {
  if (x === undefined || x === null || Number.isNaN(x)) return 'n/a';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '-∞';
  return x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function table(headers, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

/** A goal verdict cell: ✅ met, ❌ missed, — not measured. */
export function verdict(ok) {
  if (ok === undefined || ok === null) return '—';
  return ok ? '✅ met' : '❌ missed';
}

export function machine(chromiumVersion) {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model?.trim() ?? 'unknown',
    cores: cpus.length,
    node: process.version,
    chromium: chromiumVersion ?? 'n/a',
    os: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}

/** Rejects after `ms` unless `promise` settles first; the timer never outlives it. */
export function withTimeout(promise, ms, what) {
  let timer;
  const t = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, t]).finally(() => clearTimeout(timer));
}

export const log = (...a) => console.error('[bench]', ...a);
