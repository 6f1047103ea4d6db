// One uniform way to drive steadysocket, the raw WebSocket and each peer.
// Runs both in Node and (bundled by esbuild) in Chromium, so it imports nothing:
// the caller passes the library constructors in `libs`.
//
// create(url, WS, { onOpen, onMessage, onClose }) -> { target, send(data), close() }
//   target:    the object whose .send() the user calls (the library instance)
//   onMessage: called with the MessageEvent (websocket-ts: with its event too)

export const NAMES = ['raw', 'steadysocket', 'reconnecting-websocket', 'partysocket', 'sockette', 'websocket-ts'];
export const PEERS = NAMES.slice(2);

// sockette and websocket-ts only know the global WebSocket. Swap it in for the
// constructor call when the caller passes another one (Node `ws`, a fake).
function withGlobalWS(WS, fn) {
  const before = globalThis.WebSocket;
  if (before === WS) return fn();
  globalThis.WebSocket = WS;
  try {
    return fn();
  } finally {
    globalThis.WebSocket = before;
  }
}

const noop = () => {};

export function makeAdapters(libs) {
  const evented = (make) => ({
    create(url, WS, h = {}) {
      const target = make(url, WS);
      target.addEventListener('open', h.onOpen ?? noop);
      target.addEventListener('close', h.onClose ?? noop);
      if (h.onMessage) target.addEventListener('message', h.onMessage);
      return { target, send: (d) => target.send(d), close: () => target.close() };
    },
  });
  return {
    raw: evented((url, WS) => new WS(url)),
    steadysocket: evented((url, WS) => new libs.SteadySocket(url, undefined, { WebSocket: WS })),
    'reconnecting-websocket': evented((url, WS) => new libs.RWS(url, [], { WebSocket: WS })),
    partysocket: evented((url, WS) => new libs.PartyWS(url, undefined, { WebSocket: WS })),
    sockette: {
      create(url, WS, h = {}) {
        const target = withGlobalWS(WS, () =>
          libs.Sockette(url, {
            onopen: h.onOpen ?? noop,
            onclose: h.onClose ?? noop,
            onmessage: h.onMessage ?? noop,
            onerror: noop,
          }),
        );
        return { target, send: (d) => target.send(d), close: () => target.close() };
      },
    },
    // websocket-ts never reconnects without a backoff; ConstantBackoff(1000) is
    // its README's quick-start setting (and sockette's fixed 1 s).
    'websocket-ts': {
      create(url, WS, h = {}) {
        const { Websocket, WebsocketEvent, ConstantBackoff } = libs.WebsocketTs;
        const target = withGlobalWS(
          WS,
          () => new Websocket(url, undefined, { retry: { backoff: new ConstantBackoff(1000) } }),
        );
        const on = (type, fn) => fn && target.addEventListener(type, (_i, ev) => fn(ev));
        on(WebsocketEvent.open, h.onOpen);
        on(WebsocketEvent.close, h.onClose);
        if (h.onMessage) on(WebsocketEvent.message, h.onMessage);
        return { target, send: (d) => target.send(d), close: () => target.close() };
      },
    },
  };
}
