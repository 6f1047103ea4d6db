/**
 * `steadysocket/shared`: one connection for every tab of an origin.
 *
 * Every `SharedSteadySocket` is a full SteadySocket (a "handle") whose native socket is a virtual
 * one relayed from the leader: the handle that holds the key's Web Lock runs the real connection
 * (with the url, protocols, reconnect, heartbeat, network, connectTimeout and beforeOpen options)
 * and relays it over BroadcastChannel; see link.ts (the handle's side), hub.ts (the leader's)
 * and relay.ts (the protocol).
 */
import { Link } from './link';
import type { SteadySocketOptions } from './full';
import { SteadySocket } from './full';
import type { FrameSource, SubscribeOptions } from './subscribe';
import { checkFrame } from './subscribe';
import type { ChannelMap } from './socket';
import { checkClose } from './socket';
import type { ProtocolsProvider, UrlProvider } from './url';
import { checkUrl } from './url';

export type {
  ChannelMap,
  Channel,
  ChannelCodec,
  DropEvent,
  DropReason,
  Data,
  GiveUpEvent,
  ReconnectingEvent,
  State,
  StateChangeEvent,
  SteadyCloseEvent,
  SteadySocketEventMap,
  SteadySocketOptions,
} from './index';

/** Options of a {@link SharedSteadySocket}: those of SteadySocket, plus `key`. */
export interface SharedSteadySocketOptions<Channels extends object = ChannelMap> extends SteadySocketOptions<Channels> {
  /**
   * Handles with the same key (in any same-origin tab, frame or window) share one connection.
   * Required when the url or the protocols are functions.
   * @default the url (resolved against the page) and the protocols, as given
   */
  key?: string | undefined;
}

/** `leaderchange`: this handle started or stopped holding the shared connection. */
export interface LeaderChangeEvent extends Event {
  /** whether this handle holds the connection now */
  readonly leader: boolean;
}

/** Whether this realm has what sharing needs; read at construction, never at import. */
const canShare = (): boolean => {
  const g = globalThis as { navigator?: { locks?: { request?: unknown } }; BroadcastChannel?: unknown };
  return (
    typeof g.navigator?.locks?.request === 'function' &&
    typeof g.BroadcastChannel === 'function' &&
    typeof (globalThis as { document?: unknown }).document === 'object'
  );
};

const base = () => (globalThis as { document?: { baseURI?: string } }).document?.baseURI;

/**
 * A SteadySocket whose same-origin tabs share one connection: the same constructor, members
 * and events, plus {@link leader} and the `leaderchange` event. Where Web Locks or
 * BroadcastChannel are missing it is a plain per-tab SteadySocket.
 *
 * Options that are functions (url and protocols providers, `beforeOpen`,
 * `reconnect.shouldReconnect`, `heartbeat.message`/`isPong`) run in the leader's tab; codecs
 * (`channels`) run in each tab for its own channels. Every tab must create the socket with the
 * same behaviour: the leader's options are the ones in force while it leads.
 *
 * @example
 * const socket = new SharedSteadySocket('wss://example.com/live');
 * socket.addEventListener('leaderchange', (e) => console.log('this tab holds the connection:', e.leader));
 * socket.onmessage = (e) => show(e.data); // in every tab
 */
export class SharedSteadySocket<Channels extends object = ChannelMap> extends SteadySocket<Channels> {
  private _shared: Link | undefined;

