export interface HeartbeatOptions {
  interval: number;
  timeout: number;
  /** send the ping frame */
  ping: () => void;
  /** the connection did not answer in time */
  dead: () => void;
  now: () => number;
}

export interface Heartbeat {
  /** an inbound frame arrived: the connection is alive */
  touch(): void;
  /** a pong arrived: touch, and return the round trip of the outstanding ping (ms) */
  pong(): number | undefined;
  /** check liveness now: ping at once unless a ping is already out */
  check(): void;
  stop(): void;
}

/**
 * Finds dead connections by elapsed wall-clock time, not by counting ticks:
 * after `interval` ms without an inbound frame it pings, and a ping left
 * unanswered for `timeout` ms means the connection is dead.
 *
 * A timer that fires far later than asked (a laptop waking from sleep, a
 * throttled background tab) proves nothing about the peer: frames may be
 * waiting behind it. Such a late timeout is forgiven once with a fresh ping;
 * a second one in a row is judged like any other.
 */
export const createHeartbeat = (o: HeartbeatOptions): Heartbeat => {
  let last = o.now();
  /** when the outstanding ping went out; undefined when none is */
  let pingAt: number | undefined;
  let stopped = false;
  /** an inbound frame arrived since the last ping (a flag, not a time comparison: both may fall in one ms) */
  let heard = true;
  let due = 0;
  let forgiven = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const arm = (at: number) => {
    clearTimeout(timer);
    due = at;
    // never further out than one period: a clock stepped back must not hold the check off
    timer = setTimeout(tick, Math.max(0, Math.min(at - o.now(), o.interval + o.timeout)));
  };
  const ping = () => {
    pingAt = o.now();
    heard = false;
    arm(pingAt + o.timeout);
    o.ping();
  };
  const tick = () => {
    const now = o.now();
    // the clock stepped back (NTP, a VM resumed): times ahead of it count from now
    if (now < last) last = now;
    if (pingAt !== undefined && now < pingAt) pingAt = now;
    if (pingAt === undefined) {
      if (now - last >= o.interval) ping();
      else arm(last + o.interval);
    } else if (heard) {
      pingAt = undefined;
      forgiven = false;
      arm(last + o.interval);
    } else if (now - due > o.timeout && !forgiven) {
      forgiven = true;
      ping();
    } else {
      timer = undefined;
      o.dead();
    }
  };
  arm(last + o.interval);

  return {
    touch() {
      last = o.now();
      heard = true;
    },
    pong() {
      // one round trip per ping: a duplicate or late second answer gives no rtt
      const sent = pingAt;
      pingAt = undefined;
      forgiven = false;
      last = o.now();
      heard = true;
      // the next ping is due `interval` after this answer, even when `timeout` is longer
      if (!stopped) arm(last + o.interval);
      return sent === undefined ? undefined : last - sent;
    },
    check() {
      // a stopped heartbeat stays stopped: no timer may come back after stop()
      if (!stopped && pingAt === undefined) ping();
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
    },
  };
};
