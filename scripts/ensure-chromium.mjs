#!/usr/bin/env node
// Installs Debian's Chromium for the browser suites when it is missing.
// Playwright's own browser download cannot work on this project's machines
// (no internet beyond the package registries), so playwright-core drives
// /usr/bin/chromium instead.
import { existsSync } from 'node:fs';
import { execSync } from 'node:child_process';

const BIN = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
if (existsSync(BIN)) {
  console.log(`chromium present at ${BIN}`);
  process.exit(0);
}
if (typeof process.getuid === 'function' && process.getuid() !== 0) {
  console.error(`${BIN} is missing and this is not root: run "sudo apt-get install -y chromium" once.`);
  process.exit(1);
}
console.log('installing Debian chromium (apt-get)…');
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
execSync('apt-get update -qq', { stdio: 'inherit', env });
execSync('apt-get install -y -qq chromium', { stdio: 'inherit', env });
if (!existsSync(BIN)) {
  console.error('apt-get finished but /usr/bin/chromium is still missing');
  process.exit(1);
}
