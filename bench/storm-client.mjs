// Child process of the storm bench: N clients of one library, default settings,
// against ws://127.0.0.1:<port>/?id=<i>. Lives until the parent kills it (or 45 s).
// usage: node bench/storm-client.mjs <library> <url> <n>
import WS from 'ws';
import { makeAdapters } from './lib/adapters.mjs';
import { loadLibs } from './lib/libs-node.mjs';

const [name, url, nArg] = process.argv.slice(2);
const n = Number(nArg);
setTimeout(() => process.exit(3), 45_000); // safety net; the parent stops us long before
process.on('disconnect', () => process.exit(0)); // parent gone

// sockette and websocket-ts construct the global WebSocket, also when reconnecting.
globalThis.WebSocket = WS;
const adapter = makeAdapters(await loadLibs({ steady: name === 'steadysocket' }))[name];
if (!adapter) throw new Error(`unknown library ${name}`);
const clients = [];
for (let i = 0; i < n; i++) clients.push(adapter.create(`${url}?id=${i}`, WS, {}));
process.send?.({ created: clients.length });
