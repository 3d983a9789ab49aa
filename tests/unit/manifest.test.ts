/**
 * The elements' contract is their JSDoc: the Custom Elements Manifest generated from it
 * (`npm run manifest`, custom-elements-manifest.config.mjs) must describe every public
 * property, attribute and event of every pw-* element, and list every event the source fires.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as z from 'zod/mini';
import { beforeAll, describe, expect, it } from 'vitest';

const Described = z.object({ name: z.string(), description: z.optional(z.string()) });
const Member = z.object({
  kind: z.string(),
  name: z.string(),
  description: z.optional(z.string()),
  privacy: z.optional(z.string()),
  static: z.optional(z.boolean()),
});
const Declaration = z.object({
  name: z.string(),
  tagName: z.optional(z.string()),
  customElement: z.optional(z.boolean()),
  members: z.optional(z.array(Member)),
  attributes: z.optional(z.array(Described)),
  events: z.optional(z.array(Described)),
});
const Manifest = z.object({
  modules: z.array(z.object({ path: z.string(), declarations: z.optional(z.array(Declaration)) })),
});
type Element = z.infer<typeof Declaration> & { path: string };

const COMPONENTS = 'src/components';

/** Runs the analyzer as `npm run manifest` does and reads what it wrote. */
function generateManifest(): Element[] {
  const cli = fileURLToPath(import.meta.resolve('@custom-elements-manifest/analyzer/cem.js'));
  execFileSync(
    process.execPath,
    [cli, 'analyze', '--config', 'custom-elements-manifest.config.mjs', '--quiet'],
    { stdio: 'inherit' },
  );
  const manifest = Manifest.parse(
    JSON.parse(readFileSync('test-output/custom-elements.json', 'utf8')),
  );
  return manifest.modules.flatMap((m) =>
    (m.declarations ?? []).filter((d) => d.customElement).map((d) => ({ ...d, path: m.path })),
  );
}

/** Event names a source file fires: `emit(this, 'x'`, `new CustomEvent('x'` or an announcing task. */
function firedEvents(source: string): string[] {
  const named = [
    ...source.matchAll(
      /(?:emit(?:<[^>]*>)?\(\s*this,|new CustomEvent(?:<[^>]*>)?\()\s*'([\w-]+)'/g,
    ),
  ];
  const names = named.map((m) => m[1] ?? '');
  if (/announce:\s*true/.test(source)) names.push('pw-computed');
  return [...new Set(names)];
}

const undocumented = (items: readonly { name: string; description?: string | undefined }[]) =>
  items.filter((i) => !i.description?.trim()).map((i) => i.name);

describe('the custom elements manifest', () => {
  let elements: Element[] = [];
  beforeAll(() => {
    elements = generateManifest();
  });

  it('lists every pw-* element under its tag name (file name = tag name)', () => {
    const files = readdirSync(COMPONENTS).filter((f) => /^pw-.*\.ts$/.test(f));
    expect(files.length).toBeGreaterThan(20);
    expect(elements.map((e) => `${e.tagName ?? '?'}.ts`).sort()).toEqual(files.sort());
  });

  it('documents every public property and attribute of every element', () => {
    const missing = elements.flatMap((e) => {
      const fields = (e.members ?? []).filter(
        (m) => m.kind === 'field' && !m.static && (m.privacy ?? 'public') === 'public',
      );
      return [
        ...undocumented(fields).map((n) => `${e.tagName ?? e.name} property ${n}`),
        ...undocumented(e.attributes ?? []).map((n) => `${e.tagName ?? e.name} attribute ${n}`),
      ];
    });
    expect(missing).toEqual([]);
  });

  it('documents every event each element fires (@fires)', () => {
    const missing = elements.flatMap((e) => {
      const listed = e.events ?? [];
      const fired = firedEvents(readFileSync(e.path, 'utf8'));
      return [
        ...fired
          .filter((name) => !listed.some((l) => l.name === name))
          .map((n) => `${e.tagName ?? e.name} fires ${n} (no @fires)`),
        ...undocumented(listed).map((n) => `${e.tagName ?? e.name} event ${n}`),
      ];
    });
    expect(missing).toEqual([]);
  });

  it('sees the events the source fires (the scan itself finds them)', () => {
    const network = readFileSync(`${COMPONENTS}/pw-network.ts`, 'utf8');
    expect(firedEvents(network)).toEqual(expect.arrayContaining(['pw-layer', 'pw-computed']));
  });
});
