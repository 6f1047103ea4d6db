// steadysocket/core: the connection cycle alone (reconnect, queue, connect timeout,
// close-code policy, network handling, the drop-in API and its events)
export { SteadySocket } from './socket';
export type { ChannelMap, TypedListener } from './socket';
export type { Listener, ListenerOptions } from './target';
export type {
  DropEvent,
  GiveUpEvent,
  ReconnectingEvent,
  StateChangeEvent,
  SteadyCloseEvent,
  SteadyErrorEvent,
  SteadySocketEventMap,
} from './events';
export type { Feature, FeatureDef, Host } from './feature';
export type { State } from './machine';
export type { NetworkTarget } from './network';
export type {
  BinaryType,
  CloseInfo,
  CoreOptions,
  CoreOptions as SteadySocketOptions,
  QueueSettings,
  ReconnectOptions,
  WebSocketConstructor,
} from './options';
export type { Data, DropReason, Overflow } from './queue';
export type { Protocols, ProtocolsProvider, UrlLike, UrlProvider } from './url';
