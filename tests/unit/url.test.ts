/**
 * Deploy anywhere: every URL the site emits is built by withBase() (src/lib/url.ts), and no
 * root-absolute URL is written anywhere in src/ (it would escape a sub-path build).
 * tests/browser/base-path.test.ts checks the built site under a sub-path.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BASE_PATH, withBase } from '../../src/lib/url';
import { LESSONS, neighbours } from '../../src/lessons';

/**
 * Root-absolute URL literals in source text, comments removed: a quote, backtick or `url(`
 * followed by `/` and a path character (`"/pooling/"`, `` `/images/${f}` ``), and an
 * href/src attribute that is exactly `/`. Protocol-relative `//host` is not matched here.
 */
function rootAbsoluteUrls(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|\s)\/\/.*$/gm, '$1');
  const literal = /(?:["'`]|\burl\()\/[\w.~%-][^"'`\s)]*/g;
  const bareRoot = /\b(?:href|src)=\{?["'`]\/["'`]/g;
  return [...code.matchAll(literal), ...code.matchAll(bareRoot)].map((m) => m[0]);
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory()
      ? sourceFiles(join(dir, d.name))
      : /\.(ts|astro|js|mjs|css)$/.test(d.name)
        ? [join(dir, d.name)]
        : [],
  );
}

describe('withBase', () => {
  it('puts a site-relative path under the base path (the root base under Vitest)', () => {
    expect(BASE_PATH).toBe('/');
    expect(withBase('pooling/')).toBe('/pooling/');
    expect(withBase('images/photos/chelsea.jpg')).toBe('/images/photos/chelsea.jpg');
    expect(withBase('')).toBe('/');
  });

  it('refuses root-absolute and absolute URLs, naming the value', () => {
    expect(() => withBase('/pooling/')).toThrow('invalid path: "/pooling/"');
    expect(() => withBase('https://example.org/x')).toThrow(
      'invalid path: "https://example.org/x"',
    );
  });

  it('gives every lesson its URL from its path', () => {
    expect(LESSONS.map((l) => l.href)).toEqual(LESSONS.map((l) => `/${l.path}`));
    expect(new Set(LESSONS.map((l) => l.path)).size).toBe(LESSONS.length);
  });

  it("finds a lesson's neighbours by its path, and refuses a root-absolute one", () => {
    const { prev, next } = neighbours('pooling/');
    expect([prev?.path, next?.path]).toEqual(['', 'zero-insertion/']);
    expect(neighbours('').prev).toBeUndefined();
    expect(() => neighbours('/pooling/')).toThrow('invalid path: "/pooling/"');
  });
});

describe('no root-absolute URL in src/', () => {
  it('the scan finds the URLs it must refuse', () => {
    expect(
      rootAbsoluteUrls(
        [
          '<a href="/pooling/">',
          '<a href="/">home</a>',
          "const u = '/images/photos/chelsea.jpg';",
          'const v = `/images/scenes/${f}`;',
          'src: url(/fonts/a.woff2);',
        ].join('\n'),
      ),
    ).toEqual([
      '"/pooling/',
      "'/images/photos/chelsea.jpg",
      '`/images/scenes/${f}',
      'url(/fonts/a.woff2',
      'href="/"',
    ]);
    expect(
      rootAbsoluteUrls(
        "// see '/x'\nconst re = /\\/?$/; withBase('pooling/'); s.replace(re, '/');",
      ),
    ).toEqual([]);
  });

  it('every file under src/ and public/theme.js builds its URLs with withBase', () => {
    const found = [...sourceFiles('src'), 'public/theme.js'].flatMap((file) =>
      rootAbsoluteUrls(readFileSync(file, 'utf8')).map((url) => `${file}: ${url}`),
    );
    expect(found).toEqual([]);
  });
});
