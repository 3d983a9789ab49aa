import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Every .ts file under `dir`, recursively. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory()
      ? sources(join(dir, d.name))
      : d.name.endsWith('.ts')
        ? [join(dir, d.name)]
        : [],
  );
}

describe('layering', () => {
  it('nothing in src/lib outside lib/browser imports lit or touches the DOM', () => {
    const offenders = sources('src/lib')
      .filter((f) => !f.startsWith(join('src/lib', 'browser')))
      .filter((f) => {
        const code = readFileSync(f, 'utf8');
        return (
          /from ['"]lit/.test(code) ||
          /\bdocument\.\w|\bHTML\w*Element\b|\bwindow\.(document|location|addEventListener)/.test(
            code,
          )
        );
      });
    expect(offenders).toEqual([]);
  });

  it('no element imports values from another element’s module (only registers its tag or types)', () => {
    const offenders = sources('src/components').flatMap((f) =>
      [
        ...readFileSync(f, 'utf8').matchAll(
          /^import\s+(?!type\b)[^'"]*?from\s+['"]\.\/(pw-[\w-]+)['"]/gm,
        ),
      ].map((m) => `${f} imports from ${m[1]}`),
    );
    expect(offenders).toEqual([]);
  });
});
