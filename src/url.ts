export type UrlLike = string | URL;
export type UrlProvider = UrlLike | (() => UrlLike | Promise<UrlLike>);
export type Protocols = string | string[];
export type ProtocolsProvider = Protocols | (() => Protocols | Promise<Protocols>);

/** The error the native constructor throws for a bad url or protocol: a DOMException named SyntaxError. */
export const syntaxError = (message: string, name = 'SyntaxError'): Error =>
  typeof DOMException === 'function' ? new DOMException(message, name) : Object.assign(new SyntaxError(message), { name });

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Check a url as the native constructor would, and return it normalised.
 * Relative urls resolve against the page, `http(s):` becomes `ws(s):` (both
 * as current browsers do); any other scheme or a `#fragment` is a SyntaxError.
 */
export const checkUrl = (input: UrlLike, base?: string): string => {
  let u: URL;
  try {
    u = new URL(String(input), base);
  } catch {
    throw syntaxError(`Invalid URL '${input}'`);
  }
  if (/^https?:$/.test(u.protocol)) u.protocol = u.protocol === 'http:' ? 'ws:' : 'wss:';
  if (!/^wss?:$/.test(u.protocol)) {
    throw syntaxError(`URL scheme '${u.protocol}' is not allowed: use ws, wss, http or https`);
  }
  if (u.hash || String(input).endsWith('#')) {
    throw syntaxError(`URL fragment '${u.hash}' is not allowed`);
  }
  return u.href;
};

/** Check subprotocols as the native constructor would: tokens, no duplicates. */
export const checkProtocols = (p: Protocols): string[] => {
  const list = typeof p === 'string' ? [p] : [...p];
  list.forEach((name, i) => {
    if (!TOKEN.test(name) || list.indexOf(name) !== i) throw syntaxError(`Invalid or duplicate subprotocol '${name}'`);
  });
  return list;
};
