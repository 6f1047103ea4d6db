/**
 * Which losses of numbered messages a reconnecting client can be blamed for.
 *
 * A message handed to a native WebSocket that then dies (RST, server close)
 * can vanish without a trace: TCP gives nothing back, and no client library
 * can know without application-level acks. TCP keeps order, though, so such
 * losses form a tail: everything handed to that connection after the last
 * message the server got from it. Anything else lost — a message the library
 * queued, one before a message that did arrive on the same connection, one on
 * the connection that is still open — is the library's fault, unless a `drop`
 * event reported it. A queued message is handed over when the queue is flushed
 * into the next connection (`flushed`), and judged as part of that one's tail.
 *
 * Strict mode (`{ strict: true }`) is for runs where no drop can be legitimate
 * (the default queue: no ttl, no overflow before 1000 messages, and the socket
 * never closed for good): a drop excuses nothing, and every dropped message is
 * listed in `dropped`, which the test expects to be empty.
 */
import type { Handshake, Received } from './fault-server.js';

export interface SendRecord {
  /** the message number */
  n: number;
  /** 1-based index of the open connection it was handed to natively; 0 when the library queued it */
  conn: number;
  /**
   * For a queued message: the connection whose opening flushed the queue (the queue goes out
   * before `open` is emitted, so it is the number of `open` events seen by the first `open`
   * listener after the message was queued). A flushed message is then judged like one sent on
   * that connection: lost only as part of its unsent tail.
   */
  flushed?: number;
}

export interface LossReport {
  /** lost messages excused as the unsent tail of a connection that died */
  inFlight: number[];
  /** lost messages nothing explains */
  unexplained: number[];
  /** strict mode: every message a `drop` event reported, lost or not (each one a failure); else [] */
  dropped: number[];
}

export interface LossOptions {
  /** no drop can be legitimate here: drops excuse nothing and are listed in `dropped` */
  strict?: boolean;
}

export function explainLoss(
  lost: number[],
  sent: SendRecord[],
  handshakes: Handshake[],
  received: Received[],
  dropped: Set<number>,
  { strict = false }: LossOptions = {},
): LossReport {
  // the k-th connection the client saw open is the k-th the server accepted
  const opened = handshakes.filter((h) => h.openedAt !== undefined);
  const maxOn = opened.map((h) => Math.max(-1, ...received.filter((r) => r.conn === h.id).map((r) => Number(r.data))));
  const byN = new Map(sent.map((m) => [m.n, m]));
  const inFlight: number[] = [];
  const unexplained: number[] = [];
  for (const n of lost) {
    if (dropped.has(n) && !strict) continue;
    const m = byN.get(n);
    const k = m?.conn || m?.flushed || 0;
    const dead = k > 0 && k < opened.length; // a later connection replaced it
    if (dead && n > (maxOn[k - 1] ?? -1)) inFlight.push(n);
    else unexplained.push(n);
  }
  return { inFlight, unexplained, dropped: strict ? [...dropped].sort((a, b) => a - b) : [] };
}
