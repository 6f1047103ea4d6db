import type { Data } from './queue';

/** A decoded channel frame. */
export interface Envelope {
  /** the channel's name */
  channel: string;
  /** the payload */
  data: unknown;
}

/**
 * Maps a channel name and payload to a frame and back.
 * `decode` returns `undefined` for a frame that is not a channel frame; it may
 * throw, and the socket reports that as an `error` event without crashing.
 */
export interface ChannelCodec {
  /** Make the frame that `channel(name).send(data)` sends. */
  encode(channel: string, data: unknown): Data;
  /** Read an inbound frame: its channel and payload, or `undefined` when it is not a channel frame. */
  decode(frame: unknown): Envelope | undefined;
}

/**
 * The default codec: a JSON text frame `{"channel": name, "data": payload}`.
 * Anything else (binary, non-JSON text, JSON without a string `channel`)
 * is not a channel frame.
 */
export const jsonEnvelope: ChannelCodec = {
  encode: (channel, data) => JSON.stringify({ channel, data }),
  decode(frame) {
    // cheap pre-check so ordinary traffic is not parsed at all
    if (typeof frame !== 'string' || frame.charCodeAt(0) !== 123 /* { */ || frame.indexOf('"channel"') < 0) return;
    let v: unknown;
    try {
      v = JSON.parse(frame);
    } catch {
      return;
    }
    return v && typeof (v as Envelope).channel === 'string' ? (v as Envelope) : undefined;
  },
};

/** A typed channel: see `SteadySocket#channel`. */
export interface Channel<T> {
  /** the channel's name */
  readonly name: string;
  /** Encode `data` with the socket's codec and `send()` it (queued while not open). */
  send(data: T): void;
  /**
   * Call `handler` for every frame of this channel. Returns a function that
   * unsubscribes; calling it twice is harmless.
   */
  on(handler: (data: T, event: MessageEvent) => void): () => void;
}
