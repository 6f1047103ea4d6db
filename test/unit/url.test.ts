import { describe, expect, it } from 'vitest';
import { checkProtocols, checkUrl, syntaxError } from '../../src/url';

/** Assert that `fn` throws what the native WebSocket constructor throws: a DOMException named SyntaxError. */
const expectSyntaxError = (fn: () => unknown) => {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected a throw').toBeDefined();
  expect(caught).toBeInstanceOf(DOMException);
  expect((caught as DOMException).name).toBe('SyntaxError');
  expect((caught as DOMException).code).toBe(12); // DOMException.SYNTAX_ERR
  expect((caught as DOMException).message.length).toBeGreaterThan(0);
  return caught as DOMException;
};

describe('syntaxError', () => {
  it('is a DOMException named SyntaxError by default, another name on request', () => {
    const e = syntaxError('bad');
    expect(e).toBeInstanceOf(DOMException);
    expect(e.name).toBe('SyntaxError');
    expect(e.message).toBe('bad');
    expect(syntaxError('x', 'InvalidAccessError').name).toBe('InvalidAccessError');
  });
});

describe('checkUrl', () => {
  it('ws and wss pass, normalised', () => {
    expect(checkUrl('ws://example.com/live')).toBe('ws://example.com/live');
    expect(checkUrl('wss://example.com:8443/a?b=c')).toBe('wss://example.com:8443/a?b=c');
    expect(checkUrl('ws://example.com')).toBe('ws://example.com/');
    expect(checkUrl('WS://Example.COM/x')).toBe('ws://example.com/x');
    expect(checkUrl('ws://127.0.0.1:0/')).toBe('ws://127.0.0.1:0/');
    expect(checkUrl('ws://[::1]:8080/p')).toBe('ws://[::1]:8080/p');
  });

  it('accepts a URL object', () => {
    expect(checkUrl(new URL('wss://example.com/x'))).toBe('wss://example.com/x');
    expect(checkUrl(new URL('https://example.com/x'))).toBe('wss://example.com/x');
  });

  it('http → ws and https → wss, keeping host, port, path and query', () => {
    expect(checkUrl('http://example.com/a?x=1')).toBe('ws://example.com/a?x=1');
    expect(checkUrl('https://example.com:444/a/b?x=1&y=2')).toBe('wss://example.com:444/a/b?x=1&y=2');
    expect(checkUrl('HTTPS://example.com')).toBe('wss://example.com/');
  });

  it('drops the default port like the platform does', () => {
    expect(checkUrl('ws://example.com:80/')).toBe('ws://example.com/');
    expect(checkUrl('wss://example.com:443/')).toBe('wss://example.com/');
    expect(checkUrl('https://example.com:443/')).toBe('wss://example.com/');
  });

  it('relative urls resolve against the base, with the base scheme mapped', () => {
    expect(checkUrl('/socket', 'https://app.example.com/page/index.html')).toBe('wss://app.example.com/socket');
    expect(checkUrl('socket?x=1', 'http://localhost:3000/app/')).toBe('ws://localhost:3000/app/socket?x=1');
    expect(checkUrl('//other.example.com/s', 'https://app.example.com/')).toBe('wss://other.example.com/s');
    expect(checkUrl('wss://abs.example.com/', 'http://ignored.example.com/')).toBe('wss://abs.example.com/');
  });

  it('a relative url without a base throws SyntaxError', () => {
    expectSyntaxError(() => checkUrl('/socket'));
    expectSyntaxError(() => checkUrl('socket'));
    expectSyntaxError(() => checkUrl(''));
  });

  it('other schemes throw SyntaxError', () => {
    for (const u of [
      'ftp://example.com/',
      'file:///tmp/x',
      'data:text/plain,hi',
      'mailto:a@b.c',
      'javascript:alert(1)',
      'blob:https://a/b',
    ]) {
      const e = expectSyntaxError(() => checkUrl(u));
      expect(e.message).toMatch(/scheme|Invalid/);
    }
    // a relative url against a non-http base
    expectSyntaxError(() => checkUrl('x', 'ftp://example.com/'));
  });

  it('a fragment throws SyntaxError, even an empty one', () => {
    expectSyntaxError(() => checkUrl('ws://example.com/#frag'));
    expectSyntaxError(() => checkUrl('wss://example.com/a?b#c'));
    expectSyntaxError(() => checkUrl('ws://example.com/#'));
    expectSyntaxError(() => checkUrl('https://example.com/#x'));
    expectSyntaxError(() => checkUrl(new URL('ws://example.com/#x')));
    expectSyntaxError(() => checkUrl('#x', 'https://example.com/'));
  });

  it('unparseable urls throw SyntaxError', () => {
    for (const u of ['ws://', 'ws://exa mple.com/', 'ws://[::1/', 'http://', 'not a url', 'ws://example.com:99999/']) {
      expectSyntaxError(() => checkUrl(u));
    }
  });
});

describe('checkProtocols', () => {
  it('accepts tokens, as a string or a list, returning a new list', () => {
    expect(checkProtocols('chat')).toEqual(['chat']);
    expect(checkProtocols(['chat', 'superchat'])).toEqual(['chat', 'superchat']);
    expect(checkProtocols(['v1.json', 'graphql-transport-ws', "a!#$%&'*+-.^_`|~0"])).toEqual([
      'v1.json',
      'graphql-transport-ws',
      "a!#$%&'*+-.^_`|~0",
    ]);
    expect(checkProtocols([])).toEqual([]);
    const list = ['a'];
    expect(checkProtocols(list)).not.toBe(list);
  });

  it('invalid characters throw SyntaxError', () => {
    for (const p of [
      'with space',
      'a,b',
      'semi;colon',
      'quo"te',
      'par(en)',
      'sl/ash',
      'br[ack]et',
      'eq=ual',
      'at@',
      'q?',
      'c:olon',
      'ünï',
      'tab\t',
      'nl\n',
      '\u0000',
      'a{b}',
      'back\\slash',
    ]) {
      expectSyntaxError(() => checkProtocols(p));
      expectSyntaxError(() => checkProtocols(['ok', p]));
    }
  });

  it('the empty string throws SyntaxError', () => {
    expectSyntaxError(() => checkProtocols(''));
    expectSyntaxError(() => checkProtocols(['a', '']));
  });

  it('duplicates throw SyntaxError', () => {
    expectSyntaxError(() => checkProtocols(['chat', 'chat']));
    expectSyntaxError(() => checkProtocols(['a', 'b', 'a']));
    const e = expectSyntaxError(() => checkProtocols(['x', 'y', 'y']));
    expect(e.message).toContain('y');
  });

  it('case-different names are not duplicates', () => {
    expect(checkProtocols(['Chat', 'chat'])).toEqual(['Chat', 'chat']);
  });
});
