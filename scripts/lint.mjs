#!/usr/bin/env node
// The one linter and formatter: Biome, configured in biome.json.
//   node scripts/lint.mjs         check lint rules and formatting (what `npm test` runs)
//   node scripts/lint.mjs --fix   apply safe fixes and formatting, then report what is left
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const biome = join(dirname(createRequire(import.meta.url).resolve('@biomejs/biome/package.json')), 'bin', 'biome');
const dirs = ['src', 'test', 'scripts', 'demo', 'bench', 'examples'].filter((d) => existsSync(join(root, d)));
const fix = process.argv.includes('--fix');

const r = spawnSync(process.execPath, [biome, 'check', ...(fix ? ['--write'] : []), '--max-diagnostics=200', ...dirs], {
  cwd: root,
  stdio: 'inherit',
});
if (r.status !== 0 && !fix) {
  console.error(
    '\nlint: `node scripts/lint.mjs --fix` applies the safe fixes and the formatting; the rest needs a human.',
  );
}
process.exit(r.status ?? 1);
