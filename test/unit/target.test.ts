// The event target on its own, without a socket: the native semantics the socket inherits.
import { describe, expect, it, vi } from 'vitest';
import { Target } from '../../src/target';

class T extends Target {
  emit(type: string, ev: Event) {
    this._emit(type, ev);
  }
  static {
    Target._handlers(T.prototype, ['ping']);
  }
}

describe('Target', () => {
  it('once, signal, handleEvent, duplicates and capture matching, as natively', () => {
    const t = new T();
    const calls: string[] = [];
    const ctrl = new AbortController();
    const fn = () => calls.push('fn');
    t.addEventListener('x', fn);
    t.addEventListener('x', fn);
    t.addEventListener('x', () => calls.push('once'), { once: true });
    t.addEventListener('x', () => calls.push('signal'), { signal: ctrl.signal });
    t.addEventListener('x', { handleEvent: () => calls.push('obj') });
    t.emit('x', new Event('x'));
    ctrl.abort();
    t.removeEventListener('x', fn, true);
    t.emit('x', new Event('x'));
    t.removeEventListener('x', fn);
    t.emit('x', new Event('x'));
    expect(calls).toEqual(['fn', 'once', 'signal', 'obj', 'fn', 'obj', 'obj']);
  });

  it('a throwing listener is reported and the rest still run', () => {
    const t = new T();
    const seen: string[] = [];
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    const g = globalThis as { reportError?: unknown };
    const saved = g.reportError;
    const reported: unknown[] = [];
    g.reportError = (e: unknown) => reported.push(e);
    t.addEventListener('x', () => {
      throw new Error('boom');
    });
    t.addEventListener('x', () => seen.push('after'));
    t.emit('x', new Event('x'));
    g.reportError = saved;
    err.mockRestore();
    expect(seen).toEqual(['after']);
    expect((reported[0] as Error).message).toBe('boom');
  });

  it('on* handlers keep their place, are replaced in place and removed by non-functions', () => {
    const t = new T() as T & { onping: ((e: Event) => void) | null };
    const calls: string[] = [];
    t.onping = () => calls.push('h1');
    t.addEventListener('ping', () => calls.push('l'));
    t.onping = () => calls.push('h2');
    t.emit('ping', new Event('ping'));
    t.onping = 42 as never;
    expect(t.onping).toBe(null);
    t.emit('ping', new Event('ping'));
    expect(calls).toEqual(['h2', 'l', 'l']);
  });

  it('dispatchEvent: re-points target, leaves currentTarget null after; an event in dispatch elsewhere throws InvalidStateError', () => {
    const t = new T();
    const e = new Event('x');
    const inside: unknown[] = [];
    t.addEventListener('x', (ev) => inside.push(ev.target === t, ev.currentTarget === t, ev.eventPhase));
    expect(t.dispatchEvent(e)).toBe(true);
    expect(inside).toEqual([true, true, 2]);
    expect(e.target).toBe(t);
    expect(e.currentTarget).toBe(null);
    expect(e.eventPhase).toBe(0);
    const other = new EventTarget();
    let thrown = '';
    const f = new Event('y');
    other.addEventListener('y', () => {
      try {
        t.dispatchEvent(f);
      } catch (err) {
        thrown = (err as Error).name;
      }
    });
    other.dispatchEvent(f);
    expect(thrown).toBe('InvalidStateError');
    expect(() => t.dispatchEvent({ type: 'x' } as Event)).toThrow(TypeError);
  });

  it('the native argument checks', () => {
    const t = new T();
    expect(() => (t.addEventListener as (a: string) => void)('x')).toThrow(/2 arguments required/);
    expect(() => t.addEventListener('x', 42 as never)).toThrow(TypeError);
    expect(() => t.addEventListener('x', null)).not.toThrow();
  });
});
