// steadysocket: SteadySocket with every feature (see src/full.ts for the list)
export { SteadySocket } from './full';
export type { InferInput, InferOutput, RequestOptions, SchemaChannels, SteadySocketOptions } from './full';
export type { MessagesOptions } from './iterate';
export type { FrameSource, SubscribeOptions } from './subscribe';
export type { WaitOptions } from './wait';
export type { ChannelMap, SteadySocket as CoreSocket, TypedListener } from './socket';
export type { Listener, ListenerOptions } from './target';
export type { Channel, ChannelCodec, Envelope } from './channels';
export { jsonEnvelope } from './channels';
export type {
  DropEvent,
  GiveUpEvent,
  InvalidEvent,
  PongEvent,
  ReconnectingEvent,
  StateChangeEvent,
  SteadyCloseEvent,
  SteadyErrorEvent,
  SteadySocketEventMap,
} from './events';
export type { Feature, FeatureDef, Host } from './feature';
export type { HeartbeatSettings } from './heartbeat';
export type { State } from './machine';
export type { NetworkTarget } from './network';
export type {
  BinaryType,
  CloseInfo,
  CoreOptions,
  Resolved as ResolvedOptions,
  QueueSettings,
  ReconnectOptions,
  WebSocketConstructor,
} from './options';
export type { Data, DropReason, Overflow } from './queue';
export type { Issue, Result, Schema } from './schema';
export type { Protocols, ProtocolsProvider, UrlLike, UrlProvider } from './url';
