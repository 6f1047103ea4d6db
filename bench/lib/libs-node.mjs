// The libraries under test, loaded in Node: steadysocket from its built files.
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import RWS from 'reconnecting-websocket';
import { WebSocket as PartyWS } from 'partysocket';
import Sockette from 'sockette';
import * as WebsocketTs from 'websocket-ts';
import { ROOT } from './util.mjs';

const STEADY_CJS = path.join(ROOT, 'dist', 'steadysocket.cjs');

export async function loadLibs({ steady = true } = {}) {
  let SteadySocket;
  let SteadySocketCore;
  if (steady) {
    ({ SteadySocket } = await import(pathToFileURL(path.join(ROOT, 'dist', 'steadysocket.mjs')).href));
    ({ SteadySocket: SteadySocketCore } = await import(
      pathToFileURL(path.join(ROOT, 'dist', 'steadysocket.core.mjs')).href
    ));
  }
  return { SteadySocket, SteadySocketCore, RWS, PartyWS, Sockette, WebsocketTs };
}

const require = createRequire(path.join(ROOT, 'package.json'));

/** require() a fresh copy: every module file under the package's folder is evaluated again. */
function fresh(id) {
  const entry = require.resolve(id);
  const root = id.startsWith('/') ? entry : path.join(entry.slice(0, entry.lastIndexOf('node_modules') + 12), id);
  for (const k of Object.keys(require.cache)) if (k.startsWith(root)) delete require.cache[k];
  return require(id);
}

/**
 * A fresh copy of one library (its CommonJS build), as a separate browser tab
 * would have: module-level state is not shared between clients. It matters:
 * reconnecting-websocket draws its default minReconnectionDelay (1–5 s) once
 * per module load, so clients sharing one copy all retry in lockstep.
 */
export function freshLibs(name) {
  switch (name) {
    case 'steadysocket':
      return { SteadySocket: fresh(STEADY_CJS).SteadySocket };
    case 'reconnecting-websocket':
      return { RWS: fresh('reconnecting-websocket') };
    case 'partysocket': {
      // partysocket 1.3.0's CommonJS build exports the ws module object as `WebSocket` (the ESM build the class)
      const W = fresh('partysocket').WebSocket;
      return { PartyWS: typeof W === 'function' ? W : W.default };
    }
    case 'sockette':
      return { Sockette: fresh('sockette') };
    case 'websocket-ts':
      return { WebsocketTs: fresh('websocket-ts') };
    default:
      throw new Error(`unknown library ${name}`);
  }
}
