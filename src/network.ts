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
  const onVisibility = () => {
    if (d?.visibilityState !== 'hidden') h.visible();
  };
  const pairs: [NetworkTarget['window'] | NetworkTarget['document'], string, () => void][] = [
    [w, 'online', () => h.online()],
    [w, 'offline', () => h.offline()],
    [w, 'pageshow', () => h.visible()],
    [d, 'visibilitychange', onVisibility],
  ];
  for (const [target, type, fn] of pairs) target?.addEventListener(type, fn);
  return () => {
    for (const [target, type, fn] of pairs) target?.removeEventListener(type, fn);
  };
};
