// Size: the shipped UMD file as is, and a minimal usage bundle (construct, listen,
// send) of steadysocket and each peer, all built the same way:
// esbuild --bundle --minify --format=esm; gzip (level 9) and brotli (quality 11) via node:zlib.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import * as esbuild from 'esbuild';
import { ROOT } from './lib/util.mjs';

const DIST_MJS = path.join(ROOT, 'dist', 'steadysocket.mjs').replaceAll('\\', '/');
export const UMD = path.join(ROOT, 'dist', 'steadysocket.umd.min.js');

const listen = "s.addEventListener('message', (e) => console.log(e.data));\ns.send('hi');";
export const USAGE = {
  raw: `const s = new WebSocket('wss://example.test/');\n${listen}`,
  steadysocket: `import { SteadySocket } from '${DIST_MJS}';\nconst s = new SteadySocket('wss://example.test/');\n${listen}`,
  'reconnecting-websocket': `import RWS from 'reconnecting-websocket';\nconst s = new RWS('wss://example.test/');\n${listen}`,
  partysocket: `import { WebSocket as PartyWS } from 'partysocket';\nconst s = new PartyWS('wss://example.test/');\n${listen}`,
  sockette: `import Sockette from 'sockette';\nconst s = new Sockette('wss://example.test/', { onmessage: (e) => console.log(e.data) });\ns.send('hi');`,
  'websocket-ts': `import { Websocket, WebsocketEvent } from 'websocket-ts';\nconst s = new Websocket('wss://example.test/');\ns.addEventListener(WebsocketEvent.message, (_i, e) => console.log(e.data));\ns.send('hi');`,
};

export function sizes(buf) {
  return {
    min: buf.length,
    gzip: zlib.gzipSync(buf, { level: 9 }).length,
    brotli: zlib.brotliCompressSync(buf, {
      params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: buf.length },
    }).length,
  };
}

async function bundle(code) {
  const r = await esbuild.build({
    stdin: { contents: code, resolveDir: ROOT, sourcefile: 'usage.mjs', loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  });
  return Buffer.from(r.outputFiles[0].contents);
}

export async function runSize(names) {
  const out = {
    umd: fs.existsSync(UMD) ? sizes(fs.readFileSync(UMD)) : { error: 'dist/steadysocket.umd.min.js missing' },
  };
  out.usage = {};
  for (const name of names) {
    try {
      out.usage[name] = sizes(await bundle(USAGE[name]));
    } catch (e) {
      out.usage[name] = { error: String(e?.message ?? e).split('\n')[0] };
    }
  }
  return out;
}
