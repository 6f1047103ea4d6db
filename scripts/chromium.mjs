// Where Debian's Chromium lives and the flags every headless run here needs
// (scripts/ensure-chromium.mjs installs it). Shared by the browser tests, the
// demo test and the benchmarks. Without the background-networking flags
// Chromium keeps trying hosts this machine cannot reach.
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
