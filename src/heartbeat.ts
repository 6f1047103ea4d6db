import type { FeatureDef } from './feature';
import type { Spec } from './options';
import { fail, resolve, T } from './options';
import type { Data } from './queue';
import { isBinary } from './queue';

/** Heartbeat settings: find connections that died without a close (half-open TCP). */
export interface HeartbeatSettings {
  /**
   * Ping after this many ms without any inbound message (protocol-level pings are invisible to the page).
   * @default 20000
   */
  interval?: number | undefined;
  /**
   * No inbound message this many ms after a ping: the connection is dead,
   * is dropped at once (`close` with code 1006) and replaced.
   * @default 10000
   */
  timeout?: number | undefined;
  /**
   * The ping frame, or a function that makes one each time.
   * @default 'ping'
   */
  message?: (Data | (() => Data)) | undefined;
  /**
   * Recognises the server's answer. Frames it accepts are not delivered as `message`
   * and give a `pong` event with the round-trip time.
   * @default (data) => data === 'pong'
   */
  isPong?: ((data: unknown) => boolean) | undefined;
}

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

/** Heartbeat options after defaults and validation. */
interface Resolved {
  interval: number;
  timeout: number;
  message: Data | (() => Data);
  isPong: (data: unknown) => boolean;
}

const SPEC: Spec = {
  interval: [20000, 1, T],
  timeout: [10000, 1, T],
  message: ['ping'],
  isPong: [(data: unknown) => data === 'pong'],
};

/**
 * The heartbeat as a feature: option `heartbeat` (off by default), a pinger per ready
 * connection, pongs consumed (a `pong` event and the socket's `rtt`), a dead connection
 * dropped with close 1006 'heartbeat timeout'. Its timer lives from `ready` to `lost`.
 */
export const heartbeat: FeatureDef = {
  options: {
    heartbeat(v) {
      if (v === undefined || v === false) return;
      if (v !== true && (typeof v !== 'object' || !v || Array.isArray(v)))
        fail(TypeError, 'heartbeat', 'a boolean or an object', v);
      const h = resolve('heartbeat', SPEC, v) as Resolved;
      const m = h.message;
      // what the native send() takes (anything else would go out as "[object Object]")
      if (typeof m !== 'string' && typeof m !== 'function' && !isBinary(m))
        fail(TypeError, 'heartbeat.message', 'a string, binary data or a function', m);
      return h;
    },
  },
  setup(options, getHost, socket) {
    const o = options.heartbeat as Resolved | undefined;
    if (!o) return;
    const host = getHost();
    let beat: Heartbeat | undefined;
    const stop = () => {
      beat?.stop();
      beat = undefined;
    };
    return {
      ready(send) {
        beat = createHeartbeat({
          interval: o.interval,
          timeout: o.timeout,
          now: host.options.now,
          ping: () => {
            try {
              send(typeof o.message === 'function' ? o.message() : o.message);
            } catch (err) {
              host.error(err);
            }
          },
          dead: () => host.kill('heartbeat timeout'),
        });
      },
      frame(data) {
        if (!beat) return false;
        let pong = false;
        try {
          pong = o.isPong(data);
        } catch (err) {
          host.error(err);
        }
        if (!pong) {
          beat.touch();
          return false;
        }
        const rtt = beat.pong();
        if (rtt !== undefined) host.fire('pong', { rtt: ((socket as { rtt?: number }).rtt = rtt) });
        return true;
      },
      check: () => beat?.check(),
      lost: stop,
      end: stop,
    };
  },
};
