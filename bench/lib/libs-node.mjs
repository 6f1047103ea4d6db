// The libraries under test, loaded in Node: steadysocket from its built ESM file.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import RWS from 'reconnecting-websocket';
import { WebSocket as PartyWS } from 'partysocket';
import Sockette from 'sockette';
import * as WebsocketTs from 'websocket-ts';
import { ROOT } from './util.mjs';

export async function loadLibs({ steady = true } = {}) {
  let SteadySocket;
  if (steady) ({ SteadySocket } = await import(pathToFileURL(path.join(ROOT, 'dist', 'steadysocket.mjs')).href));
  return { SteadySocket, RWS, PartyWS, Sockette, WebsocketTs };
}
