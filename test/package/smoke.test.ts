// A fresh project under the OS temp dir installs the packed tarball (offline: the
// tarball has no dependencies, so the registry is never asked) and uses it the
// ways consumers do: `import` and `require` at run time against a real ws
// server, and TypeScript type-checking under moduleResolution node16 and
// bundler, from ESM and CommonJS files. ws, @types/ws and @types/node are linked
// from this repo's node_modules; tsc is this repo's.
import { existsSync, mkdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { echoServer, explain, pack, ROOT, type RunResult, requireBuild, run, tempDir } from './util';

const TSC = join(ROOT, 'node_modules', 'typescript', 'lib', 'tsc.js');

let dir: string;
let app: string;
let server: Awaited<ReturnType<typeof echoServer>>;

// ── the consumer project's files ───────────────────────────────────────

const strict = {
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  noEmit: true,
  skipLibCheck: false,
};

const FILES: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'steadysocket-smoke', private: true, version: '0.0.0' }, null, 2),

  // run time, ESM: resolve, connect, queue before open, channel round trip through the echo server
  'esm.mjs': `
import { fileURLToPath } from 'node:url';
import { SteadySocket, jsonEnvelope } from 'steadysocket';
import WebSocket from 'ws';
const s = new SteadySocket(process.env.ECHO_URL, { WebSocket, reconnect: { minDelay: 50 } });
const got = await new Promise((resolve, reject) => {
  const t = setTimeout(() => reject(new Error('no echo within 5 s')), 5000);
  s.channel('chat').on((data) => { clearTimeout(t); resolve(data); });
  s.channel('chat').send({ text: 'hi from import' }); // queued: not open yet
});
await new Promise((resolve) => { s.onclose = resolve; s.close(); });
console.log(JSON.stringify({ resolved: fileURLToPath(import.meta.resolve('steadysocket')), got, codec: typeof jsonEnvelope.encode, state: s.state }));
`,

  // run time, CommonJS
  'cjs.cjs': `
const { SteadySocket } = require('steadysocket');
const WebSocket = require('ws');
const { version } = require('steadysocket/package.json');
(async () => {
  const s = new SteadySocket(process.env.ECHO_URL, { WebSocket });
  const got = await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('no echo within 5 s')), 5000);
    s.onmessage = (e) => { clearTimeout(t); resolve(e.data); };
    s.send('hi from require');
  });
  await new Promise((resolve) => { s.onclose = resolve; s.close(); });
  console.log(JSON.stringify({ resolved: require.resolve('steadysocket'), version, got, state: s.state }));
})().catch((e) => { console.error(e); process.exit(1); });
`,

  // types: what an app writes, with the mistakes that must not compile
  'consumer.mts': `
import { SteadySocket, jsonEnvelope } from 'steadysocket';
import type { Channel, DropEvent, SteadySocketOptions, State } from 'steadysocket';

type Channels = { chat: { text: string }; count: number };
const options: SteadySocketOptions = {
  connectTimeout: 5000,
  reconnect: { minDelay: 500, maxRetries: 10, shouldReconnect: (e) => e.code !== 4000 },
  queue: { max: 100, overflow: 'drop-oldest', ttl: 30_000 },
  heartbeat: { interval: 15_000, timeout: 5000, message: 'ping', isPong: (d) => d === 'pong' },
  beforeOpen: async (send) => send(JSON.stringify({ type: 'auth' })),
  channels: jsonEnvelope,
};
const socket = new SteadySocket<Channels>(async () => \`wss://example.test/live?t=\${Date.now()}\`, [], options);
const chat: Channel<{ text: string }> = socket.channel('chat');
chat.send({ text: 'hi' });
const off: () => void = chat.on((msg, ev) => void (msg.text.length + String(ev.data).length));
off();
socket.channel('count').send(1);
// @ts-expect-error a payload of the wrong type
socket.channel('chat').send({ text: 1 });
// @ts-expect-error a channel that is not declared
socket.channel('nope');
socket.addEventListener('statechange', (e) => {
  const to: State = e.to;
  void to;
});
socket.addEventListener('drop', (e: DropEvent) => void e.reason);
socket.addEventListener('reconnecting', (e) => void (e.attempt + e.delay));
socket.addEventListener('close', (e) => void (e.code + e.reason.length));
socket.onmessage = (e) => void e.data;
const rs: 0 | 1 | 2 | 3 = socket.readyState;
const open: number = SteadySocket.OPEN + socket.OPEN;
const plain = new SteadySocket('wss://example.test', { startClosed: true });
plain.open();
plain.reconnect(4000, 'switching');
// @ts-expect-error an overflow policy that does not exist
new SteadySocket('wss://example.test', { queue: { overflow: 'drop-all' } });
// @ts-expect-error the url is required
new SteadySocket();
export { rs, open };
`,

  'consumer.cts': `
import { SteadySocket } from 'steadysocket';
import steady = require('steadysocket');
const a = new SteadySocket<{ chat: { text: string } }>('wss://example.test', { queue: false });
a.channel('chat').send({ text: 'hi' });
const b: InstanceType<typeof steady.SteadySocket> = new steady.SteadySocket('wss://example.test');
b.close(1000);
// @ts-expect-error a payload of the wrong type
a.channel('chat').send('hi');
export = { a, b };
`,

  // channel maps declared as interfaces (what most TypeScript code does)
  'interfaces.mts': `
import { SteadySocket } from 'steadysocket';
interface Channels {
  chat: { text: string };
  presence: { user: string; online: boolean };
}
const s = new SteadySocket<Channels>('wss://example.test');
s.channel('presence').on((p) => void (p.online && p.user));
export { s };
`,

  'bundler-esm.ts': `
import { SteadySocket, type SteadySocketOptions } from 'steadysocket';
const options: SteadySocketOptions = { reconnect: false, heartbeat: true };
const s = new SteadySocket<{ chat: { text: string } }>('wss://example.test', options);
s.channel('chat').send({ text: 'hi' });
// @ts-expect-error a payload of the wrong type
s.channel('chat').send({ txt: 'hi' });
export { s };
`,

  'bundler-cjs.ts': `
import steady = require('steadysocket');
const s = new steady.SteadySocket('wss://example.test');
s.send('hi');
export = s;
`,

  // a Node app: no DOM lib, Node's own types, ws as the WebSocket
  'node-ws.mts': `
import { SteadySocket } from 'steadysocket';
import WebSocket from 'ws';
const s = new SteadySocket('ws://127.0.0.1:1/', { WebSocket });
s.send('hi');
export { s };
`,

  'node-ws.cts': `
import { SteadySocket } from 'steadysocket';
import WebSocket = require('ws');
const s = new SteadySocket('ws://127.0.0.1:1/', { WebSocket });
s.close();
export = s;
`,

  // a Node app on an older @types/node (20: no CloseEvent, no AddEventListenerOptions) and no DOM lib;
  // the implementation is a stand-in so ws (whose types pull in the newest @types/node) stays out
  'node20.mts': `
import { SteadySocket, type WebSocketConstructor } from 'steadysocket';
const s = new SteadySocket('ws://127.0.0.1:1/', { WebSocket: class {} as unknown as WebSocketConstructor });
s.addEventListener('close', (e) => void (e.code + e.reason.length + Number(e.wasClean)), { once: true });
s.addEventListener('drop', (e) => void e.reason);
s.onclose = (e) => void e.code;
s.onmessage = function (e) {
  this.send(String(e.data));
};
s.removeEventListener('message', () => {}, { capture: false });
export { s };
`,

  'tsconfig.node16.json': JSON.stringify({
    compilerOptions: { ...strict, module: 'node16', moduleResolution: 'node16', lib: ['ES2022', 'DOM'], types: [] },
    files: ['consumer.mts', 'consumer.cts', 'interfaces.mts'],
  }),
  'tsconfig.bundler.json': JSON.stringify({
    compilerOptions: { ...strict, module: 'preserve', moduleResolution: 'bundler', lib: ['ES2022', 'DOM'], types: [] },
    files: ['bundler-esm.ts', 'bundler-cjs.ts'],
  }),
  'tsconfig.node.json': JSON.stringify({
    compilerOptions: { ...strict, module: 'node16', moduleResolution: 'node16', lib: ['ES2022'], types: ['node'] },
    files: ['node-ws.mts', 'node-ws.cts'],
  }),
  // the framework consumers: checked by their own test, after the runs above (React's and Vue's types
  // are large; a fifth tsc in parallel on a busy 2-core machine pushed the others past their limit)
  'tsconfig.frameworks.json': JSON.stringify({
    compilerOptions: { ...strict, module: 'node16', moduleResolution: 'node16', lib: ['ES2022', 'DOM'], types: [] },
    files: ['frameworks.mts', 'frameworks.cts'],
  }),
  'tsconfig.node20.json': JSON.stringify({
    // typeRoots first: undici-types' `reference types="node"` must find version 20, not the repo's newest
    compilerOptions: {
      ...strict,
      module: 'node16',
      moduleResolution: 'node16',
      lib: ['ES2022'],
      typeRoots: ['./types20'],
      types: ['node'],
    },
    files: ['node20.mts'],
  }),

  // ── the framework entries (React and Vue linked into this project) ──

  // run time, ESM: both entries resolve to their .mjs; server rendering makes no socket; the Vue
  // composable in a bare effect scope (not a server render) connects with ws and round-trips a channel
  // message; it is the one SteadySocket class of the main entry (a shared chunk, not a copy)
  'fw-esm.mjs': `
import { fileURLToPath } from 'node:url';
import { createElement as h } from 'react';
import { renderToString } from 'react-dom/server';
import { createSSRApp, effectScope, h as vh } from 'vue';
import { renderToString as vueRender } from 'vue/server-renderer';
import WebSocket from 'ws';
import { SteadySocket } from 'steadysocket';
import * as react from 'steadysocket/react';
import * as vue from 'steadysocket/vue';
function App() {
  const socket = react.useSteadySocket(process.env.ECHO_URL, { WebSocket });
  return h('p', null, react.useSocketState(socket) + '|' + String(react.useChannel(socket, 'chat')));
}
const html = renderToString(h(App));
const vhtml = await vueRender(createSSRApp({ setup() { const io = vue.useSteadySocket(process.env.ECHO_URL, { WebSocket }); return () => vh('p', io.state.value); } }));
const scope = effectScope();
const io = scope.run(() => vue.useSteadySocket(process.env.ECHO_URL, { WebSocket }));
const got = await new Promise((resolve, reject) => {
  const t = setTimeout(() => reject(new Error('no echo within 5 s')), 5000);
  io.channel('chat').on((d) => { clearTimeout(t); resolve(d); });
  io.channel('chat').send({ text: 'hi from vue' });
});
const sameClass = io.socket.value instanceof SteadySocket;
const socket = io.socket.value;
await new Promise((resolve) => { socket.addEventListener('close', resolve, { once: true }); scope.stop(); });
console.log(JSON.stringify({
  resolved: [fileURLToPath(import.meta.resolve('steadysocket/react')), fileURLToPath(import.meta.resolve('steadysocket/vue'))],
  react: Object.keys(react).sort(), vue: Object.keys(vue).sort(), html, vhtml, got, sameClass, state: socket.state,
}));
`,

  'fw-cjs.cjs': `
const { createElement: h } = require('react');
const { renderToString } = require('react-dom/server');
const { effectScope } = require('vue');
const { SteadySocket } = require('steadysocket');
const react = require('steadysocket/react');
const vue = require('steadysocket/vue');
function App() {
  const socket = react.useSteadySocket('ws://127.0.0.1:9/');
  return h('p', null, react.useSocketState(socket));
}
const html = renderToString(h(App));
const scope = effectScope();
const io = scope.run(() => vue.useSteadySocket('ws://127.0.0.1:9/', { WebSocket: require('ws'), startClosed: true }));
const sameClass = io.socket.value instanceof SteadySocket;
scope.stop();
console.log(JSON.stringify({
  resolved: [require.resolve('steadysocket/react'), require.resolve('steadysocket/vue')],
  react: Object.keys(react).sort(), vue: Object.keys(vue).sort(), html, sameClass, state: io.state.value,
}));
`,

  // types: the hooks typed from the channel map, in ESM and CommonJS consumers
  'frameworks.mts': `
import { SteadySocket, type State } from 'steadysocket';
import { useChannel, useSocketState, useSteadySocket } from 'steadysocket/react';
import { useSteadySocket as useVueSocket } from 'steadysocket/vue';
type Channels = { chat: { text: string }; count: number };
export function useChat() {
  const socket = useSteadySocket<Channels>('wss://example.test', { heartbeat: true });
  const same: SteadySocket<Channels> | null = socket;
  const state: State = useSocketState(socket);
  const last = useChannel(socket, 'chat', (m) => void m.text.length);
  const text: string | undefined = last?.text;
  const count: number | undefined = useChannel(socket, 'count');
  // @ts-expect-error a channel that is not declared
  useChannel(socket, 'nope');
  return { same, state, text, count };
}
const io = useVueSocket<Channels>(() => 'wss://example.test');
io.channel('chat').send({ text: 'hi' });
const s: SteadySocket<Channels> | null = io.socket.value;
const st: State = io.state.value;
// @ts-expect-error a payload of the wrong type
io.channel('chat').send({ text: 1 });
export { s, st };
`,

  'frameworks.cts': `
import { SteadySocket } from 'steadysocket';
import { useChannel, useSteadySocket } from 'steadysocket/react';
import vue = require('steadysocket/vue');
type Channels = { chat: { text: string } };
export function useChat() {
  const socket = useSteadySocket<Channels>('wss://example.test');
  const same: SteadySocket<Channels> | null = socket;
  const last: { text: string } | undefined = useChannel(socket, 'chat');
  // @ts-expect-error a channel that is not declared
  useChannel(socket, 'nope');
  return { same, last };
}
export const io = vue.useSteadySocket<Channels>('wss://example.test');
`,
};

