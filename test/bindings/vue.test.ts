// steadysocket/vue in jsdom with Vue 3 and Vue Test Utils, against a real ws
// server on 127.0.0.1:0 that counts connections (sockets connect through `ws`,
// counted as they are made: see react.test.ts for why).
import { mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { createSSRApp, defineComponent, effectScope, h, nextTick, ref, type PropType } from 'vue';
import { renderToString } from 'vue/server-renderer';
import type { SteadySocketOptions } from '../../src/index';
import { SteadySocket as CoreSocket } from '../../src/core';
import { SteadySocket } from '../../src/index';
import { type UseSteadySocketReturn, useSteadySocket } from '../../src/vue';
import {
  type CountingServer,
  countingServer,
  countingWebSocket,
  type LeakTracker,
  sleep,
  trackLeaks,
  until,
} from './util';

type Channels = { chat: { text: string } };

let srv: CountingServer;
let leaks: LeakTracker;
let native: string[];
let WSO: SteadySocketOptions;

beforeEach(async () => {
  const counted = countingWebSocket();
  native = counted.made;
  // a heartbeat keeps a timer armed while open: a socket left open leaves a timer
  WSO = {
    WebSocket: counted.WebSocket as unknown as SteadySocketOptions['WebSocket'],
    heartbeat: { interval: 5000, timeout: 5000 },
  };
  srv = await countingServer();
  leaks = trackLeaks();
});
afterEach(async () => {
  leaks.stop();
  await srv.close();
});

async function expectNothingLeft() {
  await until(() => leaks.timers() === 0, 'no live timers', 3000).catch((e) => {
    throw new Error(`${(e as Error).message}\n${leaks.timerStacks().join('\n---\n')}`);
  });
  expect(leaks.listeners()).toEqual({});
}

const frame = (text: string) => JSON.stringify({ channel: 'chat', data: { text } });

describe('in a component', () => {
  const Live = defineComponent({
    props: { path: { type: String as PropType<string | null>, default: null } },
    setup(props, { expose }) {
      const io = useSteadySocket<Channels>(() => (props.path === null ? null : `${srv.url}${props.path}`), WSO);
      const last = ref('');
      io.channel('chat').on((d) => {
        last.value = d.text;
      });
      // what setup sees: made (not connecting) on the client, so the first render matches a server's
      const atSetup = { socket: io.socket.value, state: io.state.value };
      expose({ io, atSetup });
      return () => h('p', `${io.state.value}|${last.value}`);
    },
  });
  type Exposed = {
    io: UseSteadySocketReturn<SteadySocket<Channels>>;
    atSetup: { socket: unknown; state: string };
  };

  it('opens once mounted (one connection), re-renders its state, reconnects on a url change, closes on unmount', async () => {
    const w = mount(Live, { props: { path: '/a' } });
    onTestFinished(() => w.unmount());
    const vm = w.vm as unknown as Exposed;
    expect(vm.atSetup.socket).toBeInstanceOf(SteadySocket);
    expect(vm.atSetup.state).toBe('closed');
    await until(() => w.text() === 'open|', 'open');
    const first = vm.io.socket.value!;
    expect(first).toBeInstanceOf(SteadySocket);
    await sleep(150);
    expect(native).toEqual([`${srv.url}/a`]);
    expect(srv.conns.map((c) => c.path)).toEqual(['/a']);
    expect(leaks.listeners()).toMatchObject({ 'window:online': 1 });

    // frames reach the channel handler; send goes to the current socket
    srv.send(frame('one'));
    await until(() => w.text() === 'open|one', 'the frame');
    vm.io.send('hello a');
    vm.io.channel('chat').send({ text: 'hi a' });

    await w.setProps({ path: '/b' });
    await until(() => w.text() === 'open|one' && srv.conns.length === 2 && srv.live().length === 1, 'the switch to /b');
    expect(first.state).toBe('closed');
    expect(srv.live().map((c) => c.path)).toEqual(['/b']);
    expect(vm.io.socket.value).not.toBe(first);
    // the channel subscription moved to the new socket
    srv.send(frame('two'));
    await until(() => w.text() === 'open|two', 'a frame on the new socket');
    vm.io.send('hello b');
    await until(() => srv.received.length === 3, 'what was sent');
    expect(srv.received).toEqual([
      { conn: 1, data: 'hello a' },
      { conn: 1, data: frame('hi a') },
      { conn: 2, data: 'hello b' },
    ]);

    // null: no socket
    await w.setProps({ path: null });
    await until(() => srv.live().length === 0, 'the close after path → null');
    expect(vm.io.socket.value).toBeNull();
    expect(vm.io.state.value).toBe('closed');
    await w.setProps({ path: '/c' });
    await until(() => w.text().startsWith('open'), 'open on /c');
    w.unmount();
    await until(() => srv.live().length === 0, 'the close on unmount');
    expect(native).toEqual([`${srv.url}/a`, `${srv.url}/b`, `${srv.url}/c`]);
    expect(srv.conns.every((c) => c.closeCode === 1005)).toBe(true);
    await expectNothingLeft();
  });

  it('server render then hydration: closed on the server with nothing made, no mismatch, one connection', async () => {
    const warn = vi.spyOn(console, 'warn');
    const error = vi.spyOn(console, 'error');
    try {
      const html = await renderToString(createSSRApp(Live, { path: '/h' }));
      expect(html).toBe('<p>closed|</p>');
      expect(native).toEqual([]);
      const el = document.createElement('div');
      el.innerHTML = html;
      document.body.append(el);
      const app = createSSRApp(Live, { path: '/h' });
      app.mount(el);
      await until(() => el.textContent === 'open|', 'open after hydration');
      await sleep(150);
      expect(native).toEqual([`${srv.url}/h`]);
      expect(srv.conns).toHaveLength(1);
      const complaints = [...warn.mock.calls, ...error.mock.calls].map((c) => String(c[0]));
      expect(complaints.filter((c) => /hydrat|mismatch/i.test(c))).toEqual([]);
      app.unmount();
      el.remove();
      await until(() => srv.live().length === 0, 'the close on unmount');
      await expectNothingLeft();
    } finally {
      warn.mockRestore();
      error.mockRestore();
    }
  });
});

describe('in a bare effectScope', () => {
  it('opens at once, follows a ref url (same text: same socket), closes on scope.stop()', async () => {
    const url = ref<string | URL>(`${srv.url}/x`);
    const scope = effectScope();
    const io = scope.run(() => useSteadySocket(url, WSO))!;
    onTestFinished(() => scope.stop());
    const states: string[] = [io.state.value];
    const first = io.socket.value!;
    first.addEventListener('statechange', () => states.push(io.state.value));
    await until(() => io.state.value === 'open', 'open');
    expect(states).toEqual(['connecting', 'open']);
    // a URL object with the same text is the same url
    url.value = new URL(`${srv.url}/x`);
    await nextTick();
    expect(io.socket.value).toBe(first);
    url.value = `${srv.url}/y`;
    await nextTick();
    expect(['closing', 'closed']).toContain(first.state);
    await until(() => first.state === 'closed', 'the old socket closed');
    await until(() => io.state.value === 'open', 'open on /y');
    expect(srv.conns.map((c) => c.path)).toEqual(['/x', '/y']);
    // the calls act on the current socket
    io.reconnect();
    await until(() => srv.conns.length === 3 && io.state.value === 'open', 'the reconnect');
    io.close();
    await until(() => io.state.value === 'closed' && srv.live().length === 0, 'close()');
    io.open();
    await until(() => io.state.value === 'open', 'open()');
    scope.stop();
    await until(() => srv.live().length === 0, 'the close on scope.stop()');
    expect(io.state.value).toBe('closed');
    expect(io.socket.value).toBeNull();
    // the url ref is no longer watched
    url.value = `${srv.url}/z`;
    await sleep(100);
    expect(native).toEqual([`${srv.url}/x`, `${srv.url}/y`, `${srv.url}/y`, `${srv.url}/y`]);
    await expectNothingLeft();
  });

  it('startClosed: made but not opened, also when mounted; open() connects', async () => {
    const scope = effectScope();
    const io = scope.run(() => useSteadySocket(`${srv.url}/lazy`, { ...WSO, startClosed: true }))!;
    onTestFinished(() => scope.stop());
    await sleep(150);
    expect(io.socket.value).toBeInstanceOf(SteadySocket);
    expect(io.state.value).toBe('closed');
    expect(native).toEqual([]);
    io.open();
    await until(() => io.state.value === 'open', 'open');
    scope.stop();
    await until(() => srv.live().length === 0, 'the close');
    await expectNothingLeft();
  });

  it('a core entry socket through create: connects and closes; channel() says channels are in the full entry', async () => {
    const scope = effectScope();
    const io = scope.run(() =>
      useSteadySocket(`${srv.url}/core`, { WebSocket: WSO.WebSocket, create: (u, p, o) => new CoreSocket(u, p, o) }),
    )!;
    onTestFinished(() => scope.stop());
    await until(() => io.state.value === 'open', 'open');
    expect(io.socket.value).toBeInstanceOf(CoreSocket);
    expect(() => io.channel('chat').on(() => {})).toThrow(/full 'steadysocket' entry/);
    scope.stop();
    await until(() => srv.live().length === 0, 'the close');
    await expectNothingLeft();
  });
});
