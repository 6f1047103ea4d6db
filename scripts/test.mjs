#!/usr/bin/env node
// The one test command (`npm test`): sets up what the suites need, then runs
// every check in order and stops at the first failure.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const steps = [
  ['install Chromium if missing', 'node', ['scripts/ensure-chromium.mjs']],
  ['build', 'npx', ['rollup', '-c', '--silent']],
  ['typecheck', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']],
  ['size budget', 'node', ['scripts/size.mjs', '--check']],
  [
    'unit, socket, integration, types, package',
    'npx',
    [
      'vitest',
      'run',
      '--project',
      'unit',
      '--project',
      'socket',
      '--project',
      'integration',
      '--project',
      'types',
      '--project',
      'package',
    ],
  ],
  ['browser', 'npx', ['vitest', 'run', '--project', 'browser']],
];
if (existsSync('scripts/lint.mjs')) steps.splice(3, 0, ['lint', 'node', ['scripts/lint.mjs']]);

const started = Date.now();
for (const [name, cmd, args] of steps) {
  console.log(`\n── ${name} ──`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: process.env });
  if (r.status !== 0) {
    console.error(`\n✖ step failed: ${name} (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
}
console.log(`\n✔ all steps passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
