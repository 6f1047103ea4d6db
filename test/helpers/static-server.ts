/**
 * A tiny static HTTP server on 127.0.0.1:0 for browser tests: serves files
 * below `root` (no directory listing, no `..`) plus in-memory `pages`.
 *
 *   const web = await startStaticServer({ root: repoRoot, pages: { '/page.html': html } });
 *   await page.goto(`${web.url}/page.html`);
 *   await web.close();
 *
 * Every response is `Cache-Control: no-store`, so a rebuilt dist is always the one served.
 */
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.css': 'text/css',
};

export interface StaticServer {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly port: number;
  /** every path requested, in order */
  readonly requests: string[];
  close(): Promise<void>;
}

export async function startStaticServer({
  root,
  pages = {},
}: {
  root: string;
  pages?: Record<string, string>;
}): Promise<StaticServer> {
  const requests: string[] = [];
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push(path);
    const headers = { 'Cache-Control': 'no-store' };
    const page = pages[path];
    if (page !== undefined) {
      res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(path)] ?? TYPES['.html'] }).end(page);
      return;
    }
    const file = normalize(join(root, path));
    if (!file.startsWith(root.endsWith(sep) ? root : root + sep)) {
      res.writeHead(403, headers).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404, headers).end();
    }
  });
  server.keepAliveTimeout = 1000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
