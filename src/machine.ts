/**
 * The connection state machine as plain data.
 *
 * `connecting` covers everything before the socket is usable: waiting for a
 * retry, resolving the url, the handshake and `beforeOpen`. `closing` is only
 * entered by the user's `close()` on an open connection.
 */
export type State = 'connecting' | 'open' | 'closing' | 'closed';

/** What can happen to the machine. */
export type Input =
  /** `open()` or `reconnect()` from the user */
  | 'start'
  /** the connection is usable (native open + `beforeOpen` done) */
  | 'ready'
  /** a connection or attempt ended and another one will be tried */
  | 'retry'
  /** user `close()` on an open connection: wait for the closing handshake */
  | 'close'
  /** the connection is over for good (user close done, giveup, or a close code that says stop) */
  | 'end';

/** The transition table: `TABLE[state][input]` is the next state; a missing entry is an impossible event. */
export const TABLE: Readonly<Record<State, Partial<Record<Input, State>>>> = {
  closed: { start: 'connecting', end: 'closed' },
  connecting: { start: 'connecting', ready: 'open', retry: 'connecting', close: 'closed', end: 'closed' },
  open: { start: 'connecting', retry: 'connecting', close: 'closing', end: 'closed' },
  closing: { start: 'connecting', end: 'closed', close: 'closing' },
};

/** The pure step: the next state, or `undefined` when `input` cannot happen in `state`. */
export const transition = (state: State, input: Input): State | undefined => TABLE[state][input];

/** `readyState` for each state, as the native `WebSocket` numbers them. */
export const READY_STATE: Readonly<Record<State, 0 | 1 | 2 | 3>> = { connecting: 0, open: 1, closing: 2, closed: 3 };
