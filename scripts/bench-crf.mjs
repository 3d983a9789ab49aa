// `npm run bench:crf` (after scripts/bench-crf-node.ts, the same in Node): times dense-CRF mean
// field (10 iterations, the tuned setting) in headless Chromium without a GPU: the tfjs path on
// the WebGL (SwiftShader here), WASM and CPU backends (BENCH_BACKENDS=webgl,wasm,cpu) and the
// typed-array path, on public/images/photos/chelsea.jpg with a noisy stand-in unary. Prints a
// table and writes bench-output/crf.json. A benchmark, not a test: it asserts nothing.
import { build } from 'esbuild';
import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { launchChromium } from './lib/chromium.mjs';
import { serveStatic } from './lib/serve.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const PHOTO = join(ROOT, 'public/images/photos/chelsea.jpg');
// Timed runs (up to 5) while a configuration has used less than this many ms; a configuration
// whose first (shader-compiling) run alone takes longer is reported from that run, as cold.
const BUDGET_MS = Number(process.env.BENCH_BUDGET_MS ?? 8000);
const BACKENDS = (process.env.BENCH_BACKENDS ?? 'webgl,wasm,cpu').split(',');
const WASM_DIR = join(ROOT, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');

const dir = await mkdtemp(join(tmpdir(), 'bench-crf-'));
try {
  await build({
    entryPoints: [join(ROOT, 'scripts/bench-crf-entry.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outfile: join(dir, 'crf.js'),
    logLevel: 'warning',
  });
  await copyFile(PHOTO, join(dir, 'photo.jpg'));
  for (const f of await readdir(WASM_DIR)) {
    if (f.endsWith('.wasm')) await copyFile(join(WASM_DIR, f), join(dir, f));
  }
  await writeFile(
    join(dir, 'index.html'),
    '<!doctype html><meta charset="utf-8"><title>crf bench</title><script type="module" src="crf.js"></script>',
  );
  const server = await serveStatic(dir);
  const browser = await launchChromium({ webgl: true });
  try {
    const page = await browser.newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    page.on('console', (m) => console.error(`  [page] ${m.text()}`));
    await page.goto(`${server.url}/index.html`);
    await page.waitForFunction(() => typeof window.runCrfBench === 'function');
    const started = Date.now();
    const result = await page.evaluate(
      ([url, budget, backends]) => window.runCrfBench(url, budget, backends),
      ['photo.jpg', BUDGET_MS, BACKENDS],
    );
    result.source = 'public/images/photos/chelsea.jpg (centre crop), noisy unary, tuned setting';
    result.wallSeconds = (Date.now() - started) / 1000;
    for (const backend of BACKENDS) {
      const at = (size, method) =>
        result.rows.find((r) => r.backend === backend && r.size === size && r.method === method);
      const exact = at(64, 'exact');
      for (const filter of ['lattice', 'grid']) {
        const fast = at(64, filter);
        if (exact && fast) fast.exactOverFast = exact.medianMs / fast.medianMs;
        const big = at(256, filter);
        const lattice = at(256, 'lattice');
        if (filter === 'grid' && big && lattice)
          big.gridOverLattice = big.medianMs / lattice.medianMs;
      }
    }
    printTable(result);
    await mkdir(join(ROOT, 'bench-output'), { recursive: true });
    await writeFile(join(ROOT, 'bench-output/crf.json'), JSON.stringify(result, null, 2) + '\n');
    console.log('\nwrote bench-output/crf.json');
  } finally {
    await browser.close();
    await server.close();
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}

function printTable({ source, renderer, tfjs, rows, agreement, wallSeconds }) {
  console.log(`input: ${source}; tfjs ${tfjs}; WebGL renderer: ${renderer}`);
  console.log('ms per inference = prepare (features, lattice or kernel matrix) + 10 steps, each');
  console.log('step reading back its energy and label changes; median over timed runs\n');
  const header = [
    'backend',
    'size',
    'labels',
    'method',
    'vertices',
    'prepare ms',
    'iterate ms',
    'median ms',
    'runs',
    'exact/this',
    'grid/lattice',
  ];
  const lines = rows.map((r) => [
    r.backend,
    `${r.size}x${r.size}`,
    String(r.labelCount),
    r.method,
    r.method === 'exact' || r.method === 'typed-array' ? '' : String(r.gridVertices),
    r.prepareMs.toFixed(0),
    r.iterateMs.toFixed(0),
    r.medianMs.toFixed(0),
    r.cold ? '1 (cold)' : String(r.runs),
    r.exactOverFast ? `${r.exactOverFast.toFixed(1)}x` : '',
    r.gridOverLattice ? `${r.gridOverLattice.toFixed(1)}x` : '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells) => '| ' + cells.map((c, i) => c.padEnd(widths[i])).join(' | ') + ' |';
  console.log(fmt(header));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const l of lines) console.log(fmt(l));
  const pct = (x) => (Number.isFinite(x) ? `${(100 * x).toFixed(2)}%` : 'n/a');
  for (const a of agreement) {
    console.log(
      a.backend === 'none'
        ? `typed-array: label agreement with exact (CPU backend) at 64x64: ${pct(a.typedArrayVsExactLabelAgreement64)}`
        : `${a.backend}: label agreement with its exact path at 64x64: lattice ${pct(a.latticeVsExactLabelAgreement64)}, grid ${pct(a.gridVsExactLabelAgreement64)}; with the CPU backend's exact path: lattice ${pct(a.latticeVsCpuExactLabelAgreement64)}, exact ${pct(a.exactVsCpuExactLabelAgreement64)}`,
    );
  }
  console.log(`wall time in the page: ${wallSeconds.toFixed(0)} s`);
}
