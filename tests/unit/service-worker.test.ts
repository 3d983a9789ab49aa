import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serviceWorkerSource } from '../../scripts/service-worker.mjs';

/** A tiny build: a home page, one lesson, an asset, a source map and a stale sw.js. */
function fakeBuild(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pw-sw-'));
  mkdirSync(join(dir, 'pooling'));
  mkdirSync(join(dir, 'weights'));
  writeFileSync(join(dir, 'index.html'), '<h1>home</h1>');
  writeFileSync(join(dir, 'pooling', 'index.html'), '<h1>pooling</h1>');
  writeFileSync(join(dir, 'weights', 'shard.bin'), 'abc');
  writeFileSync(join(dir, 'weights', 'x.js.map'), '{}');
  writeFileSync(join(dir, 'sw.js'), 'old');
  return dir;
}

const constant = (source: string, name: string): unknown =>
  JSON.parse(new RegExp(`const ${name} = ([^;]*);`).exec(source)?.[1] ?? 'null');

describe('serviceWorkerSource', () => {
  it('lists every file under the base, pages as their directory, without the worker or maps', async () => {
    const source = await serviceWorkerSource(fakeBuild(), '/pixelwise');
    expect(constant(source, 'BASE')).toBe('/pixelwise/');
    expect(constant(source, 'FILES')).toEqual(['', 'pooling/', 'weights/shard.bin']);
    expect(source).toContain("addEventListener('fetch'");
  });

  it('changes the version when any file changes, and only then', async () => {
    const dir = fakeBuild();
    const first = constant(await serviceWorkerSource(dir, '/'), 'VERSION');
    expect(constant(await serviceWorkerSource(dir, '/'), 'VERSION')).toBe(first);
    writeFileSync(join(dir, 'weights', 'shard.bin'), 'abd');
    const second = constant(await serviceWorkerSource(dir, '/'), 'VERSION');
    expect(second).toMatch(/^[0-9a-f]{16}$/);
    expect(second).not.toBe(first);
  });
});
