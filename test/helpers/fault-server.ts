/**
 * Fault server: a real `ws` server behind a TCP proxy (node:net) whose faults
 * the test controls. Both listen on 127.0.0.1, port 0; clients use `url`, which
 * points at the proxy.
 *
 *   const srv = await startFaultServer({ echo: true });
 *   const ws = new WebSocket(srv.url);          // ws://127.0.0.1:<port>
 *   ...
 *   await srv.close();                          // always, in afterEach/finally
 *
 * Hooks (all on the returned object):
 *
 *   await mode(m, { status, delay })  What the proxy does with *new* handshakes, decided when the
 *                                     HTTP upgrade request has arrived:
 *     'pass'       forward to the ws server (default)
 *     'reset'      TCP RST (socket.resetAndDestroy()) instead of an answer
 *     'blackhole'  keep TCP open, forward nothing either way (a half-open peer). Also applies
 *                  at once to every connection already open; a black-holed connection stays so.
 *     'refuse'     stop listening: connects fail with ECONNREFUSED. Open connections are kept.
 *     'reject'     answer the upgrade with HTTP `status` (default 503) and close
 *     'stall'      never answer the upgrade (TCP stays open, nothing is forwarded)
 *     'delay'      hold the upgrade `delay` ms, then forward it
 *   closeAll(code?, reason?)   ws close frame with that code on every open connection
 *   resetAll()                 TCP RST on every connection now (mid-stream reset)
 *   destroyAll()               TCP FIN on every connection, no close frame
 *   await stop()               listener down and every connection destroyed (server crash)
 *   await start()              listener up again on the same port
 *   send(data)                 send to every open ws connection; returns how many
 *   set(behaviour)             change { echo, pong, onConnection, onMessage } at run time
 *   clients                    open ws connections (server side), oldest first
 *   handshakes[]               every upgrade request: { id, at, path, headers, action,
 *                              openedAt?, closedAt?, closeCode? } (times: timeOrigin+now ms)
 *   received[]                 every message the ws server got: { at, conn, data, binary }
 *   connections                TCP connections accepted so far (count)
 *   live                       TCP connections open at the proxy now (count)
 *   await close()              everything down; idempotent
 *
 * Behaviour (options and set()):
 *   echo: true        send every message back (except heartbeat pings)
 *   pong: 'ping'      answer this text with 'pong' (default 'ping'; false = mute pongs)
 *   onConnection(ws, info)      called for each opened ws connection
 *   onMessage(ws, data, info)   called for each message after it is recorded
 *
 * `sequence(numbers, sent)` (exported) counts loss, duplicates and reordering of numbered messages.
 */
