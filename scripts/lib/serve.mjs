// A static file server on 127.0.0.1 for tests and benchmarks (no external requests): sirv
// serves the files; this module adds a free port, an optional base path and the test hooks.
import { createServer } from 'node:http';
import sirv from 'sirv';

/**
 * Serves `root` on 127.0.0.1 at a free port. `onRequest(path)` sees every request path (decoded);
 * `override(path)` may return `{status, body, type}` to replace a response (fault tests).
 * With `base` (`/pixelwise/`), the files are served under that path and every request outside it
 * is a 404, as on a static host that publishes the site at a sub-path. Paths that climb out of
 * `root` (`/../x`, `/%2e%2e/x`, a sibling folder) are 404s too: sirv resolves every path inside it.
 * @param {string} root
 * @param {{ base?: string,
 *           onRequest?: (path: string) => void,
 *           override?: (path: string) => ({status: number, body?: string|Buffer, type?: string} | undefined) }} [hooks]
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
export async function serveStatic(root, hooks = {}) {
  const base = hooks.base ?? '/';
  if (!/^\/(.*\/)?$/.test(base)) {
    throw new RangeError(`invalid base: ${JSON.stringify(base)} (expected "/" or "/x/")`);
  }
  // dev: read each file when asked (tests rebuild between runs) and send `no-store`.
  const files = sirv(root, { dev: true, dotfiles: false });
  const notFound = (/** @type {import('node:http').ServerResponse} */ res) =>
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');

  const server = createServer((req, res) => {
    const raw = req.url ?? '/';
    const query = raw.indexOf('?');
    const pathname = query < 0 ? raw : raw.slice(0, query);
    let path = pathname;
    try {
      path = decodeURIComponent(pathname);
    } catch {
      // A malformed escape: report the raw path; sirv will not find it either.
    }
    hooks.onRequest?.(path);
    const forced = hooks.override?.(path);
    if (forced) {
      res.writeHead(forced.status, { 'content-type': forced.type ?? 'text/plain' });
      res.end(forced.body ?? '');
      return;
    }
    if (pathname === base.slice(0, -1)) {
      res.writeHead(301, { location: base }).end();
      return;
    }
    if (!pathname.startsWith(base)) {
      notFound(res);
      return;
    }
    req.url = `/${raw.slice(base.length)}`;
    files(req, res, () => notFound(res));
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(undefined)));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections();
        server.close(() => ok(undefined));
      }),
  };
}
