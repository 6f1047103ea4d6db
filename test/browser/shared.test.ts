// steadysocket/shared in Chromium: several tabs of one origin (pages in one browser context)
// share one real connection to a ws fault server that counts connections. Each case is a
// guarantee of API.md "One connection for all tabs", against the built artifacts.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { events, figure, pageUntil, waitEvents } from '../helpers/browser.js';
import { now, sleep } from '../helpers/deferred.js';
import type { FaultServer } from '../helpers/fault-server.js';
import { useTabs } from '../helpers/tabs.js';

const t = useTabs();

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
  p.evaluate((n) => __t.log(n).filter((r) => r.type === 'message').map((r) => r.data), name);

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
    for (const p of tabs) await pageUntil(p, () => __t.count('s', 'message') >= 200, undefined, { what: '200 messages' });
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
      expect(log.filter((r) => ['open', 'close', 'drop', 'error'].includes(r.type)).map((r) => r.type)).toEqual(['open']);
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
        expect(log.filter((r) => ['open', 'close', 'drop'].includes(r.type)).map((r) => r.type)).toEqual(['open', 'close', 'open']);
        expect(log.filter((r) => r.type === 'statechange').map((r) => r.to)).toEqual(['open', 'connecting', 'open']);
      }
      // and the new connection works both ways for every tab
      srv.send('after');
      for (const p of rest) await pageUntil(p, () => __t.log('s').at(-1)?.data === 'after', undefined, { what: "'after'" });
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
    const listening = (p: Page) =>
      p.evaluate(() => Object.entries(__t.listeners().byType).filter(([, n]) => n > 0));
    const before = await Promise.all(tabs.map(listening));
    await make(tabs, srv.url);
    for (const p of tabs) await waitEvents(p, 's', 'open');
    const leader = await leaderOf(tabs);
    const [f1, f2] = tabs.filter((p) => p !== leader) as [Page, Page];
    expect(await f1.evaluate(() => __t.listeners().byType)).toMatchObject({ pagehide: 1, pageshow: 1, freeze: 1, resume: 1 });

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
    for (const p of [leader, f2]) await pageUntil(p, () => __t.log('s').at(-1)?.data === 'still', undefined, { what: "'still'" });
    expect(await count(f1, 'message')).toBe(0);

    // the leader's close(): its handle ends, the lead moves to the tab that still holds one
    await leader.evaluate(() => __t.sockets.s.close(4000, 'leader done'));
    await waitEvents(leader, 's', 'close');
    expect((await events(leader)).at(-1)).toMatchObject({ type: 'close', code: 4000, reason: 'leader done', state: 'closed' });
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
    const srv = await t.server();
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
    srv.clients.forEach((ws, i) => ws.send(`hello ${srv.handshakes[i]?.path}`));
    await pageUntil(tabs[1]!, () => __t.count('k', 'message') === 1, undefined, { what: 'k message' });
    await sleep(100);
    for (const p of tabs) {
      expect(await p.evaluate(() => __t.log('a').filter((r) => r.type === 'message').map((r) => r.data))).toEqual(['hello /a']);
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
    expect(await tabs[0]!.evaluate(() => {
      try {
        new steadysocketShared.SharedSteadySocket(() => 'ws://127.0.0.1:1');
      } catch (e) {
        return `${(e as Error).name}: ${(e as Error).message}`;
      }
    })).toMatch(/^TypeError: .*'key'/);
    for (const p of tabs) await p.evaluate(() => __t.sockets.s.close());
    await live(srv, 0);
  });
});