  /**
   * @param url as for SteadySocket; a function url needs the `key` option.
   * @param protocols as for SteadySocket; a function needs the `key` option.
   * @param options SteadySocket's options plus `key`.
   */
  constructor(
    url: UrlProvider,
    protocols?: ProtocolsProvider | SharedSteadySocketOptions<Channels>,
    options?: SharedSteadySocketOptions<Channels>,
  ) {
    // as natively: the url is required
    if (!arguments.length) throw new TypeError('SharedSteadySocket: 1 argument required, but only 0 present');
    if (protocols && typeof protocols === 'object' && !Array.isArray(protocols) && options === undefined) {
      options = protocols;
      protocols = undefined;
    }
    const { key, ...rest } = options ?? {};
    if (key !== undefined && typeof key !== 'string')
      throw new TypeError(`SteadySocket: option 'key' must be a string, got ${String(key)}`);
    if (key === undefined && (typeof url === 'function' || typeof protocols === 'function'))
      throw new TypeError(
        "SharedSteadySocket: a url or protocols function needs the 'key' option (the name tabs share the connection under)",
      );
    const share = canShare();
    let link: Link | undefined;
    if (share) {
      // every tab checks every option (and the url), though only the leader's reconnect, heartbeat,
      // ... are used: a socket that starts closed validates and starts nothing
      new SteadySocket(url, protocols as ProtocolsProvider | undefined, { ...rest, startClosed: true });
      const p = protocols as ProtocolsProvider | undefined;
      const name = key ?? JSON.stringify([checkUrl(url as string, base()), p ?? null]);
      link = new Link(
        name,
        () =>
          new SteadySocket(url, p, {
            ...rest,
            binaryType: 'arraybuffer',
            queue: false,
            startClosed: false,
          }) as unknown as SteadySocket,
      );
    }
    super(
      link && typeof url === 'function' ? () => link.url ?? 'ws://shared.invalid/' : url,
      link && typeof protocols === 'function' ? undefined : protocols,
      link
        ? {
            ...rest,
            WebSocket: link.Socket,
            connectTimeout: Infinity,
            // the handle follows the leader's connection at once: the leader's own backoff is the one that waits
            reconnect: { minDelay: 0, maxDelay: 0, jitter: 0, shouldReconnect: link.again },
            heartbeat: false,
            network: false,
            beforeOpen: undefined,
          }
        : rest,
    );
    this._shared = link;
    link?.bind(this as unknown as SteadySocket<object>);
  }

  /**
   * Requests of a shared handle carry ids that name it (`shared:<handle>:<n>`): no two tabs' ids
   * meet, and a reply to another tab's request is recognised as such (see {@link _routes}).
   */
  protected override _asks(prefix?: string) {
    return super._asks(prefix ?? (this._shared ? `shared:${this._shared.id}:` : undefined));
  }

  /**
   * The channel router, with one rule added for shared handles: a frame whose id names another
   * handle (`shared:<other>:<n>`) answers another tab's request — it settles that request there and
   * is a channel message in no tab (the raw `message` event still fires everywhere).
   */
  protected override _routes() {
    const r = super._routes();
    const link = this._shared;
    if (link && !r.foreign) {
      const mine = `shared:${link.id}:`;
      r.foreign = (id) => id.startsWith('shared:') && !id.startsWith(mine);
    }
    return r;
  }

  /**
   * A frame the server needs on every connection (see SteadySocket's `subscribe()`), held by the
   * shared connection: equal string frames are counted across every tab (one on the wire), the
   * `unsubscribe` frame goes when the last holder in any tab stops, and a tab that goes away
   * releases what it held. A frame or unsubscribe given as a function can't cross tabs: it is
   * held by this tab's handle alone (sent by it on every connection, as a plain socket does).
   */
  override subscribe(frame: FrameSource, options?: SubscribeOptions): () => void {
    const link = this._shared;
    const u = options?.unsubscribe;
    if (!link || typeof frame === 'function' || typeof u === 'function') return super.subscribe(frame, options);
    checkFrame(frame, 'frame');
    if (u !== undefined) checkFrame(u, 'unsubscribe');
    return link.subscribe(frame, u);
  }

  /** Whether this handle holds the shared connection (always true where sharing is not available). */
  get leader(): boolean {
    return this._shared ? this._shared.leader : true;
  }

  /** The shared connection's retry count, as the leader last reported it. */
  override get retryCount(): number {
    return this._shared ? this._shared.retries : super.retryCount;
  }

  /**
   * Drop the shared connection and connect again at once: in the leader, for every tab. On a
   * closed handle, or where sharing is not available, it works as SteadySocket's.
   */
  override reconnect(code?: number, reason?: string): void {
    [code, reason] = checkClose(code, reason);
    const s = this.state;
    if (s === 'closed' || s === 'closing' || !this._shared?.reconnect(code, reason)) super.reconnect(code, reason);
  }
}