/** A second fresh project: the same tarball, and neither React nor Vue anywhere it can resolve. */
const BARE_FILES: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'steadysocket-bare', private: true, version: '0.0.0' }, null, 2),
  'bare.mjs': `
const out = {};
const main = await import('steadysocket');
out.main = typeof main.SteadySocket;
for (const name of ['react', 'vue']) {
  try { await import(name); out[name + 'Installed'] = true; } catch { out[name + 'Installed'] = false; }
  try { await import('steadysocket/' + name); out[name] = 'loaded'; } catch (e) { out[name] = { code: e.code, message: e.message.split('\\n')[0] }; }
}
console.log(JSON.stringify(out));
`,
  'bare.cjs': `
const out = { main: typeof require('steadysocket').SteadySocket };
for (const name of ['react', 'vue']) {
  try { require('steadysocket/' + name); out[name] = 'loaded'; } catch (e) { out[name] = { code: e.code, message: e.message.split('\\n')[0] }; }
}
console.log(JSON.stringify(out));
`,
};
let bare: string;

// ── helpers ─────────────────────────────────────────────────────────────

interface TscError {
  file: string;
  text: string;
}

/** tsc's diagnostics, one per error with its continuation lines. */
function parseTsc(r: RunResult): TscError[] {
  const out: TscError[] = [];
  for (const line of `${r.stdout}\n${r.stderr}`.split('\n')) {
    const m = /^(.+?)\(\d+,\d+\): error /.exec(line) ?? /^error /.exec(line);
    if (m) out.push({ file: m[1] ?? '', text: line });
    else if (line.trim() && out.length) out[out.length - 1]!.text += `\n${line}`;
  }
  return out;
}

