// steadysocket/shared in Chromium: several tabs of one origin (pages in one browser context)
// share one real connection to a ws fault server that counts connections. Each case is a
// guarantee of API.md "One connection for all tabs", against the built artifacts.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { events, figure, pageUntil, waitEvents } from '../helpers/browser.js';
import { now, sleep } from '../helpers/deferred.js';
import type { FaultServer } from '../helpers/fault-server.js';
import { setupTabs } from '../helpers/tabs.js';

const t = setupTabs();

/** Make a SharedSteadySocket tracked as `name` in every tab. */
const make = (tabs: Page[], url: string, options?: object, name = 's') =>
  Promise.all(tabs.map((p) => p.evaluate(([n, u, o]) => void __mk(n, u, undefined, o), [name, url, options] as const)));

const leaders = (tabs: Page[], name = 's') =>
  Promise.all(tabs.map((p) => p.evaluate((n) => __t.sockets[n].leader as boolean, name)));

/** The one tab that leads, after every tab agrees there is exactly one. */
async function leaderOf(tabs: Page[], name = 's'): Promise<Page> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const l = await leaders(tabs, name);
    if (l.filter(Boolean).length === 1) return tabs[l.indexOf(true)]!;
    if (Date.now() > deadline) throw new Error(`expected one leader, got ${JSON.stringify(l)}`);
    await sleep(20);
  }
}

const messages = (p: Page, name = 's') =>
  p.evaluate(
    (n) =>
      __t
        .log(n)
        .filter((r) => r.type === 'message')
        .map((r) => r.data),
    name,
  );

const count = (p: Page, type: string, name = 's') => p.evaluate(([n, ty]) => __t.count(n, ty), [name, type] as const);

/** Wait until the server has `n` live connections (TCP, at the proxy). */
async function live(srv: FaultServer, n: number, timeout = 5000) {
  const deadline = Date.now() + timeout;
  while (srv.live !== n) {
    if (Date.now() > deadline) throw new Error(`expected ${n} live connections, have ${srv.live}`);
    await sleep(10);
  }
}

