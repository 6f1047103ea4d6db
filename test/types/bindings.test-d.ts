// The framework bindings' types: payloads come from the socket's channel map,
// a channel that is not in it does not compile, and a subclass (how
// SharedSteadySocket or an app's own socket fits) keeps its map.
import * as v from 'valibot';
import { describe, expectTypeOf, it } from 'vitest';
import type { Ref } from 'vue';
import { z } from 'zod';
import type { State } from '../../src/index';
import { SteadySocket as CoreSocket } from '../../src/core';
import { SteadySocket } from '../../src/index';
import { useChannel, useSocketState, useSteadySocket } from '../../src/react';
import { type BoundChannel, useSteadySocket as useVueSocket } from '../../src/vue';

type Chans = { chat: { text: string }; count: number };
declare const url: string;

describe('steadysocket/react', () => {
  it('useSteadySocket returns the typed socket or null', () => {
    expectTypeOf(useSteadySocket<Chans>(url)).toEqualTypeOf<SteadySocket<Chans> | null>();
    expectTypeOf(useSteadySocket(url)).toEqualTypeOf<SteadySocket | null>();
    expectTypeOf(useSteadySocket(null)).toEqualTypeOf<SteadySocket | null>();
    useSteadySocket(() => Promise.resolve(url), { protocols: ['v1'], heartbeat: true });
    // @ts-expect-error an option that does not exist
    useSteadySocket(url, { reconect: false });
  });

  it('useChannel: the payload type comes from the channel map, for the return value and the handler', () => {
    const s = useSteadySocket<Chans>(url);
    expectTypeOf(useChannel(s, 'chat')).toEqualTypeOf<{ text: string } | undefined>();
    expectTypeOf(useChannel(s, 'count')).toEqualTypeOf<number | undefined>();
    useChannel(s, 'chat', (data, event) => {
      expectTypeOf(data).toEqualTypeOf<{ text: string }>();
      expectTypeOf(event).toEqualTypeOf<MessageEvent>();
    });
    // a socket that is not there yet is fine
    expectTypeOf(useChannel(null as SteadySocket<Chans> | null | undefined, 'count')).toEqualTypeOf<
      number | undefined
    >();
  });

  it('useChannel: a channel that is not in the map, or a handler of the wrong type, does not compile', () => {
    const s = useSteadySocket<Chans>(url);
    // @ts-expect-error a channel that is not declared
    useChannel(s, 'chta');
    // @ts-expect-error the handler takes the channel's payload
    useChannel(s, 'count', (data: string) => data);
    // @ts-expect-error the payload is not a string
    const wrong: string | undefined = useChannel(s, 'count');
    void wrong;
  });

  it('an untyped socket takes any channel name, with unknown payloads', () => {
    expectTypeOf(useChannel(useSteadySocket(url), 'anything')).toEqualTypeOf<unknown>();
  });

  it('with schemas, the channel types are inferred from them (zod, valibot), as by the constructor', () => {
    const s = useSteadySocket(url, { schemas: { chat: z.object({ text: z.string() }), n: v.number() } });
    expectTypeOf(useChannel(s, 'chat')).toEqualTypeOf<{ text: string } | undefined>();
    expectTypeOf(useChannel(s, 'n')).toEqualTypeOf<number | undefined>();
    // @ts-expect-error not a channel of the schemas
    useChannel(s, 'nope');
    const io = useVueSocket(() => url, { schemas: { chat: z.object({ text: z.string() }) } });
    io.channel('chat').on((d) => expectTypeOf(d).toEqualTypeOf<{ text: string }>());
    // @ts-expect-error not a channel of the schemas
    io.channel('nope');
  });

  it('useSocketState returns the state union, for a socket or null', () => {
    expectTypeOf(useSocketState(useSteadySocket(url))).toEqualTypeOf<State>();
    expectTypeOf(useSocketState(null)).toEqualTypeOf<State>();
  });

  it('create: a subclass socket keeps its own type and channel map', () => {
    class Mine<C extends object> extends SteadySocket<C> {
      readonly leader = true;
    }
    const s = useSteadySocket(url, { create: (u, p, o) => new Mine<Chans>(u, p, o) });
    expectTypeOf(s).toEqualTypeOf<Mine<Chans> | null>();
    expectTypeOf(useChannel(s, 'chat')).toEqualTypeOf<{ text: string } | undefined>();
    // @ts-expect-error a channel that is not declared
    useChannel(s, 'nope');
    // @ts-expect-error create must return a socket
    useSteadySocket(url, { create: () => ({}) });
  });
});

describe('the core entry socket', () => {
  it('fits useSteadySocket (create) and useSocketState; useChannel wants a socket with channels', () => {
    const s = useSteadySocket(url, { create: (u, p, o) => new CoreSocket(u, p, o) });
    expectTypeOf(s).toEqualTypeOf<CoreSocket | null>();
    expectTypeOf(useSocketState(s)).toEqualTypeOf<State>();
    // @ts-expect-error the core socket has no channel()
    useChannel(s, 'chat');
  });
});

describe('steadysocket/vue', () => {
  it('returns refs of the typed socket and its state, and channels typed from the map', () => {
    const io = useVueSocket<Chans>(() => url);
    expectTypeOf(io.socket.value).toEqualTypeOf<SteadySocket<Chans> | null>();
    expectTypeOf(io.state).toMatchTypeOf<Readonly<Ref<State>>>();
    expectTypeOf(io.channel('chat')).toEqualTypeOf<BoundChannel<{ text: string }>>();
    io.channel('chat').on((data) => expectTypeOf(data).toEqualTypeOf<{ text: string }>());
    io.channel('count').send(1);
    // @ts-expect-error a channel that is not declared
    io.channel('nope');
    // @ts-expect-error a payload of the wrong type
    io.channel('count').send('1');
    // @ts-expect-error the state ref is read-only
    io.state.value = 'open';
  });

  it('the url may be a value, a ref or a getter, or null', () => {
    useVueSocket(url);
    useVueSocket(null);
    useVueSocket({ value: url } as Ref<string | null>);
    useVueSocket(() => (Math.random() > 0.5 ? url : null));
    // @ts-expect-error not a url
    useVueSocket(42);
  });
});
