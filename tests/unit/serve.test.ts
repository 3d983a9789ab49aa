/**
 * The static server the browser tests and benchmarks use (scripts/lib/serve.mjs): files inside
 * its root only, under an optional base path, with the fault-test hooks.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveStatic } from '../../scripts/lib/serve.mjs';

/** GET `path` sent exactly as written (fetch and URL would resolve the dot segments first). */
function rawGet(url: string, path: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((ok, fail) => {
    const req = request({ hostname, port, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => ok({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

// A served folder `site/`, a sibling whose name starts with it, and a file beside both.
const dir = mkdtempSync(join(tmpdir(), 'pw-serve-'));
const CLIMBS = [
  '/../outside.txt',
  '/a/../../outside.txt',
  '/%2e%2e/outside.txt',
  '/%2E%2E/site-secret/secret.txt',
  '/..%2foutside.txt',
  '/..%2fsite-secret/secret.txt',
  '/../site-secret/secret.txt',
];

beforeAll(() => {
  mkdirSync(join(dir, 'site', 'a'), { recursive: true });
  mkdirSync(join(dir, 'site-secret'));
  writeFileSync(join(dir, 'site', 'index.html'), '<title>home</title>');
  writeFileSync(join(dir, 'site', 'a', 'b.txt'), 'inside');
  writeFileSync(join(dir, 'site-secret', 'secret.txt'), 'secret');
  writeFileSync(join(dir, 'outside.txt'), 'secret');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('serveStatic at the root base', () => {
  it('serves files and folder indexes inside its root', async () => {
    const server = await serveStatic(join(dir, 'site'));
    try {
      expect(await rawGet(server.url, '/a/b.txt')).toEqual({ status: 200, body: 'inside' });
      expect(await rawGet(server.url, '/')).toEqual({ status: 200, body: '<title>home</title>' });
      expect((await rawGet(server.url, '/missing.txt')).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('refuses /../ paths, encoded or not, to the parent and to a sibling folder', async () => {
    const server = await serveStatic(join(dir, 'site'));
    try {
      for (const path of CLIMBS) {
        const { status, body } = await rawGet(server.url, path);
        const refused = status === 403 || status === 404;
        expect({ path, refused, leaked: body.includes('secret') }).toEqual({
          path,
          refused: true,
          leaked: false,
        });
      }
    } finally {
      await server.close();
    }
  });

  it('passes every path to onRequest and lets override replace a response', async () => {
    const seen: string[] = [];
    const server = await serveStatic(join(dir, 'site'), {
      onRequest: (path) => seen.push(path),
      override: (path) => (path === '/a/b.txt' ? { status: 503, body: 'down' } : undefined),
    });
    try {
      expect(await rawGet(server.url, '/a/b.txt')).toEqual({ status: 503, body: 'down' });
      expect((await rawGet(server.url, '/a%20c.txt')).status).toBe(404);
      expect(seen).toEqual(['/a/b.txt', '/a c.txt']);
    } finally {
      await server.close();
    }
  });
});

describe('serveStatic under a base path', () => {
  it('serves the root under the base only, and still refuses climbs out of it', async () => {
    const server = await serveStatic(join(dir, 'site'), { base: '/sub/' });
    try {
      expect(await rawGet(server.url, '/sub/a/b.txt')).toEqual({ status: 200, body: 'inside' });
      expect((await rawGet(server.url, '/sub/')).status).toBe(200);
      expect((await rawGet(server.url, '/sub')).status).toBe(301);
      expect((await rawGet(server.url, '/a/b.txt')).status).toBe(404);
      expect((await rawGet(server.url, '/')).status).toBe(404);
      for (const climb of CLIMBS) {
        const path = `/sub${climb}`;
        const { status, body } = await rawGet(server.url, path);
        const refused = status === 403 || status === 404;
        expect({ path, refused, leaked: body.includes('secret') }).toEqual({
          path,
          refused: true,
          leaked: false,
        });
      }
    } finally {
      await server.close();
    }
  });

  it('rejects a base without leading and trailing slashes, naming it', async () => {
    await expect(serveStatic(join(dir, 'site'), { base: 'sub' })).rejects.toThrow(
      'invalid base: "sub"',
    );
  });
});
