/** A url as the native constructor takes it. */
export type UrlLike = string | URL;
/** A url, or a function (sync or async) called before every connection attempt. */
export type UrlProvider = UrlLike | (() => UrlLike | Promise<UrlLike>);
/** Subprotocols as the native constructor takes them. */
export type Protocols = string | string[];
/** Subprotocols, or a function (sync or async) called before every connection attempt. */
export type ProtocolsProvider = Protocols | (() => Protocols | Promise<Protocols>);

/** The error the native constructor throws for a bad url or protocol: a DOMException named SyntaxError. */
export const syntaxError = (message: string, name = 'SyntaxError'): Error =>
  typeof DOMException === 'function'
    ? new DOMException(message, name)
    : Object.assign(new SyntaxError(message), { name });

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Check a url as the native constructor would, and return it normalised.
 * Relative urls resolve against the page, `http(s):` becomes `ws(s):` (both
 * as current browsers do); any other scheme or a `#fragment` is a SyntaxError.
 */
export const checkUrl = (input: UrlLike, base?: string): string => {
  let u: URL | undefined;
  try {
    u = new URL(String(input), base);
  } catch {
    // reported below
  }
  const scheme = u?.protocol.replace(/^http/, 'ws');
  if (!u || (scheme !== 'ws:' && scheme !== 'wss:') || u.href.includes('#')) {
    throw syntaxError(`Invalid WebSocket URL '${input}': use ws:, wss:, http: or https:, without a #fragment`);
  }
  u.protocol = scheme;
  return u.href;
};

/** Check subprotocols as the native constructor would: tokens, no duplicates. */
export const checkProtocols = (p: Protocols): string[] => {
  // as the native constructor converts it: an iterable is a list, anything else one string (null → "null")
  const list =
    typeof p === 'object' && p && Symbol.iterator in p ? [...(p as Iterable<string>)].map(String) : [String(p)];
  list.forEach((name, i) => {
    if (!TOKEN.test(name) || list.indexOf(name) !== i) throw syntaxError(`Invalid or duplicate subprotocol '${name}'`);
  });
  return list;
};
