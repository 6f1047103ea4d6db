/**
 * The cross-tab relay protocol of `steadysocket/shared`, in one place: every message type, its
 * fields, the check that admits it and the dispatch to one handler per type.
 *
 * Two BroadcastChannels per key carry it: `down` (the leader's hub to every handle) and `up` (the
 * handles to the hub; only the leader listens there). Anything that arrives is untrusted: another
 * tab may run another version, a buggy script may post garbage, a tab may flood. So a message is
 * admitted only when its version is {@link VERSION} and every field has the type listed below;
 * everything else is counted and ignored. The check does a constant amount of work per message
 * (no loops over what a sender chose, no parsing), so a flood costs the receiver what the
 * structured clone already cost it, never more.
 *
 * Names: `e` is the leader's epoch (it grows with every new leader), `g` the generation of the
 * leader's connection (it grows with every close of the real connection, attempts included),
 * `f` the sending handle's id, `to` the handle a reply is for, `n` a handle's frame number.
 */
import type { Data } from './queue';

/** The protocol version: in every message and in the lock and channel names, so versions never mix. */
export const VERSION = 1;

/** What the real connection reports with `open` and `welcome`. */
export interface Peer {
  /** the real connection's url */
  url: string;
  /** the subprotocol the server chose */
  protocol: string;
  /** the extensions the server chose */
  extensions: string;
}

/** Every relay message, by type. */
export interface Messages {
  // ── handle → hub (on `up`) ──────────────────────────────────────────
  /** a handle is active (new, reopened, resumed): the hub answers with `welcome` */
  hello: { f: string };
  /** send `d` on the connection `e`/`g` if it is still the open one; answered by `ack` or `nack` */
  send: { f: string; n: number; e: number; g: number; d: Data };
  /** `reconnect()` in a handle: drop connection `e`/`g` (if still current) and connect again */
  reconnect: { f: string; e: number; g: number; code?: number; reason?: string };
  /**
   * `subscribe()` of handle `f` (its subscription `s`): the leader's connection holds frame `d` for
   * every connection (equal strings counted) until `unsub`, or until the handle's own lock is free
   * (the handle is gone); `u` is the unsubscribe frame
   */
  sub: { f: string; s: number; d: Data; u?: Data };
  /** `stop()` of subscription `s` of handle `f` */
  unsub: { f: string; s: number };
  /**
   * posted on `down` by a handle that was just granted the leader lock, to itself: when it hears it,
   * everything the previous leader posted before letting go of the lock has been heard too
   */
  sync: { f: string };
  // ── hub → handles (on `down`) ───────────────────────────────────────
  /** a new leader took over; its connection starts at generation `g` */
  lead: { e: number; g: number };
  /** the state of the connection, for the handle `to` */
  welcome: { to: string; e: number; g: number; open: boolean; retries: number } & Peer;
  /** connection `g` is open */
  open: { e: number; g: number; retries: number } & Peer;
  /** an inbound frame on connection `g` */
  msg: { e: number; g: number; d: Data };
  /** connection (or attempt) `g` ended; `end` when it is over for good ('giveup' after `attempts`) */
  close: {
    e: number;
    g: number;
    code: number;
    reason: string;
    wasClean: boolean;
    retries: number;
    end?: 'closed' | 'giveup';
    attempts?: number;
  };
  /** frame `n` of handle `to` went out on the connection */
  ack: { e: number; to: string; n: number };
  /** frame `n` of handle `to` was not sent: its connection was not open (any more) */
  nack: { e: number; to: string; n: number };
  /** the real socket's `error` */
  error: { e: number; message: string };
  /** the real socket's `reconnecting` */
  retry: { e: number; attempt: number; delay: number };
  /** the real socket's `pong` */
  pong: { e: number; rtt: number };
}

export type Type = keyof Messages;
/** A relay message as it travels: the version, the type and that type's fields. */
export type Message<T extends Type = Type> = T extends Type ? { v: typeof VERSION; t: T } & Messages[T] : never;

// field kinds: s string, n finite number (or Infinity for delays), b boolean, d frame data,
// and a trailing ? for optional
type Kind = 's' | 'n' | 'b' | 'd' | 's?' | 'n?' | 'b?' | 'd?';
const PEER = { url: 's', protocol: 's', extensions: 's' } as const;