const tscRuns = new Map<string, Promise<RunResult>>();
/** Each tsconfig is checked once (started in beforeAll, in parallel), however many tests read it. */
const tsc = (config: string) => {
  let p = tscRuns.get(config);
  if (!p) {
    p = run(process.execPath, [TSC, '-p', config, '--pretty', 'false'], { cwd: app, timeout: 90_000 });
    tscRuns.set(config, p);
  }
  return p;
};

const errorsIn = async (config: string, files: RegExp) => {
  const r = await tsc(config);
  const all = parseTsc(r);
  if (r.code !== 0 && !all.length) throw new Error(explain(`tsc -p ${config}`, r));
  console.log(`tsc -p ${config}: exit ${r.code}, ${all.length} error(s), ${r.ms} ms`);
  return all.filter((e) => files.test(e.file)).map((e) => e.text);
};

// ── set-up ──────────────────────────────────────────────────────────────

beforeAll(async () => {
  requireBuild();
  dir = tempDir('smoke');
  app = join(dir, 'app');
  mkdirSync(app);
  const [packed, srv] = await Promise.all([pack(dir), echoServer()]);
  server = srv;
  for (const [name, text] of Object.entries(FILES)) writeFileSync(join(app, name), text);
  const r = await run(
    'npm',
    ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock', packed.tgz],
    { cwd: app, timeout: 60_000 },
  );
  if (r.code !== 0) throw new Error(explain('npm install --offline <tarball>', r));
  console.log(`installed ${packed.tgz} offline in ${r.ms} ms`);
  bare = join(dir, 'bare');
  mkdirSync(bare);
  for (const [name, text] of Object.entries(BARE_FILES)) writeFileSync(join(bare, name), text);
  const rb = await run(
    'npm',
    ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock', packed.tgz],
    { cwd: bare, timeout: 60_000 },
  );
  if (rb.code !== 0) throw new Error(explain('npm install --offline <tarball> (bare project)', rb));
  // after the install: npm would prune links it does not know about
  for (const name of ['ws', '@types/ws', '@types/node', 'react', 'react-dom', '@types/react', 'vue']) {
    const from = join(ROOT, 'node_modules', name);
    if (!existsSync(from)) throw new Error(`${name} is missing from the repo's node_modules (npm ci)`);
    mkdirSync(join(app, 'node_modules', name, '..'), { recursive: true });
    symlinkSync(from, join(app, 'node_modules', name), 'dir');
  }
  mkdirSync(join(app, 'types20'));
  symlinkSync(join(ROOT, 'node_modules', '@types', 'node20'), join(app, 'types20', 'node'), 'dir');
  for (const config of [
    'tsconfig.node16.json',
    'tsconfig.bundler.json',
    'tsconfig.node.json',
    'tsconfig.node20.json',
  ]) {
    tsc(config).catch(() => {}); // reported by the test that reads it
  }
});

