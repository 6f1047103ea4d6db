import { describe, expectTypeOf, it } from 'vitest';
import type {
  DropEvent,
  DropReason,
  GiveUpEvent,
  PongEvent,
  ReconnectingEvent,
  State,
  StateChangeEvent,
  SteadyCloseEvent,
  SteadyErrorEvent,
  SteadySocketOptions,
} from '../../src/index';
import { SteadySocket } from '../../src/index';

type Chans = { chat: { text: string }; count: number };
declare const url: string;

describe('events', () => {
  const s = new SteadySocket<Chans>(url);

  it('message → MessageEvent', () => {
    s.addEventListener('message', (e) => {
      expectTypeOf(e).toEqualTypeOf<MessageEvent>();
      expectTypeOf(e.data).toBeAny();
    });
  });

  it('close → CloseEvent with code, reason, wasClean', () => {
    s.addEventListener('close', (e) => {
      expectTypeOf(e).toEqualTypeOf<CloseEvent>();
      expectTypeOf(e.code).toEqualTypeOf<number>();
      expectTypeOf(e.reason).toEqualTypeOf<string>();
      expectTypeOf(e.wasClean).toEqualTypeOf<boolean>();
    });
  });

  it('open → Event, error → SteadyErrorEvent', () => {
    s.addEventListener('open', (e) => {
      expectTypeOf(e).toEqualTypeOf<Event>();
    });
    s.addEventListener('error', (e) => {
      expectTypeOf(e).toEqualTypeOf<SteadyErrorEvent>();
      expectTypeOf(e.error).toEqualTypeOf<unknown>();
    });
  });

  it('reconnecting → attempt and delay numbers', () => {
    s.addEventListener('reconnecting', (e) => {
      expectTypeOf(e).toEqualTypeOf<ReconnectingEvent>();
      expectTypeOf(e.attempt).toEqualTypeOf<number>();
      expectTypeOf(e.delay).toEqualTypeOf<number>();
    });
  });

  it('drop → data and the reason union', () => {
    s.addEventListener('drop', (e) => {
      expectTypeOf(e).toEqualTypeOf<DropEvent>();
      expectTypeOf(e.reason).toEqualTypeOf<
        'overflow' | 'ttl' | 'closed' | 'giveup' | 'disabled' | 'error' | 'handover'
      >();
      expectTypeOf(e.reason).toEqualTypeOf<DropReason>();
      // @ts-expect-error not a drop reason
      const bad: typeof e.reason = 'timeout';
      void bad;
    });
  });

  it('statechange → from/to State', () => {
    s.addEventListener('statechange', (e) => {
      expectTypeOf(e).toEqualTypeOf<StateChangeEvent>();
      expectTypeOf(e.from).toEqualTypeOf<State>();
      expectTypeOf(e.to).toEqualTypeOf<'connecting' | 'open' | 'closing' | 'closed'>();
    });
  });

  it('giveup → attempts, pong → rtt', () => {
    s.addEventListener('giveup', (e) => {
      expectTypeOf(e).toEqualTypeOf<GiveUpEvent>();
      expectTypeOf(e.attempts).toEqualTypeOf<number>();
    });
    s.addEventListener('pong', (e) => {
      expectTypeOf(e).toEqualTypeOf<PongEvent>();
      expectTypeOf(e.rtt).toEqualTypeOf<number>();
    });
  });

  it('event fields do not exist on the wrong event', () => {
    s.addEventListener('close', (e) => {
      // @ts-expect-error a CloseEvent has no attempt
      void e.attempt;
    });
    s.addEventListener('reconnecting', (e) => {
      // @ts-expect-error a ReconnectingEvent has no code
      void e.code;
    });
    // @ts-expect-error the message listener gets a MessageEvent, not a CloseEvent
    s.addEventListener('message', (e: CloseEvent) => e);
  });

  it('listener objects, options, this and removeEventListener', () => {
    s.addEventListener('drop', { handleEvent: (e) => expectTypeOf(e).toEqualTypeOf<DropEvent>() });
    s.addEventListener('open', () => {}, { once: true, signal: new AbortController().signal });
    s.addEventListener('open', () => {}, true);
    s.addEventListener('message', function (e) {
      expectTypeOf(this).toEqualTypeOf<SteadySocket<Chans>>();
      expectTypeOf(e).toEqualTypeOf<MessageEvent>();
    });
    const f = (e: CloseEvent) => e.code;
    s.addEventListener('close', f);
    s.removeEventListener('close', f);
    s.removeEventListener('close', f, { capture: false });
    // unknown types fall back to the native signature
    s.addEventListener('custom', (e) => expectTypeOf(e).toEqualTypeOf<Event>());
  });

  it('on* handlers are typed', () => {
    // checked before any assignment below narrows the property
    expectTypeOf(s.onmessage).toEqualTypeOf<((this: any, ev: MessageEvent) => unknown) | null>();
    expectTypeOf<Parameters<NonNullable<SteadySocket['onclose']>>[0]>().toEqualTypeOf<SteadyCloseEvent>();
    // the DOM's CloseEvent and the declared one are interchangeable
    expectTypeOf<CloseEvent>().toExtend<SteadyCloseEvent>();
    expectTypeOf<SteadyCloseEvent>().toExtend<CloseEvent>();
    s.onmessage = (e) => {
      expectTypeOf(e).toEqualTypeOf<MessageEvent>();
    };
    s.onclose = (e) => {
      expectTypeOf(e.code).toEqualTypeOf<number>();
    };
    s.onopen = (e) => {
      expectTypeOf(e).toEqualTypeOf<Event>();
    };
    s.onerror = null;
    s.onclose = function () {
      this.send('bye'); // `this` is the socket
    };
    // @ts-expect-error onclose gets a CloseEvent, not a MessageEvent
    s.onclose = (e: MessageEvent) => e;
    // @ts-expect-error handlers are functions
    s.onmessage = 'handler';
  });
});

