// @ts-check
/**
 * An Astro integration that writes the service worker (scripts/sw-template.js) into the build
 * as `sw.js`, with the list of every file the build emitted and a version hash of their contents.
 * It runs inside `astro build`, so every build (any base path, any outDir) gets a matching worker.
 */
import { createHash } from 'node:crypto';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TEMPLATE = new URL('./sw-template.js', import.meta.url);
/** Not cached: the worker itself, and source maps. */
const SKIP = /^sw\.js$|\.map$/;

/**
 * Every file under `dir`, as paths relative to it with forward slashes, sorted.
 * @param {string} dir
 */
async function listFiles(dir) {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'))
    .filter((p) => !SKIP.test(p))
    .sort();
}

/**
 * The worker's source for the build in `dir` under `base`: the template with VERSION (the first
 * 16 hex digits of a SHA-256 over every file's path and contents), BASE and FILES. A page's
 * `x/index.html` is listed as `x/`, the URL readers navigate to.
 * @param {string} dir
 * @param {string} base
 * @returns {Promise<string>}
 */
export async function serviceWorkerSource(dir, base) {
  const files = await listFiles(dir);
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(file);
    hash.update(await readFile(join(dir, file)));
  }
  const urls = files.map((f) => (f === 'index.html' ? '' : f.replace(/(^|\/)index\.html$/, '$1')));
  const template = await readFile(TEMPLATE, 'utf8');
  const header =
    `const VERSION = ${JSON.stringify(hash.digest('hex').slice(0, 16))};\n` +
    `const BASE = ${JSON.stringify(base.replace(/\/?$/, '/'))};\n` +
    `const FILES = ${JSON.stringify(urls, null, 1)};\n`;
  return header + template;
}

/** @returns {import('astro').AstroIntegration} */
export function serviceWorker() {
  let base = '/';
  return {
    name: 'pixelwise-service-worker',
    hooks: {
      'astro:config:done': ({ config }) => {
        base = config.base;
      },
      'astro:build:done': async ({ dir, logger }) => {
        const out = fileURLToPath(dir);
        const source = await serviceWorkerSource(out, base);
        await writeFile(join(out, 'sw.js'), source);
        const count = (source.match(/^ "/gm) ?? []).length;
        logger.info(`sw.js: ${count} files, ${source.slice(17, 33)}`);
      },
    },
  };
}