afterAll(async () => {
  await server?.close();
  // let running tsc children finish before their folder goes
  await Promise.allSettled(tscRuns.values());
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// ── the checks ──────────────────────────────────────────────────────────

describe('a fresh project with the packed tarball installed', () => {
  it('gets a real copy of the package (not a link back to the repo), with the files the CDN path serves', () => {
    const installed = realpathSync(join(app, 'node_modules', 'steadysocket'));
    expect(installed.startsWith(app)).toBe(true);
    for (const f of [
      'package.json',
      'dist/steadysocket.mjs',
      'dist/steadysocket.cjs',
      'dist/steadysocket.umd.min.js',
    ]) {
      expect(existsSync(join(installed, f)), f).toBe(true);
    }
  });

  it('import: resolves to the .mjs and round-trips a channel message through a ws server', async () => {
    const r = await run(process.execPath, ['esm.mjs'], { cwd: app, env: { ECHO_URL: server.url }, timeout: 20_000 });
    expect(r.code, explain('node esm.mjs', r)).toBe(0);
    const out = JSON.parse(r.stdout);
    console.log(`import: ${r.ms} ms, ${r.stdout.trim()}`);
    expect(out.resolved).toBe(join(app, 'node_modules', 'steadysocket', 'dist', 'steadysocket.mjs'));
    expect(out.got).toEqual({ text: 'hi from import' });
    expect(out.state).toBe('closed');
  });

  it('require: resolves to the .cjs, reads package.json, and round-trips a message through a ws server', async () => {
    const r = await run(process.execPath, ['cjs.cjs'], { cwd: app, env: { ECHO_URL: server.url }, timeout: 20_000 });
    expect(r.code, explain('node cjs.cjs', r)).toBe(0);
    const out = JSON.parse(r.stdout);
    console.log(`require: ${r.ms} ms, ${r.stdout.trim()}`);
    expect(out.resolved).toBe(join(app, 'node_modules', 'steadysocket', 'dist', 'steadysocket.cjs'));
    expect(out.got).toBe('hi from require');
    expect(out.state).toBe('closed');
  });

  it('TypeScript, moduleResolution node16: ESM (.mts) and CommonJS (.cts) consumers type-check, mistakes do not', async () => {
    expect(await errorsIn('tsconfig.node16.json', /^(?!interfaces\.mts$)/)).toEqual([]);
  });

  it('TypeScript, moduleResolution bundler: import and import = require() consumers type-check', async () => {
    expect(await errorsIn('tsconfig.bundler.json', /./)).toEqual([]);
  });

  it('TypeScript: a channel map declared as an interface is accepted', async () => {
    expect(await errorsIn('tsconfig.node16.json', /^interfaces\.mts$/)).toEqual([]);
  });

  it('TypeScript, Node app without the DOM lib: the shipped declarations need no DOM-only type', async () => {
    expect(await errorsIn('tsconfig.node.json', /node_modules[\\/]steadysocket[\\/]/)).toEqual([]);
  });

  it('TypeScript, Node app on @types/node 20 without the DOM lib: the declarations and typical use check', async () => {
    expect(await errorsIn('tsconfig.node20.json', /./)).toEqual([]);
  });

  it('TypeScript, Node app: passing ws as the WebSocket option needs no cast', async () => {
    expect(await errorsIn('tsconfig.node.json', /^node-ws\.[cm]ts$/)).toEqual([]);
  });
});

// ── the framework entries ───────────────────────────────────────────────

/** Bare specifiers imported or required by `file` and every dist file it reaches through relative imports. */
function externalsOf(distDir: string, file: string): string[] {
  const seen = new Set<string>();
  const out = new Set<string>();
  const visit = (f: string) => {
    if (seen.has(f)) return;
    seen.add(f);
    // import/export statements at the start of a line and require() calls: what rollup emits
    // (a bare scan would also match the JSDoc examples and error messages that show imports)
    const text = readFileSync(join(distDir, f), 'utf8');
    const specs = [
      ...text.matchAll(/^(?:import|export)\b[^'";]*?\bfrom\s*['"]([^'"]+)['"]/gm),
      ...text.matchAll(/^import\s*['"]([^'"]+)['"]/gm),
      ...text.matchAll(/^(?:var|const|let)\s+\w+\s*=\s*require\(\s*['"]([^'"]+)['"]\s*\)/gm),
      ...text.matchAll(/^require\(\s*['"]([^'"]+)['"]\s*\)/gm),
    ].map((m) => m[1]!);
    for (const spec of specs) {
      if (spec.startsWith('./')) visit(spec.slice(2));
      else out.add(spec);
    }
  };
  visit(file);
  return [...out].sort();
}

describe('steadysocket/react and steadysocket/vue from the tarball', () => {
  it('the main, core and shared entries reach no framework: no import or require of anything outside the package', () => {
    const distDir = join(app, 'node_modules', 'steadysocket', 'dist');
    for (const f of [
      'steadysocket.mjs',
      'steadysocket.cjs',
      'steadysocket.core.mjs',
      'steadysocket.core.cjs',
      'steadysocket.shared.mjs',
      'steadysocket.shared.cjs',
    ]) {
      expect(externalsOf(distDir, f), f).toEqual([]);
    }
    // the control: the framework entries do import their framework
    expect(externalsOf(distDir, 'steadysocket.react.mjs')).toEqual(['react']);
    expect(externalsOf(distDir, 'steadysocket.vue.cjs')).toEqual(['vue']);
  });

  it('without React or Vue installed: the main entry works, the framework entries fail naming the missing framework (ESM)', async () => {
    const r = await run(process.execPath, ['bare.mjs'], { cwd: bare, timeout: 20_000 });
    expect(r.code, explain('node bare.mjs', r)).toBe(0);
    const out = JSON.parse(r.stdout);
    console.log(`bare ESM: ${r.stdout.trim()}`);
    expect(out).toMatchObject({ main: 'function', reactInstalled: false, vueInstalled: false });
    expect(out.react.code).toBe('ERR_MODULE_NOT_FOUND');
    expect(out.react.message).toMatch(/Cannot find package 'react' imported from .*steadysocket\.react\.mjs/);
    expect(out.vue.code).toBe('ERR_MODULE_NOT_FOUND');
    expect(out.vue.message).toMatch(/Cannot find package 'vue' imported from .*steadysocket\.vue\.mjs/);
  });

  it('without React or Vue installed: the same with require (CommonJS)', async () => {
    const r = await run(process.execPath, ['bare.cjs'], { cwd: bare, timeout: 20_000 });
    expect(r.code, explain('node bare.cjs', r)).toBe(0);
    const out = JSON.parse(r.stdout);
    console.log(`bare CJS: ${r.stdout.trim()}`);
    expect(out.main).toBe('function');
    expect(out.react).toMatchObject({ code: 'MODULE_NOT_FOUND', message: "Cannot find module 'react'" });
    expect(out.vue).toMatchObject({ code: 'MODULE_NOT_FOUND', message: "Cannot find module 'vue'" });
  });

  it('with React and Vue installed, import: server rendering makes no socket; a Vue scope connects, echoes and closes', async () => {
    const r = await run(process.execPath, ['fw-esm.mjs'], { cwd: app, env: { ECHO_URL: server.url }, timeout: 30_000 });
    expect(r.code, explain('node fw-esm.mjs', r)).toBe(0);
    const out = JSON.parse(r.stdout);
    console.log(`frameworks ESM: ${r.ms} ms, ${r.stdout.trim()}`);
    const dist = join(app, 'node_modules', 'steadysocket', 'dist');
    expect(out.resolved).toEqual([join(dist, 'steadysocket.react.mjs'), join(dist, 'steadysocket.vue.mjs')]);
    expect(out.react).toEqual(['useChannel', 'useSocketState', 'useSteadySocket']);
    expect(out.vue).toEqual(['useSteadySocket']);
    expect(out.html).toBe('<p>closed|undefined</p>');
    expect(out.vhtml).toBe('<p>closed</p>');
    expect(out.got).toEqual({ text: 'hi from vue' });
    expect(out.sameClass).toBe(true);
    expect(out.state).toBe('closed');
  });

  it('with React and Vue installed, require: both entries resolve to their .cjs and share the main entry class', async () => {
    const r = await run(process.execPath, ['fw-cjs.cjs'], { cwd: app, timeout: 30_000 });
    expect(r.code, explain('node fw-cjs.cjs', r)).toBe(0);
    const out = JSON.parse(r.stdout);
    console.log(`frameworks CJS: ${r.ms} ms, ${r.stdout.trim()}`);
    const dist = join(app, 'node_modules', 'steadysocket', 'dist');
    expect(out.resolved).toEqual([join(dist, 'steadysocket.react.cjs'), join(dist, 'steadysocket.vue.cjs')]);
    expect(out.react).toEqual(['useChannel', 'useSocketState', 'useSteadySocket']);
    expect(out.vue).toEqual(['useSteadySocket']);
    expect(out.html).toBe('<p>closed</p>');
    expect(out.sameClass).toBe(true);
    expect(out.state).toBe('closed');
  });

  it('TypeScript, node16, ESM and CommonJS: the hooks are typed from the channel map, mistakes do not compile', async () => {
    // the other tsc runs are over by now (awaited by the tests above)
    await Promise.allSettled(tscRuns.values());
    expect(await errorsIn('tsconfig.frameworks.json', /./)).toEqual([]);
  });
});
