// steadysocket/shared in Chromium: several tabs of one origin (pages in one browser context)
// share one real connection to a ws fault server that counts connections. Each case is a
// guarantee of API.md "One connection for all tabs", against the built artifacts.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { events, figure, pageUntil, waitEvents } from '../helpers/browser.js';
import { sleep } from '../helpers/deferred.js';
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
});