import { once } from 'node:events';
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { createConnection, createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { now } from './deferred.js';

export type FaultMode = 'pass' | 'reset' | 'blackhole' | 'refuse' | 'reject' | 'stall' | 'delay';

export interface Handshake {
  /** connection number, 1-based, in accept order */
  id: number;
  /** when the upgrade request arrived (timeOrigin + now, ms) */
  at: number;
  path: string;
  headers: Record<string, string>;
  /** what the proxy did with it */
  action: FaultMode;
  /** when the ws server accepted it */
  openedAt?: number;
  closedAt?: number;
  closeCode?: number;
}

export interface Received {
  at: number;
  /** handshake id of the connection it came on */
  conn: number;
  data: string | Buffer;
  binary: boolean;
}

export interface ConnInfo {
  id: number;
  path: string;
  req: IncomingMessage;
}

export interface Behaviour {
  echo?: boolean;
  pong?: string | false;
  onConnection?: (ws: WebSocket, info: ConnInfo) => void;
  onMessage?: (ws: WebSocket, data: string | Buffer, info: ConnInfo & { binary: boolean }) => void;
}

export interface FaultServer {
  readonly url: string;
  readonly port: number;
  readonly handshakes: Handshake[];
  readonly received: Received[];
  readonly clients: WebSocket[];
  readonly connections: number;
  readonly live: number;
  readonly currentMode: FaultMode;
  mode(m: FaultMode, opts?: { status?: number; delay?: number }): Promise<void>;
  set(b: Behaviour): void;
  closeAll(code?: number, reason?: string): number;
  resetAll(): number;
  destroyAll(): number;
  send(data: string | Buffer | ArrayBuffer | Uint8Array): number;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

interface ProxyConn {
  id: number;
  client: Socket;
  upstream?: Socket;
  blackholed: boolean;
  timer?: NodeJS.Timeout;
}

const MAX_HEAD = 64 * 1024;

export async function startFaultServer(options: Behaviour = {}): Promise<FaultServer> {
  const behaviour: Required<Pick<Behaviour, 'echo' | 'pong'>> & Behaviour = { echo: false, pong: 'ping', ...options };
  const handshakes: Handshake[] = [];
  const received: Received[] = [];
  const clients = new Map<WebSocket, ConnInfo>();
  const conns = new Set<ProxyConn>();
  const byUpstreamPort = new Map<number, number>(); // proxy's upstream local port -> handshake id
  let current: FaultMode = 'pass';
  let status = 503;
  let delay = 0;
  let nextId = 0;
  let stopped = false;
  let closed = false;

  // ── the real ws server (behind the proxy) ────────────────────────────────
  const http: HttpServer = createHttpServer((_req, res) => {
    res.writeHead(426).end();
  });
  const wss = new WebSocketServer({ server: http, perMessageDeflate: false, maxPayload: 64 * 1024 * 1024 });
  wss.on('connection', (ws, req) => {
    const id = byUpstreamPort.get(req.socket.remotePort ?? -1) ?? 0;
    const hs = handshakes.find((h) => h.id === id);
    const info: ConnInfo = { id, path: req.url ?? '/', req };
    if (hs) hs.openedAt = now();
    clients.set(ws, info);
    ws.on('error', () => {}); // a reset peer is normal here
    ws.on('close', (code) => {
      clients.delete(ws);
      if (hs) {
        hs.closedAt = now();
        hs.closeCode = code;
      }
    });
    ws.on('message', (raw: RawData, binary: boolean) => {
      const data = binary ? toBuffer(raw) : toBuffer(raw).toString('utf8');
      received.push({ at: now(), conn: id, data, binary });
      if (behaviour.pong !== false && !binary && data === behaviour.pong) {
        ws.send('pong');
        return;
      }
      if (behaviour.echo) ws.send(data, { binary });
      behaviour.onMessage?.(ws, data, { ...info, binary });
    });
    behaviour.onConnection?.(ws, info);
  });
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  const backendPort = (http.address() as { port: number }).port;

  // ── the fault proxy in front ─────────────────────────────────────────────
  let front: NetServer | undefined;
  let port = 0;

  const drop = (c: ProxyConn, how: 'fin' | 'rst') => {
    if (c.timer) clearTimeout(c.timer);
    if (how === 'rst') {
      if (!c.client.destroyed) c.client.resetAndDestroy();
    } else c.client.destroy();
    c.upstream?.destroy();
    conns.delete(c);
  };

  const forward = (c: ProxyConn, head: Buffer) => {
    if (c.client.destroyed || closed) return;
    const up = createConnection({ host: '127.0.0.1', port: backendPort });
    c.upstream = up;
    up.setNoDelay(true);
    up.on('connect', () => {
      byUpstreamPort.set(up.localPort ?? -1, c.id);
      up.write(head);
    });
    up.on('data', (d) => {
      if (!c.blackholed && !c.client.destroyed) c.client.write(d);
    });
    c.client.on('data', (d) => {
      if (!c.blackholed && !up.destroyed) up.write(d);
    });
    up.on('end', () => {
      if (!c.blackholed) c.client.end();
    });
    c.client.on('end', () => {
      if (!c.blackholed) up.end();
    });
    up.on('error', () => {
      if (!c.blackholed) c.client.destroy();
    });
    up.on('close', () => {
      if (!c.blackholed) c.client.destroy();
    });
  };

  const onHead = (c: ProxyConn, head: Buffer) => {
    const text = head.toString('latin1');
    const end = text.indexOf('\r\n\r\n');
    const lines = text.slice(0, end).split('\r\n');
    const path = lines[0]?.split(' ')[1] ?? '/';
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const i = line.indexOf(':');
      if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
    }
    const action = current;
    handshakes.push({ id: c.id, at: now(), path, headers, action });
    switch (action) {
      case 'pass':
        forward(c, head);
        break;
      case 'delay':
        c.timer = setTimeout(() => forward(c, head), delay);
        break;
      case 'reset':
        drop(c, 'rst');
        break;
      case 'reject':
        c.client.end(`HTTP/1.1 ${status} Fault\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
        break;
      case 'blackhole':
      case 'stall':
      case 'refuse': // accepted just before the listener went down: treat as stall
        c.blackholed = true;
        break;
    }
  };

  const onConnection = (client: Socket) => {
    if (closed) {
      client.destroy();
      return;
    }
    const c: ProxyConn = { id: ++nextId, client, blackholed: current === 'blackhole' };
    conns.add(c);
    client.setNoDelay(true);
    client.on('error', () => {});
    client.on('close', () => {
      if (c.timer) clearTimeout(c.timer);
      c.upstream?.destroy();
      conns.delete(c);
    });
    let buf = Buffer.alloc(0);
    const onData = (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      const end = buf.indexOf('\r\n\r\n');
      if (end === -1) {
        if (buf.length > MAX_HEAD) drop(c, 'fin');
        return;
      }
      client.off('data', onData);
      onHead(c, buf); // the head plus anything after it (nothing, for a WebSocket client)
    };
    client.on('data', onData);
  };

  const listen = async () => {
    if (front || closed) return;
    const s = createNetServer({ noDelay: true }, onConnection);
    front = s;
    s.listen(port, '127.0.0.1');
    await once(s, 'listening');
    port = (s.address() as { port: number }).port;
  };
  const unlisten = () => {
    const s = front;
    front = undefined;
    if (!s) return Promise.resolve();
    // close() stops accepting now; its callback waits for accepted sockets,
    // which we track and end ourselves, so don't wait on it.
    return new Promise<void>((resolve) => {
      s.close();
      setImmediate(resolve);
    });
  };
  const syncListening = () => (stopped || current === 'refuse' ? unlisten() : listen());

  await listen();

  const eachClient = (fn: (ws: WebSocket) => void) => {
    const list = [...clients.keys()];
    for (const ws of list) fn(ws);
    return list.length;
  };

  const srv: FaultServer = {
    get url() {
      return `ws://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    handshakes,
    received,
    get clients() {
      return [...clients.keys()];
    },
    get connections() {
      return nextId;
    },
    get live() {
      return conns.size;
    },
    get currentMode() {
      return current;
    },
    async mode(m, opts = {}) {
      current = m;
      if (opts.status !== undefined) status = opts.status;
      if (opts.delay !== undefined) delay = opts.delay;
      if (m === 'blackhole') for (const c of conns) c.blackholed = true;
      await syncListening();
    },
    set(b) {
      Object.assign(behaviour, b);
    },
    closeAll(code = 1000, reason = '') {
      return eachClient((ws) => ws.close(code, reason));
    },
    resetAll() {
      const list = [...conns];
      for (const c of list) drop(c, 'rst');
      return list.length;
    },
    destroyAll() {
      const list = [...conns];
      for (const c of list) drop(c, 'fin');
      return list.length;
    },
    send(data) {
      return eachClient((ws) => {
        if (ws.readyState === WebSocket.OPEN) ws.send(data);
      });
    },
    async stop() {
      stopped = true;
      await unlisten();
      srv.destroyAll();
    },
    async start() {
      stopped = false;
      await syncListening();
    },
    async close() {
      if (closed) return;
      await srv.stop();
      closed = true;
      for (const ws of clients.keys()) ws.terminate();
      wss.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
  return srv;
}

function toBuffer(raw: RawData): Buffer {
  if (Buffer.isBuffer(raw)) return raw;
  if (Array.isArray(raw)) return Buffer.concat(raw);
  return Buffer.from(raw as ArrayBuffer);
}

export interface SequenceReport {
  sent: number;
  received: number;
  /** numbers in 0..sent-1 that never arrived */
  lost: number[];
  /** numbers that arrived more than once (each listed once) */
  duplicates: number[];
  /** arrivals smaller than one that came before them */
  outOfOrder: number;
}

/** Counts loss, duplication and reordering of messages numbered 0..sent-1. */
export function sequence(numbers: number[], sent: number): SequenceReport {
  const seen = new Map<number, number>();
  let outOfOrder = 0;
  let max = -1;
  for (const n of numbers) {
    seen.set(n, (seen.get(n) ?? 0) + 1);
    if (n < max) outOfOrder++;
    else max = n;
  }
  const lost: number[] = [];
  for (let i = 0; i < sent; i++) if (!seen.has(i)) lost.push(i);
  const duplicates = [...seen].filter(([, k]) => k > 1).map(([n]) => n);
  return { sent, received: numbers.length, lost, duplicates, outOfOrder };
}
