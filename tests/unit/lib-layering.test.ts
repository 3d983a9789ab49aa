/**
 * The layering rule as a test: src/lib is pure TypeScript and tfjs-core; only src/lib/browser
 * may touch the DOM (canvas, images, the page), and nothing in src/lib imports Lit.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const LIB = 'src/lib';
const BROWSER = join(LIB, 'browser');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name);
    if (d.isDirectory()) return path === BROWSER ? [] : sourceFiles(path);
    return /\.ts$/.test(d.name) ? [path] : [];
  });
}

/** The code without its comments (prose may say "window" or "document"). */
function code(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
}

/** What a module outside lib/browser must not contain, each with why. */
const FORBIDDEN: readonly [RegExp, string][] = [
  [/from\s+['"]lit(\/[^'"]*)?['"]|import\s+['"]lit/, 'imports lit'],
  [/from\s+['"](\.\.?\/)+(components|browser)\//, 'imports a DOM layer'],
  // (`window` alone is a fine local name: a pooling window.)
  [
    /\b(document|navigator|globalThis\.(document|window))\s*\.|\bwindow\.(document|location|addEventListener|matchMedia|devicePixelRatio|innerWidth|getComputedStyle)\b/,
    'touches the page',
  ],
  [
    /\b(HTMLCanvasElement|HTMLImageElement|OffscreenCanvas|ImageBitmap|CanvasRenderingContext2D)\b/,
    'uses canvas or image types',
  ],
  [
    /\b(fromPixels|toPixels|getContext|requestAnimationFrame|customElements)\b/,
    'draws or schedules frames',
  ],
];

describe('src/lib layering', () => {
  const files = sourceFiles(LIB);

  it('finds the library modules, lesson folders included', () => {
    expect(files.length).toBeGreaterThan(30);
    for (const folder of ['pooling', 'upsampling', 'fcn', 'crf']) {
      expect(files).toContain(join(LIB, folder, 'index.ts'));
    }
  });

  it('nothing in src/lib outside lib/browser imports lit or touches the DOM', () => {
    const offences = files.flatMap((file) => {
      const body = code(readFileSync(file, 'utf8'));
      return FORBIDDEN.filter(([pattern]) => pattern.test(body)).map(([, why]) => `${file} ${why}`);
    });
    expect(offences).toEqual([]);
  });

  it('the check itself flags a DOM call and a lit import', () => {
    const flagged = (text: string) => FORBIDDEN.some(([p]) => p.test(code(text)));
    expect(flagged("import { html } from 'lit';")).toBe(true);
    expect(flagged('const c = document.createElement("canvas");')).toBe(true);
    expect(flagged('tf.browser.fromPixels(img)')).toBe(true);
    expect(flagged('// the window slides over the document.\nconst window = 3;')).toBe(false);
  });

  it('file names are kebab-case', () => {
    const bad = files.filter((f) => !/^[a-z0-9]+(-[a-z0-9]+)*\.ts$/.test(f.split('/').pop() ?? ''));
    expect(bad).toEqual([]);
  });
});
