#!/usr/bin/env node
// `npm run demo`: builds the library if dist/ is missing or stale, starts the
// demo server on 127.0.0.1 (PORT, default 8080; a free port if that one is
// busy) and prints the URL. Ctrl-C stops it.
import { buildIfStale, startDemoServer } from './server.mjs';

try {
  buildIfStale();
} catch (err) {
  console.error(err.message);
  process.exit(1);
}

const port = process.env.PORT === undefined ? 8080 : Number(process.env.PORT);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be an integer 0-65535, got ${JSON.stringify(process.env.PORT)}`);
  process.exit(1);
}

const server = await startDemoServer({
  port,
  fallback: true,
  log: (msg) => console.log(`  ${new Date().toTimeString().slice(0, 8)}  ${msg}`),
});
console.log(`\nsteadysocket demo: ${server.url}`);
console.log(`echo endpoint:     ${server.wsUrl}`);
console.log('Press Ctrl-C to stop.\n');

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    if (stopping) process.exit(130); // a second Ctrl-C: don't wait
    stopping = true;
    console.log('\nstopping…');
    await server.close();
    process.exit(0);
  });
}
