import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeEvent } from '../../src/events';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('makeEvent', () => {
  it('makes a real Event of the type with the fields as own properties', () => {
    const data = new Uint8Array([1]);
    const e = makeEvent('drop', { data, reason: 'overflow' }) as Event & { data: unknown; reason: string };
    expect(e).toBeInstanceOf(Event);
    expect(e.type).toBe('drop');
    expect(e.data).toBe(data);
    expect(e.reason).toBe('overflow');
    expect(e.bubbles).toBe(false);
    expect(e.cancelable).toBe(false);
  });

  it('can be dispatched on an EventTarget', () => {
    const t = new EventTarget();
    const seen: unknown[] = [];
    t.addEventListener('statechange', (e) =>
      seen.push([(e as Event & { from: string }).from, (e as Event & { to: string }).to]),
    );
    t.dispatchEvent(makeEvent('statechange', { from: 'closed', to: 'connecting' }));
    expect(seen).toEqual([['closed', 'connecting']]);
  });

  it('close without a platform CloseEvent (Node 20): an Event with code, reason, wasClean', () => {
    vi.stubGlobal('CloseEvent', undefined);
    const e = makeEvent('close', { code: 4000, reason: 'bye', wasClean: true }) as CloseEvent;
    expect(e).toBeInstanceOf(Event);
    expect(e.type).toBe('close');
    expect([e.code, e.reason, e.wasClean]).toEqual([4000, 'bye', true]);
  });

  it('close with a platform CloseEvent: an instance of it', () => {
    class FakeCloseEvent extends Event {
      code: number;
      reason: string;
      wasClean: boolean;
      constructor(type: string, init: { code?: number; reason?: string; wasClean?: boolean } = {}) {
        super(type);
        this.code = init.code ?? 0;
        this.reason = init.reason ?? '';
        this.wasClean = init.wasClean ?? false;
      }
    }
    vi.stubGlobal('CloseEvent', FakeCloseEvent);
    const e = makeEvent('close', { code: 1006, reason: '', wasClean: false }) as CloseEvent;
    expect(e).toBeInstanceOf(FakeCloseEvent);
    expect([e.type, e.code, e.reason, e.wasClean]).toEqual(['close', 1006, '', false]);
    // other types never use CloseEvent
    expect(makeEvent('giveup', { attempts: 3 })).not.toBeInstanceOf(FakeCloseEvent);
  });
});
