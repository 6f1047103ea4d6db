import { describe, expect, it } from 'vitest';
import type { NetworkHandlers, NetworkTarget } from '../../src/network';
import { browserTarget, isOffline, watchBrowser, watchNetwork } from '../../src/network';

/** A real EventTarget that counts effective adds and removes and knows what is still attached. */
class CountingTarget extends EventTarget {
  adds = 0;
  removes = 0;
  live = new Set<string>();
  private key = new WeakMap<object, number>();
  private n = 0;
  private id(type: string, fn: unknown) {
    const f = fn as object;
    if (!this.key.has(f)) this.key.set(f, ++this.n);
    return `${type}#${this.key.get(f)}`;
  }
  override addEventListener(
    type: string,
    fn: EventListenerOrEventListenerObject | null,
    o?: AddEventListenerOptions | boolean,
  ) {
    const k = this.id(type, fn);
    if (!this.live.has(k)) {
      this.live.add(k);
      this.adds++;
    }
    super.addEventListener(type, fn, o);
  }
  override removeEventListener(
    type: string,
    fn: EventListenerOrEventListenerObject | null,
    o?: EventListenerOptions | boolean,
  ) {
    const k = this.id(type, fn);
    if (this.live.delete(k)) this.removes++;
    super.removeEventListener(type, fn, o);
  }
  types() {
    return [...this.live].map((k) => k.split('#')[0]).sort();
  }
}

const setup = (opts: { onLine?: boolean; visibility?: string } = {}) => {
  const win = Object.assign(new CountingTarget(), { navigator: { onLine: opts.onLine ?? true } });
  const doc = Object.assign(new CountingTarget(), { visibilityState: opts.visibility ?? 'visible' });
  const calls: string[] = [];
  const handlers: NetworkHandlers = {
    online: () => calls.push('online'),
    offline: () => calls.push('offline'),
    visible: () => calls.push('visible'),
  };
  const target: NetworkTarget = { window: win, document: doc };
  return { win, doc, calls, handlers, target };
};

describe('watchNetwork', () => {
  it('listens to online, offline, pageshow on window and visibilitychange on document', () => {
    const { win, doc, handlers, target } = setup();
    const dispose = watchNetwork(target, handlers);
    expect(win.types()).toEqual(['offline', 'online', 'pageshow']);
    expect(doc.types()).toEqual(['visibilitychange']);
    dispose();
  });

  it('online → online(), offline → offline(), pageshow → visible()', () => {
    const { win, calls, handlers, target } = setup();
    const dispose = watchNetwork(target, handlers);
    win.dispatchEvent(new Event('online'));
    expect(calls).toEqual(['online']);
    win.dispatchEvent(new Event('offline'));
    expect(calls).toEqual(['online', 'offline']);
    win.dispatchEvent(new Event('pageshow'));
    expect(calls).toEqual(['online', 'offline', 'visible']);
    dispose();
  });

  it('visibilitychange to visible → visible()', () => {
    const { doc, calls, handlers, target } = setup({ visibility: 'hidden' });
    const dispose = watchNetwork(target, handlers);
    doc.visibilityState = 'visible';
    doc.dispatchEvent(new Event('visibilitychange'));
    expect(calls).toEqual(['visible']);
    dispose();
  });

  it('visibilitychange while hidden does nothing', () => {
    const { doc, calls, handlers, target } = setup();
    const dispose = watchNetwork(target, handlers);
    doc.visibilityState = 'hidden';
    doc.dispatchEvent(new Event('visibilitychange'));
    doc.dispatchEvent(new Event('visibilitychange'));
    expect(calls).toEqual([]);
    dispose();
  });

  it('unrelated events call nothing', () => {
    const { win, doc, calls, handlers, target } = setup();
    const dispose = watchNetwork(target, handlers);
    for (const t of ['focus', 'blur', 'pagehide', 'load', 'resize']) win.dispatchEvent(new Event(t));
    doc.dispatchEvent(new Event('readystatechange'));
    expect(calls).toEqual([]);
    dispose();
  });

  it('dispose removes exactly what was added: adds == removes, nothing left', () => {
    const { win, doc, calls, handlers, target } = setup();
    const dispose = watchNetwork(target, handlers);
    expect(win.adds + doc.adds).toBe(4);
    dispose();
    expect(win.removes).toBe(win.adds);
    expect(doc.removes).toBe(doc.adds);
    expect(win.live.size + doc.live.size).toBe(0);
    // really detached: events no longer reach the handlers
    for (const t of ['online', 'offline', 'pageshow']) win.dispatchEvent(new Event(t));
    doc.dispatchEvent(new Event('visibilitychange'));
    expect(calls).toEqual([]);
  });

  it('two watchers on the same targets are independent', () => {
    const { win, doc, calls, handlers, target } = setup();
    const d1 = watchNetwork(target, handlers);
    const d2 = watchNetwork(target, { ...handlers, online: () => calls.push('online2') });
    expect(win.adds + doc.adds).toBe(8);
    d1();
    win.dispatchEvent(new Event('online'));
    expect(calls).toEqual(['online2']);
    d2();
    expect(win.live.size + doc.live.size).toBe(0);
    expect(win.adds + doc.adds).toBe(win.removes + doc.removes);
  });

  it('a window without a document (or neither) works', () => {
    const { win, calls, handlers } = setup();
    const dispose = watchNetwork({ window: win }, handlers);
    win.dispatchEvent(new Event('online'));
    expect(calls).toEqual(['online']);
    dispose();
    expect(win.live.size).toBe(0);
    expect(win.adds).toBe(win.removes);
    const none = watchNetwork({}, handlers);
    expect(() => none()).not.toThrow();
  });

  it('a document without visibilityState counts as visible', () => {
    const doc = new CountingTarget();
    const calls: string[] = [];
    const dispose = watchNetwork(
      { document: doc },
      { online() {}, offline() {}, visible: () => calls.push('visible') },
    );
    doc.dispatchEvent(new Event('visibilitychange'));
    expect(calls).toEqual(['visible']);
    dispose();
    expect(doc.adds).toBe(doc.removes);
  });
});

