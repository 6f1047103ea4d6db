/**
 * Shared by the binding tests (jsdom): a real ws server on 127.0.0.1:0 that
 * counts connections, a tracker for timers and window/document listeners,
 * and a polling wait on the real clock.
 *
 *   const srv = await countingServer();   // srv.url, srv.conns, srv.send(data), await srv.close()
 *   const leaks = trackLeaks();           // before the code under test makes timers or listeners
 *   ...
 *   await until(() => leaks.timers() === 0, 'timers cleared');
 *   leaks.stop();
 */
import type { IncomingMessage } from 'node:http';
import { type WebSocket, WebSocketServer, WebSocket as WsSocket } from 'ws';

export interface Conn {
  /** 1-based, in accept order */
  id: number;
  path: string;
  ws: WebSocket;
  open: boolean;
  /** the close code the server saw */
  closeCode?: number;
}

export interface CountingServer {
  /** ws://127.0.0.1:<port> (no trailing slash: append a path) */
  url: string;
  /** every connection accepted, oldest first */
  conns: Conn[];
  /** connections open now */
  live(): Conn[];
  /** every message received (heartbeat pings left out), with the id of its connection */
  received: { conn: number; data: string }[];
  /** send to every open connection; returns how many */
  send(data: string): number;
  close(): Promise<void>;
}

/** A ws server on 127.0.0.1, port 0, recording every connection and its close. */
export async function countingServer(): Promise<CountingServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  const conns: Conn[] = [];
  const received: { conn: number; data: string }[] = [];
  wss.on('connection', (ws: WebSocket, req: IncomingMessage) => {
    const c: Conn = { id: conns.length + 1, path: req.url ?? '/', ws, open: true };
    conns.push(c);
    ws.on('close', (code) => {
      c.open = false;
      c.closeCode = code;
    });
    // heartbeat pings get their pong; nothing else is echoed
    ws.on('message', (data) => {
      if (String(data) === 'ping') ws.send('pong');
      else received.push({ conn: c.id, data: String(data) });
    });
  });
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  const { port } = wss.address() as { port: number };
  return {
    url: `ws://127.0.0.1:${port}`,
    conns,
    received,
    live: () => conns.filter((c) => c.open),
    send: (data) => {
      const open = conns.filter((c) => c.open);
      for (const c of open) c.ws.send(data);
      return open.length;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => resolve());
      }),
  };
}

// the real clock, whatever a test patches later
const realSetTimeout = globalThis.setTimeout;
export const sleep = (ms: number) => new Promise<void>((r) => realSetTimeout(r, ms));

/** Poll (real clock, 10 ms) until `fn()` is truthy; fails after `timeout` ms naming `what`. */
export async function until(fn: () => unknown, what: string, timeout = 5000): Promise<void> {
  const end = Date.now() + timeout;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await sleep(10);
  }
}

export interface LeakTracker {
  /** timers made since tracking started and neither fired nor cleared (intervals until cleared) */
  timers(): number;
  /** where each live timer was made: for the failure message */
  timerStacks(): string[];
  /** window and document listeners added minus removed, by type, since tracking started (zeros left out) */
  listeners(): Record<string, number>;
  stop(): void;
}

/**
 * Count the timers (setTimeout/setInterval) and the window/document listeners
 * made from now on. Everything in the process is counted, ws's own timers too:
 * wait for them to settle (`until(() => t.timers() === 0)`) after every close.
 */
export function trackLeaks(): LeakTracker {
  const g = globalThis as unknown as Record<string, (...a: unknown[]) => unknown>;
  const saved = {
    setTimeout: g.setTimeout!,
    clearTimeout: g.clearTimeout!,
    setInterval: g.setInterval!,
    clearInterval: g.clearInterval!,
  };
  const live = new Map<unknown, string>();
  const key = (h: unknown) => (typeof h === 'object' && h !== null && Symbol.toPrimitive in h ? Number(h) : h);
  g.setTimeout = (fn: unknown, ms?: unknown, ...args: unknown[]) => {
    let h: unknown;
    const run = (...a: unknown[]) => {
      live.delete(key(h));
      if (typeof fn === 'function') fn(...a);
    };
    h = saved.setTimeout(run, ms, ...args);
    live.set(key(h), new Error('timer made').stack ?? '');
    return h;
  };
  g.setInterval = (fn: unknown, ms?: unknown, ...args: unknown[]) => {
    const h = saved.setInterval(fn, ms, ...args);
    live.set(key(h), new Error('interval made').stack ?? '');
    return h;
  };
  g.clearTimeout = (h: unknown) => {
    live.delete(key(h));
    return saved.clearTimeout(h);
  };
  g.clearInterval = (h: unknown) => {
    live.delete(key(h));
    return saved.clearInterval(h);
  };
  const net: Record<string, number> = {};
  const undo: (() => void)[] = [];
  for (const [name, target] of [
    ['window', window],
    ['document', document],
  ] as const) {
    const add = target.addEventListener;
    const remove = target.removeEventListener;
    const own = ['addEventListener', 'removeEventListener'].map(
      (k) => [k, Object.getOwnPropertyDescriptor(target, k)] as const,
    );
    // count each (type, listener, capture) once, as EventTarget does
    const seen = new Set<string>();
    const ids = new WeakMap<object, number>();
    let next = 0;
    const id = (l: unknown) => {
      if (typeof l !== 'object' && typeof l !== 'function') return String(l);
      const o = l as object;
      if (!ids.has(o)) ids.set(o, ++next);
      return String(ids.get(o));
    };
    const sig = (type: string, l: unknown, o: unknown) =>
      `${type}|${id(l)}|${typeof o === 'boolean' ? o : !!(o as { capture?: boolean } | undefined)?.capture}`;
    target.addEventListener = function (this: EventTarget, type: string, l: unknown, o?: unknown) {
      const s = sig(type, l, o);
      // React DOM listens for this once per document (its onSelect), for good: not ours to count
      if (type === 'selectionchange') return (add as (...a: unknown[]) => void).call(this, type, l, o);
      if (l && !seen.has(s)) {
        seen.add(s);
        net[`${name}:${type}`] = (net[`${name}:${type}`] ?? 0) + 1;
      }
      return (add as (...a: unknown[]) => void).call(this, type, l, o);
    } as typeof add;
    target.removeEventListener = function (this: EventTarget, type: string, l: unknown, o?: unknown) {
      const s = sig(type, l, o);
      if (seen.delete(s)) net[`${name}:${type}`] = (net[`${name}:${type}`] ?? 0) - 1;
      return (remove as (...a: unknown[]) => void).call(this, type, l, o);
    } as typeof remove;
    undo.push(() => {
      // put back what was there: an own property (jsdom's window) or the inherited one
      for (const [k, d] of own) {
        if (d) Object.defineProperty(target, k, d);
        else delete (target as unknown as Record<string, unknown>)[k];
      }
    });
  }
  return {
    timers: () => live.size,
    timerStacks: () => [...live.values()],
    listeners: () => Object.fromEntries(Object.entries(net).filter(([, n]) => n !== 0)),
    stop() {
      Object.assign(g, saved);
      for (const u of undo) u();
    },
  };
}

/**
 * `ws`'s WebSocket, counting the native sockets made: a socket made and cut in
 * the same tick never reaches the server, so the server's count alone would miss it.
 */
export function countingWebSocket(): { WebSocket: unknown; made: string[] } {
  const made: string[] = [];
  class Counted extends WsSocket {
    constructor(...args: ConstructorParameters<typeof WsSocket>) {
      super(...args);
      made.push(String(args[0]));
    }
  }
  return { WebSocket: Counted, made };
}
