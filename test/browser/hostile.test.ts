// Hostile input, in Chromium: bad urls and subprotocols are rejected exactly like
// the native WebSocket rejects them (same page, same inputs), url providers that
// fail never throw out of a timer, and nothing a server sends breaks the socket.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CORE, events, figure, pageUntil, useBrowser, waitEvents } from '../helpers/browser.js';
import { sleep } from '../helpers/deferred.js';

const b = useBrowser();

interface Outcome {
  threw: boolean;
  name?: string;
  ctor?: string;
  message?: string;
}

describe('hostile input in Chromium', () => {
  it('invalid urls and subprotocols throw synchronously, as the native WebSocket does', async () => {
    const { page, errors } = await b.page('umd');
    const srv = await b.server();
    const p = srv.port;
    // every url the native constructor accepts points at 127.0.0.1
    const urls = [
      'not a url', // a relative url: valid
      '',
      'ws://',
      'ws://[::1/',
      'ws://127.0.0.1:99999/',
      'ws://127.0.0.1 x/',
      'ftp://127.0.0.1/',
      'file:///tmp/x',
      'javascript:void 0',
      'data:text/plain,x',
      `ws://127.0.0.1:${p}/#frag`,
      `ws://127.0.0.1:${p}/#`,
      `http://127.0.0.1:${p}/`,
      `ws://127.0.0.1:${p}/ok`,
      '/relative',
    ];
    const protocols: (string | string[])[] = ['bad protocol', ['a', 'a'], [''], 'ä', 'a,b', ['chat', 'json'], []];
    const out = await page.evaluate(
      ([urls, protocols, good]) => {
        const run = (make: () => { close(): void }): Outcome => {
          try {
            make().close();
            return { threw: false };
          } catch (e) {
            const err = e as Error;
            return { threw: true, name: err.name, ctor: err.constructor.name, message: err.message };
          }
        };
        const opts = { startClosed: true };
        const { SteadySocket } = steadysocket;
        return {
          urls: urls.map((u) => ({
            input: u,
            native: run(() => new WebSocket(u)),
            lib: run(() => new SteadySocket(u, undefined, opts)),
          })),
          urlObject: {
            native: run(() => new WebSocket(new URL(good))),
            lib: run(() => new SteadySocket(new URL(good), undefined, opts)),
          },
          protocols: protocols.map((pr) => ({
            input: JSON.stringify(pr),
            native: run(() => new WebSocket(good, pr)),
            lib: run(() => new SteadySocket(good, pr, opts)),
          })),
        };
      },
      [urls, protocols, `ws://127.0.0.1:${p}/ok`] as const,
    );
    const rows = [...out.urls, ...out.protocols];
    const summary = (o: Outcome) => (o.threw ? `${o.ctor}/${o.name}` : 'ok');
    const eg = rows.find((r) => r.input === 'ws://[::1/')!;
    figure(
      `bad input: ${rows.filter((r) => r.native.threw).length}/${rows.length} inputs rejected natively, lib matched ${rows.filter((r) => summary(r.native) === summary(r.lib)).length}/${rows.length} (${summary(eg.native)}); e.g. '${eg.input}' → native "${eg.native.message}" / lib "${eg.lib.message}"`,
    );
    for (const r of rows) {
      expect({ input: r.input, lib: summary(r.lib) }).toEqual({ input: r.input, lib: summary(r.native) });
    }
    expect(out.urlObject.lib).toEqual(out.urlObject.native);
    expect(rows.filter((r) => r.native.threw).length).toBeGreaterThanOrEqual(10); // the list does exercise rejection
    await sleep(100);
    expect(errors).toEqual([]);
  });

  it('a url provider that throws, rejects or returns garbage: error events and failed attempts, never a throw', async () => {
    const { page, errors } = await b.page('esm');
    await page.evaluate(() => {
      const { SteadySocket } = steadysocket;
      const reconnect = { minDelay: 20, jitter: 0, maxRetries: 3 };
      // ('not a url' would be a valid relative url: it resolves against the page)
      __t.track('bad', new SteadySocket(() => 'ws://[::1', undefined, { reconnect }));
      __t.track(
        'throws',
        new SteadySocket(
          () => {
            throw new Error('provider failed');
          },
          undefined,
          { reconnect },
        ),
      );
      __t.track('rejects', new SteadySocket(() => Promise.reject(new Error('no token')), undefined, { reconnect }));
      __t.track('scheme', new SteadySocket(async () => 'ftp://127.0.0.1/', undefined, { reconnect }));
    });
    const names = ['bad', 'throws', 'rejects', 'scheme'];
    for (const n of names) await waitEvents(page, n, 'giveup', 1, 5000);
    await sleep(100);
    const res = [];
    for (const n of names) {
      const log = await events(page, n);
      res.push({
        n,
        errors: log.filter((r) => r.type === 'error').map((r) => r.error?.split(':')[0]),
        giveup: log.filter((r) => r.type === 'giveup').length,
        opens: log.filter((r) => r.type === 'open').length,
      });
    }
    figure(
      `url providers: ${res.map((r) => `${r.n} → ${r.errors.length} error events (${r.errors[0]}), giveup ${r.giveup}`).join('; ')}`,
    );
    // one observable error per failed attempt (maxRetries 3: 4 attempts), the first included
    for (const r of res)
      expect({ n: r.n, errors: r.errors.length, giveup: r.giveup, opens: r.opens }).toEqual({
        n: r.n,
        errors: 4,
        giveup: 1,
        opens: 0,
      });
    expect(res.find((r) => r.n === 'bad')?.errors[0]).toBe('SyntaxError');
    expect(res.find((r) => r.n === 'scheme')?.errors[0]).toBe('SyntaxError');
    expect(errors).toEqual([]);
    expect(await page.evaluate(() => __t.errors)).toEqual([]);
  });

  // (uses channels: a feature of the full entry)
  it.skipIf(CORE)('garbage, binary and an 8 MiB frame from the server leave the socket working', async () => {
    const { page, errors } = await b.page('esm');
    const srv = await b.server({ echo: true });
    await page.evaluate((url) => {
      const s = __t.track('s', new steadysocket.SteadySocket(url, undefined, { binaryType: 'arraybuffer' }));
      const w = window as any;
      w.__chat = [];
      s.channel('chat').on((d: unknown) => w.__chat.push(d));
    }, srv.url);
    await waitEvents(page, 's', 'open', 1);
    const texts = [
      'not json',
      '{"channel":',
      '{"channel":42,"data":1}',
      'null',
      '[]',
      '',
      '\u0000\u0001\u0002\uFFFD',
      '\uD83D\uDE00'.repeat(2000),
      'pong',
      '{"channel":"nobody","data":1}',
    ];
    const envelope = JSON.stringify({ channel: 'chat', data: { ok: true } });
    for (const t of texts) srv.send(t);
    srv.send(envelope);
    srv.send(randomBytes(1024));
    srv.send(Buffer.alloc(0));
    const big = randomBytes(8 * 1024 * 1024);
    const t0 = Date.now();
    srv.send(big);
    // then a round-trip through the same socket
    const echoed = await page.evaluate(async () => {
      const s = __t.sockets.s;
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error('the 8 MiB frame did not arrive in 10 s')), 10_000);
        const check = () => {
          if (
            __t.log('s').some((r) => r.type === 'message' && (r.data as { size?: number })?.size === 8 * 1024 * 1024)
          ) {
            clearTimeout(t);
            resolve();
          } else setTimeout(check, 10);
        };
        check();
      });
      return new Promise((resolve, reject) => {
        setTimeout(() => reject(new Error('no round-trip after the hostile frames')), 5000);
        s.addEventListener('message', (e: MessageEvent) => e.data === 'round-trip' && resolve(e.data));
        s.send('round-trip');
      });
    });
    const bigMs = Date.now() - t0;
    const log = await events(page, 's');
    const msgs = log.filter((r) => r.type === 'message').map((r) => r.data);
    const chat = await page.evaluate(() => (window as any).__chat);
    const st = await page.evaluate(() => __t.sockets.s.state);
    figure(
      `hostile frames: ${texts.length} garbage texts, 1 KiB + empty binary, 8 MiB binary (arrived and round-trip done in ${bigMs} ms); ${msgs.length} message events, ${log.filter((r) => r.type === 'error').length} error events, state ${st}, ${srv.handshakes.length} connection(s)`,
    );
    expect(echoed).toBe('round-trip');
    expect(st).toBe('open');
    expect(srv.handshakes).toHaveLength(1); // never dropped the connection
    expect(log.filter((r) => r.type === 'close')).toEqual([]);
    // every frame that is not a valid envelope arrives as a plain message, in order
    const plain = msgs.filter((d) => d !== envelope);
    expect(plain.slice(0, texts.length)).toEqual(
      texts.map((t) => (t.length <= 256 ? t : expect.objectContaining({ kind: 'string', size: t.length }))),
    );
    expect(plain.slice(texts.length, texts.length + 3)).toEqual([
      { kind: 'arraybuffer', size: 1024 },
      { kind: 'arraybuffer', size: 0 },
      { kind: 'arraybuffer', size: 8 * 1024 * 1024 },
    ]);
    expect(plain.at(-1)).toBe('round-trip');
    expect(chat).toEqual([{ ok: true }]);
    expect(errors).toEqual([]);
    expect(await page.evaluate(() => __t.errors)).toEqual([]);
  });

  it('protocol violations from the server (invalid UTF-8, a reserved opcode): the connection is replaced and works', async () => {
    const { page, errors } = await b.page('umd');
    const srv = await b.server({ echo: true });
    await page.evaluate((url) => {
      __t.track('s', new steadysocket.SteadySocket(url, undefined, { reconnect: { minDelay: 50, jitter: 0 } }));
    }, srv.url);
    await waitEvents(page, 's', 'open', 1);
    // a text frame that is not UTF-8
    srv.clients[0]!.send(Buffer.from([0xc3, 0x28, 0xff]), { binary: false });
    await waitEvents(page, 's', 'open', 2, 5000);
    // a frame with reserved opcode 0x3, written raw on the TCP socket
    (srv.clients[0] as unknown as { _socket: import('node:net').Socket })._socket.write(Buffer.from([0x83, 0x00]));
    await waitEvents(page, 's', 'open', 3, 5000);
    const rt = await page.evaluate(
      () =>
        new Promise((resolve, reject) => {
          const s = __t.sockets.s;
          setTimeout(() => reject(new Error('no round-trip')), 5000);
          s.addEventListener('message', (e: MessageEvent) => resolve(e.data), { once: true });
          s.send('still here');
        }),
    );
    const log = await events(page, 's');
    const closes = log.filter((r) => r.type === 'close');
    figure(
      `protocol violations: closes ${closes.map((c) => `${c.code}/${c.wasClean ? 'clean' : 'unclean'}`).join(', ')}, reconnected each time, round-trip ok`,
    );
    expect(rt).toBe('still here');
    expect(closes).toHaveLength(2);
    await pageUntil(page, () => __t.sockets.s.state === 'open', undefined);
    expect(errors).toEqual([]);
  });
});
