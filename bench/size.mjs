#!/usr/bin/env node
// Size, per entry and per feature:
//  - the script-tag build of every framework-free entry (dist/steadysocket[.core|.shared].umd.min.js), as shipped;
//  - a minimal usage bundle (construct, listen, send) of the core and full entries and of each peer;
//  - the bytes each feature adds over the core usage (one bundle per feature, on the full entry),
//    and the react and vue entries with their framework external;
//  - which src module the bytes of the core (and full) usage bundle come from (esbuild metafile).
// Every bundle: esbuild --bundle --minify --format=esm --platform=browser; gzip level 9 and
// brotli quality 11 via node:zlib. Entries are bundled from dist/*.mjs (what users import).
//   node bench/size.mjs            prints the README-ready markdown tables
//   node bench/size.mjs --json     the raw figures
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import * as esbuild from 'esbuild';
import { fmt, ROOT, table } from './lib/util.mjs';

const dist = (f) => path.join(ROOT, 'dist', f).replaceAll('\\', '/');
export const UMD = dist('steadysocket.umd.min.js');

/** Script-tag builds of the framework-free entries (API.md), with their globals. */
export const UMDS = [
  { entry: 'steadysocket', file: 'steadysocket.umd.min.js', global: 'steadysocket' },
  { entry: 'steadysocket/core', file: 'steadysocket.core.umd.min.js', global: 'steadysocketCore' },
  { entry: 'steadysocket/shared', file: 'steadysocket.shared.umd.min.js', global: 'steadysocketShared' },
];

const URL_ = "'wss://example.test/'";
const listen = "s.addEventListener('message', (e) => console.log(e.data));\ns.send('hi');";
const steady = (file, opts = '', extra = '') =>
  `import { SteadySocket } from '${dist(file)}';\nconst s = new SteadySocket(${URL_}${opts});\n${listen}${extra ? `\n${extra}` : ''}`;

/** Minimal usage per library: construct, add a message listener, send. */
export const USAGE = {
  raw: `const s = new WebSocket(${URL_});\n${listen}`,
  'steadysocket/core': steady('steadysocket.core.mjs'),
  steadysocket: steady('steadysocket.mjs'),
  'reconnecting-websocket': `import RWS from 'reconnecting-websocket';\nconst s = new RWS(${URL_});\n${listen}`,
  partysocket: `import { WebSocket as PartyWS } from 'partysocket';\nconst s = new PartyWS(${URL_});\n${listen}`,
  sockette: `import Sockette from 'sockette';\nconst s = new Sockette(${URL_}, { onmessage: (e) => console.log(e.data) });\ns.send('hi');`,
  'websocket-ts': `import { Websocket, WebsocketEvent } from 'websocket-ts';\nconst s = new Websocket(${URL_});\ns.addEventListener(WebsocketEvent.message, (_i, e) => console.log(e.data));\ns.send('hi');`,
};
/** run.mjs names the full entry 'steadysocket'; the core one gets its own row. */
export const CORE = 'steadysocket/core';

// A Standard Schema written out (no validator library): the bytes are steadysocket's alone.
const schema = "{ '~standard': { version: 1, vendor: 'bench', validate: (value) => ({ value }) } }";

/**
 * What each feature adds over the minimal core usage: the full entry's minimal usage, then
 * that usage plus one feature. `file`: an entry that may still be a placeholder.
 */
