// `npm run bench:ops`: times the numerics core (src/lib ops) in headless Chromium on the WebGL
// (SwiftShader) and CPU backends on a 256x256x3 photo, prints a table and writes
// bench-output/ops.json. A benchmark, not a test: it asserts nothing.
import { build } from 'esbuild';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { launchChromium } from './lib/chromium.mjs';
import { serveStatic } from './lib/serve.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const PHOTO = join(ROOT, 'public/images/photos/chelsea.jpg');
const BUDGET_MS = Number(process.env.BENCH_BUDGET_MS ?? 1500); // timed calls per op, per backend

const dir = await mkdtemp(join(tmpdir(), 'bench-ops-'));
try {
  await build({
    entryPoints: [join(ROOT, 'scripts/bench-ops-entry.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outfile: join(dir, 'ops.js'),
    logLevel: 'warning',
  });
  const hasPhoto = existsSync(PHOTO);
  if (hasPhoto) await copyFile(PHOTO, join(dir, 'photo.jpg'));
  await writeFile(
    join(dir, 'index.html'),
    '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>ops bench</title><script type="module" src="ops.js"></script>',
  );
  const server = await serveStatic(dir);
  const browser = await launchChromium({ webgl: true });
  try {
    const page = await browser.newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    page.on('console', (m) => console.error(`  [page] ${m.text()}`));
    await page.goto(`${server.url}/index.html`);
    await page.waitForFunction(() => typeof window.runOpsBench === 'function');
    const result = await page.evaluate(
      ([url, budget]) => window.runOpsBench(url, budget),
      [hasPhoto ? 'photo.jpg' : null, BUDGET_MS],
    );
    result.source = hasPhoto
      ? 'public/images/photos/chelsea.jpg (centre crop, 256x256)'
      : result.source;
    printTable(result);
    await mkdir(join(ROOT, 'bench-output'), { recursive: true });
    await writeFile(join(ROOT, 'bench-output/ops.json'), JSON.stringify(result, null, 2) + '\n');
    console.log('\nwrote bench-output/ops.json');
  } finally {
    await browser.close();
    await server.close();
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}

function printTable({ source, renderer, tfjs, rows, agreement, switchesNotAtMaximum }) {
  console.log(`input: ${source}; tfjs ${tfjs}; WebGL renderer: ${renderer}`);
  console.log('ms per call include awaiting data() (GPU completion + download)\n');
  const header = [
    'op',
    'backend',
    'median ms',
    'p95 ms',
    'kernels',
    'calls',
    'max |webgl - cpu| per output',
  ];
  const lines = rows.map((r) => [
    r.op,
    r.backend,
    r.medianMs.toFixed(2),
    r.p95Ms.toFixed(2),
    String(r.kernels),
    String(r.calls),
    r.backend === 'webgl'
      ? (agreement.find((a) => a.op === r.op)?.outputs ?? [])
          .map((o) => `${o.maxAbsDiff.toExponential(1)} (${o.differing}/${o.size} differ)`)
          .join('; ')
      : '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells) => '| ' + cells.map((c, i) => c.padEnd(widths[i])).join(' | ') + ' |';
  console.log(fmt(header));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const l of lines) console.log(fmt(l));
  console.log(
    `\nswitches not pointing at their window maximum: webgl ${switchesNotAtMaximum.webgl}, cpu ${switchesNotAtMaximum.cpu}`,
  );
}
