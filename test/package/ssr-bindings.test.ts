// Server rendering with the framework entries, in plain Node (no window, no
// document, no WebSocket): importing `steadysocket/react` or `steadysocket/vue`
// (the built files, through the package's exports) and rendering components that
// use every hook reads no browser global, makes no socket and leaves nothing
// running. Each check runs in a fresh `node` child, as in ssr.test.ts.
import { beforeAll, describe, expect, it } from 'vitest';
import { explain, ROOT, requireBuild, run } from './util';

beforeAll(requireBuild);

/** Globals a browser has and Node (20) does not, or that server code must not read. */
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
  'requestAnimationFrame',
  'matchMedia',
  'XMLHttpRequest',
  'HTMLElement',
];

/**
 * A recording getter for every browser global; `touched` collects what is read
 * while `armed`. The framework's own first render runs before arming (a baseline),
 * so only what our entry and hooks read is counted.
 */
const TRAP = `
  const touched = new Set();
  let armed = false;
  for (const name of ${JSON.stringify(BROWSER_GLOBALS)}) {
    const d = Object.getOwnPropertyDescriptor(globalThis, name);
    Object.defineProperty(globalThis, name, {
      configurable: true,
      get() { if (armed) touched.add(name); return d && ('value' in d ? d.value : d.get?.call(globalThis)); },
      set() { if (armed) touched.add(name + ' (set)'); },
    });
  }
  const live = () => process.getActiveResourcesInfo().filter((r) => !/^(TTY|Pipe)Wrap$/.test(r));
`;

const REACT_APP = (react: string, server: string, entry: string) => `
  const { createElement: h, StrictMode } = ${react};
  const { renderToString } = ${server};
  // baseline: React's own first render, before the trap is armed
  renderToString(h('p', null, 'warm-up'));
  armed = true;
  const { useSteadySocket, useSocketState, useChannel } = ${entry};
  const seen = [];
  function Live() {
    const socket = useSteadySocket('ws://127.0.0.1:9/live', { heartbeat: true });
    const fn = useSteadySocket(() => 'ws://127.0.0.1:9/fn');
    const state = useSocketState(socket);
    const last = useChannel(socket, 'chat', () => seen.push('frame'));
    seen.push({ socket, fn, state, last });
    return h('p', null, state + '|' + String(last));
  }
  const html = renderToString(h(StrictMode, null, h(Live)));
  armed = false;
  await new Promise((r) => setTimeout(r, 50));
  console.log(JSON.stringify({ touched: [...touched], html, seen, left: live() }));
`;

const VUE_APP = (vue: string, server: string, entry: string) => `
  const { createSSRApp, defineComponent, h } = ${vue};
  const { renderToString } = ${server};
  await renderToString(createSSRApp({ render: () => h('p', 'warm-up') }));
  armed = true;
  const { useSteadySocket } = ${entry};
  const seen = [];
  const Live = defineComponent({
    setup() {
      const io = useSteadySocket('ws://127.0.0.1:9/live', { heartbeat: true });
      const viaGetter = useSteadySocket(() => 'ws://127.0.0.1:9/getter');
      io.channel('chat').on(() => seen.push('frame'));
      io.send('queued?');
      seen.push({ socket: io.socket.value, getter: viaGetter.socket.value, state: io.state.value });
      return () => h('p', io.state.value + '|' + String(io.socket.value));
    },
  });
  const html = await renderToString(createSSRApp(Live));
  armed = false;
  await new Promise((r) => setTimeout(r, 50));
  console.log(JSON.stringify({ touched: [...touched], html, seen, left: live() }));
`;

const cases: [string, string[], string, unknown[]][] = [
  [
    'React, import (ESM): react-dom/server renderToString',
    [
      '--input-type=module',
      '-e',
      `${TRAP}${REACT_APP("await import('react')", "await import('react-dom/server')", "await import('steadysocket/react')")}`,
    ],
    '<p>closed|undefined</p>',
    [{ socket: null, fn: null, state: 'closed' }],
  ],
  [
    'React, require (CommonJS): react-dom/server renderToString',
    [
      '-e',
      `(async () => {${TRAP}${REACT_APP("require('react')", "require('react-dom/server')", "require('steadysocket/react')")}})().catch((e) => { console.error(e); process.exit(1); });`,
    ],
    '<p>closed|undefined</p>',
    [{ socket: null, fn: null, state: 'closed' }],
  ],
  [
    'Vue, import (ESM): vue/server-renderer renderToString',
    [
      '--input-type=module',
      '-e',
      `${TRAP}${VUE_APP("await import('vue')", "await import('vue/server-renderer')", "await import('steadysocket/vue')")}`,
    ],
    '<p>closed|null</p>',
    [{ socket: null, getter: null, state: 'closed' }],
  ],
  [
    'Vue, require (CommonJS): vue/server-renderer renderToString',
    [
      '-e',
      `(async () => {${TRAP}${VUE_APP("require('vue')", "require('vue/server-renderer')", "require('steadysocket/vue')")}})().catch((e) => { console.error(e); process.exit(1); });`,
    ],
    '<p>closed|null</p>',
    [{ socket: null, getter: null, state: 'closed' }],
  ],
];

describe('server rendering with the framework entries (plain Node)', () => {
  for (const [name, args, html, seen] of cases) {
    it(`${name}: reads no browser global, makes no socket, renders closed, leaves nothing running`, async () => {
      const r = await run(process.execPath, args, { cwd: ROOT, timeout: 30_000 });
      expect(r.code, explain('node child', r)).toBe(0);
      const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
      console.log(`${name}: ${r.ms} ms, ${JSON.stringify(out)}`);
      expect(out.touched).toEqual([]);
      expect(out.html).toBe(html);
      // StrictMode does not double-render on the server: one entry per component
      expect(out.seen).toEqual(seen);
      expect(out.left).toEqual([]);
    });
  }

  it('the trap would see a socket made on the server: constructing one (even startClosed) reads WebSocket', async () => {
    // the control: the same trap around what the hooks avoid
    const script = `${TRAP}
      const { SteadySocket } = await import('steadysocket');
      armed = true;
      try { new SteadySocket('ws://127.0.0.1:9/', { startClosed: true }); } catch {}
      console.log(JSON.stringify({ touched: [...touched].sort() }));
    `;
    const r = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, timeout: 20_000 });
    expect(r.code, explain('node child', r)).toBe(0);
    const out = JSON.parse(r.stdout.trim());
    expect(out.touched).toContain('WebSocket');
  });
});
