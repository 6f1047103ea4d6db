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
});
