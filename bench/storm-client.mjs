// Child process of the storm bench: n clients of one library, default settings,
// against ws://127.0.0.1:<port>/?id=<i>. Each client gets its own copy of the
// library module, like n separate browsers ('shared' mode: one copy for all).
// Lives until the parent kills it (or 60 s).
// usage: node bench/storm-client.mjs <library> <url> <n> [isolated|shared]
import WS from 'ws';
import { makeAdapters } from './lib/adapters.mjs';
import { freshLibs, loadLibs } from './lib/libs-node.mjs';

const [name, url, nArg, mode = 'isolated'] = process.argv.slice(2);
const n = Number(nArg);
setTimeout(() => process.exit(3), 60_000); // safety net; the parent stops us long before (40 s + the outage)
process.on('disconnect', () => process.exit(0)); // parent gone

// sockette and websocket-ts construct the global WebSocket, also when reconnecting.
globalThis.WebSocket = WS;
const shared = mode === 'shared' ? makeAdapters(await loadLibs({ steady: name === 'steadysocket' })) : undefined;
const clients = [];
for (let i = 0; i < n; i++) {
  const adapter = (shared ?? makeAdapters(freshLibs(name)))[name];
  clients.push(adapter.create(`${url}?id=${i}`, WS, {}));
}
process.send?.({ created: clients.length });
