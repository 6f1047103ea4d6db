import { describe, expectTypeOf, it } from 'vitest';
import type { Channel } from '../../src/index';
import { SteadySocket } from '../../src/index';

type Chans = { chat: { text: string }; count: number };
declare const url: string;

describe('typed channels', () => {
  const s = new SteadySocket<Chans>(url);

  it('channel(name) is typed by the channel map', () => {
    expectTypeOf(s.channel('chat')).toEqualTypeOf<Channel<{ text: string }>>();
    expectTypeOf(s.channel('count')).toEqualTypeOf<Channel<number>>();
    expectTypeOf(s.channel('chat').name).toEqualTypeOf<string>();
  });

  it('send() takes the channel payload', () => {
    s.channel('chat').send({ text: 'hi' });
    s.channel('count').send(3);
    expectTypeOf(s.channel('chat').send).parameter(0).toEqualTypeOf<{ text: string }>();
    expectTypeOf(s.channel('chat').send).returns.toEqualTypeOf<void>();
  });

  it('send() rejects a wrong payload', () => {
    // @ts-expect-error misspelt field
    s.channel('chat').send({ txt: 'hi' });
    // @ts-expect-error missing field
    s.channel('chat').send({});
    // @ts-expect-error wrong field type
    s.channel('chat').send({ text: 42 });
    // @ts-expect-error a number channel takes numbers
    s.channel('count').send('3');
    // @ts-expect-error payload required
    s.channel('chat').send();
  });

  it('channel() rejects unknown names', () => {
    // @ts-expect-error not in the map
    s.channel('nope');
    // @ts-expect-error names are strings
    s.channel(1);
  });

  it('on() hands the payload and the MessageEvent to the handler and returns () => void', () => {
    const off = s.channel('chat').on((data, event) => {
      expectTypeOf(data).toEqualTypeOf<{ text: string }>();
      expectTypeOf(data.text).toEqualTypeOf<string>();
      expectTypeOf(event).toEqualTypeOf<MessageEvent>();
    });
    expectTypeOf(off).toEqualTypeOf<() => void>();
    off();
    s.channel('count').on((n) => {
      expectTypeOf(n).toEqualTypeOf<number>();
    });
  });

  it('on() rejects a handler expecting another payload', () => {
    // @ts-expect-error the chat payload is { text: string }
    s.channel('chat').on((data: { txt: string }) => data);
    // @ts-expect-error the count payload is a number
    s.channel('count').on((n: string) => n);
  });

  it('a handler using fewer arguments is fine', () => {
    s.channel('chat').on(() => {});
  });

  it('an untyped socket accepts any channel with unknown payloads', () => {
    const any = new SteadySocket(url);
    expectTypeOf(any.channel('whatever')).toEqualTypeOf<Channel<unknown>>();
    any.channel('x').send({ anything: true });
    any.channel('x').on((data) => {
      expectTypeOf(data).toEqualTypeOf<unknown>();
    });
  });

  it('the channel map may be an interface', () => {
    interface IChans {
      chat: { text: string };
    }
    // an interface works as the channel map (it has no implicit index signature; this was a bug)
    const i = new SteadySocket<IChans>(url);
    expectTypeOf(i.channel('chat').send).parameter(0).toEqualTypeOf<IChans['chat']>();
  });
});