describe('drop-in for the DOM WebSocket', () => {
  it('a SteadySocket can be passed where a WebSocket is expected', () => {
    const takesWebSocket = (ws: WebSocket) => ws.readyState;
    takesWebSocket(new SteadySocket('wss://example.test'));
    takesWebSocket(new SteadySocket<{ chat: string }>('wss://example.test'));
  });
});

describe('state and readyState', () => {
  const s = new SteadySocket(url);

  it('state is the union', () => {
    expectTypeOf(s.state).toEqualTypeOf<'connecting' | 'open' | 'closing' | 'closed'>();
    expectTypeOf(s.state).toEqualTypeOf<State>();
    // @ts-expect-error state is read-only
    s.state = 'open';
  });

  it('readyState is 0 | 1 | 2 | 3 and the constants are literal', () => {
    expectTypeOf(s.readyState).toEqualTypeOf<0 | 1 | 2 | 3>();
    expectTypeOf(s.OPEN).toEqualTypeOf<1>();
    // typeof: a value passed to expectTypeOf() would widen an initializer-inferred literal
    expectTypeOf<typeof SteadySocket.CLOSED>().toEqualTypeOf<3>();
    expectTypeOf<typeof SteadySocket.CONNECTING>().toEqualTypeOf<0>();
    expectTypeOf<typeof SteadySocket.OPEN>().toEqualTypeOf<1>();
    expectTypeOf<typeof SteadySocket.CLOSING>().toEqualTypeOf<2>();
    if (s.readyState === s.OPEN) expectTypeOf(s.readyState).toEqualTypeOf<1>();
  });

  it('the other members', () => {
    expectTypeOf(s.retryCount).toEqualTypeOf<number>();
    expectTypeOf(s.rtt).toEqualTypeOf<number | undefined>();
    expectTypeOf(s.queued).toEqualTypeOf<number>();
    expectTypeOf(s.bufferedAmount).toEqualTypeOf<number>();
    expectTypeOf(s.url).toEqualTypeOf<string>();
    expectTypeOf(s.protocol).toEqualTypeOf<string>();
    expectTypeOf(s.binaryType).toEqualTypeOf<BinaryType>();
    expectTypeOf(s.open).returns.toEqualTypeOf<void>();
    s.close();
    s.close(1000, 'bye');
    s.reconnect(4000);
    s.send('text');
    s.send(new Uint8Array(2));
    s.send(new ArrayBuffer(2));
    s.send(new Blob([]));
    // @ts-expect-error not sendable
    s.send({ text: 'hi' });
    // @ts-expect-error codes are numbers
    s.close('1000');
    expectTypeOf(s).toMatchTypeOf<EventTarget>();
  });
});

describe('constructor and options', () => {
  it('url and protocol forms', () => {
    new SteadySocket(new URL('wss://example.com'));
    new SteadySocket(() => 'wss://example.com');
    new SteadySocket(async () => new URL('wss://example.com'));
    new SteadySocket(url, 'chat');
    new SteadySocket(url, ['a', 'b']);
    new SteadySocket(url, async () => ['a']);
    new SteadySocket(url, { startClosed: true });
    new SteadySocket(url, [], { startClosed: true });
    // @ts-expect-error a number is not a url
    new SteadySocket(42);
  });

  it('options are typed', () => {
    new SteadySocket(url, [], { reconnect: { jitter: 0.5 } });
    new SteadySocket(url, [], { reconnect: false, queue: false, heartbeat: true, network: false });
    new SteadySocket(url, [], { queue: { overflow: 'drop-newest', max: 10, ttl: 1000 } });
    new SteadySocket(url, [], { heartbeat: { interval: 1000, isPong: (d) => d === 'pong', message: () => 'ping' } });
    new SteadySocket(url, [], { reconnect: { shouldReconnect: (e) => e.code !== 4000 } });
    new SteadySocket(url, [], { beforeOpen: async (send) => send('auth') });
    new SteadySocket(url, [], { random: () => 0.5, now: () => 0, connectTimeout: Infinity, binaryType: 'arraybuffer' });
    new SteadySocket(url, [], { reconnect: { jitter: undefined }, queue: undefined });
    // @ts-expect-error unknown overflow policy
    new SteadySocket(url, [], { queue: { overflow: 'bogus' } });
    // @ts-expect-error jitter is a number
    new SteadySocket(url, [], { reconnect: { jitter: '0.5' } });
    // @ts-expect-error unknown option
    new SteadySocket(url, [], { reconect: {} });
    // @ts-expect-error shouldReconnect is a function
    new SteadySocket(url, [], { reconnect: { shouldReconnect: true } });
    // @ts-expect-error binaryType is 'blob' | 'arraybuffer'
    new SteadySocket(url, [], { binaryType: 'bogus' });
  });

  it('SteadySocketOptions is usable on its own', () => {
    const o: SteadySocketOptions = { reconnect: { minDelay: 500 }, heartbeat: { timeout: 5000 } };
    new SteadySocket(url, undefined, o);
    expectTypeOf<SteadySocketOptions['startClosed']>().toEqualTypeOf<boolean | undefined>();
  });
});
