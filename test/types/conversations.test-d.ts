import * as v from 'valibot';
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import type { Channel, InvalidEvent } from '../../src/index';
import { SteadySocket } from '../../src/index';

type Chans = { sum: { a: number; b: number }; chat: { text: string } };
declare const url: string;

describe('conversations', () => {
  const s = new SteadySocket<Chans>(url);

  it('request() takes the channel payload and resolves with it', () => {
    expectTypeOf(s.channel('sum').request({ a: 1, b: 2 })).toEqualTypeOf<Promise<{ a: number; b: number }>>();
    s.channel('sum').request({ a: 1, b: 2 }, { timeout: 100, signal: new AbortController().signal });
    // @ts-expect-error wrong payload
    s.channel('sum').request({ a: '1', b: 2 });
    // @ts-expect-error unknown option
    s.channel('sum').request({ a: 1, b: 2 }, { timout: 100 });
  });

  it('messages() and for await are typed by the channel; the socket iterates unknown data', async () => {
    for await (const m of s.channel('chat')) expectTypeOf(m).toEqualTypeOf<{ text: string }>();
    expectTypeOf(s.channel('chat').messages({ max: 10 })).toEqualTypeOf<AsyncIterableIterator<{ text: string }>>();
    for await (const d of s) expectTypeOf(d).toEqualTypeOf<unknown>();
  });

  it('ready(), drained() and subscribe()', () => {
    expectTypeOf(s.ready({ timeout: 1 })).toEqualTypeOf<Promise<void>>();
    expectTypeOf(s.drained({ below: 1024 })).toEqualTypeOf<Promise<void>>();
    expectTypeOf(s.subscribe('sub', { unsubscribe: () => 'unsub' })).toEqualTypeOf<() => void>();
    // @ts-expect-error frames are what send() takes, or a function
    s.subscribe(42);
  });

  it('schemas infer the channel types (zod, valibot); unknown names are errors', () => {
    const t = new SteadySocket(url, {
      schemas: { chat: z.object({ text: z.string() }), n: v.number() },
    });
    expectTypeOf(t.channel('chat')).toEqualTypeOf<Channel<{ text: string }>>();
    expectTypeOf(t.channel('n').request(1)).toEqualTypeOf<Promise<number>>();
    // @ts-expect-error not a channel of the schemas
    t.channel('nope');
    // @ts-expect-error payload of the wrong type
    t.channel('chat').send({ text: 1 });
  });

  it('the invalid event', () => {
    s.addEventListener('invalid', (e) => {
      expectTypeOf(e).toEqualTypeOf<InvalidEvent>();
      expectTypeOf(e.channel).toEqualTypeOf<string>();
    });
  });
});
