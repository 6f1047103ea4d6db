/**
 * Conversations in Node against a real `ws` server on 127.0.0.1:0 that answers
 * requests (in order, out of order, with errors, late, never), drops connections
 * mid-request, and counts subscribe frames per connection. Real timers, short delays.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { z } from 'zod';
import { SteadySocket } from '../../src/index';
import type { SteadySocketOptions } from '../../src/index';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Frame {
  channel: string;
  id?: string;
  data?: unknown;
}

/** A ws server that hands every JSON frame to `onFrame` with the connection's number. */
const startServer = async (onFrame: (f: Frame, ws: WebSocket, conn: number) => void) => {
  const http = createServer();
  const wss = new WebSocketServer({ server: http });
  const perConn: string[][] = [];
  wss.on('connection', (ws) => {
    const conn = perConn.push([]) - 1;
    ws.on('message', (raw) => {
      const text = raw.toString();
      perConn[conn]!.push(text);
      try {
        onFrame(JSON.parse(text), ws, conn);
      } catch {
        // plain text frames are only counted
      }
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const close = async () => {
    for (const c of wss.clients) c.terminate();
    wss.close();
    await new Promise((r) => http.close(r));
  };
  cleanups.push(close);
  return { url: `ws://127.0.0.1:${(http.address() as AddressInfo).port}`, wss, perConn };
};

const connect = <C extends object>(url: string, options: SteadySocketOptions = {}) => {
  const s = new SteadySocket<C>(url, undefined, { WebSocket: WebSocket as never, ...options } as SteadySocketOptions);
  cleanups.push(() => s.close());
  return s;
};
const reply = (ws: WebSocket, f: Frame, body: object) =>
  ws.send(JSON.stringify({ channel: f.channel, id: f.id, ...body }));
const outcome = (p: Promise<unknown>) =>
  p.then(
    (v) => ['ok', v],
    (e: Error) => ['err', e.name],
  );

describe('requests against a real ws server', () => {
  it('answered in order, out of order, with an error, late and never: each request gets its own fate', async () => {
    const srv = await startServer((f, ws) => {
      const n = (f.data as { n: number }).n;
      if (n === 0) reply(ws, f, { data: 'first' });
      else if (n === 1) setTimeout(() => reply(ws, f, { data: 'slow' }), 80);
      else if (n === 2) reply(ws, f, { error: { reason: 'denied' } });
      else if (n === 3) setTimeout(() => reply(ws, f, { data: 'too late' }), 300);
      // n === 4: never answered
    });
    const s = connect<{ rpc: { n: number } }>(srv.url, { requestTimeout: 200 });
    const late: unknown[] = [];
    s.channel('rpc').on((d) => late.push(d));
    const rpc = s.channel('rpc');
    const results = await Promise.all([0, 1, 2, 3, 4].map((n) => outcome(rpc.request({ n }))));
    expect(results).toEqual([
      ['ok', 'first'],
      ['ok', 'slow'],
      ['err', 'RequestError'],
      ['err', 'TimeoutError'],
      ['err', 'TimeoutError'],
    ]);
    for (let i = 0; i < 200 && !late.length; i++) await sleep(10);
    // the late reply settles nothing: it is an ordinary channel message
    expect(late).toEqual(['too late']);
  });

  it('300 concurrent requests answered in reverse order all resolve with their own reply', async () => {
    const held: [Frame, WebSocket][] = [];
    const srv = await startServer((f, ws) => {
      held.push([f, ws]);
      if (held.length === 300) for (const [g, w] of held.reverse()) reply(w, g, { data: (g.data as number) * 3 });
    });
    const s = connect<{ x: number }>(srv.url);
    const got = await Promise.all(Array.from({ length: 300 }, (_, i) => s.channel('x').request(i)));
    expect(got).toEqual(Array.from({ length: 300 }, (_, i) => i * 3));
  });

  it('a connection dropped mid-request: DisconnectedError for what went out, the queued one goes on the next connection', async () => {
    let conns = 0;
    const srv = await startServer((f, ws, conn) => {
      if (conn === 0)
        ws.terminate(); // drop with the request unanswered
      else reply(ws, f, { data: `answered on ${conn}` });
    });
    srv.wss.on('connection', () => conns++);
    const s = connect<{ q: string }>(srv.url, { reconnect: { minDelay: 30, jitter: 0 } });
    await s.ready({ timeout: 2000 });
    const first = outcome(s.channel('q').request('a'));
    await new Promise((r) => s.addEventListener('close', r, { once: true }));
    const second = outcome(s.channel('q').request('b', { timeout: 3000 }));
    expect(await first).toEqual(['err', 'DisconnectedError']);
    expect(await second).toEqual(['ok', 'answered on 1']);
    expect(conns).toBe(2);
    // the first request was not re-sent on its own
    expect(srv.perConn[1]!.map((t) => JSON.parse(t).data)).toEqual(['b']);
  });

  it('a request that times out while queued is never sent late', async () => {
    const srv = await startServer((f, ws) => reply(ws, f, { data: 'ok' }));
    const s = connect<{ q: string }>(srv.url, { startClosed: true });
    const gone = outcome(s.channel('q').request('stale', { timeout: 50 }));
    expect(await gone).toEqual(['err', 'TimeoutError']);
    const fresh = s.channel('q').request('fresh', { timeout: 2000 });
    s.open();
    expect(await fresh).toBe('ok');
    expect(srv.perConn[0]!.map((t) => JSON.parse(t).data)).toEqual(['fresh']);
  });

  it('a zod schema on the reply: invalid replies reject with ValidationError and give an invalid event', async () => {
    const srv = await startServer((f, ws) => reply(ws, f, { data: f.data === 'good' ? { total: 3 } : { total: 'x' } }));
    const s = new SteadySocket(srv.url, undefined, {
      WebSocket: WebSocket as never,
      schemas: { sum: z.object({ total: z.number() }) },
    });
    cleanups.push(() => s.close());
    const invalid: string[] = [];
    s.addEventListener('invalid', (e) => invalid.push(e.channel));
    expect(
      await s
        .channel('sum')
        .request({ total: 0 } as never)
        .catch((e) => e.name),
    ).toBe('ValidationError');
    expect(await s.channel('sum').request('good' as never)).toEqual({ total: 3 });
    expect(invalid).toEqual(['sum']);
  });
});

describe('subscriptions against a real ws server', () => {
  it('replayed once per connection across drops; the unsubscribe goes only on an open connection', async () => {
    const srv = await startServer(() => {});
    const s = connect(srv.url, { reconnect: { minDelay: 20, jitter: 0 } });
    const stopA = s.subscribe('{"sub":"prices"}', { unsubscribe: '{"unsub":"prices"}' });
    const stopB = s.subscribe('{"sub":"prices"}', { unsubscribe: '{"unsub":"prices"}' });
    await s.ready({ timeout: 2000 });
    /** until connection `i` has had its frames (bounded) */
    const heard = async (i: number) => {
      for (let n = 0; n < 100 && !srv.perConn[i]?.length; n++) await sleep(10);
    };
    for (let i = 0; i < 2; i++) {
      await heard(i);
      for (const c of srv.wss.clients) c.terminate();
      await new Promise((r) => s.addEventListener('open', r, { once: true }));
    }
    await heard(2);
    stopA();
    await sleep(50);
    expect(srv.perConn.map((c) => c.filter((t) => t.includes('"sub"')).length)).toEqual([1, 1, 1]);
    expect(srv.perConn.flat().filter((t) => t.includes('unsub'))).toEqual([]);
    stopB();
    await sleep(50);
    expect(srv.perConn[2]).toEqual(['{"sub":"prices"}', '{"unsub":"prices"}']);
    for (const c of srv.wss.clients) c.terminate();
    await new Promise((r) => s.addEventListener('open', r, { once: true }));
    await sleep(50);
    // stopped: not replayed, and the unsubscribe is never replayed either
    expect(srv.perConn[3]).toEqual([]);
  });
});