describe('SharedSteadySocket: one connection for all tabs', () => {
  it('three tabs share one connection; every tab gets every message in order; each tab sends in order', async () => {
    const ctx = await t.context();
    const tabs = await ctx.tabs(3);
    const srv = await t.server();
    await make(tabs, srv.url);
    for (const p of tabs) await waitEvents(p, 's', 'open');
    await leaderOf(tabs);
    expect(srv.connections).toBe(1);
    await sleep(100);
    expect(srv.connections).toBe(1);

    // 200 frames from the server, text and binary
    for (let i = 0; i < 200; i++) srv.send(i % 50 === 49 ? Buffer.from([i]) : `m${i}`);
    for (const p of tabs)
      await pageUntil(p, () => __t.count('s', 'message') >= 200, undefined, { what: '200 messages' });
    const expected = Array.from({ length: 200 }, (_, i) => (i % 50 === 49 ? { kind: 'blob', size: 1 } : `m${i}`));
    for (const p of tabs) expect(await messages(p)).toEqual(expected);

    // 100 frames from each tab, sent in a burst
    await Promise.all(
      tabs.map((p, k) =>
        p.evaluate((k) => {
          for (let i = 0; i < 100; i++) __t.sockets.s.send(`${k}:${i}`);
        }, k),
      ),
    );
    const deadline = Date.now() + 5000;
    while (srv.received.length < 300 && Date.now() < deadline) await sleep(10);
    expect(srv.received.length).toBe(300);
    expect(new Set(srv.received.map((r) => r.conn))).toEqual(new Set([1]));
    for (let k = 0; k < 3; k++) {
      const got = srv.received.map((r) => r.data as string).filter((d) => d.startsWith(`${k}:`));
      expect(got).toEqual(Array.from({ length: 100 }, (_, i) => `${k}:${i}`));
    }
    // every tab saw the same life: connecting → open, one open, no close
    for (const p of tabs) {
      const log = await events(p);
      expect(log.filter((r) => r.type === 'statechange').map((r) => `${r.from}>${r.to}`)).toEqual(['connecting>open']);
      expect(log.filter((r) => ['open', 'close', 'drop', 'error'].includes(r.type)).map((r) => r.type)).toEqual([
        'open',
      ]);
    }
    expect(srv.connections).toBe(1);
  });

  // the leader's tab goes away in each way a tab can; another connects, and only one connection stays
  const takeovers: Record<string, number[]> = {};
  const ways = {
    'closed with beforeunload': (p: Page) => p.close({ runBeforeUnload: true }),
    'closed without unload handlers': (p: Page) => p.close(),
    crashed: async (p: Page) => {
      const cdp = await p.context().newCDPSession(p);
      const crashed = new Promise((resolve) => p.once('crash', resolve));
      // the call never answers: the renderer it runs in dies
      void cdp.send('Page.crash').catch(() => {});
      await crashed;
    },
    navigated: (p: Page) => p.goto('about:blank'),
    // headless Chromium ignores CDP Page.setWebLifecycleState (no freeze event, nothing frozen),
    // so the page gets the events a freeze (and the later resume) would give it
    frozen: (p: Page) => p.evaluate(() => void document.dispatchEvent(new Event('freeze'))),
    'hidden into the back/forward cache': (p: Page) =>
      p.evaluate(() => void dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true }))),
  } as const;
  for (const [way, end] of Object.entries(ways)) {
    it(`the leader tab ${way}: another tab takes over within about a second`, async () => {
      const ctx = await t.context();
      const tabs = await ctx.tabs(3);
      const srv = await t.server();
      await make(tabs, srv.url);
      for (const p of tabs) await waitEvents(p, 's', 'open');
      const leader = await leaderOf(tabs);
      const rest = tabs.filter((p) => p !== leader);
      const t0 = now();
      await end(leader);
      for (const p of rest) await waitEvents(p, 's', 'open', 2, 5000);
      const opened = await Promise.all(rest.map(async (p) => (await events(p)).filter((r) => r.type === 'open')[1]!.t));
      const ms = Math.min(...opened) - t0;
      (takeovers[way] ??= []).push(ms);
      figure(`shared: takeover after the leader tab ${way}: ${ms.toFixed(0)} ms (open in the new leader's tabs)`);
      expect(ms).toBeLessThan(3000);
      const next = await leaderOf(rest);
      expect(await next.evaluate(() => __lead.s)).toEqual([true]);
      // one live connection after the handover: the old one is gone
      expect(srv.connections).toBe(2);
      await live(srv, 1);
      // every remaining tab saw the old connection close, then the new one open, and nothing dropped
      for (const p of rest) {
        const log = await events(p);
        expect(log.filter((r) => ['open', 'close', 'drop'].includes(r.type)).map((r) => r.type)).toEqual([
          'open',
          'close',
          'open',
        ]);
        expect(log.filter((r) => r.type === 'statechange').map((r) => r.to)).toEqual(['open', 'connecting', 'open']);
      }
      // and the new connection works both ways for every tab
      srv.send('after');
      for (const p of rest)
        await pageUntil(p, () => __t.log('s').at(-1)?.data === 'after', undefined, { what: "'after'" });
      await rest[0]!.evaluate(() => __t.sockets.s.send('from-follower-or-leader'));
      await rest[1]!.evaluate(() => __t.sockets.s.send('from-the-other'));
      const deadline = Date.now() + 3000;
      while (srv.received.length < 2 && Date.now() < deadline) await sleep(10);
      expect(srv.received.map((r) => [r.conn, r.data]).sort()).toEqual([
        [2, 'from-follower-or-leader'],
        [2, 'from-the-other'],
      ]);
      if (way === 'frozen' || way.startsWith('hidden')) {
        // back: the old leader rejoins as a follower of the new connection
        await leader.evaluate((frozen) => {
          if (frozen) document.dispatchEvent(new Event('resume'));
          else dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true }));
        }, way === 'frozen');
        await waitEvents(leader, 's', 'open', 2, 5000);
        expect(await leader.evaluate(() => [__t.sockets.s.leader, __lead.s])).toEqual([false, [true, false]]);
        srv.send('back');
        await pageUntil(leader, () => __t.log('s').at(-1)?.data === 'back', undefined, { what: "'back'" });
        expect(srv.connections).toBe(2);
      }
    });
  }

  it("a follower's close() leaves the others up; the leader's moves the lead; the last one closes the connection", async () => {
    const ctx = await t.context();
    const tabs = await ctx.tabs(3);
    const srv = await t.server();
    const listening = (p: Page) => p.evaluate(() => Object.entries(__t.listeners().byType).filter(([, n]) => n > 0));
    const before = await Promise.all(tabs.map(listening));
    await make(tabs, srv.url);
    for (const p of tabs) await waitEvents(p, 's', 'open');
    const leader = await leaderOf(tabs);
    const [f1, f2] = tabs.filter((p) => p !== leader) as [Page, Page];
    expect(await f1.evaluate(() => __t.listeners().byType)).toMatchObject({
      pagehide: 1,
      pageshow: 1,
      freeze: 1,
      resume: 1,
    });

    // a follower sends, then closes: what it sent before close() goes out, its handle ends
    await f1.evaluate(() => {
      for (let i = 0; i < 20; i++) __t.sockets.s.send(`f1:${i}`);
      __t.sockets.s.close(1000, 'bye');
    });
    await waitEvents(f1, 's', 'close');
    const f1log = await events(f1);
    expect(f1log.at(-1)).toMatchObject({ type: 'close', code: 1000, reason: 'bye', wasClean: true, state: 'closed' });
    expect(f1log.filter((r) => r.type === 'drop')).toEqual([]);
    await sleep(200);
    expect(srv.received.map((r) => r.data)).toEqual(Array.from({ length: 20 }, (_, i) => `f1:${i}`));
    expect([srv.connections, srv.live]).toEqual([1, 1]);
    srv.send('still');
    for (const p of [leader, f2])
      await pageUntil(p, () => __t.log('s').at(-1)?.data === 'still', undefined, { what: "'still'" });
    expect(await count(f1, 'message')).toBe(0);

    // the leader's close(): its handle ends, the lead moves to the tab that still holds one
    await leader.evaluate(() => __t.sockets.s.close(4000, 'leader done'));
    await waitEvents(leader, 's', 'close');
    expect((await events(leader)).at(-1)).toMatchObject({
      type: 'close',
      code: 4000,
      reason: 'leader done',
      state: 'closed',
    });
    await waitEvents(f2, 's', 'open', 2);
    expect(await f2.evaluate(() => [__t.sockets.s.leader, __lead.s])).toEqual([true, [true]]);
    expect(await leader.evaluate(() => [__t.sockets.s.leader, __lead.s])).toEqual([false, [true, false]]);
    expect(srv.handshakes[0]!.closeCode).toBe(4000);
    await live(srv, 1);
    expect(srv.connections).toBe(2);

    // the last handle's close() closes the connection, and leaves nothing running in any tab
    await f2.evaluate(() => __t.sockets.s.close());
    await waitEvents(f2, 's', 'close', 2);
    await live(srv, 0);
    await sleep(100);
    expect(srv.connections).toBe(2);
    for (const [i, p] of tabs.entries()) {
      await pageUntil(p, () => __t.timers().live === 0, undefined, { what: 'no live timers' });
      expect(await listening(p)).toEqual(before[i]);
      expect(await p.evaluate(() => [__t.sockets.s.state, __t.errors])).toEqual(['closed', []]);
    }

    // and open() again in any tab brings it back
    await f1.evaluate(() => __t.sockets.s.open());
    await waitEvents(f1, 's', 'open', 1);
    expect(await f1.evaluate(() => __t.sockets.s.leader)).toBe(true);
    expect(srv.connections).toBe(3);
  });

  it('different keys get different connections; the same key in one tab shares (ESM build)', async () => {
    const ctx = await t.context();
    const tabs = await ctx.tabs(2, 'esm');
    const paths = new Map<{ send(d: string): void }, string>();
    const srv = await t.server({ onConnection: (ws, info) => paths.set(ws, info.path) });
    await make(tabs, `${srv.url}/a`, undefined, 'a');
    await make(tabs, `${srv.url}/b`, undefined, 'b');
    await make(tabs, `${srv.url}/b`, { key: 'k' }, 'k');
    // a second handle of key k in the first tab
    await tabs[0]!.evaluate((u) => void __mk('k2', u, undefined, { key: 'k' }), `${srv.url}/other`);
    for (const p of tabs) for (const n of ['a', 'b', 'k']) await waitEvents(p, n, 'open');
    await waitEvents(tabs[0]!, 'k2', 'open');
    await sleep(100);
    expect(srv.handshakes.map((h) => h.path).sort()).toEqual(['/a', '/b', '/b']);
    expect(srv.live).toBe(3);
    for (const n of ['a', 'b']) await leaderOf(tabs, n);
    const k = await Promise.all([
      ...tabs.map((p) => p.evaluate(() => __t.sockets.k.leader)),
      tabs[0]!.evaluate(() => __t.sockets.k2.leader),
    ]);
    expect(k.filter(Boolean).length).toBe(1);
    // a frame on /a reaches the a handles only
    for (const [ws, path] of paths) ws.send(`hello ${path}`);
    await pageUntil(tabs[1]!, () => __t.count('k', 'message') === 1, undefined, { what: 'k message' });
    await sleep(100);
    for (const p of tabs) {
      expect(
        await p.evaluate(() =>
          __t
            .log('a')
            .filter((r) => r.type === 'message')
            .map((r) => r.data),
        ),
      ).toEqual(['hello /a']);
    }
  });

  it('without Web Locks or BroadcastChannel it is a plain per-tab SteadySocket', async () => {
    const ctx = await t.context();
    const tabs = await ctx.tabs(2, 'bare');
    const srv = await t.server({ echo: true });
    await make(tabs, srv.url);
    for (const p of tabs) await waitEvents(p, 's', 'open');
    expect(srv.connections).toBe(2);
    expect(await leaders(tabs)).toEqual([true, true]);
    await tabs[0]!.evaluate(() => __t.sockets.s.send('only mine'));
    await waitEvents(tabs[0]!, 's', 'message');
    await sleep(100);
    expect(await count(tabs[1]!, 'message')).toBe(0);
    // a function url still needs a key, as where sharing works
    expect(
      await tabs[0]!.evaluate(() => {
        try {
          new steadysocketShared.SharedSteadySocket(() => 'ws://127.0.0.1:1');
        } catch (e) {
          return `${(e as Error).name}: ${(e as Error).message}`;
        }
      }),
    ).toMatch(/^TypeError: .*'key'/);
    for (const p of tabs) await p.evaluate(() => __t.sockets.s.close());
    await live(srv, 0);
  });

  it("frames sent to a leader that dies before answering: 'handover' drops in the sending tab only, none sent twice", async () => {
    const ctx = await t.context();
    const tabs = await ctx.tabs(3);
    const srv = await t.server();
    // keep every BroadcastChannel the library makes within reach of the test
    for (const p of tabs)
      await p.evaluate(() => {
        const w = window as any;
        const BC = BroadcastChannel;
        w.__chans = [];
        w.BroadcastChannel = class extends BC {
          constructor(name: string) {
            super(name);
            w.__chans.push(this);
          }
        };
      });
    await make(tabs, srv.url);
    for (const p of tabs) await waitEvents(p, 's', 'open');
    const leader = await leaderOf(tabs);
    const [sender, other] = tabs.filter((p) => p !== leader) as [Page, Page];
    // the leader stops hearing the other tabs (as if their frames were still in flight), the sender
    // sends, then the leader's tab dies: the fate of those frames is unknown to the sender
    await leader.evaluate(() => {
      for (const c of (window as any).__chans as BroadcastChannel[]) if (c.name.endsWith(' up')) c.onmessage = null;
    });
    await sender.evaluate(() => {
      for (let i = 0; i < 30; i++) __t.sockets.s.send(`x${i}`);
    });
    await sleep(200);
    const crashed = new Promise((resolve) => leader.once('crash', resolve));
    void (await ctx.cdp(leader)).send('Page.crash').catch(() => {});
    await crashed;
    await waitEvents(sender, 's', 'open', 2);
    await waitEvents(other, 's', 'open', 2);
    await sender.evaluate(() => __t.sockets.s.send('after'));
    const deadline = Date.now() + 3000;
    while (!srv.received.some((r) => r.data === 'after') && Date.now() < deadline) await sleep(10);
    const log = await events(sender);
    const dropped = log.filter((r) => r.type === 'drop');
    expect(dropped.length).toBeGreaterThan(0);
    expect(new Set(dropped.map((r) => r.reason))).toEqual(new Set(['handover']));
    // reported before the handle saw the old connection close
    expect(log.findIndex((r) => r.type === 'drop')).toBeLessThan(log.findIndex((r) => r.type === 'close'));
    const got = srv.received.map((r) => r.data as string);
    // none of them went out (the leader never sent them), none is sent late, all are reported
    expect(got).toEqual(['after']);
    expect(dropped.map((r) => r.data)).toEqual(Array.from({ length: 30 }, (_, i) => `x${i}`));
    // the other tabs were told nothing of it
    expect(await count(other, 'drop')).toBe(0);
  });

  it('giveup and a close code that stops retries end every handle the same way', async () => {
    const ctx = await t.context();
    const tabs = await ctx.tabs(2);
    const srv = await t.server();
    await make(tabs, srv.url, { reconnect: { minDelay: 50, maxDelay: 50, jitter: 0, maxRetries: 2 } });
    for (const p of tabs) await waitEvents(p, 's', 'open');
    // a code in the default stop list: no retry, every handle ends with it
    srv.closeAll(4401, 'go away');
    for (const p of tabs) await waitEvents(p, 's', 'close');
    await sleep(200);
    for (const p of tabs) {
      const log = await events(p);
      expect(log.at(-1)).toMatchObject({ type: 'close', code: 4401, reason: 'go away', state: 'closed' });
      expect(log.filter((r) => r.type === 'statechange').map((r) => r.to)).toEqual(['open', 'closed']);
      expect(await p.evaluate(() => [__t.sockets.s.state, __t.sockets.s.leader])).toEqual(['closed', false]);
    }
    expect(srv.connections).toBe(1);

    // open() in one tab reconnects; the others stay closed until they open() too
    await tabs[1]!.evaluate(() => __t.sockets.s.open());
    await waitEvents(tabs[1]!, 's', 'open', 2);
    await tabs[0]!.evaluate(() => __t.sockets.s.open());
    await waitEvents(tabs[0]!, 's', 'open', 2);
    expect(srv.connections).toBe(2);

    // the server goes away: every tab sees each failed attempt, the leader's backoff, then giveup
    await tabs[1]!.evaluate(() => __t.sockets.s.send('queued-before-giveup'));
    await srv.mode('refuse');
    srv.destroyAll();
    await tabs[0]!.evaluate(() => __t.sockets.s.send('queued-in-0'));
    for (const p of tabs) await waitEvents(p, 's', 'giveup', 1, 5000);
    // both tabs report the leader's retries: the same attempts and waits, the same giveup
    const story = (p: Page) =>
      events(p).then((log) =>
        log
          .slice(log.findLastIndex((r) => r.type === 'open') + 1)
          .filter((r) => ['reconnecting', 'giveup', 'close'].includes(r.type))
          .map((r) => [r.type, r.attempt ?? r.attempts ?? r.code]),
      );
    const [s0, s1] = await Promise.all(tabs.map(story));
    if (process.env.DEBUG_SHARED)
      console.log(JSON.stringify({ s0, s1, l0: await tabs[0]!.evaluate(() => __t.sockets.s.leader) }));
    expect(s0).toEqual(s1);
    expect(s0.at(-1)![0]).toBe('giveup');
    for (const p of tabs) {
      const log = (await events(p)).slice(-12);
      expect(log.at(-1)).toMatchObject({ type: 'giveup', state: 'closed' });
      expect(log.filter((r) => r.type === 'reconnecting').every((r) => r.delay === 50)).toBe(true);
      expect(await p.evaluate(() => __t.sockets.s.state)).toBe('closed');
    }
    // a queued frame is dropped as the plain socket drops it on giveup, in its own tab only
    expect((await events(tabs[0]!)).filter((r) => r.type === 'drop').map((r) => [r.data, r.reason])).toEqual([
      ['queued-in-0', 'giveup'],
    ]);
  });

  it("a follower's queue keeps its own limits: overflow drops in that tab, the rest in order on open", async () => {
    const ctx = await t.context();
    const tabs = await ctx.tabs(2);
    const srv = await t.server();
    await srv.mode('refuse');
    await make(tabs, srv.url, { reconnect: { minDelay: 30, maxDelay: 30 } });
    await leaderOf(tabs);
    const follower = (await leaders(tabs))[0] ? tabs[1]! : tabs[0]!;
    await follower.evaluate(() => {
      const q = __t.track('q', new steadysocketShared.SharedSteadySocket(__t.sockets.s.url, { queue: { max: 3 } }));
      for (let i = 0; i < 5; i++) q.send(`q${i}`);
    });
    expect((await events(follower, 'q')).filter((r) => r.type === 'drop').map((r) => [r.data, r.reason])).toEqual([
      ['q0', 'overflow'],
      ['q1', 'overflow'],
    ]);
    await srv.mode('pass');
    for (const p of tabs) await waitEvents(p, 's', 'open', 1, 5000);
    await waitEvents(follower, 'q', 'open', 1, 5000);
    const deadline = Date.now() + 3000;
    while (srv.received.length < 3 && Date.now() < deadline) await sleep(10);
    expect(srv.received.map((r) => r.data)).toEqual(['q2', 'q3', 'q4']);
    expect(srv.connections - srv.handshakes.filter((h) => h.action === 'refuse').length).toBeGreaterThan(0);
    expect(srv.live).toBe(1);
    for (const p of tabs) expect(await count(p, 'drop')).toBe(0);
  });

  // A follower sends a numbered frame every few ms for a second while the connection is replaced
  // five times: by reconnect() (from the sending tab: the leader replaces its connection), or by the
  // server closing it. Frames the leader refused meanwhile go out again first, in order.
  const closes = {
    'reconnect() in the sending tab': (_srv: FaultServer, follower: Page) =>
      follower.evaluate(() => __t.sockets.s.reconnect(4000, 'again')),
    'the server closing it': async (srv: FaultServer) => void srv.closeAll(4000, 'again'),
    // the same with plain per-tab sockets, for comparison: the wire loses frames there too
    'the server closing it (plain sockets, no sharing)': async (srv: FaultServer) => void srv.closeAll(4000, 'again'),
  };
  for (const [how, replace] of Object.entries(closes)) {
    it(`a follower's sends while ${how} replaces the connection: in order, none twice`, async () => {
      const ctx = await t.context();
      const bare = how.includes('plain');
      const tabs = await ctx.tabs(2, bare ? 'bare' : 'umd');
      const srv = await t.server();
      await make(tabs, srv.url, { reconnect: { minDelay: 0, maxDelay: 0, jitter: 0 } });
      for (const p of tabs) await waitEvents(p, 's', 'open');
      const leader = bare ? tabs[0]! : await leaderOf(tabs);
      const follower = tabs.find((p) => p !== leader)!;
      const sending = follower.evaluate(
        () =>
          new Promise<number>((resolve) => {
            let i = 0;
            const end = Date.now() + 1000;
            const tick = () => {
              for (let k = 0; k < 5; k++) __t.sockets.s.send(String(i++));
              if (Date.now() < end) setTimeout(tick, 1);
              else resolve(i);
            };
            tick();
          }),
      );
      for (let k = 0; k < 5; k++) {
        await sleep(150);
        await replace(srv, follower);
      }
      const n = await sending;
      await pageUntil(follower, () => __t.sockets.s.state === 'open' && __t.sockets.s.bufferedAmount === 0, undefined, {
        what: 'open and flushed',
      });
      await sleep(300);
      const got = srv.received.map((r) => Number(r.data));
      const dropped = (await events(follower)).filter((r) => r.type === 'drop').map((r) => Number(r.data));
      expect(dropped).toEqual([]);
      expect(new Set(got).size).toBe(got.length);
      expect(got).toEqual([...got].sort((a, b) => a - b));
      // (a server close that finds a connection still reconnecting closes nothing)
      if (how.startsWith('reconnect')) expect(srv.connections).toBe(6);
      else expect(srv.connections).toBeGreaterThanOrEqual(bare ? 4 : 2);
      await live(srv, bare ? 2 : 1);
      const lost = n - got.length;
      figure(`shared: ${n} frames from a follower while ${how} 5 times: ${got.length} received in order, ${lost} lost`);
      // replaced by this library (reconnect) nothing can be lost; a server's close frame that crosses
      // frames already handed to the browser loses them on the wire, for any WebSocket client
      if (how.startsWith('reconnect')) expect(got).toEqual(Array.from({ length: n }, (_, i) => i));
    });
  }

  it('a tab posting garbage, another version or a flood on the relay channels crashes no one', async () => {
    const ctx = await t.context();
    const tabs = await ctx.tabs(3);
    const srv = await t.server({ echo: true });
    const warnings: string[] = [];
    for (const p of tabs.slice(0, 2)) p.on('console', (m) => m.type() === 'warning' && warnings.push(m.text()));
    await make(tabs.slice(0, 2), srv.url, { key: 'k' });
    for (const p of tabs.slice(0, 2)) await waitEvents(p, 's', 'open');
    const [a, b] = tabs as [Page, Page, Page];
    const rogue = tabs[2]!;
    // the third tab floods both channels: junk, another protocol version, well-formed hellos,
    // frames for a leader that does not exist, while the server streams to the two real tabs
    const posted = await rogue.evaluate(() => {
      const down = new BroadcastChannel('steadysocket/shared v1 k down');
      const up = new BroadcastChannel('steadysocket/shared v1 k up');
      const junk: unknown[] = [
        null,
        1,
        'x',
        [],
        {},
        { v: 1 },
        { v: 1, t: 'msg' },
        { v: 2, t: 'msg', e: 1, g: 1, d: 'x' },
        { v: 1, t: 'close', e: 'x' },
        { v: 1, t: 'send', f: 'r', n: 1, e: -1, g: 1, d: 'never' },
        new ArrayBuffer(8),
      ];
      let n = 0;
      for (let i = 0; i < 5000; i++) {
        const m = junk[i % junk.length];
        down.postMessage(m);
        up.postMessage(m);
        n += 2;
      }
      for (let i = 0; i < 2000; i++) up.postMessage({ v: 1, t: 'hello', f: `rogue${i}` });
      return n + 2000;
    });
    for (let i = 0; i < 50; i++) srv.send(`s${i}`);
    await a.evaluate(() => __t.sockets.s.send('from-a'));
    await b.evaluate(() => __t.sockets.s.send('from-b'));
    for (const p of [a, b])
      await pageUntil(p, () => __t.count('s', 'message') >= 52, undefined, { what: '52 messages', timeout: 10_000 });
    for (const p of [a, b]) {
      const got = await messages(p);
      expect(got.slice(0, 50)).toEqual(Array.from({ length: 50 }, (_, i) => `s${i}`));
      expect(got.slice(50).sort()).toEqual(['from-a', 'from-b']);
      expect(
        await p.evaluate(() => [__t.sockets.s.state, __t.errors, __t.count('s', 'close'), __t.count('s', 'error')]),
      ).toEqual(['open', [], 0, 0]);
    }
    expect(srv.received.map((r) => r.data).sort()).toEqual(['from-a', 'from-b']);
    expect([srv.connections, srv.live]).toEqual([1, 1]);
    // reported once per handle, not per message
    expect(warnings.length).toBe(2);
    expect(warnings.every((w) => w.includes('protocol version 1'))).toBe(true);
    figure(`shared: ${posted} rogue relay messages ignored; both tabs kept every frame`);
  });

  it("request() from any tab: the reply settles only the asking tab's request and is a channel message in no tab", async () => {
    const ctx = await t.context();
    const tabs = await ctx.tabs(3);
    // the server answers every request on 'ask' with its data doubled, and also sends one plain 'ask' frame
    const srv = await t.server({
      onMessage: (ws, data) => {
        const m = JSON.parse(String(data));
        if (m.channel === 'ask' && m.id !== undefined)
          ws.send(JSON.stringify({ channel: 'ask', id: m.id, data: { twice: m.data * 2 } }));
      },
    });
    await make(tabs, srv.url);
    for (const p of tabs) await waitEvents(p, 's', 'open');
    for (const p of tabs)
      await p.evaluate(() => {
        const w = window as any;
        w.__ask = [];
        __t.sockets.s.channel('ask').on((d: unknown) => w.__ask.push(d));
      });
    const answers = await Promise.all(
      tabs.map((p, k) => p.evaluate((k) => __t.sockets.s.channel('ask').request(k + 1, { timeout: 5000 }), k)),
    );
    expect(answers).toEqual([{ twice: 2 }, { twice: 4 }, { twice: 6 }]);
    srv.send(JSON.stringify({ channel: 'ask', data: 'plain' }));
    for (const p of tabs)
      await pageUntil(p, () => __t.count('s', 'message') >= 4, undefined, { what: 'every raw message' });
    await sleep(100);
    for (const p of tabs) {
      // every reply is a raw message in every tab, and only the plain frame reached the channel handlers
      expect(await p.evaluate(() => __t.count('s', 'message'))).toBe(4);
      expect(await p.evaluate(() => (window as any).__ask)).toEqual(['plain']);
    }
    // the ids name the asking handle: no two tabs' ids meet
    const ids = srv.received.map((r) => JSON.parse(String(r.data)).id as string);
    expect(new Set(ids.map((id) => id.split(':')[1])).size).toBe(3);
  });

  it('subscribe() from any tab: one frame on the wire, replayed on every connection, released when its tab stops it or goes away', async () => {
    const ctx = await t.context();
    const tabs = await ctx.tabs(3);
    const srv = await t.server();
    await make(tabs, srv.url);
    for (const p of tabs) await waitEvents(p, 's', 'open');
    const leader = await leaderOf(tabs);
    const [a, b] = tabs.filter((p) => p !== leader) as [Page, Page];
    const sub = (p: Page, frame: string, name: string) =>
      p.evaluate(
        ([f, n]) => {
          const w = window as any;
          (w.__stops ??= {})[n] = __t.sockets.s.subscribe(f, { unsubscribe: f.replace('sub', 'unsub') });
        },
        [frame, name] as const,
      );
    const stop = (p: Page, name: string) => p.evaluate((n) => (window as any).__stops[n](), name);
    const wire = () => srv.received.map((r) => `${r.conn}:${r.data}`);
    const settle = async (n: number) => {
      const deadline = Date.now() + 3000;
      while (srv.received.length < n && Date.now() < deadline) await sleep(10);
      await sleep(150);
    };
    // the same frame from two tabs: one on the wire
    await sub(a, 'sub:x', 'x');
    await sub(b, 'sub:x', 'x');
    await settle(1);
    expect(wire()).toEqual(['1:sub:x']);
    // one holder stops: the other still holds it, nothing is sent
    await stop(b, 'x');
    await sleep(150);
    expect(wire()).toEqual(['1:sub:x']);
    // the last holder's tab goes away: its subscription is released, the unsubscribe goes out
    await a.close();
    await settle(2);
    expect(wire()).toEqual(['1:sub:x', '1:unsub:x']);
    // a follower's subscription is replayed on the next leader's connection, before its backlog
    await sub(b, 'sub:y', 'y');
    await settle(3);
    await leader.close();
    await waitEvents(b, 's', 'open', 2);
    await b.evaluate(() => __t.sockets.s.send('after'));
    await settle(5);
    expect(wire()).toEqual(['1:sub:x', '1:unsub:x', '1:sub:y', '2:sub:y', '2:after']);
    expect(srv.live).toBe(1);
    // and stop() sends its unsubscribe on the connection open now
    await stop(b, 'y');
    await settle(6);
    expect(wire().at(-1)).toBe('2:unsub:y');
  });
});
