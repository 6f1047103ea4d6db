export { SteadySocket } from './socket';
export type { ChannelMap, Listener, ListenerOptions, TypedListener } from './socket';
export type { Channel, ChannelCodec, Envelope } from './channels';
export { jsonEnvelope } from './channels';
export type {
  DropEvent,
  GiveUpEvent,
  PongEvent,
  ReconnectingEvent,
  StateChangeEvent,
  SteadyCloseEvent,
  SteadyErrorEvent,
  SteadySocketEventMap,
} from './events';
export type { State } from './machine';
export type { NetworkTarget } from './network';
export type {
  CloseInfo,
  HeartbeatSettings,
  QueueSettings,
  ReconnectOptions,
  BinaryType,
  SteadySocketOptions,
  WebSocketConstructor,
} from './options';
export type { Data, DropReason, Overflow } from './queue';
export type { Protocols, ProtocolsProvider, UrlLike, UrlProvider } from './url';