export const FEATURES = [
  { name: 'full entry, minimal usage', code: steady('steadysocket.mjs') },
  { name: '+ heartbeat option', code: steady('steadysocket.mjs', ', { heartbeat: true }') },
  {
    name: "+ channel('chat').on / .send",
    code: steady(
      'steadysocket.mjs',
      '',
      "const chat = s.channel('chat');\nchat.on((m) => console.log(m.text));\nchat.send({ text: 'hi' });",
    ),
  },
  {
    name: '+ request()',
    code: steady('steadysocket.mjs', '', "s.channel('users').request({ id: 7 }).then(console.log, console.error);"),
  },
  {
    name: '+ subscribe()',
    code: steady(
      'steadysocket.mjs',
      '',
      'const stop = s.subscribe(\'{"sub":"prices"}\', { unsubscribe: \'{"unsub":"prices"}\' });\nsetTimeout(stop, 1000);',
    ),
  },
  {
    name: '+ for await (messages())',
    code: steady('steadysocket.mjs', '', '(async () => {\n  for await (const data of s) console.log(data);\n})();'),
  },
  {
    name: '+ schemas (one channel)',
    code: steady(
      'steadysocket.mjs',
      `, { schemas: { chat: ${schema} } }`,
      "s.channel('chat').on((m) => console.log(m));",
    ),
  },
  {
    name: 'all of the above',
    code: steady(
      'steadysocket.mjs',
      `, { heartbeat: true, schemas: { chat: ${schema} } }`,
      [
        "const chat = s.channel('chat');",
        'chat.on((m) => console.log(m));',
        "chat.send({ text: 'hi' });",
        "s.channel('users').request({ id: 7 }).then(console.log, console.error);",
        's.subscribe(\'{"sub":"prices"}\', { unsubscribe: \'{"unsub":"prices"}\' });',
        '(async () => {\n  for await (const data of s) console.log(data);\n})();',
      ].join('\n'),
    ),
  },
  {
    name: 'steadysocket/react: useSteadySocket + useSocketState (react external)',
    file: 'steadysocket.react.mjs',
    needs: 'useSteadySocket',
    external: ['react'],
    code: `import { useSteadySocket, useSocketState } from '${dist('steadysocket.react.mjs')}';\nexport function App() {\n  const s = useSteadySocket(${URL_});\n  return useSocketState(s);\n}`,
  },
  {
    name: 'steadysocket/vue: useSteadySocket (vue external)',
    file: 'steadysocket.vue.mjs',
    needs: 'useSteadySocket',
    external: ['vue'],
    code: `import { useSteadySocket } from '${dist('steadysocket.vue.mjs')}';\nexport const setup = () => useSteadySocket(${URL_});`,
  },
  {
    name: 'steadysocket/shared: SharedSteadySocket, minimal usage',
    file: 'steadysocket.shared.mjs',
    needs: 'SharedSteadySocket',
    code: `import { SharedSteadySocket } from '${dist('steadysocket.shared.mjs')}';\nconst s = new SharedSteadySocket(${URL_});\n${listen}`,
  },
];

