/**
 * SteadySocket in Node with the `ws` package, against real servers on
 * 127.0.0.1:0: real close codes, an upgrade refused with HTTP 503, a server
 * that never answers the handshake, and one that stops answering pings.
 * Real timers with short delays; every server is closed in afterEach.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import type { SteadySocketOptions } from '../../src/index';
import { CORE, full, SteadySocket } from '../helpers/entry';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** A ws echo server on 127.0.0.1:0 whose behaviour the test steers. */
const startServer = async (opts: { refuse?: () => boolean; onText?: (text: string, ws: WebSocket) => void } = {}) => {
  const http: HttpServer = createServer();
  const wss = new WebSocketServer({ noServer: true });
  const handshakes: number[] = [];
  const clients = new Set<WebSocket>();
  http.on('upgrade', (req, socket, head) => {
    handshakes.push(Date.now());
    if (opts.refuse?.()) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      clients.add(ws);
      ws.on('close', () => clients.delete(ws));
      ws.on('message', (data, binary) => {
        const text = binary ? '' : data.toString();
        if (opts.onText) opts.onText(text, ws);
        else ws.send(binary ? data : text);
      });
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const { port } = http.address() as AddressInfo;
  const close = async () => {
    for (const c of clients) c.terminate();
    wss.close();
    await new Promise((r) => http.close(r));
  };
  cleanups.push(close);
  return { url: `ws://127.0.0.1:${port}`, handshakes, clients, close };
};

/** A socket under test; closed after the test whatever happens. */
const connect = (url: string | (() => string), options: SteadySocketOptions = {}) => {
  const s = new SteadySocket(url, undefined, { WebSocket: WebSocket as never, ...options });
  cleanups.push(() => s.close());
  return s;
};

/** Resolve on the first event of `type` (bounded by `ms`). */
const next = <T = Event>(s: SteadySocket, type: string, ms = 5000) =>
  new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no ${type} within ${ms} ms`)), ms);
    s.addEventListener(
      type,
      (e) => {
        clearTimeout(t);
        resolve(e as T);
      },
      { once: true },
    );
  });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether the process gets to no Timeout handles within 1 s (checked every 50 ms). */
const timersGone = async () => {
  const timeouts = () =>
    (process as unknown as { getActiveResourcesInfo(): string[] })
      .getActiveResourcesInfo()
      .filter((r) => r === 'Timeout');
  for (let i = 0; i < 20; i++) {
    if (!timeouts().length) return true;
    await sleep(50);
  }
  return false;
};

describe('Node with ws', () => {
  it('connects, flushes the queue in order, echoes, and re-emits native events', async () => {
    const srv = await startServer();
    const s = connect(srv.url);
    const got: string[] = [];
    s.onmessage = (e) => got.push(String(e.data));
    s.send('q1');
    s.send('q2');
    await next(s, 'open');
    s.send('live');
    for (let i = 0; i < 50 && got.length < 3; i++) await sleep(10);
    expect(got).toEqual(['q1', 'q2', 'live']);
    expect(s.readyState).toBe(1);
  });

  it.each([
    [1008, false],
    [4403, false],
    [1012, true],
    [1000, true],
  ])('server close %i → reconnect %s', async (code, again) => {
    const srv = await startServer();
    const s = connect(srv.url, { reconnect: { minDelay: 20 } });
    await next(s, 'open');
    const closed = next<CloseEvent>(s, 'close');
    for (const c of srv.clients) c.close(code, 'by server');
    const ev = await closed;
    expect(ev.code).toBe(code);
    expect(ev.reason).toBe('by server');
    expect(ev.wasClean).toBe(true);
    if (again) {
      await next(s, 'open');
      expect(srv.handshakes).toHaveLength(2);
    } else {
      await sleep(150);
      expect(s.state).toBe('closed');
      expect(srv.handshakes).toHaveLength(1);
    }
  });

  it('an upgrade answered with HTTP 503 is an error + close 1006, retried with backoff until accepted', async () => {
    let refusals = 3;
    const srv = await startServer({ refuse: () => refusals-- > 0 });
    const s = connect(srv.url, { reconnect: { minDelay: 40, factor: 2, jitter: 0.5 } });
    const delays: number[] = [];
    let errors = 0;
    s.addEventListener('reconnecting', (e) => delays.push((e as Event & { delay: number }).delay));
    s.addEventListener('error', () => errors++);
    await next(s, 'open', 5000);
    expect(srv.handshakes).toHaveLength(4);
    expect(errors).toBe(3);
    // waits 40, 80, 160 shortened by at most half
    expect(delays).toHaveLength(3);
    delays.forEach((d, i) => {
      const base = 40 * 2 ** i;
      expect(d).toBeGreaterThanOrEqual(base / 2);
      expect(d).toBeLessThanOrEqual(base);
    });
    // and the handshakes were really that far apart (timers never fire early)
    for (let i = 1; i < srv.handshakes.length; i++) {
      expect(srv.handshakes[i]! - srv.handshakes[i - 1]!).toBeGreaterThanOrEqual(delays[i - 1]! - 2);
    }
  });

  it('a server that never answers the handshake is abandoned at connectTimeout and retried', async () => {
    const sockets = new Set<Socket>();
    const tcp: NetServer = createNetServer((sock) => {
      sockets.add(sock); // accept TCP, never answer the upgrade
      sock.on('close', () => sockets.delete(sock));
    });
    await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
    cleanups.push(() => {
      for (const sock of sockets) sock.destroy();
      return new Promise((r) => tcp.close(r));
    });
    let accepted = 0;
    tcp.on('connection', () => accepted++);
    const s = connect(`ws://127.0.0.1:${(tcp.address() as AddressInfo).port}`, {
      connectTimeout: 200,
      reconnect: { minDelay: 20 },
    });
    const started = Date.now();
    const err = await next<Event & { error: Error }>(s, 'error', 3000);
    const took = Date.now() - started;
    expect(String(err.error)).toContain('connectTimeout');
    expect(took).toBeGreaterThanOrEqual(190);
    await sleep(200);
    expect(accepted).toBeGreaterThanOrEqual(2);
    expect(s.state).toBe('connecting');
  });

  full.it('a server that stops answering pings is detected by the heartbeat and replaced', async () => {
    let mute = false;
    const srv = await startServer({
      onText: (text, ws) => {
        if (text === 'ping') {
          if (!mute) ws.send('pong');
        } else ws.send(text);
      },
    });
    const interval = 400;
    const timeout = 400;
    const s = connect(srv.url, { heartbeat: { interval, timeout }, reconnect: { minDelay: 20 } });
    let lastFrame = 0;
    s.addEventListener('pong', () => (lastFrame = Date.now()));
    await next(s, 'open');
    await next(s, 'pong', 2000);
    mute = true;
    const mutedAt = Date.now();
    const closed = await next<CloseEvent>(s, 'close', 3000);
    const closedAt = Date.now();
    expect(closed.code).toBe(1006);
    expect(closed.reason).toBe('heartbeat timeout');
    expect(closed.wasClean).toBe(false);
    // the library's own timers: the ping goes out `interval` after the last frame in, and the
    // connection is declared dead `timeout` after that ping. Timers never fire early (2 ms for
    // clock granularity); the slack above (300 ms, for a loaded machine) is under the 400 ms a
    // heartbeat that waited twice its timeout or twice its interval adds, and timers can't make
    // that up by firing early, so such a heartbeat fails however quiet the machine
    const sinceLast = closedAt - lastFrame;
    expect(sinceLast).toBeGreaterThanOrEqual(interval + timeout - 2);
    expect(sinceLast).toBeLessThan(interval + timeout + 300);
    // from the moment the server went mute: at most one full period plus the same slack
    expect(closedAt - mutedAt).toBeLessThan(interval + timeout + 300);
    mute = false;
    await next(s, 'open', 2000);
    expect(srv.handshakes).toHaveLength(2);
    console.log(
      `[figure] heartbeat closed ${sinceLast} ms after the last pong, ${closedAt - mutedAt} ms after the server went mute (interval ${interval} + timeout ${timeout})`,
    );
  });

  full.it('rtt is the round trip of the ping: at least the time the server held the pong, not much more', async () => {
    const HOLD = 150;
    const pingsAt: number[] = [];
    const srv = await startServer({
      onText: (text, ws) => {
        if (text !== 'ping') return;
        pingsAt.push(Date.now());
        setTimeout(() => ws.send('pong'), HOLD);
      },
    });
    const interval = 200;
    const s = connect(srv.url, { heartbeat: { interval, timeout: 1000 } });
    await next(s, 'open');
    const pong = await next<Event & { rtt: number }>(s, 'pong', 2000);
    expect(s.rtt).toBe(pong.rtt);
    expect(pingsAt).toHaveLength(1);
    // no faster than the server held the answer (2 ms for clock granularity)...
    expect(pong.rtt).toBeGreaterThanOrEqual(HOLD - 2);
    // ...and counted from the ping, not from the last frame or the open (interval earlier)
    expect(pong.rtt).toBeLessThan(HOLD + 150);
    console.log(`[figure] rtt ${pong.rtt} ms for a pong held ${HOLD} ms by the server`);
  });

  full.it('close() while the peer holds back the closing handshake: no heartbeat runs during closing', async () => {
    // a heartbeat left running would ping the closing connection (ws counts a frame sent after
    // close() in bufferedAmount, as a browser does) and, its pong never coming, may end the
    // handshake early with 1006 'heartbeat timeout' instead of the server's answer
    const srv = await startServer({ onText: (text, ws) => text === 'ping' && ws.send('pong') });
    const s = connect(srv.url, { heartbeat: { interval: 100, timeout: 100 }, connectTimeout: 3000 });
    await next(s, 'open');
    await next(s, 'pong', 1000);
    const [server] = [...srv.clients];
    const raw = (server as unknown as { _socket: Socket })._socket;
    raw.pause(); // our close frame waits unread on the server side
    const HOLD = 900; // several heartbeat periods (interval + timeout = 200 ms)
    const closed = next<CloseEvent>(s, 'close', 5000);
    const t0 = Date.now();
    s.close(1000, 'bye');
    expect(s.state).toBe('closing');
    await sleep(HOLD);
    expect({ state: s.state, bufferedAmount: s.bufferedAmount }).toEqual({ state: 'closing', bufferedAmount: 0 });
    raw.resume(); // the server reads the close frame and answers it
    const ev = await closed;
    const took = Date.now() - t0;
    expect({ code: ev.code, reason: ev.reason, wasClean: ev.wasClean }).toEqual({
      code: 1000,
      reason: 'bye',
      wasClean: true,
    });
    expect(took).toBeGreaterThanOrEqual(HOLD);
    expect(s.state).toBe('closed');
    expect(await timersGone()).toBe(true);
  });

  full.it(
    'close() against a peer that never answers, heartbeat on: ends at connectTimeout as a closing timeout, not a heartbeat timeout',
    async () => {
      const srv = await startServer({ onText: (text, ws) => text === 'ping' && ws.send('pong') });
      const connectTimeout = 800;
      const s = connect(srv.url, { heartbeat: { interval: 100, timeout: 100 }, connectTimeout });
      await next(s, 'open');
      await next(s, 'pong', 1000);
      for (const c of srv.clients) (c as unknown as { _socket: Socket })._socket.pause();
      const closed = next<CloseEvent>(s, 'close', 3000);
      const t0 = Date.now();
      s.close(1000, 'bye');
      await sleep(connectTimeout - 200); // several heartbeat periods into the closing handshake
      // nothing was sent after close(): a ping into the closing socket would count here
      expect({ state: s.state, bufferedAmount: s.bufferedAmount }).toEqual({ state: 'closing', bufferedAmount: 0 });
      const ev = await closed;
      const took = Date.now() - t0;
      expect({ code: ev.code, reason: ev.reason }).toEqual({ code: 1006, reason: 'closing handshake timed out' });
      expect(took).toBeGreaterThanOrEqual(connectTimeout - 2);
      expect(await timersGone()).toBe(true);
    },
  );

  it('minUptime: connections shorter than it count as failures (the backoff grows), one that outlives it resets the count', async () => {
    // the server closes each connection after the time the test chooses for it
    const lifetimes = [100, 100, 100, 900, 100];
    let k = 0;
    const srv = await startServer();
    const s = connect(srv.url, { reconnect: { minDelay: 50, maxDelay: 10_000, factor: 2, jitter: 0, minUptime: 500 } });
    const retries: { attempt: number; delay: number; retryCount: number }[] = [];
    s.addEventListener('reconnecting', (e) => {
      const r = e as Event & { attempt: number; delay: number };
      retries.push({ attempt: r.attempt, delay: r.delay, retryCount: s.retryCount });
    });
    s.addEventListener('open', () => {
      const life = lifetimes[k++];
      if (life === undefined) return;
      const conn = [...srv.clients].at(-1)!;
      setTimeout(() => conn.close(1012, 'restart'), life);
    });
    for (let i = 0; i < 50 && retries.length < lifetimes.length; i++) await sleep(100);
    expect(retries.map((r) => r.delay)).toEqual([50, 100, 200, 50, 100]);
    // retryCount: consecutive failures since the last connection that stayed up minUptime
    expect(retries.map((r) => r.retryCount)).toEqual([1, 2, 3, 0, 1]);
  });

  it('a url function is called for every attempt (fresh token each time)', async () => {
    const srv = await startServer();
    let n = 0;
    const s = connect(() => `${srv.url}/?token=${++n}`, { reconnect: { minDelay: 10 } });
    await next(s, 'open');
    expect(s.url).toBe(`${srv.url}/?token=1`);
    for (const c of srv.clients) c.terminate();
    await next(s, 'open');
    expect(s.url).toBe(`${srv.url}/?token=2`);
  });

  it('close() leaves nothing scheduled: the process has no handles from the socket', async () => {
    const srv = await startServer();
    const s = connect(srv.url, CORE ? {} : { heartbeat: { interval: 50, timeout: 50 } });
    await next(s, 'open');
    const closed = next(s, 'close');
    s.close();
    await closed;
    expect(s.state).toBe('closed');
    const before = srv.handshakes.length;
    await sleep(300);
    expect(srv.handshakes).toHaveLength(before);
    // only Node's own handles and the server's remain: no Timeout from the library
    const timers = (process as unknown as { getActiveResourcesInfo(): string[] })
      .getActiveResourcesInfo()
      .filter((r) => r === 'Timeout');
    expect(timers).toEqual([]);
  });

  it('close() against a peer that never answers the closing handshake: over at connectTimeout, nothing left behind', async () => {
    const srv = await startServer();
    const s = connect(srv.url, { connectTimeout: 200 });
    await next(s, 'open');
    // the server stops reading: our close frame is never answered
    for (const c of srv.clients) (c as unknown as { _socket: Socket })._socket.pause();
    const closed = next<CloseEvent>(s, 'close', 2000);
    const t0 = Date.now();
    s.close(1000, 'bye');
    const ev = await closed;
    const took = Date.now() - t0;
    expect(ev.code).toBe(1006);
    expect(ev.reason).toBe('closing handshake timed out');
    expect(took).toBeGreaterThanOrEqual(190);
    expect(s.state).toBe('closed');
    // ws would otherwise keep its own 30 s close timer (and the process) alive
    expect(await timersGone()).toBe(true);
  });

  it('reconnect() away from a peer that stopped reading, then close(): no ws close timer keeps the process alive', async () => {
    const srv = await startServer();
    const s = connect(srv.url, { reconnect: { minDelay: 10 } });
    await next(s, 'open');
    for (const c of srv.clients) (c as unknown as { _socket: Socket })._socket.pause();
    s.reconnect(4000, 'moving');
    await next(s, 'open');
    const closed = next(s, 'close');
    s.close();
    await closed;
    // the closing handshake of the new connection settles within ms; ws's own close timer would stay 30 s
    expect(await timersGone()).toBe(true);
  });

  it("the message event's forwarded methods are safe on ws's own event objects", async () => {
    const srv = await startServer();
    const s = connect(srv.url);
    await next(s, 'open');
    const got = next<MessageEvent>(s, 'message');
    s.send('x');
    const e = await got;
    expect(() => e.initEvent('other')).not.toThrow();
    expect(e.data).toBe('x');
  });

  it('importing touches no browser global, and network handling is a no-op without window', async () => {
    expect(typeof (globalThis as { window?: unknown }).window).toBe('undefined');
    const mod = await import('../../src/index');
    const s = new mod.SteadySocket('ws://127.0.0.1:9/', undefined, {
      WebSocket: WebSocket as never,
      startClosed: true,
    });
    expect(s.state).toBe('closed');
  });

  // Both run on every Node: the global WebSocket is set (to a counting ws subclass) or removed for the test
  it('without the WebSocket option, uses globalThis.WebSocket as it is when the socket is made', async () => {
    const srv = await startServer();
    let made = 0;
    class Counting extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols);
        made++;
      }
    }
    vi.stubGlobal('WebSocket', Counting);
    let s: SteadySocket;
    try {
      s = new SteadySocket(srv.url);
    } finally {
      vi.unstubAllGlobals();
    }
    cleanups.push(() => s.close());
    await next(s, 'open');
    expect(s.readyState).toBe(1);
    expect(made).toBe(1);
    expect(srv.handshakes).toHaveLength(1);
  });

  it('without the WebSocket option and no global WebSocket, the constructor says to pass ws', () => {
    vi.stubGlobal('WebSocket', undefined);
    try {
      expect(() => new SteadySocket('ws://127.0.0.1:9/')).toThrow(TypeError);
      expect(() => new SteadySocket('ws://127.0.0.1:9/')).toThrow(
        /option 'WebSocket' must be a WebSocket constructor.*from 'ws'/,
      );
      // an explicit constructor needs no global
      expect(
        new SteadySocket('ws://127.0.0.1:9/', undefined, { WebSocket: WebSocket as never, startClosed: true }).state,
      ).toBe('closed');
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('Node with ws: 0.2 hardening', () => {
  it('values ws would throw on (object, number, boolean) queued while connecting go out as their string form; nothing wedges', async () => {
    const srv = await startServer();
    const s = connect(srv.url, { connectTimeout: 1000 });
    const got: string[] = [];
    const drops: unknown[] = [];
    s.onmessage = (e) => got.push(String(e.data));
    s.addEventListener('drop', (e) => drops.push((e as Event & { data: unknown }).data));
    s.send({ a: 1 } as never);
    s.send(42 as never);
    s.send(true as never);
    s.send('last');
    await next(s, 'open', 3000);
    s.send({ b: 2 } as never);
    for (let i = 0; i < 100 && got.length < 5; i++) await sleep(10);
    expect(got).toEqual(['[object Object]', '42', 'true', 'last', '[object Object]']);
    expect(drops).toEqual([]);
    expect(s.state).toBe('open');
  });

  it.each([0, 1, 2])(
    'maxRetries %i against a server that always refuses: that many retries (one handshake more), then giveup',
    async (n) => {
      const srv = await startServer({ refuse: () => true });
      const s = connect(srv.url, { reconnect: { minDelay: 10, jitter: 0, maxRetries: n } });
      const gaveUp = next<Event & { attempts: number }>(s, 'giveup', 5000);
      const ev = await gaveUp;
      await sleep(100);
      expect(srv.handshakes).toHaveLength(n + 1);
      expect(ev.attempts).toBe(n + 1);
      expect(s.state).toBe('closed');
    },
  );

  it('sends during the closing handshake, inside the close listener and after close() arrive after the next open()', async () => {
    const seen: string[] = [];
    const srv = await startServer({ onText: (t) => seen.push(t) });
    const s = connect(srv.url);
    const drops: unknown[] = [];
    s.addEventListener('drop', (e) => drops.push((e as Event & { data: unknown }).data));
    await next(s, 'open');
    const closed = next(s, 'close');
    s.close(1000, 'bye');
    expect(s.readyState).toBe(2);
    s.send('during handshake');
    s.addEventListener('close', () => s.send('in close listener'), { once: true });
    await closed;
    s.send('after');
    expect(s.state).toBe('closed');
    expect(await timersGone()).toBe(true);
    s.open();
    await next(s, 'open');
    for (let i = 0; i < 100 && seen.length < 3; i++) await sleep(10);
    expect(seen).toEqual(['during handshake', 'in close listener', 'after']);
    expect(drops).toEqual([]);
  });

  it('readyState is CLOSED inside close listeners when a retry follows; state says connecting', async () => {
    const srv = await startServer();
    const s = connect(srv.url, { reconnect: { minDelay: 20 } });
    await next(s, 'open');
    const inside: [number, string][] = [];
    s.addEventListener('close', () => inside.push([s.readyState, s.state]), { once: true });
    for (const c of srv.clients) c.terminate();
    await next(s, 'open');
    expect(inside).toEqual([[3, 'connecting']]);
  });
});
