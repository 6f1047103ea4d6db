// steadysocket/react in jsdom with React 19 and <StrictMode>, against a real ws
// server on 127.0.0.1:0 that counts connections. The sockets connect through
// `ws` (the WebSocket option): the global WebSocket vitest's jsdom environment
// exposes on Node 20 is undici's, which throws on jsdom's Event class.
import { act, cleanup, render } from '@testing-library/react';
import { createElement as h, StrictMode, useState } from 'react';
import { hydrateRoot } from 'react-dom/client';
import { renderToString } from 'react-dom/server';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SteadySocketOptions, State } from '../../src/index';
import { SteadySocket as CoreSocket } from '../../src/core';
import { SteadySocket } from '../../src/index';
import { useChannel, useSocketState, useSteadySocket } from '../../src/react';
import {
  type CountingServer,
  countingServer,
  countingWebSocket,
  type LeakTracker,
  sleep,
  trackLeaks,
  until,
} from './util';

type Channels = { chat: { text: string }; other: number };

let srv: CountingServer;
let leaks: LeakTracker;

beforeAll(() => {
  // socket events re-render outside act(): let React schedule them as in an app
  // (RTL's own act() still sets the flag while it runs)
  (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = false;
});
beforeEach(async () => {
  const counted = countingWebSocket();
  native = counted.made;
  WSO = { WebSocket: counted.WebSocket as unknown as SteadySocketOptions['WebSocket'] };
  srv = await countingServer();
  leaks = trackLeaks();
});
afterEach(async () => {
  cleanup();
  leaks.stop();
  await srv.close();
});

/** A heartbeat keeps a timer armed while a connection is open: a socket left open leaves a timer. */
const HEARTBEAT: SteadySocketOptions = { heartbeat: { interval: 5000, timeout: 5000 } };
/** What every socket here gets: ws as its WebSocket, counting the native sockets made (`native`). */
let native: string[];
let WSO: { WebSocket: SteadySocketOptions['WebSocket'] };

/** After everything closed: no timer and no window/document listener is left. */
async function expectNothingLeft() {
  await until(() => leaks.timers() === 0, `no live timers (left: ${leaks.timerStacks().join('\n\n')})`, 3000).catch(
    (e) => {
      throw new Error(`${(e as Error).message}\n${leaks.timerStacks().join('\n---\n')}`);
    },
  );
  expect(leaks.listeners()).toEqual({});
}

interface Seen {
  sockets: (SteadySocket<Channels> | null)[];
  states: State[];
  frames: Channels['chat'][];
  lasts: (Channels['chat'] | undefined)[];
}
const seen = (): Seen => ({ sockets: [], states: [], frames: [], lasts: [] });

/** The usual component: the three hooks, options inline (a new object on every render). */
function Live({ url, log, onFrame }: { url: string | null; log: Seen; onFrame?: (d: Channels['chat']) => void }) {
  const socket = useSteadySocket<Channels>(url, { ...WSO, ...HEARTBEAT, reconnect: { minDelay: 50 } });
  const state = useSocketState(socket);
  const last = useChannel(socket, 'chat', onFrame ?? ((d) => log.frames.push(d)));
  log.sockets.push(socket);
  if (log.states.at(-1) !== state) log.states.push(state);
  log.lasts.push(last);
  return h('p', null, `${state}|${last?.text ?? ''}`);
}

const strict = (el: ReturnType<typeof h>) => h(StrictMode, null, el);
const text = (c: HTMLElement) => c.textContent ?? '';

describe('useSteadySocket + useSocketState under StrictMode', () => {
  it('one connection per hook instance; state re-renders connecting → open; unmount closes it, nothing left', async () => {
    const log = seen();
    const r = render(strict(h(Live, { url: `${srv.url}/a`, log })));
    await until(() => text(r.container) === 'open|', 'the page to show open');
    // give a second connection time to show up, if the hook made one
    await sleep(200);
    expect(srv.conns.map((c) => c.path)).toEqual(['/a']);
    expect(srv.live()).toHaveLength(1);
    // not even a connection made and cut before it reached the server
    expect(native).toEqual([`${srv.url}/a`]);
    expect(log.states).toEqual(['closed', 'connecting', 'open']);
    // every render saw the same socket: StrictMode's double render and double effect made no other
    const distinct = new Set(log.sockets);
    expect(distinct.size).toBe(1);
    const socket = [...distinct][0]!;
    expect(socket).toBeInstanceOf(SteadySocket);
    // the tracker sees the socket's browser hooks while it is up (so it would see them left behind)
    expect(leaks.listeners()).toMatchObject({ 'window:online': 1, 'window:offline': 1 });
    expect(leaks.timers()).toBeGreaterThan(0); // the heartbeat
    r.unmount();
    await until(() => srv.live().length === 0, 'the server to see the close');
    expect(srv.conns[0]!.closeCode).toBe(1005); // close() without a code, as the native socket sends it
    expect(socket.state).toBe('closed');
    expect(srv.conns).toHaveLength(1);
    await expectNothingLeft();
  });

  it('state goes connecting → open → closing → closed when the socket is closed, and open again after open()', async () => {
    const log = seen();
    const r = render(strict(h(Live, { url: `${srv.url}/s`, log })));
    await until(() => text(r.container) === 'open|', 'open');
    const socket = log.sockets.at(-1)!;
    socket.close(1000, 'done');
    await until(() => text(r.container) === 'closed|', 'closed');
    expect(log.states).toEqual(['closed', 'connecting', 'open', 'closing', 'closed']);
    socket.open();
    await until(() => text(r.container) === 'open|', 'open again');
    expect(log.states.slice(5)).toEqual(['connecting', 'open']);
    expect(srv.conns).toHaveLength(2);
    r.unmount();
    await until(() => srv.live().length === 0, 'the server to see the close');
    await expectNothingLeft();
  });

  it('a new url closes the old socket and opens one new one; inline options and re-renders do not reconnect', async () => {
    const log = seen();
    let setUrl!: (u: string | null) => void;
    let bump!: () => void;
    function Host() {
      const [url, set] = useState<string | null>(`${srv.url}/one`);
      const [n, setN] = useState(0);
      setUrl = set;
      bump = () => setN((x) => x + 1);
      return h('div', { 'data-n': n }, h(Live, { url, log }));
    }
    const r = render(strict(h(Host)));
    await until(() => text(r.container) === 'open|', 'open on /one');
    const first = log.sockets.at(-1)!;
    // ten re-renders, each with a new inline options object and a new inline handler
    for (let i = 0; i < 10; i++) act(() => bump());
    await sleep(200);
    expect(srv.conns.map((c) => c.path)).toEqual(['/one']);
    expect(log.sockets.at(-1)).toBe(first);

    act(() => setUrl(`${srv.url}/two`));
    await until(() => srv.conns.length === 2 && !srv.conns[0]!.open, 'the switch to /two');
    await until(() => text(r.container) === 'open|', 'open on /two');
    await sleep(200);
    expect(srv.conns.map((c) => c.path)).toEqual(['/one', '/two']);
    expect(srv.live().map((c) => c.path)).toEqual(['/two']);
    expect(native).toEqual([`${srv.url}/one`, `${srv.url}/two`]);
    expect(first.state).toBe('closed');
    const second = log.sockets.at(-1)!;
    expect(second).not.toBe(first);

    // the same url again (a new string with the same text) is the same socket
    act(() => setUrl(`${srv.url}/two`));
    await sleep(100);
    expect(log.sockets.at(-1)).toBe(second);

    // null: no socket, the last one closed
    act(() => setUrl(null));
    await until(() => srv.live().length === 0, 'the close after url → null');
    expect(log.sockets.at(-1)).toBeNull();
    expect(text(r.container)).toBe('closed|');
    expect(second.state).toBe('closed');
    r.unmount();
    expect(srv.conns).toHaveLength(2);
    await expectNothingLeft();
  });

  it('a function url is one identity: a new closure per render does not reconnect, and the latest one is called', async () => {
    const calls: string[] = [];
    let setToken!: (t: string) => void;
    let socket: SteadySocket | null = null;
    function Tok() {
      const [token, set] = useState('t1');
      setToken = set;
      socket = useSteadySocket(() => {
        calls.push(token);
        return `${srv.url}/f?token=${token}`;
      }, WSO);
      return h('p', null, useSocketState(socket));
    }
    const r = render(strict(h(Tok)));
    await until(() => text(r.container) === 'open', 'open');
    act(() => setToken('t2'));
    await sleep(100);
    expect(srv.conns.map((c) => c.path)).toEqual(['/f?token=t1']);
    // the next attempt reads the latest closure
    act(() => socket!.reconnect());
    await until(() => srv.conns.length === 2, 'the reconnect');
    expect(srv.conns.map((c) => c.path)).toEqual(['/f?token=t1', '/f?token=t2']);
    expect(calls).toEqual(['t1', 't2']);
    r.unmount();
    await until(() => srv.live().length === 0, 'the close');
    await expectNothingLeft();
  });

  it('startClosed: the socket is made but not opened until open()', async () => {
    let socket: SteadySocket | null = null;
    function Lazy() {
      socket = useSteadySocket(`${srv.url}/lazy`, { ...WSO, startClosed: true });
      return h('p', null, useSocketState(socket));
    }
    const r = render(strict(h(Lazy)));
    await sleep(200);
    expect(text(r.container)).toBe('closed');
    expect(srv.conns).toHaveLength(0);
    act(() => socket!.open());
    await until(() => text(r.container) === 'open', 'open');
    r.unmount();
    await until(() => srv.live().length === 0, 'the close');
    expect(srv.conns).toHaveLength(1);
    await expectNothingLeft();
  });
});

describe('with the core entry socket (create)', () => {
  it('steadysocket/core works through create: one connection, state re-renders, closed on unmount', async () => {
    let socket: CoreSocket | null = null;
    function Core() {
      socket = useSteadySocket(`${srv.url}/core`, { ...WSO, create: (u, p, o) => new CoreSocket(u, p, o) });
      return h('p', null, useSocketState(socket));
    }
    const r = render(strict(h(Core)));
    await until(() => text(r.container) === 'open', 'open');
    await sleep(150);
    expect(socket).toBeInstanceOf(CoreSocket);
    expect(socket).not.toBeInstanceOf(SteadySocket);
    expect(native).toEqual([`${srv.url}/core`]);
    r.unmount();
    await until(() => srv.live().length === 0, 'the close');
    expect(socket!.state).toBe('closed');
    await expectNothingLeft();
  });
});

describe('useChannel', () => {
  it('calls the handler once per frame (StrictMode), returns the latest payload, and follows a new handler without resubscribing', async () => {
    const log = seen();
    // count channel subscriptions through a subclass made by the `create` option
    let ons = 0;
    let offs = 0;
    let listeners = 0;
    // (wrapped per instance, so the class keeps SteadySocket's typed signatures)
    class Counting<C extends object> extends SteadySocket<C> {
      constructor(...args: ConstructorParameters<typeof SteadySocket>) {
        super(...args);
        const channel = this.channel.bind(this);
        const add = this.addEventListener.bind(this) as (...a: unknown[]) => void;
        const remove = this.removeEventListener.bind(this) as (...a: unknown[]) => void;
        this.channel = ((name: keyof C & string) => {
          const ch = channel(name);
          return {
            ...ch,
            on: (handler: Parameters<typeof ch.on>[0]) => {
              ons++;
              const off = ch.on(handler);
              return () => {
                offs++;
                off();
              };
            },
          };
        }) as typeof this.channel;
        this.addEventListener = ((...a: unknown[]) => {
          listeners++;
          add(...a);
        }) as typeof this.addEventListener;
        this.removeEventListener = ((...a: unknown[]) => {
          listeners--;
          remove(...a);
        }) as typeof this.removeEventListener;
      }
    }
    const handled: string[] = [];
    let setTag!: (t: string) => void;
    function Chat() {
      const [tag, set] = useState('a');
      setTag = set;
      const socket = useSteadySocket(`${srv.url}/chat`, {
        ...WSO,
        create: (u, p, o) => new Counting<Channels>(u, p, o),
      });
      const state = useSocketState(socket);
      // a new inline handler on every render, closing over the current tag
      const last = useChannel(socket, 'chat', (d) => handled.push(`${tag}:${d.text}`));
      log.lasts.push(last);
      return h('p', null, `${state}|${last?.text ?? ''}`);
    }
    const r = render(strict(h(Chat)));
    await until(() => text(r.container) === 'open|', 'open');
    expect(log.lasts.every((x) => x === undefined)).toBe(true);
    const frame = (text: string) => JSON.stringify({ channel: 'chat', data: { text } });
    srv.send(frame('one'));
    srv.send(JSON.stringify({ channel: 'other', data: 5 }));
    srv.send(frame('two'));
    await until(() => text(r.container) === 'open|two', 'the latest payload on the page');
    act(() => setTag('b'));
    srv.send(frame('three'));
    await until(() => text(r.container) === 'open|three', 'the third frame');
    await sleep(100);
    expect(handled).toEqual(['a:one', 'a:two', 'b:three']);
    // StrictMode subscribed, unsubscribed and subscribed once more; re-renders did not resubscribe
    expect(ons - offs).toBe(1);
    expect(ons).toBeLessThanOrEqual(2);
    expect(srv.conns).toHaveLength(1);
    expect(native).toHaveLength(1);
    r.unmount();
    await until(() => srv.live().length === 0, 'the close');
    expect(ons - offs).toBe(0);
    // every listener the hooks added to the socket is removed again
    expect(listeners).toBe(0);
    await expectNothingLeft();
  });
});

describe('server render, then hydration', () => {
  it('renders closed on the server with no socket, hydrates without a mismatch and connects once', async () => {
    const log = seen();
    const app = () => strict(h(Live, { url: `${srv.url}/h`, log }));
    const html = renderToString(app());
    expect(html).toContain('closed|');
    expect(log.sockets.every((s) => s === null)).toBe(true);
    expect(srv.conns).toHaveLength(0);

    const container = document.createElement('div');
    container.innerHTML = html;
    document.body.append(container);
    const recoverable: unknown[] = [];
    let root!: ReturnType<typeof hydrateRoot>;
    act(() => {
      root = hydrateRoot(container, app(), { onRecoverableError: (e) => recoverable.push(e) });
    });
    await until(() => text(container) === 'open|', 'open after hydration');
    await sleep(200);
    expect(recoverable).toEqual([]);
    expect(srv.conns.map((c) => c.path)).toEqual(['/h']);
    expect(native).toEqual([`${srv.url}/h`]);
    // null while hydrating (the markup matches the server's), then the socket
    expect(log.sockets[0]).toBeNull();
    expect(log.sockets.at(-1)).toBeInstanceOf(SteadySocket);
    act(() => root.unmount());
    container.remove();
    await until(() => srv.live().length === 0, 'the close');
    await expectNothingLeft();
  });
});