/** Core usage from src/ (for the per-module breakdown): the same code on src/core.ts and src/index.ts. */
const SRC_USAGE = {
  core: `import { SteadySocket } from './src/core.ts';\nconst s = new SteadySocket(${URL_});\n${listen}`,
  full: `import { SteadySocket } from './src/index.ts';\nconst s = new SteadySocket(${URL_});\n${listen}`,
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

export async function bundle(code, { external = [], metafile = false } = {}) {
  const r = await esbuild.build({
    stdin: { contents: code, resolveDir: ROOT, sourcefile: 'usage.mjs', loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    external,
    metafile,
    write: false,
    logLevel: 'silent',
  });
  return metafile
    ? { buf: Buffer.from(r.outputFiles[0].contents), meta: r.metafile }
    : Buffer.from(r.outputFiles[0].contents);
}

/** Whether a built entry exports `name` (the placeholders of entries still being built export nothing). */
export function exportsName(file, name) {
  const f = dist(file);
  if (!fs.existsSync(f)) return false;
  return new RegExp(`export\\s*\\{[^}]*\\b${name}\\b`).test(fs.readFileSync(f, 'utf8'));
}

/** A UMD file that defines no member on its global: an entry placeholder. */
export const isPlaceholderUmd = (buf) => buf.length < 200;

const err1 = (e) => ({ error: String(e?.message ?? e).split('\n')[0] });

/**
 * Bytes per src module in one usage bundle: esbuild's bytesInOutput (minified, before
 * compression), and each module's marginal gzip: gzip of the whole minus gzip of the whole
 * without that module's code (the bundle made with esbuild's per-module section comments, each
 * section then minified alone). The marginals don't add up to the total (gzip shares context
 * between modules); each says what leaving that one module out would save.
 */
async function modules(code) {
  const { buf, meta } = await bundle(code, { metafile: true });
  const inputs = Object.values(meta.outputs)[0].inputs;
  const per = {};
  for (const [f, v] of Object.entries(inputs)) if (v.bytesInOutput) per[f.replace(/^src\//, '')] = v.bytesInOutput;
  const r = await esbuild.build({
    stdin: { contents: code, resolveDir: ROOT, sourcefile: 'usage.mjs', loader: 'js' },
    bundle: true,
    minifySyntax: true,
    minifyIdentifiers: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  });
  const parts = r.outputFiles[0].text.split(/^\/\/ (\S+)\n/m);
  const chunks = [];
  for (let i = 1; i < parts.length; i += 2) {
    const min = (await esbuild.transform(parts[i + 1], { minifyWhitespace: true, loader: 'js' })).code;
    chunks.push([parts[i].replace(/^src\//, ''), min]);
  }
  const gz = (t) => zlib.gzipSync(Buffer.from(t), { level: 9 }).length;
  const whole = gz(chunks.map((c) => c[1]).join(''));
  const gzip = {};
  for (const [name] of chunks)
    gzip[name] =
      whole -
      gz(
        chunks
          .filter((c) => c[0] !== name)
          .map((c) => c[1])
          .join(''),
      );
  return { total: buf.length, ...sizes(buf), per, marginalGzip: gzip };
}

/** names: the usage rows to bundle (raw, steadysocket, peers); the core entry is added next to the full one. */
export async function runSize(names = Object.keys(USAGE)) {
  const out = { umds: {}, usage: {}, features: {}, modules: {} };
  for (const u of UMDS) {
    const f = dist(u.file);
    if (!fs.existsSync(f)) {
      out.umds[u.file] = { error: 'missing (build first)' };
      continue;
    }
    const buf = fs.readFileSync(f);
    out.umds[u.file] = isPlaceholderUmd(buf) ? { ...sizes(buf), placeholder: true } : sizes(buf);
  }
  out.umd = out.umds['steadysocket.umd.min.js']; // run.mjs's goal row
  const rows = [...names];
  if (rows.includes('steadysocket') && !rows.includes(CORE)) rows.splice(rows.indexOf('steadysocket'), 0, CORE);
  for (const name of rows) {
    try {
      out.usage[name] = sizes(await bundle(USAGE[name]));
    } catch (e) {
      out.usage[name] = err1(e);
    }
  }
  for (const f of FEATURES) {
    if (f.file && !exportsName(f.file, f.needs)) {
      out.features[f.name] = { placeholder: true };
      continue;
    }
    try {
      out.features[f.name] = sizes(await bundle(f.code, { external: f.external }));
    } catch (e) {
      out.features[f.name] = err1(e);
    }
  }
  for (const [k, code] of Object.entries(SRC_USAGE)) {
    try {
      out.modules[k] = await modules(code);
    } catch (e) {
      out.modules[k] = err1(e);
    }
  }
  return out;
}

/** The README-ready markdown of a runSize() result. */
export function sizeReport(S) {
  const out = [];
  const cells = (s) => (s.error ? [s.error, '', ''] : [fmt(s.min), fmt(s.gzip), fmt(s.brotli)]);
  out.push('### Script-tag builds (as shipped)', '');
  out.push(
    table(
      ['file', 'global', 'minified B', 'gzip B', 'brotli B'],
      UMDS.map((u) => {
        const s = S.umds[u.file];
        if (s?.placeholder) return [`dist/${u.file}`, u.global, 'entry not built yet (placeholder)', '', ''];
        return [`dist/${u.file}`, u.global, ...cells(s ?? { error: 'n/a' })];
      }),
    ),
    '',
  );
  out.push('### Minimal usage (construct, listen, send), bundled', '');
  out.push(
    table(
      ['library', 'minified B', 'gzip B', 'brotli B'],
      Object.entries(S.usage).map(([name, s]) => [
        name === 'raw' ? 'native WebSocket (no library)' : name === 'steadysocket' ? 'steadysocket (full)' : name,
        ...cells(s),
      ]),
    ),
    '',
  );
  const core = S.usage[CORE];
  const full = S.features['full entry, minimal usage'];
  if (core && !core.error) {
    out.push('### What each feature adds (over the minimal core usage)', '');
    const d = (a, b) => (a === undefined || b === undefined ? 'n/a' : `${a - b >= 0 ? '+' : ''}${fmt(a - b)}`);
    const rows = [['steadysocket/core, minimal usage', fmt(core.min), fmt(core.gzip), fmt(core.brotli), '0', '']];
    for (const [name, s] of Object.entries(S.features)) {
      if (s.placeholder) rows.push([name, 'entry not built yet (placeholder)', '', '', '', '']);
      else if (s.error) rows.push([name, s.error, '', '', '', '']);
      else
        rows.push([
          name,
          fmt(s.min),
          fmt(s.gzip),
          fmt(s.brotli),
          d(s.gzip, core.gzip),
          full && !full.error && name !== 'full entry, minimal usage' ? d(s.gzip, full.gzip) : '',
        ]);
    }
    out.push(
      table(['bundle', 'minified B', 'gzip B', 'brotli B', 'gzip over core B', 'gzip over full minimal B'], rows),
      '',
    );
  }
  const mc = S.modules?.core;
  const mf = S.modules?.full;
  if (mc && !mc.error) {
    out.push('### Where the bytes of the minimal usage come from (per src module)', '');
    const names = [...new Set([...Object.keys(mc.per), ...Object.keys(mf?.per ?? {})])].sort(
      (a, b) => (mc.per[b] ?? 0) - (mc.per[a] ?? 0) || (mf?.per?.[b] ?? 0) - (mf?.per?.[a] ?? 0),
    );
    const pct = (x, t) => (x ? `${fmt(x)} (${fmt((100 * x) / t, 1)}%)` : '—');
    const g = (m, n) => (m?.marginalGzip?.[n] === undefined ? '—' : fmt(m.marginalGzip[n]));
    const hasF = mf && !mf.error;
    const rows = names.map((n) => [
      n,
      pct(mc.per[n], mc.total),
      g(mc, n),
      hasF ? pct(mf.per[n], mf.total) : 'n/a',
      hasF ? g(mf, n) : 'n/a',
    ]);
    rows.push([
      '**whole bundle** (minified / gzip)',
      `**${fmt(mc.total)}**`,
      `**${fmt(mc.gzip)}**`,
      hasF ? `**${fmt(mf.total)}**` : 'n/a',
      hasF ? `**${fmt(mf.gzip)}**` : 'n/a',
    ]);
    out.push(
      table(
        [
          'module',
          'core usage: minified B (share)',
          'core: gzip B it costs',
          'full usage: minified B (share)',
          'full: gzip B it costs',
        ],
        rows,
      ),
      '',
    );
  }
  out.push(
    "Usage bundle = construct, add a `message` listener, send; `esbuild --bundle --minify --format=esm --platform=browser` of the built `dist/*.mjs` (react/vue marked external); gzip level 9, brotli quality 11 (node:zlib). partysocket = `import { WebSocket } from \"partysocket\"`; websocket-ts = `new Websocket(url)`. Feature rows add one use each to the full entry's minimal usage (the schema is a hand-written Standard Schema object, no validator library). Per-module bytes: the same minimal usage bundled from `src/core.ts` / `src/index.ts`; minified B = esbuild's metafile `bytesInOutput`; gzip B it costs = gzip of the whole bundle minus gzip of the bundle without that module's code (what leaving the module out would save; gzip shares context across modules, so these add up to less than the whole). The totals agree with the dist usage bundles within a few dozen bytes (`usage.mjs` is the usage code itself).",
    '',
  );
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const S = await runSize();
  if (process.argv.includes('--json')) console.log(JSON.stringify(S, null, 1));
  else console.log(sizeReport(S).join('\n'));
}
