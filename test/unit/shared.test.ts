// steadysocket/shared outside a browser: importing touches no browser global (server-side
// rendering), and without Web Locks, BroadcastChannel and a document it is a plain SteadySocket.
// The sharing itself is proven in Chromium (test/browser/shared.test.ts).
import { afterEach, describe, expect, it, vi } from 'vitest';

const BROWSER_GLOBALS = [
  'window',
  'document',
  'navigator',
  'BroadcastChannel',
  'WebSocket',
  'addEventListener',
  'location',
];

/** A WebSocket double that records what it is asked to connect to. */
class Fake {
  static made: string[] = [];
  readyState = 0;
  binaryType = 'blob';
  onopen = null;
  onmessage = null;
  onclose = null;
  onerror = null;
  constructor(readonly url: string) {
    Fake.made.push(url);
  }
  send() {}
  close() {}
}

afterEach(() => {
  Fake.made = [];
});

describe('steadysocket/shared in Node', () => {
  it('importing reads no browser global', async () => {
    const touched = new Set<string>();
    const saved = new Map<string, PropertyDescriptor | undefined>();
    for (const name of BROWSER_GLOBALS) {
      const d = Object.getOwnPropertyDescriptor(globalThis, name);
      saved.set(name, d);
      Object.defineProperty(globalThis, name, {
        configurable: true,
        get() {
          touched.add(name);
          return d && ('value' in d ? d.value : d.get?.call(globalThis));
        },
      });
    }
    try {
      vi.resetModules();
      const lib = await import('../../src/shared');
      expect(typeof lib.SharedSteadySocket).toBe('function');
    } finally {
      for (const [name, d] of saved) d ? Object.defineProperty(globalThis, name, d) : delete (globalThis as any)[name];
    }
    expect([...touched]).toEqual([]);
  });

  it('without a browser it is a plain SteadySocket that connects itself', async () => {
    const { SharedSteadySocket } = await import('../../src/shared');
    const { SteadySocket } = await import('../../src/socket');
    const s = new SharedSteadySocket('ws://127.0.0.1:9/x', { WebSocket: Fake, key: 'k' });
    expect(s).toBeInstanceOf(SteadySocket);
    expect(s.leader).toBe(true);
    expect(Fake.made).toEqual(['ws://127.0.0.1:9/x']);
    s.close();
    expect(s.state).toBe('closed');
  });

  it('checks its arguments as SteadySocket does, and wants a key for function urls', async () => {
    const { SharedSteadySocket } = await import('../../src/shared');
    expect(() => new SharedSteadySocket(() => 'ws://a', { WebSocket: Fake })).toThrow(/'key'/);
    expect(() => new SharedSteadySocket('ws://a', () => ['p'], { WebSocket: Fake })).toThrow(TypeError);
    expect(() => new SharedSteadySocket('ws://a', { WebSocket: Fake, key: 1 as unknown as string })).toThrow(
      /option 'key' must be a string/,
    );
    expect(() => new SharedSteadySocket('ftp://a', { WebSocket: Fake })).toThrow(/Invalid WebSocket URL/);
    expect(() => new SharedSteadySocket('ws://a', { WebSocket: Fake, reconnect: { factor: 0 } })).toThrow(RangeError);
    const s = new SharedSteadySocket(() => 'ws://a', { WebSocket: Fake, key: 'k', startClosed: true });
    expect(s.state).toBe('closed');
    expect(() => s.reconnect(1001)).toThrow(/close code/);
    s.close();
  });
});
