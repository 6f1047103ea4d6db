import { describe, expect, it } from 'vitest';
import { jsonEnvelope } from '../../src/channels';

const { encode, decode } = jsonEnvelope;

describe('jsonEnvelope.encode', () => {
  it('makes a JSON text frame {"channel", "data"}', () => {
    const frame = encode('chat', { text: 'hi' });
    expect(typeof frame).toBe('string');
    expect(JSON.parse(frame as string)).toEqual({ channel: 'chat', data: { text: 'hi' } });
    expect(frame).toBe('{"channel":"chat","data":{"text":"hi"}}');
  });
});

describe('jsonEnvelope round trip', () => {
  const payloads: unknown[] = [
    { text: 'hi' },
    { nested: { deep: [1, 2, { x: null }] }, flag: true },
    'plain string',
    '{"channel":"inner","data":1}', // a payload that itself looks like a frame
    42,
    0,
    -1.5,
    true,
    false,
    null,
    [],
    [1, 'two', { three: 3 }],
    { emoji: '😀', accents: 'héllo', cjk: '中文', quote: '"', backslash: '\\', nl: '\n' },
    {},
  ];

  it.each(payloads.map((p) => [JSON.stringify(p), p]))('payload %s', (_, payload) => {
    expect(decode(encode('chat', payload))).toEqual({ channel: 'chat', data: payload });
  });

  it('keeps odd channel names', () => {
    for (const name of ['', 'a"b', 'with space', 'ünïcode😀', '__proto__', 'constructor', 'x'.repeat(1000)]) {
      const env = decode(encode(name, 1));
      expect(env?.channel).toBe(name);
      expect(env?.data).toBe(1);
    }
  });

  it('undefined data decodes as undefined data on the same channel', () => {
    const env = decode(encode('c', undefined));
    expect(env).toBeDefined();
    expect(env?.channel).toBe('c');
    expect(env?.data).toBeUndefined();
  });

  it('accepts frames produced by another JSON encoder (key order, whitespace inside, extra keys)', () => {
    expect(decode('{"data":[1],"channel":"a"}')).toEqual({ channel: 'a', data: [1] });
    expect(decode('{ "channel" : "a" , "data" : 2 }')).toMatchObject({ channel: 'a', data: 2 });
    expect(decode('{"channel":"a","data":3,"id":7}')).toMatchObject({ channel: 'a', data: 3 });
  });
});

describe('jsonEnvelope.decode never throws and says undefined for non-channel frames', () => {
  const notFrames: [string, unknown][] = [
    ['undefined', undefined],
    ['null value', null],
    ['number', 42],
    ['boolean', true],
    ['object', { channel: 'chat', data: 1 }], // an object is not a text frame
    ['String object', Object('{"channel":"a","data":1}')],
    ['ArrayBuffer', new TextEncoder().encode('{"channel":"a","data":1}').buffer],
    ['Uint8Array', new TextEncoder().encode('{"channel":"a","data":1}')],
    ['Blob', new Blob(['{"channel":"a","data":1}'])],
    ['symbol', Symbol('x')],
    ['function', () => '{"channel":"a"}'],
    ['empty string', ''],
    ['plain text', 'hello'],
    ['not JSON but mentions "channel"', '{"channel": oops'],
    ['truncated JSON', '{"channel":"a","data":{"x":'],
    ['JSON number', '123'],
    ['JSON string', '"channel"'],
    ["'null'", 'null'],
    ['JSON true', 'true'],
    ['array', '[{"channel":"a","data":1}]'],
    ['array with channel key text', '["channel","a"]'],
    ['object without channel', '{"data":1}'],
    ['channel number', '{"channel":1,"data":2}'],
    ['channel null', '{"channel":null,"data":2}'],
    ['channel object', '{"channel":{"name":"a"},"data":2}'],
    ['channel array', '{"channel":["a"],"data":2}'],
    ['channel boolean', '{"channel":true}'],
    ['channel only as a value', '{"type":"channel"}'],
    ['channel in a nested object only', '{"x":{"channel":"a"}}'],
    ['trailing garbage', '{"channel":"a","data":1}xyz'],
    ['two objects', '{"channel":"a"}{"channel":"b"}'],
    ['lone surrogate garbage', '{"channel":"\ud800'],
    ['control chars', '\u0000\u0001{"channel":"a"}'],
    ['single quotes', "{'channel':'a'}"],
  ];

  it.each(notFrames)('%s', (_, frame) => {
    let out: unknown = 'not called';
    expect(() => {
      out = decode(frame);
    }).not.toThrow();
    expect(out).toBeUndefined();
  });

  it('a huge non-JSON string', () => {
    const huge = `{"channel":${'x'.repeat(5_000_000)}`;
    expect(decode(huge)).toBeUndefined();
  });

  it('a huge string of open braces and brackets (deep nesting) does not overflow the stack', () => {
    expect(decode(`{"channel":"a","data":${'['.repeat(200_000)}`)).toBeUndefined();
    const deep = `{"channel":"a","data":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    expect(() => decode(deep)).not.toThrow();
  });

  it('a huge valid frame decodes', () => {
    const text = 'é'.repeat(1_000_000);
    expect(decode(encode('big', { text }))).toEqual({ channel: 'big', data: { text } });
  });

  it('seeded random garbage never throws and is never taken for a frame', () => {
    let seed = 1234567;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x80000000;
    const alphabet = '{}[]":,\\ channeldat0123456789-.eE+truefalsenull\ud800\u00e9\n';
    let found = 0;
    for (let i = 0; i < 5000; i++) {
      let s = rnd() < 0.5 ? '{"channel":' : '{';
      const len = Math.floor(rnd() * 30);
      for (let j = 0; j < len; j++) s += alphabet[Math.floor(rnd() * alphabet.length)];
      const out = decode(s); // a throw fails the test
      // whatever decode accepts must really be a JSON object with a string channel
      if (out !== undefined) {
        found++;
        const v = JSON.parse(s);
        expect(typeof v.channel).toBe('string');
      }
    }
    expect(found).toBeLessThan(5000);
  });
});
