/** What the network watcher listens to; `window` and `document` in a browser. */
export interface NetworkTarget {
  /** dispatches `online`, `offline` and `pageshow` */
  window?: Pick<EventTarget, 'addEventListener' | 'removeEventListener'> & {
    /** `navigator.onLine === false` means offline when the socket starts */
    navigator?: {
      /** the browser's idea of being online */
      onLine?: boolean;
    };
  };
  /** dispatches `visibilitychange` */
  document?: Pick<EventTarget, 'addEventListener' | 'removeEventListener'> & {
    /** `'hidden'` while the page is in the background */
    visibilityState?: string;
  };
}

export interface NetworkHandlers {
  online(): void;
  offline(): void;
  /** the page is visible again (tab shown, or restored from the back/forward cache) */
  visible(): void;
}

/** The browser's own window and document, or nothing (Node, workers). Read at call time, never at import. */
export const browserTarget = (): NetworkTarget => {
  const g = globalThis as { window?: NetworkTarget['window']; document?: NetworkTarget['document'] };
  return g.window && g.document ? { window: g.window, document: g.document } : {};
};

/** True when the target says the browser is offline right now. */
export const isOffline = (t: NetworkTarget): boolean => t.window?.navigator?.onLine === false;

/**
 * Listen for `online`, `offline`, `pageshow` and `visibilitychange`;
 * returns the function that removes every listener it added.
 */
export const watchNetwork = (t: NetworkTarget, h: NetworkHandlers): (() => void) => {
  const { window: w, document: d } = t;
  // one listener object for all four: less memory per socket than four closures
  const listener = {
    handleEvent(e: Event) {
      if (e.type === 'online') h.online();
      else if (e.type === 'offline') h.offline();
      else if (d?.visibilityState !== 'hidden') h.visible();
    },
  };
  const each = (method: 'addEventListener' | 'removeEventListener') => {
    for (const type of ['online', 'offline', 'pageshow']) w?.[method](type, listener);
    d?.[method]('visibilitychange', listener);
  };
  each('addEventListener');
  return () => each('removeEventListener');
};

let shared: Set<NetworkHandlers> | undefined;
let unshare: (() => void) | undefined;

/**
 * Listen once for every socket in `all`. Kept apart from watchBrowser so these
 * closures, which live as long as the window listeners, capture no socket.
 */
const share = (all: Set<NetworkHandlers>) => {
  const each = (kind: keyof NetworkHandlers) => {
    for (const x of all) x[kind]();
  };
  return watchNetwork(browserTarget(), {
    online: () => each('online'),
    offline: () => each('offline'),
    visible: () => each('visible'),
  });
};

/**
 * Watch the browser's own window and document with one set of listeners for
 * every socket on the page (four listeners per socket would cost each one
 * about half a kilobyte). The last socket to stop removes them.
 */
export const watchBrowser = (h: NetworkHandlers): (() => void) => {
  if (!shared?.size) unshare = share((shared = new Set()));
  const all = shared;
  all.add(h);
  return () => {
    all.delete(h);
    if (!all.size && all === shared) {
      unshare?.();
      // nothing may keep the last socket alive after it closed
      shared = unshare = undefined;
    }
  };
};
