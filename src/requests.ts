/**
 * Requests over a channel: an id per request, the reply matched by channel and id,
 * and a fate for every request — its reply, a `RequestError` from the server, or
 * the first of timeout, abort, the connection lost after the frame went out
 * (`DisconnectedError`) and the socket closed for good (`ClosedError`). A request
 * that ends before its frame went out takes the frame back out of the queue: it is
 * never sent late. A feature plugged in on the first `request()`.
 */
import type { Envelope, Router } from './channels';
import type { Feature, Host } from './feature';
import type { DropReason } from './queue';
import type { WaitOptions } from './wait';
import { failure, wait } from './wait';

/** Options of `channel(name).request()`. */
export interface RequestOptions extends WaitOptions {
  /** ms to wait for the reply (from the call, queueing included). @default the socket's `requestTimeout` (10000) */
  timeout?: number | undefined;
}

interface Pending {
  channel: string;
  /** the frame went out on the current connection */
  sent: boolean;
  done: (err?: unknown, value?: unknown) => void;
}

/** Why a request whose frame the queue discarded failed. */
const dropped = (what: string, reason: DropReason) =>
  reason === 'closed' || reason === 'giveup'
    ? failure('ClosedError', `${what}: the socket closed for good before it was sent`)
    : reason === 'ttl'
      ? failure('TimeoutError', `${what}: its queue ttl passed before it was sent`)
      : failure(reason === 'overflow' ? 'OverflowError' : 'DisconnectedError', `${what} could not be sent (${reason})`);

/** The pending requests of one socket. */
export class Requests implements Feature {
  private _pending = new Map<string, Pending>();
  private _seq = 0;

  constructor(
    private _host: Host,
    private _router: Router,
    /** prepended to every id (a shared socket's handle id, so tabs' ids never meet) */
    readonly prefix = '',
  ) {
    _router.reply = (env) => this._reply(env);
  }

  /** Send `data` as a request on `channel` and wait for the reply's payload (see the module doc). */
  ask(channel: string, data: unknown, options?: RequestOptions): Promise<unknown> {
    const host = this._host;
    const what = `request on '${channel}'`;
    const timeout = options?.timeout ?? (host.options.requestTimeout as number);
    // no statechange listener per request (hundreds in flight would each copy the listener list):
    // end() below rejects them all when the socket closes for good
    return wait(undefined, { signal: options?.signal, timeout }, what, (done) => {
      const id = `${this.prefix}${++this._seq}`;
      const frame = this._router.codec.encode(channel, data, id);
      const p: Pending = { channel, sent: false, done };
      this._pending.set(id, p);
      const unqueue = host.send(frame, (why) => (why ? done(dropped(what, why)) : (p.sent = true)));
      return () => {
        this._pending.delete(id);
        // ended before it went out: never sent late
        unqueue();
      };
    });
  }

  /** A frame with the id of a pending request on the same channel is its reply, and nobody else's. */
  private _reply(env: Envelope): boolean {
    const id = env.id;
    const p = id === undefined ? undefined : this._pending.get(String(id));
    if (!p || p.channel !== env.channel) return false;
    this._pending.delete(String(id));
    if (env.error !== undefined)
      p.done(
        failure('RequestError', `the server answered the request on '${p.channel}' with an error`, { data: env.error }),
      );
    else
      this._router.pass(
        p.channel,
        env.data,
        (value) => p.done(undefined, value),
        (issues) => p.done(failure('ValidationError', `the reply on '${p.channel}' failed its schema`, { issues })),
      );
    return true;
  }

  /** The socket closed for good: every request still pending ends with a ClosedError. */
  end(): void {
    for (const p of [...this._pending.values()])
      p.done(failure('ClosedError', `request on '${p.channel}': the socket closed for good`));
  }

  /** The connection is gone: what went out on it will get no reply; what is still queued waits for the next one. */
  lost(): void {
    const closing = this._host.state === 'closing' || this._host.state === 'closed';
    for (const p of [...this._pending.values()]) {
      if (!p.sent) continue;
      p.done(
        closing
          ? failure('ClosedError', `request on '${p.channel}': the socket was closed before the reply`)
          : failure('DisconnectedError', `request on '${p.channel}': the connection was lost before the reply`),
      );
    }
  }
}
