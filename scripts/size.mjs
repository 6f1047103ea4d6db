#!/usr/bin/env node
// The size gate (`npm test` runs it with --check), gzip level 9 bytes of:
//  - every script-tag build, dist/*.umd.min.js, as shipped;
//  - the minimal usage bundle (construct, listen, send; esbuild --bundle --minify, the same code
//    as bench/size.mjs) of the core entry and of the full entry.
// Each has its own budget. A budget guards against growth: it is the gzip measured when it was
// set, rounded up to the next 100 B, plus 200 B. Lower one when a change saves bytes; raise one
// only with a reason in the commit. The issue's targets (core ≤ 5,000 B, full ≤ 8,000 B) are
// printed with how far off each is, without failing on them.
// Run after the build (`npx rollup -c --silent`).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bundle, isPlaceholderUmd, sizes, USAGE } from '../bench/size.mjs';

/** gzip budgets in bytes, measured 2026-11-30 on e2d6a8e (issues 11 + 12, shared and bindings landed) */
const BUDGETS = {
  'dist/steadysocket.umd.min.js': 10800, // 10,584
  'dist/steadysocket.core.umd.min.js': 7700, // 7,410
  'dist/steadysocket.shared.umd.min.js': 15100, // 14,820
  'usage: steadysocket/core': 8000, // 7,705
  'usage: steadysocket': 11200, // 10,995
};
/** issue 11's targets for the minimal usage: printed, not enforced */
const GOALS = { 'usage: steadysocket/core': 5000, 'usage: steadysocket': 8000 };

const check = process.argv.includes('--check');
const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const suggest = (gz) => Math.ceil(gz / 100) * 100 + 200;
const n = (x) => x.toLocaleString('en-US');

if (!existsSync(dist)) {
  console.error('size: dist/ is missing; build first (npx rollup -c --silent)');
  process.exit(1);
}
const rows = [];
for (const f of readdirSync(dist)
  .filter((x) => x.endsWith('.umd.min.js'))
  .sort()) {
  const buf = readFileSync(dist + f);
  rows.push({ name: `dist/${f}`, ...sizes(buf), placeholder: isPlaceholderUmd(buf) });
}
for (const name of ['steadysocket/core', 'steadysocket']) {
  try {
    rows.push({ name: `usage: ${name}`, ...sizes(await bundle(USAGE[name])) });
  } catch (e) {
    rows.push({ name: `usage: ${name}`, error: String(e?.message ?? e).split('\n')[0] });
  }
}

const fails = [];
const w = Math.max(...rows.map((r) => r.name.length));
console.log(`size (gzip -9 B; budget = growth guard)`);
for (const r of rows) {
  const label = r.name.padEnd(w);
  if (r.error) {
    console.log(`  ${label}  error: ${r.error}`);
    fails.push(`${r.name} could not be bundled: ${r.error}`);
    continue;
  }
  if (r.placeholder) {
    console.log(`  ${label}  ${n(r.gzip).padStart(6)}  entry placeholder, not gated`);
    continue;
  }
  const budget = BUDGETS[r.name];
  const goal = GOALS[r.name];
  const g = goal ? `; goal ${n(goal)}: ${r.gzip <= goal ? 'met' : `${n(r.gzip - goal)} over`}` : '';
  if (budget === undefined) {
    console.log(`  ${label}  ${n(r.gzip).padStart(6)}  no budget${g}`);
    fails.push(
      `${r.name} has no budget: add '${r.name}': ${suggest(r.gzip)} to BUDGETS in scripts/size.mjs (gzip ${n(r.gzip)} B rounded up to the next 100 B, plus 200 B)`,
    );
    continue;
  }
  const ok = r.gzip <= budget;
  console.log(
    `  ${label}  ${n(r.gzip).padStart(6)} ≤ ${n(budget).padStart(6)}  ${ok ? `ok, ${n(budget - r.gzip)} to spare` : 'OVER'}${g}`,
  );
  if (!ok)
    fails.push(
      `${r.name} is ${n(r.gzip)} B gzip, over its budget of ${n(budget)} B by ${n(r.gzip - budget)} B (find what grew with node bench/size.mjs; budgets in scripts/size.mjs)`,
    );
}
for (const name of Object.keys(BUDGETS))
  if (!rows.some((r) => r.name === name)) fails.push(`${name} is missing: build first (npx rollup -c --silent)`);
if (check && fails.length) {
  for (const f of fails) console.error(`size: ${f}`);
  process.exit(1);
}
