// Native conversions and readyState, side by side with Chromium's own WebSocket on the same
// page: what the native socket accepts, converts or rejects, SteadySocket does too (issue 10).
import { describe, expect, it } from 'vitest';
import { useBrowser, waitEvents } from '../helpers/browser.js';

const b = useBrowser();

describe('native conversions in Chromium', () => {
  it('missing arguments, non-object listeners and close() codes behave as the native socket', async () => {
    const { page } = await b.page('umd');
    const srv = await b.server({ echo: true });
    const out = await page.evaluate(async (url) => {
      const outcome = (f: () => unknown) => {
        try {
          f();
          return 'ok';
        } catch (e) {
          return (e as Error).name;
        }
      };
      const { SteadySocket } = steadysocket;
      const open = (make: () => WebSocket) =>
        new Promise<WebSocket>((resolve) => {
          const ws = make();
          ws.addEventListener('open', () => resolve(ws), { once: true });
        });
      const rows: Record<string, [string, string]> = {};
      const both = (name: string, f: (s: WebSocket) => unknown, n: WebSocket, l: WebSocket) => {
        rows[name] = [outcome(() => f(n)), outcome(() => f(l))];
      };
      const N = () => new WebSocket(url);
      const L = () => new SteadySocket(url, undefined, { reconnect: false }) as unknown as WebSocket;
      rows['new ()'] = [
        outcome(() => new (WebSocket as unknown as new () => WebSocket)()),
        outcome(() => new (SteadySocket as unknown as new () => WebSocket)()),
      ];
      const n = N();
      const l = L();
      both('addEventListener(open, 42)', (s) => s.addEventListener('open', 42 as never), n, l);
      both("addEventListener('open')", (s) => (s.addEventListener as (t: string) => void)('open'), n, l);
      both('addEventListener(open, {})', (s) => s.addEventListener('open', {} as never), n, l);
      both('addEventListener(open, null)', (s) => s.addEventListener('open', null), n, l);
      n.close();
      l.close();
      const codes: [unknown, string][] = [
        ['1000', 'a'],
        [1000.5, 'b'],
        [3000.4, 'c'],
        [4999.4, 'd'],
        [Number.NaN, 'e'],
        ['x', 'f'],
      ];
      const closes: Record<string, [string, string, number | undefined, number | undefined]> = {};
      for (const [code, tag] of codes) {
        const [ns, ls] = await Promise.all([open(N), open(L)]);
        const seen: (number | undefined)[] = [];
        const done = [ns, ls].map(
          (s, i) =>
            new Promise<void>((r) => {
              s.addEventListener('close', (e) => {
                seen[i] = (e as CloseEvent).code;
                r();
              });
              setTimeout(r, 2000);
            }),
        );
        const rn = outcome(() => ns.close(code as number, tag));
        const rl = outcome(() => ls.close(code as number, tag));
        if (rn !== 'ok') ns.close();
        if (rl !== 'ok') ls.close();
        await Promise.all(done);
        closes[String(code)] = [rn, rl, seen[0], seen[1]];
      }
      return { rows, closes };
    }, srv.url);
    for (const [name, [native, lib]] of Object.entries(out.rows)) expect(lib, name).toBe(native);
    expect(out.rows['new ()']![0]).toBe('TypeError');
    expect(out.rows['addEventListener(open, 42)']![0]).toBe('TypeError');
    for (const [code, [native, lib, nativeCode, libCode]] of Object.entries(out.closes)) {
      expect(lib, `close(${code})`).toBe(native);
      // the code the server echoed back in its close frame: the same after conversion
      if (native === 'ok') expect(libCode, `close(${code}) code`).toBe(nativeCode);
    }
    expect(out.closes['1000']![0]).toBe('ok');
    expect(out.closes.NaN![0]).toBe('InvalidAccessError');
    // (Blink truncates a fraction where WebIDL rounds half to even: 4999.5 is 4999 in Chromium and
    // 5000 by the spec, which steadysocket follows; the cases above are those where both agree)
  });

  it('readyState is CLOSED (3) inside close listeners when a retry follows, as natively; state says connecting', async () => {
    const { page } = await b.page('umd');
    const srv = await b.server({ echo: true });
    await page.evaluate((url) => {
      const s = __t.track('s', new steadysocket.SteadySocket(url, undefined, { reconnect: { minDelay: 50 } }));
      (window as unknown as { inside: unknown[] }).inside = [];
      s.onclose = () => (window as unknown as { inside: unknown[] }).inside.push([s.readyState, s.state]);
    }, srv.url);
    await waitEvents(page, 's', 'open');
    srv.destroyAll();
    await waitEvents(page, 's', 'open', 2);
    const inside = await page.evaluate(() => (window as unknown as { inside: unknown[] }).inside);
    expect(inside).toEqual([[3, 'connecting']]);
    await page.evaluate(() => __t.sockets.s.close());
  });
});
