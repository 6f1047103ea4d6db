import { describe, expect, it } from 'vitest';
import type { Input, State } from '../../src/machine';
import { READY_STATE, TABLE, transition } from '../../src/machine';

const STATES: State[] = ['connecting', 'open', 'closing', 'closed'];
const INPUTS: Input[] = ['start', 'ready', 'retry', 'close', 'end'];

// The expected machine, written out independently of src: `undefined` marks an
// input that cannot happen in that state.
const EXPECTED: Record<State, Record<Input, State | undefined>> = {
  closed: { start: 'connecting', ready: undefined, retry: undefined, close: undefined, end: 'closed' },
  connecting: { start: 'connecting', ready: 'open', retry: 'connecting', close: 'closed', end: 'closed' },
  open: { start: 'connecting', ready: undefined, retry: 'connecting', close: 'closing', end: 'closed' },
  closing: { start: 'connecting', ready: undefined, retry: undefined, close: 'closing', end: 'closed' },
};

describe('transition', () => {
  const pairs = STATES.flatMap((s) => INPUTS.map((i) => [s, i, EXPECTED[s][i]] as const));

  it('covers all 20 (state, input) pairs', () => {
    expect(pairs).toHaveLength(20);
  });

  it.each(pairs)('%s + %s → %s', (state, input, next) => {
    expect(transition(state, input)).toBe(next);
  });

  it('impossible inputs return undefined (not the current state)', () => {
    const impossible = pairs.filter(([, , next]) => next === undefined);
    expect(impossible.map(([s, i]) => `${s}+${i}`)).toEqual([
      'open+ready',
      'closing+ready',
      'closing+retry',
      'closed+ready',
      'closed+retry',
      'closed+close',
    ]);
    for (const [s, i] of impossible) expect(transition(s, i)).toBeUndefined();
  });

  it('the table has no states or inputs beyond the known ones', () => {
    expect(Object.keys(TABLE).sort()).toEqual([...STATES].sort());
    for (const s of STATES) {
      for (const k of Object.keys(TABLE[s])) expect(INPUTS).toContain(k);
      for (const v of Object.values(TABLE[s])) expect(STATES).toContain(v);
    }
  });

  it('every state is reachable from closed, and start always leads to connecting', () => {
    const seen = new Set<State>(['closed']);
    const todo: State[] = ['closed'];
    for (let s = todo.pop(); s; s = todo.pop()) {
      for (const i of INPUTS) {
        const n = transition(s, i);
        if (n && !seen.has(n)) {
          seen.add(n);
          todo.push(n);
        }
      }
    }
    expect([...seen].sort()).toEqual([...STATES].sort());
    for (const s of STATES) expect(transition(s, 'start')).toBe('connecting');
    for (const s of STATES) expect(transition(s, 'end')).toBe('closed');
  });

  it('is pure: the same call gives the same answer and the table is frozen in type only, not mutated', () => {
    const before = JSON.stringify(TABLE);
    for (let n = 0; n < 3; n++) for (const s of STATES) for (const i of INPUTS) transition(s, i);
    expect(JSON.stringify(TABLE)).toBe(before);
  });
});

describe('READY_STATE', () => {
  it('maps each state to the native number', () => {
    expect(READY_STATE).toEqual({ connecting: 0, open: 1, closing: 2, closed: 3 });
  });

  it('matches the WebSocket constants 0..3 one to one', () => {
    const values = STATES.map((s) => READY_STATE[s]);
    expect(new Set(values).size).toBe(4);
    expect([...values].sort()).toEqual([0, 1, 2, 3]);
  });
});
