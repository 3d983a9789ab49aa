// `npm run bench`: how fast the built site responds, page by page, in headless Chromium with
// WebGL (SwiftShader) and without WebGL (the WASM / CPU fallback). For every lesson page and
// every live element with a slider: slider input to updated frame (median, p95 over 50 moves),
// tensors created, kernels run and bytes read back per update; first paint, first computed
// figure, JS bytes (gzip) the page loaded, weights bytes; tensors and JS heap after 1000 moves.
// Prints a table and writes bench-output/bench.json. A benchmark, not a test: it asserts nothing.
//
// Options (environment): BENCH_MOVES (default 50), BENCH_SOAK (default 1000), BENCH_SLIDER_S and
// BENCH_SOAK_S (time caps, default 15 and 90 s), BENCH_BUILD=1 to rebuild dist/ first (default:
// reuse dist/ if it exists), BENCH_PAGES and BENCH_CONFIGS (comma-separated page hrefs and
// config labels, default all) to run a subset. Long tasks: see scripts/lib/longtasks.mjs.
// BENCH_TRAIN_S (default 30; 0 skips): seconds of live decoder training per backend (webgl, wasm,
// cpu) on the bilinear page, printed as steps per second.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findChrome, launchChromium } from './lib/chromium.mjs';
import { serveStatic } from './lib/serve.mjs';
import { benchPage } from './lib/bench-page.mjs';
import { fmt, printTables } from './lib/bench-print.mjs';
import { DIST, MOVES, ROOT, SOAK } from './lib/bench-settings.mjs';
import { dirBytes } from './lib/bench-stats.mjs';
import { printLongTasks } from './lib/longtasks.mjs';
import { benchTraining, printTraining } from './lib/bench-train.mjs';
import { LESSONS } from '../src/lessons.ts';

if (process.env.BENCH_BUILD === '1' || !existsSync(join(DIST, 'index.html'))) {
  execSync('npm run build', { cwd: ROOT, stdio: 'inherit' });
}

/** Heap figures and a gc() the soak can call before reading them. */
const MEMORY_FLAGS = ['--enable-precise-memory-info', '--js-flags=--expose-gc'];

const server = await serveStatic(DIST);
const results = [];
const training = [];
let renderer = null;
try {
  // Software WebGL forced, the page's own choice (WASM on a software GPU), and no WebGL at all.
  const CONFIGS = [
    { label: 'WebGL (forced)', query: '?backend=webgl', noWebgl: false },
    { label: 'auto', query: '', noWebgl: false },
    { label: 'no WebGL', query: '', noWebgl: true },
  ];
  const only = (name) => process.env[name]?.split(',').map((x) => x.trim());
  for (const config of CONFIGS.filter((c) => only('BENCH_CONFIGS')?.includes(c.label) ?? true)) {
    const { noWebgl, label } = config;
    const browser = await launchChromium({ webgl: !noWebgl, args: MEMORY_FLAGS });
    try {
      for (const { href } of LESSONS.filter((l) => only('BENCH_PAGES')?.includes(l.href) ?? true)) {
        process.stderr.write(`bench ${href} (${label})…\n`);
        try {
          results.push(await benchPage(browser, server.url, href, config));
        } catch (error) {
          // One page failing (a timeout, a rebuild under our feet) should not lose the others.
          const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
          process.stderr.write(`  failed: ${message}\n`);
          results.push({ page: href, config: label, error: message });
        }
      }
      if (!noWebgl && renderer === null) {
        const page = await browser.newPage();
        renderer = await page.evaluate(() => {
          const gl = document.createElement('canvas').getContext('webgl2');
          const ext = gl?.getExtension('WEBGL_debug_renderer_info');
          return ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : null;
        });
        await page.close();
      }
    } finally {
      await browser.close();
    }
  }
  // Train it yourself: steps per second on software WebGL, WASM and the CPU backend.
  const trainSeconds = Number(process.env.BENCH_TRAIN_S ?? 30);
  if (trainSeconds > 0) {
    const browser = await launchChromium({ webgl: true });
    try {
      for (const query of ['?backend=webgl', '?backend=wasm', '?backend=cpu']) {
        process.stderr.write(`bench training ${query}…\n`);
        try {
          training.push(await benchTraining(browser, server.url, query, trainSeconds));
        } catch (error) {
          const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
          training.push({ query, error: message });
        }
      }
    } finally {
      await browser.close();
    }
  }
} finally {
  await server.close();
}

printTables(results);
printLongTasks(results);
printTraining(training);
const out = {
  date: new Date().toISOString(),
  chromium: findChrome(),
  renderer,
  moves: MOVES,
  soak: SOAK,
  weightsBytesInDist: dirBytes(join(DIST, 'weights')),
  notes: [
    'latency: input event -> element pw-computed event -> next requestAnimationFrame',
    'tensors/update: tensor ids consumed per update (every tensor created, intermediates included)',
    'kernels/update: engine.runKernel calls (top-level kernels; fused backend internals not counted)',
    'bytes read/update: backend read/readSync results (GPU -> CPU downloads on WebGL)',
    'tensor delta: tf.memory().numTensors after the moves minus before (0 = no leak)',
    'SwiftShader renders WebGL on the CPU: absolute WebGL times are far slower than a real GPU',
  ],
  results,
  training,
};
await mkdir(join(ROOT, 'bench-output'), { recursive: true });
await writeFile(join(ROOT, 'bench-output/bench.json'), JSON.stringify(out, null, 2) + '\n');
console.log(`\nweights in dist/weights: ${fmt(out.weightsBytesInDist / 1024)} KB`);
console.log('wrote bench-output/bench.json');
