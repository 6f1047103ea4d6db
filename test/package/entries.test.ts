// The shipped entry points, as Node, a bundler's CommonJS wrapper, a bare JS
// realm and a browser window load them: every path package.json names exists,
// the exports map resolves where it should, and the UMD file defines
// `steadysocket.SteadySocket` wherever it lands.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import vm from 'node:vm';
import { JSDOM } from 'jsdom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIST, echoServer, explain, ROOT, readPkg, requireBuild, run, targets } from './util';
import { FakeSocket } from '../socket/fake';

beforeAll(requireBuild);

const UMD = () => readFileSync(join(DIST, 'steadysocket.umd.min.js'), 'utf8');

/** What a real Node (not vitest's resolver) gets for `steadysocket` through the package's own exports map. */
async function nodeResolve() {
  // a module script inside the package: `steadysocket` resolves by self-reference, as in a consumer
  const script = `
    import { createRequire } from 'node:module';
    import { fileURLToPath } from 'node:url';
    const req = createRequire(${JSON.stringify(join(ROOT, 'package.json'))});
    const esm = await import('steadysocket');
    const cjs = req('steadysocket');
    console.log(JSON.stringify({
      import: fileURLToPath(import.meta.resolve('steadysocket')),
      require: req.resolve('steadysocket'),
      pkgJson: req.resolve('steadysocket/package.json'),
      esmNames: Object.keys(esm).sort(),
      cjsNames: Object.keys(cjs).sort(),
      esmIsClass: /^class\\b/.test(String(esm.SteadySocket)),
      cjsIsClass: /^class\\b/.test(String(cjs.SteadySocket)),
    }));
  `;
  const r = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, timeout: 20_000 });
  if (r.code !== 0) throw new Error(explain('node (import + require)', r));
  return JSON.parse(r.stdout);
}

describe('package.json entry points', () => {
  it('every file package.json points at exists (exports, main, module, types, unpkg, jsdelivr)', () => {
    const list = targets(readPkg());
    expect(list.length).toBeGreaterThan(0);
    const missing = list.filter((t) => !existsSync(join(ROOT, t.file))).map((t) => `${t.where} -> ${t.file}`);
    console.log(`checked ${list.length} targets: ${list.map((t) => `${t.where}=${t.file}`).join(', ')}`);
    expect(missing).toEqual([]);
  });

  it('every exports target is a relative "./" path inside the package', () => {
    const bad = targets(readPkg()).filter((t) => t.subpath && !t.file.startsWith('./'));
    expect(bad).toEqual([]);
  });

  it('real Node resolves import to the .mjs, require to the .cjs, and both export the same names', async () => {
    const r = await nodeResolve();
    console.log('node resolution:', JSON.stringify(r));
    expect(r.import).toBe(join(DIST, 'steadysocket.mjs'));
    expect(r.require).toBe(join(DIST, 'steadysocket.cjs'));
    expect(r.pkgJson).toBe(join(ROOT, 'package.json'));
    expect(r.esmNames).toContain('SteadySocket');
    expect(r.cjsNames).toEqual(r.esmNames);
    expect(r.esmIsClass).toBe(true);
    expect(r.cjsIsClass).toBe(true);
    // named exports only: no `default` to trip CJS/ESM default-export interop
    expect(r.esmNames).not.toContain('default');
  });
});

