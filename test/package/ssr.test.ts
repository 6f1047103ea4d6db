// SSR safety: in plain Node (no window, no document) importing or requiring the
// package reads no browser global and starts nothing; constructing it with `ws`
// connects, and after close() nothing keeps the process alive.
// Each check runs in a fresh `node` child, so vitest's environment can't hide anything.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { echoServer, explain, ROOT, requireBuild, run } from './util';

beforeAll(requireBuild);

/** Globals a browser has and Node does not (or that a module must not read at import time). */
const BROWSER_GLOBALS = [
  'window',
  'document',
  'navigator',
  'location',
  'self',
  'localStorage',
  'sessionStorage',
  'addEventListener',
  'removeEventListener',
  'WebSocket',
  'CloseEvent',
  'reportError',
  'requestAnimationFrame',
  'matchMedia',
  'XMLHttpRequest',
  'HTMLElement',
  'customElements',
];

/**
 * Install a recording getter for every browser global (keeping the value Node
 * has, if any), load the package with `load`, and report what was touched.
 */
const TRAP = `
  const touched = new Set();
  const saved = new Map();
  for (const name of ${JSON.stringify(BROWSER_GLOBALS)}) {
    const d = Object.getOwnPropertyDescriptor(globalThis, name);
    saved.set(name, d);
    Object.defineProperty(globalThis, name, {
      configurable: true,
      get() { touched.add(name); return d && ('value' in d ? d.value : d.get?.call(globalThis)); },
      set() { touched.add(name + ' (set)'); },
    });
  }
  const untrap = () => {
    for (const [name, d] of saved) d ? Object.defineProperty(globalThis, name, d) : delete globalThis[name];
  };
`;

/**
 * Then construct with ws (heartbeat on) against the echo server, round-trip
 * one message, close, and check that no socket or timer is left alive.
 */
const USE = `
  // stdio pipes come and go with console output: count sockets and timers only
  const live = () => process.getActiveResourcesInfo().filter((r) => !/^(TTY|Pipe)Wrap$/.test(r));
  const s = new SteadySocket(process.env.ECHO_URL, { WebSocket: WS, heartbeat: true });
  const states = [s.state];
  s.addEventListener('statechange', (e) => states.push(e.to));
  const echoed = await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('no echo within 5 s')), 5000);
    s.onmessage = (e) => { clearTimeout(t); resolve(e.data); };
    s.send('hello from node');
  });
  const closed = await new Promise((resolve) => {
    s.onclose = (e) => resolve({ code: e.code, wasClean: e.wasClean });
    s.close(1000, 'bye');
  });
  // give ws a moment to release the socket, bounded
  for (let i = 0; i < 50 && live().length; i++) await new Promise((r) => setTimeout(r, 20));
  console.log(JSON.stringify({ importTouched, names, echoed, closed, states, state: s.state, left: live() }));
`;

const esmChild = `
  ${TRAP}
  const mod = await import('steadysocket');
  const importTouched = [...touched];
  untrap();
  const names = Object.keys(mod).sort();
  const { SteadySocket } = mod;
  const { default: WS } = await import('ws');
  ${USE}
`;

const cjsChild = `
  ${TRAP}
  const mod = require('steadysocket');
  const importTouched = [...touched];
  untrap();
  const names = Object.keys(mod).sort();
  const { SteadySocket } = mod;
  const WS = require('ws');
  (async () => {
    ${USE}
  })().catch((e) => { console.error(e); process.exit(1); });
`;

describe('plain Node, no DOM (SSR)', () => {
  let server: Awaited<ReturnType<typeof echoServer>>;
  beforeAll(async () => {
    server = await echoServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  const cases = [
    ['import (ESM, dist/steadysocket.mjs)', ['--input-type=module', '-e', esmChild]],
    ['require (CommonJS, dist/steadysocket.cjs)', ['-e', cjsChild]],
  ] as const;

  for (const [name, args] of cases) {
    it(`${name}: loading reads no browser global; with ws it connects, echoes, closes and lets Node exit`, async () => {
      const r = await run(process.execPath, [...args], {
        cwd: ROOT,
        env: { ECHO_URL: server.url },
        timeout: 20_000,
      });
      expect(r.code, explain('node child', r)).toBe(0);
      const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
      console.log(`${name}: ${r.ms} ms, ${JSON.stringify(out)}`);
      expect(out.importTouched).toEqual([]);
      expect(out.names).toContain('SteadySocket');
      expect(out.echoed).toBe('hello from node');
      expect(out.closed).toEqual({ code: 1000, wasClean: true });
      expect(out.states).toEqual(['connecting', 'open', 'closing', 'closed']);
      expect(out.state).toBe('closed');
      expect(out.left, 'sockets and timers still alive after close()').toEqual([]);
    });
  }

  it('without a WebSocket option on a Node that has none, the constructor says to pass ws', async () => {
    const script = `
      const { SteadySocket } = await import('steadysocket');
      try {
        new SteadySocket('ws://127.0.0.1:9/');
        console.log(JSON.stringify({ threw: false, hasGlobal: typeof WebSocket }));
      } catch (e) {
        console.log(JSON.stringify({ threw: true, name: e.name, message: e.message }));
      }
    `;
    const r = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, timeout: 20_000 });
    expect(r.code, explain('node child', r)).toBe(0);
    const out = JSON.parse(r.stdout);
    if (typeof (globalThis as { WebSocket?: unknown }).WebSocket === 'function') {
      // Node 22+: the global WebSocket is the default, nothing to complain about
      expect(out.threw).toBe(false);
    } else {
      expect(out).toMatchObject({ threw: true, name: 'TypeError' });
      expect(out.message).toMatch(/WebSocket/);
      expect(out.message).toMatch(/\bws\b/);
    }
  });
});
