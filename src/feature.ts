/**
 * The feature interface: how a capability plugs into the core connection cycle.
 *
 * The core (`src/socket.ts`) knows connections, the state machine, the queue and
 * the events. Everything else — heartbeat, channels, requests, subscriptions,
 * validation, iteration — is a feature: a module that the core calls through the
 * hooks below and that acts on the socket only through its {@link Host}. A feature
 * never reads the core's private fields; when one needs something new, this
 * interface grows by one documented hook.
 *
 * Life cycle:
 * - A class lists what it installs in `static features` (see `src/full.ts`, the
 *   default `SteadySocket`). Each {@link FeatureDef} owns its options (the core
 *   rejects them when the feature is not installed) and may plug a {@link Feature}
 *   in at construction (the heartbeat does, when configured). Others plug in lazily
 *   on first use (`channel()`, `request()`, `subscribe()`), so an idle socket pays
 *   nothing for them.
 * - A feature's timers and listeners are its own: it starts them in `ready`, and
 *   must have released every one after `lost` and after `end`. The core calls
 *   `lost` for every connection that was ready (also on `close()`, before the
 *   closing handshake) and `end` once the socket is closed for good, so after
 *   `close()` nothing a feature made is scheduled.
 */
import type { Resolved } from './options';
import type { Data, DropReason } from './queue';

/** What a plugged-in feature gets from the socket. */
export interface Host {
  /** The resolved options, the features' own included (`options.heartbeat`, `options.channels`, …). */
  readonly options: Resolved;
  /** The socket's `state`. */
  readonly state: string;
  /**
   * `send()` with a fate: sent now when open, or queued (in order, under the queue's rules).
   * With `done`, the frame's end is told to the feature instead of a `drop` event: `done()`
   * when it went on the wire, `done(reason)` when it was discarded. Returns a function that
   * takes the frame back out of the queue if it is still there (true when it was).
   */
  send(data: Data, done?: (dropped?: DropReason) => void): () => boolean;
  /**
   * Send on the current connection only if it is open at this moment: nothing is queued and
   * nothing replayed later (an unsubscribe frame). Returns whether it went out.
   */
  live(data: Data): boolean;
  /** The current connection is dead: drop it (close 1006 with `reason`) and reconnect as the policy says. */
  kill(reason: string): void;
  /** Report an error as an `error` event (with `error` and `message`). */
  error(err: unknown): void;
  /** Emit an event of `type` carrying `fields`, made only when someone listens. */
  fire(type: string, fields: object): void;
  /** Plug a feature in now (the lazy ones do this on first use); returns the function that unplugs it. */
  use(feature: Feature): () => void;
}

/** The hooks a feature may implement; every one is optional. */
export interface Feature {
  /**
   * A connection is usable: after `beforeOpen`, before the queued backlog is sent and before
   * `open` is emitted. `send` writes to this connection only, ahead of the backlog.
   */
  ready?(send: (data: Data) => void): void;
  /**
   * A frame arrived, before the `message` event: return `true` to consume it (no `message`
   * event, no later feature sees it). On the hot path: keep it cheap.
   */
  frame?(data: unknown): boolean | undefined;
  /** The `message` event of a frame nobody consumed, after the socket's listeners had it (channel routing). */
  message?(event: MessageEvent): void;
  /** A connection that was ready is over (dropped, replaced, or `close()` started its closing handshake). */
  lost?(): void;
  /** The page came back to the foreground or the network changed: check the connection now. */
  check?(): void;
  /** The socket is closed for good (`close()`, giveup, a close code that stops retries): release everything. */
  end?(why: 'closed' | 'giveup'): void;
}

/** A feature as a socket class installs it: its options, and what it plugs in at construction. */
export interface FeatureDef {
  /** The options it owns, each with its normaliser (defaults, validation; throws TypeError/RangeError naming the option). */
  options?: Record<string, (value: unknown) => unknown>;
  /**
   * Called in the constructor with the resolved options, a getter for the {@link Host} (call it only
   * when the feature is in use: an idle socket then carries no host) and the socket (a feature may
   * set a public field of its own on it, as the heartbeat sets `rtt`). Returns a feature to plug in
   * now, or nothing (lazy features plug in on first use).
   */
  setup?(options: Resolved, host: () => Host, socket: object): Feature | undefined;
}
