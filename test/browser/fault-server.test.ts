// The fault server's own checks, with Node's `ws` client: each hook does what its
// header says. Cheap (no browser), and the browser suites build on it.
import { createConnection } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { deferred, sleep, until } from '../helpers/deferred.js';
import { type FaultServer, sequence, startFaultServer } from '../helpers/fault-server.js';

const servers: FaultServer[] = [];
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function server(opts?: Parameters<typeof startFaultServer>[0]) {
  const s = await startFaultServer(opts);
  servers.push(s);
  return s;
}

function connect(url: string, path = '/') {
  const ws = new WebSocket(url + path);
  ws.on('error', () => {});
  sockets.push(ws);
  const opened = deferred<void>();
  const failed = deferred<{ kind: string; detail: string }>();
  const closed = deferred<{ code: number; reason: string }>();
  const messages: string[] = [];
  ws.on('open', () => opened.resolve());
  ws.on('unexpected-response', (_req, res) => failed.resolve({ kind: 'http', detail: String(res.statusCode) }));
  ws.on('error', (e: NodeJS.ErrnoException) => failed.resolve({ kind: 'error', detail: e.code ?? e.message }));
  ws.on('close', (code, reason) => closed.resolve({ code, reason: reason.toString() }));
  ws.on('message', (d) => messages.push(d.toString()));
  return { ws, opened: opened.promise, failed: failed.promise, closed: closed.promise, messages };
}

describe('fault server', () => {
  it('passes through, echoes, answers pings and records handshakes and messages', async () => {
    const srv = await server({ echo: true });
    const c = connect(srv.url, '/room?x=1');
    await c.opened;
    for (let i = 0; i < 5; i++) c.ws.send(String(i));
    c.ws.send('ping');
    await until(() => c.messages.length === 6, { message: 'echoes' });
    expect(c.messages).toEqual(['0', '1', '2', '3', '4', 'pong']);
    expect(srv.handshakes).toHaveLength(1);
    expect(srv.handshakes[0]).toMatchObject({ id: 1, path: '/room?x=1', action: 'pass' });
    expect(srv.handshakes[0]?.openedAt).toBeGreaterThanOrEqual(srv.handshakes[0]?.at ?? Infinity);
    expect(srv.received.map((r) => r.conn)).toEqual([1, 1, 1, 1, 1, 1]);
    const rep = sequence(
      srv.received.filter((r) => r.data !== 'ping').map((r) => Number(r.data)),
      5,
    );
    expect(rep).toEqual({ sent: 5, received: 5, lost: [], duplicates: [], outOfOrder: 0 });
    expect(sequence([0, 2, 1, 2], 4)).toEqual({ sent: 4, received: 4, lost: [3], duplicates: [2], outOfOrder: 1 });
  });

  it('closeAll sends the close code', async () => {
    const srv = await server();
    const c = connect(srv.url);
    await c.opened;
    expect(srv.closeAll(4000, 'bye')).toBe(1);
    expect(await c.closed).toEqual({ code: 4000, reason: 'bye' });
    await until(() => srv.handshakes[0]?.closeCode === 4000, { message: 'server-side close record' });
  });

  it('reset: RST on new handshakes and resetAll on open ones', async () => {
    const srv = await server();
    const open = connect(srv.url);
    await open.opened;
    await srv.mode('reset');
    const c = connect(srv.url);
    expect(await c.failed).toEqual({ kind: 'error', detail: 'ECONNRESET' });
    expect(srv.resetAll()).toBe(1);
    expect((await open.closed).code).toBe(1006);
    expect(srv.handshakes.map((h) => h.action)).toEqual(['pass', 'reset']);
  });

  it('refuse: ECONNREFUSED, then the same port accepts again', async () => {
    const srv = await server();
    const port = srv.port;
    await srv.mode('refuse');
    expect(await connect(srv.url).failed).toEqual({ kind: 'error', detail: 'ECONNREFUSED' });
    await srv.mode('pass');
    expect(srv.port).toBe(port);
    await connect(srv.url).opened;
  });

  it('reject: HTTP 503 (or any status)', async () => {
    const srv = await server();
    await srv.mode('reject');
    expect(await connect(srv.url).failed).toEqual({ kind: 'http', detail: '503' });
    await srv.mode('reject', { status: 401 });
    expect(await connect(srv.url).failed).toEqual({ kind: 'http', detail: '401' });
  });

  it('stall and delay hold the upgrade', async () => {
    const srv = await server();
    await srv.mode('stall');
    const stalled = connect(srv.url);
    let opened = false;
    stalled.opened.then(() => (opened = true));
    await sleep(300);
    expect(opened).toBe(false);
    expect(srv.handshakes[0]?.action).toBe('stall');
    await srv.mode('delay', { delay: 200 });
    const t0 = Date.now();
    await connect(srv.url).opened;
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
  });

  it('blackhole: an open connection stays open at TCP level but nothing gets through', async () => {
    const srv = await server({ echo: true });
    const c = connect(srv.url);
    await c.opened;
    await srv.mode('blackhole');
    c.ws.send('lost');
    await sleep(200);
    expect(c.messages).toEqual([]);
    expect(srv.received).toEqual([]);
    expect(c.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('stop and start: connections die, the same port comes back', async () => {
    const srv = await server();
    const port = srv.port;
    const c = connect(srv.url);
    await c.opened;
    expect(srv.live).toBe(1);
    await srv.stop();
    expect((await c.closed).code).toBe(1006);
    expect(srv.live).toBe(0);
    const refused = deferred<string>();
    const raw = createConnection({ host: '127.0.0.1', port });
    raw.on('error', (e: NodeJS.ErrnoException) => refused.resolve(e.code ?? ''));
    raw.on('connect', () => refused.resolve('connected'));
    expect(await refused.promise).toBe('ECONNREFUSED');
    await srv.start();
    expect(srv.port).toBe(port);
    await connect(srv.url).opened;
  });
});
