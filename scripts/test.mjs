#!/usr/bin/env node
// The one test command (`npm test`): sets up what the suites need, then runs
// every check in order and stops at the first failure.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

// vitest runs also write a JSON report, so the run can end on one "N passed, N failed" line
const REPORTS = '.tmp/test-reports';
rmSync(REPORTS, { recursive: true, force: true });
mkdirSync(REPORTS, { recursive: true });
function vitest(name, projects) {
  return [
    'vitest',
    'run',
    ...projects.flatMap((p) => ['--project', p]),
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${REPORTS}/${name}.json`,
  ];
}
const totals = { passed: 0, failed: 0, skipped: 0 };
function count(name) {
  const file = `${REPORTS}/${name}.json`;
  if (!existsSync(file)) return;
  const r = JSON.parse(readFileSync(file, 'utf8'));
  totals.passed += r.numPassedTests;
  totals.failed += r.numFailedTests;
  totals.skipped += r.numPendingTests + (r.numTodoTests ?? 0);
}
const summary = () =>
  console.log(`\ntests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);

const steps = [
  ['install Chromium if missing', 'node', ['scripts/ensure-chromium.mjs']],
  ['build', 'npx', ['rollup', '-c', '--silent']],
  ['typecheck', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']],
  // `npm run docs` must keep working: typedoc treats a warning (an undocumented or unexported type) as an error
  ['API docs', 'npx', ['typedoc', '--emit', 'none']],
  ['size budget', 'node', ['scripts/size.mjs', '--check']],
  [
    'unit, socket, integration, bindings, types, package',
    'npx',
    vitest('node', [
      'unit',
      'socket',
      'socket-core',
      'integration',
      'integration-core',
      'bindings',
      'types',
      'package',
    ]),
  ],
  ['browser', 'npx', vitest('browser', ['browser', 'browser-core'])],
];
if (existsSync('scripts/lint.mjs')) steps.splice(3, 0, ['lint', 'node', ['scripts/lint.mjs']]);

const started = Date.now();
for (const [name, cmd, args] of steps) {
  console.log(`\n── ${name} ──`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: process.env });
  if (args[0] === 'vitest') count(args.at(-1).split('/').at(-1).replace('.json', ''));
  if (r.status !== 0) {
    summary();
    console.error(`\n✖ step failed: ${name} (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
}
summary();
console.log(`✔ all steps passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