/** The fields of every type and their kinds: the protocol's schema, as data. */
export const SCHEMA: { readonly [T in Type]: Readonly<Record<string, Kind>> } = {
  hello: { f: 's' },
  send: { f: 's', n: 'n', e: 'n', g: 'n', d: 'd' },
  reconnect: { f: 's', e: 'n', g: 'n', code: 'n?', reason: 's?' },
  sync: { f: 's' },
  sub: { f: 's', s: 'n', d: 'd', u: 'd?' },
  unsub: { f: 's', s: 'n' },
  lead: { e: 'n', g: 'n' },
  welcome: { to: 's', e: 'n', g: 'n', open: 'b', retries: 'n', ...PEER },
  open: { e: 'n', g: 'n', retries: 'n', ...PEER },
  msg: { e: 'n', g: 'n', d: 'd' },
  close: {
    e: 'n',
    g: 'n',
    code: 'n',
    reason: 's',
    wasClean: 'b',
    retries: 'n',
    end: 's?',
    attempts: 'n?',
  },
  ack: { e: 'n', to: 's', n: 'n' },
  nack: { e: 'n', to: 's', n: 'n' },
  error: { e: 'n', message: 's' },
  retry: { e: 'n', attempt: 'n', delay: 'n' },
  pong: { e: 'n', rtt: 'n' },
};

/** Frame data as the structured clone delivers it: text, or binary (a Blob, ArrayBuffer or view). */
const isData = (d: unknown): d is Data =>
  typeof d === 'string' ||
  (typeof d === 'object' &&
    d !== null &&
    (ArrayBuffer.isView(d) ||
      /ArrayBuffer\]$/.test(Object.prototype.toString.call(d)) ||
      (typeof Blob === 'function' && d instanceof Blob)));

const fits = (kind: Kind, v: unknown): boolean => {
  if (v === undefined) return kind.endsWith('?');
  switch (kind[0]) {
    case 's':
      return typeof v === 'string';
    case 'n':
      return typeof v === 'number' && !Number.isNaN(v);
    case 'b':
      return typeof v === 'boolean';
    default:
      return isData(v);
  }
};

const own = Object.prototype.hasOwnProperty;

/**
 * The message in `raw` if it is one of ours, of this version and well formed; `undefined` for
 * anything else. Never throws (a getter can't run: structured clones have none, and only own
 * data fields listed in {@link SCHEMA} are read).
 */
export const parse = (raw: unknown): Message | undefined => {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return;
  try {
    const m = raw as Record<string, unknown>;
    const field = (k: string) => {
      const d = Object.getOwnPropertyDescriptor(m, k);
      // a getter would run the sender's code here; a structured clone never has one
      if (d && !('value' in d)) throw 0;
      return d?.value;
    };
    const t = field('t');
    if (field('v') !== VERSION || typeof t !== 'string' || !own.call(SCHEMA, t)) return;
    const fields = SCHEMA[t as Type];
    for (const k in fields) if (!fits(fields[k]!, field(k))) return;
    const end = field('end');
    if (t === 'close' && end !== undefined && end !== 'closed' && end !== 'giveup') return;
    return m as Message;
  } catch {
    // a Proxy or an exotic object from a same-realm caller
    return;
  }
};

/** One handler per message type; a side handles only the types meant for it. */
export type Handlers = { [T in Type]?: (m: Message<T>) => void };

/**
 * Admit `raw` with {@link parse} and call its type's handler. Returns false for a message that
 * was ignored (garbage, another version, a type this side has no handler for), so the caller can
 * count and report it.
 */
export const route = (raw: unknown, handlers: Handlers): boolean => {
  const m = parse(raw);
  const h = m && (handlers[m.t] as ((m: Message) => void) | undefined);
  if (!h) return false;
  h(m!);
  return true;
};

/** A relay message of type `t` with `fields`, stamped with the version. */
export const make = <T extends Type>(t: T, fields: Messages[T]): Message<T> =>
  ({ v: VERSION, t, ...fields }) as unknown as Message<T>;