describe('the UMD file', () => {
  it('defines the global steadysocket with SteadySocket in a bare JS realm (no DOM, no URL, no EventTarget)', () => {
    const context = vm.createContext({});
    vm.runInContext(UMD(), context, { filename: 'steadysocket.umd.min.js', timeout: 5000 });
    const ns = context.steadysocket;
    expect(typeof ns?.SteadySocket).toBe('function');
    expect(ns.SteadySocket.OPEN).toBe(1);
  });

  it('exports the same names as the ESM build', async () => {
    const context = vm.createContext({});
    vm.runInContext(UMD(), context);
    const { esmNames } = await nodeResolve();
    expect(Object.keys(context.steadysocket).sort()).toEqual(esmNames);
  });

  it('fills module.exports under a CommonJS wrapper (how bundlers see it) and leaves the global alone', () => {
    const context = vm.createContext({});
    const wrapper = vm.runInContext(`(function (exports, module) {${UMD()}\n})`, context);
    const module = { exports: {} as Record<string, unknown> };
    wrapper.call(module.exports, module.exports, module);
    expect(typeof module.exports.SteadySocket).toBe('function');
    expect(context.steadysocket).toBeUndefined();
  });

  it('registers with an AMD loader when define.amd is present', () => {
    const calls: [string[], (exports: Record<string, unknown>) => void][] = [];
    const define = (deps: string[], factory: (exports: Record<string, unknown>) => void) => calls.push([deps, factory]);
    define.amd = {};
    const context = vm.createContext({ define });
    vm.runInContext(UMD(), context);
    expect(calls).toHaveLength(1);
    const exports: Record<string, unknown> = {};
    calls[0]![1](exports);
    expect(typeof exports.SteadySocket).toBe('function');
  });

  it('works end to end in a bare realm given a WebSocket: the minified build queues, opens, flushes, delivers', () => {
    // the hand-driven stand-in WebSocket of the socket tests
    FakeSocket.reset();
    const made = FakeSocket.all;
    const timers = new Set<ReturnType<typeof setTimeout>>();
    const context = vm.createContext({
      URL,
      Event,
      EventTarget,
      setTimeout: (fn: () => void, ms: number) => {
        const t = setTimeout(() => {
          timers.delete(t);
          fn();
        }, ms);
        timers.add(t);
        return t;
      },
      clearTimeout: (t: ReturnType<typeof setTimeout>) => {
        timers.delete(t);
        clearTimeout(t);
      },
      console,
    });
    vm.runInContext(UMD(), context);
    const s = new context.steadysocket.SteadySocket('ws://example.invalid/x', ['chat'], {
      WebSocket: FakeSocket,
      network: false,
    });
    const seen: string[] = [];
    s.addEventListener('open', () => seen.push('open'));
    s.onmessage = (e: { data: unknown }) => seen.push(`message:${e.data}`);
    s.channel('chat').on((data: { text: string }) => seen.push(`chat:${data.text}`));
    s.send('queued before open');
    expect(s.state).toBe('connecting');
    expect(s.queued).toBe(1);
    expect(made).toHaveLength(1);
    expect(made[0]!.url).toBe('ws://example.invalid/x');
    const ws = made[0]!;
    ws.readyState = 1;
    ws.onopen!(new Event('open'));
    expect(s.state).toBe('open');
    expect(ws.sent).toEqual(['queued before open']);
    ws.onmessage!(Object.assign(new Event('message'), { data: 'hello' }));
    ws.onmessage!(
      Object.assign(new Event('message'), { data: JSON.stringify({ channel: 'chat', data: { text: 'hi' } }) }),
    );
    expect(seen).toEqual([
      'open',
      'message:hello',
      `message:${JSON.stringify({ channel: 'chat', data: { text: 'hi' } })}`,
      'chat:hi',
    ]);
    s.close();
    expect(s.state).not.toBe('open');
    // the closing-handshake guard may be armed; the fake never answers, so end it as the native close would
    ws.onclose?.(Object.assign(new Event('close'), { code: 1000, reason: '', wasClean: true }));
    expect(s.state).toBe('closed');
    expect(timers.size).toBe(0);
  });

  describe('in a jsdom window, loaded by a <script> tag', () => {
    let server: Awaited<ReturnType<typeof echoServer>>;
    beforeAll(async () => {
      server = await echoServer();
    });
    afterAll(async () => {
      await server?.close();
    });

    it('defines window.steadysocket.SteadySocket and talks to a real server through the window WebSocket', async () => {
      const dom = new JSDOM(`<!doctype html><html><body><script>${UMD()}</script></body></html>`, {
        runScripts: 'dangerously',
        url: 'http://127.0.0.1/',
      });
      const w = dom.window as unknown as Window & { steadysocket: { SteadySocket: any } };
      try {
        expect(typeof w.steadysocket.SteadySocket).toBe('function');
        const s = new w.steadysocket.SteadySocket(server.url, { reconnect: false });
        const echoed = await new Promise<unknown>((resolve, reject) => {
          const t = setTimeout(() => reject(new Error('no echo within 5 s')), 5000);
          s.onmessage = (e: MessageEvent) => {
            clearTimeout(t);
            expect(e.target).toBe(s);
            resolve(e.data);
          };
          s.onerror = (e: Event) => {
            clearTimeout(t);
            reject(new Error(`socket error: ${(e as any).message ?? e.type}`));
          };
          s.send('hello from the window');
        });
        expect(echoed).toBe('hello from the window');
        const closed = new Promise<CloseEvent>((resolve) => s.addEventListener('close', resolve, { once: true }));
        s.close(1000, 'done');
        expect((await closed).code).toBe(1000);
        expect(s.state).toBe('closed');
      } finally {
        w.close();
      }
    });
  });
});
