// steadysocket: SteadySocket with every feature (the list is in src/full.ts). Everything the core
// entry exports, with the full class and options in place of the core's, plus the features' types.
export * from './core';
export { SteadySocket } from './full';
export type { InferInput, InferOutput, RequestOptions, SchemaChannels, SteadySocketOptions } from './full';
export type { SteadySocket as CoreSocket } from './socket';
export type { Channel, ChannelCodec, Envelope } from './channels';
export { jsonEnvelope } from './channels';
export type { InvalidEvent, PongEvent } from './events';
export type { HeartbeatSettings } from './heartbeat';
export type { MessagesOptions } from './iterate';
export type { Resolved as ResolvedOptions } from './options';
export type { Issue, Result, Schema } from './schema';
export type { FrameSource, SubscribeOptions } from './subscribe';
export type { WaitOptions } from './wait';
