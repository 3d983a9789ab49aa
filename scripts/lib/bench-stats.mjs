// Statistics and sizes for `npm run bench`: quantiles of timings, gzip bytes of the JS a page
// loaded, bytes under a folder.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { DIST } from './bench-settings.mjs';

export const quantile = (xs, q) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
};

/** Gzip bytes of each same-origin JS file, read from dist/ by URL path. */
export function gzipBytes(path) {
  const file = join(DIST, path);
  return existsSync(file) ? gzipSync(readFileSync(file)).length : 0;
}

export function dirBytes(dir) {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir, { withFileTypes: true }).reduce(
    (sum, d) =>
      sum + (d.isDirectory() ? dirBytes(join(dir, d.name)) : statSync(join(dir, d.name)).size),
    0,
  );
}
