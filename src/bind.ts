/**
 * What the framework bindings (src/react.ts, src/vue.ts) take, in one place: the options of
 * `useSteadySocket` and the factory that makes another kind of socket.
 */
import type { SteadySocketOptions } from './full';
import type { ChannelMap } from './socket';
import type { ProtocolsProvider, UrlProvider } from './url';

/** Makes the socket, given what `new SteadySocket(url, protocols, options)` takes (see {@link UseSteadySocketFactoryOptions.create}). */
export type SocketFactory<S> = (
  url: UrlProvider,
  protocols: ProtocolsProvider | undefined,
  options: SteadySocketOptions,
) => S;

/** Options of `useSteadySocket`: the socket's own options, plus `protocols`. All are read once, when a socket is made. */
export interface UseSteadySocketOptions<Channels extends object = ChannelMap> extends SteadySocketOptions<Channels> {
  /** Subprotocols, as the second argument of `new SteadySocket()` takes them. */
  protocols?: ProtocolsProvider | undefined;
}

/** Options of `useSteadySocket` with a factory: how to make a `SharedSteadySocket` or a subclass. */
export interface UseSteadySocketFactoryOptions<S> extends UseSteadySocketOptions {
  /**
   * Make the socket instead of `new SteadySocket(url, protocols, options)`, e.g. a
   * `SharedSteadySocket`. Pass `options` on as given: they carry `startClosed: true`,
   * so nothing connects until the binding opens the socket after the component mounted.
   * @example
   * useSteadySocket(url, { create: (u, p, o) => new SharedSteadySocket<Channels>(u, p, o) })
   */
  create: SocketFactory<S>;
}