describe('isOffline', () => {
  it('is true only when navigator.onLine is false', () => {
    expect(isOffline(setup({ onLine: false }).target)).toBe(true);
    expect(isOffline(setup({ onLine: true }).target)).toBe(false);
    expect(isOffline({})).toBe(false);
    expect(isOffline({ window: new EventTarget() })).toBe(false);
    expect(isOffline({ window: Object.assign(new EventTarget(), { navigator: {} }) })).toBe(false);
  });

  it('reads navigator at call time', () => {
    const { win, target } = setup();
    expect(isOffline(target)).toBe(false);
    win.navigator.onLine = false;
    expect(isOffline(target)).toBe(true);
  });
});

describe('browserTarget', () => {
  it('returns {} in Node (no window, no document)', () => {
    expect(browserTarget()).toEqual({});
    expect(Object.keys(browserTarget())).toEqual([]);
  });

  it('uses window and document when both exist, read at call time', () => {
    const g = globalThis as { window?: unknown; document?: unknown };
    const win = new EventTarget();
    const doc = new EventTarget();
    try {
      g.window = win;
      expect(browserTarget()).toEqual({}); // window alone is not a browser page
      g.document = doc;
      const t = browserTarget();
      expect(t.window).toBe(win);
      expect(t.document).toBe(doc);
    } finally {
      delete g.window;
      delete g.document;
    }
    expect(browserTarget()).toEqual({});
  });
});

describe('watchBrowser releases what it watched', () => {
  it('after the last socket stops, nothing the module keeps reaches its handlers (was: the first socket leaked)', async () => {
    const { setFlagsFromString } = await import('node:v8');
    const { runInNewContext } = await import('node:vm');
    setFlagsFromString('--expose_gc');
    const gc = runInNewContext('gc') as () => void;
    const g = globalThis as { window?: unknown; document?: unknown };
    g.window = new EventTarget();
    g.document = new EventTarget();
    try {
      const refs: WeakRef<object>[] = [];
      // made in a function so no local of this test holds the handlers
      const watchOne = () => {
        const owner = { big: new Array(1000).fill(0) };
        refs.push(new WeakRef(owner));
        return watchBrowser({ online: () => owner, offline: () => owner, visible: () => owner });
      };
      // the socket holds its own stop function; once it is gone, only the module could hold on
      (() => {
        const stopA = watchOne();
        const stopB = watchOne();
        stopA();
        stopB();
      })();
      // WeakRefs hold their target until the current job ends
      await new Promise((r) => setTimeout(r, 0));
      gc();
      await new Promise((r) => setTimeout(r, 0));
      gc();
      expect(refs.map((r) => r.deref() === undefined)).toEqual([true, true]);
    } finally {
      delete g.window;
      delete g.document;
    }
  });
});
