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
import { execSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { findChrome } from './lib/chromium.mjs';
import { serveStatic } from './lib/serve.mjs';
import {
  longTasksBetween,
  mergeLongTasks,
  pageNow,
  printLongTasks,
  recordLongTasks,
} from './lib/longtasks.mjs';
import { LESSONS } from '../src/lessons.ts';

const ROOT = resolve(import.meta.dirname, '..');
const DIST = join(ROOT, 'dist');
const MOVES = Number(process.env.BENCH_MOVES ?? 50);
const SOAK = Number(process.env.BENCH_SOAK ?? 1000);
// Wall-clock caps (seconds) per slider and for the soak; the tables say how many moves ran.
const SLIDER_BUDGET_S = Number(process.env.BENCH_SLIDER_S ?? 15);
const SOAK_BUDGET_S = Number(process.env.BENCH_SOAK_S ?? 90);

if (process.env.BENCH_BUILD === '1' || !existsSync(join(DIST, 'index.html'))) {
  execSync('npm run build', { cwd: ROOT, stdio: 'inherit' });
}

const FLAGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-dev-shm-usage',
  '--disable-gpu',
  '--enable-precise-memory-info',
  '--js-flags=--expose-gc',
];

/** Same simulation as tests/browser/page-helpers.ts: getContext('webgl*') returns null. */
function disableWebgl() {
  for (const proto of [HTMLCanvasElement.prototype, OffscreenCanvas.prototype]) {
    const original = proto.getContext;
    Object.defineProperty(proto, 'getContext', {
      value(id, ...rest) {
        if (/^(webgl2?|experimental-webgl)$/.test(id)) return null;
        return original.call(this, id, ...rest);
      },
    });
  }
}

/** Timestamps every `pw-computed` event by its element, from the first script on. */
function recordComputed() {
  globalThis.__pwComputedAt = [];
  document.addEventListener(
    'pw-computed',
    (e) => {
      const el = e.composedPath()[0];
      el.__pwComputed = (el.__pwComputed ?? 0) + 1;
      globalThis.__pwComputedAt.push(performance.now());
    },
    true,
  );
}

/**
 * In the page: moves slider `s` of live element `h` `moves` times (bouncing between its ends),
 * timing input event -> element's pw-computed -> next animation frame, and counting tensors
 * created (tensor id delta), kernels dispatched (engine.runKernel calls) and bytes read back
 * (backend read/readSync) per update.
 */
async function moveSlider({ h, s, moves, timeoutMs, budgetMs }) {
  const hosts = [...document.querySelectorAll('*')].filter(
    (el) => el.tagName.startsWith('PW-') && el.shadowRoot && el.tagName !== 'PW-BACKEND-STATUS',
  );
  const host = hosts[h];
  const sliderLabel = (el) => {
    const label = el.closest('label')?.cloneNode(true);
    label?.querySelectorAll('output, input').forEach((n) => n.remove());
    const text = el.getAttribute('aria-label') ?? label?.textContent ?? '';
    return text.replace(/\s+/g, ' ').trim().slice(0, 40);
  };
  const input = host.shadowRoot.querySelectorAll('input[type=range]')[s];
  const tf = globalThis.pixelwise.tf;
  const engine = tf.engine();
  const backend = tf.backend();
  let kernels = 0;
  let readBytes = 0;
  let reads = 0;
  const origRunKernel = engine.runKernel;
  engine.runKernel = function (...args) {
    kernels++;
    return origRunKernel.apply(this, args);
  };
  const origRead = backend.read;
  const origReadSync = backend.readSync;
  let depth = 0;
  const count = (values) => {
    if (depth === 0 && values) {
      reads++;
      readBytes += values.byteLength ?? values.length * 4;
    }
  };
  backend.read = async function (...args) {
    depth++;
    try {
      const v = await origRead.apply(this, args);
      depth--;
      count(v);
      return v;
    } catch (e) {
      depth--;
      throw e;
    }
  };
  backend.readSync = function (...args) {
    depth++;
    try {
      const v = origReadSync.apply(this, args);
      depth--;
      count(v);
      return v;
    } catch (e) {
      depth--;
      throw e;
    }
  };
  const tensorId = () => {
    const t = tf.scalar(0);
    const id = t.id;
    t.dispose();
    return id;
  };
  const min = Number(input.min || 0);
  const max = Number(input.max || 100);
  const step = Number(input.step) || 1;
  let value = Number(input.value);
  let dir = 1;
  const times = [];
  const tensorsNow = tf.memory().numTensors;
  const id0 = tensorId();
  const k0 = kernels;
  let timedOut = 0;
  try {
    const started = performance.now();
    for (let i = 0; i < moves; i++) {
      // Slow figures (the CRF on WASM) stop early: enough moves for a median, not 50 x seconds.
      if (i >= 5 && performance.now() - started > budgetMs) break;
      if (value + dir * step > max || value + dir * step < min) dir = -dir;
      value += dir * step;
      const done = new Promise((ok) => {
        const timer = setTimeout(() => ok(false), timeoutMs);
        host.addEventListener(
          'pw-computed',
          () => {
            clearTimeout(timer);
            ok(true);
          },
          { once: true },
        );
      });
      const t0 = performance.now();
      input.value = String(value);
      input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
      input.dispatchEvent(new Event('change', { bubbles: true, composed: true }));
      const ok = await done;
      await new Promise((r) => requestAnimationFrame(() => r(undefined)));
      if (!ok) {
        timedOut++;
        if (i === 0) break;
        continue;
      }
      times.push(performance.now() - t0);
    }
  } finally {
    engine.runKernel = origRunKernel;
    backend.read = origRead;
    backend.readSync = origReadSync;
  }
  // Let any update still in flight land before counting live tensors.
  await new Promise((r) => setTimeout(r, 500));
  const updates = Math.max(times.length, 1);
  // The id probe itself makes one tensor, which the delta excludes.
  const created = tensorId() - id0 - 2;
  return {
    label: sliderLabel(input),
    range: [min, max, step],
    times,
    timedOut,
    tensorsCreatedPerUpdate: created / updates,
    kernelsPerUpdate: (kernels - k0) / updates,
    readsPerUpdate: reads / updates,
    bytesReadPerUpdate: readBytes / updates,
    tensorDelta: tf.memory().numTensors - tensorsNow,
  };
}

function scrollToHost(h) {
  const hosts = [...document.querySelectorAll('*')].filter(
    (el) => el.tagName.startsWith('PW-') && el.shadowRoot && el.tagName !== 'PW-BACKEND-STATUS',
  );
  hosts[h]?.scrollIntoView({ block: 'center' });
}

function liveSliders() {
  return [...document.querySelectorAll('*')]
    .filter(
      (el) => el.tagName.startsWith('PW-') && el.shadowRoot && el.tagName !== 'PW-BACKEND-STATUS',
    )
    .map((el, h) => ({
      h,
      tag: el.tagName.toLowerCase(),
      sliders: el.shadowRoot.querySelectorAll('input[type=range]').length,
      computed: el.__pwComputed ?? 0,
    }));
}

const quantile = (xs, q) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
};

/** Gzip bytes of each same-origin JS file, read from dist/ by URL path. */
function gzipBytes(path) {
  const file = join(DIST, path);
  return existsSync(file) ? gzipSync(readFileSync(file)).length : 0;
}

function dirBytes(dir) {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir, { withFileTypes: true }).reduce(
    (sum, d) =>
      sum + (d.isDirectory() ? dirBytes(join(dir, d.name)) : statSync(join(dir, d.name)).size),
    0,
  );
}

async function benchPage(browser, url, href, { noWebgl, query, label }) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  if (noWebgl) await context.addInitScript(disableWebgl);
  await context.addInitScript(recordComputed);
  await context.addInitScript(recordLongTasks);
  await context.route('**/*', (route) => {
    const host = new URL(route.request().url()).hostname;
    return host === '127.0.0.1' ? route.continue() : route.abort();
  });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const requested = new Set();
  page.on('request', (r) => requested.add(new URL(r.url()).pathname));
  await page.goto(url + href + query, { waitUntil: 'load' });
  await page.waitForFunction(
    () => {
      const b = document.querySelector('pw-backend-status')?.shadowRoot?.querySelector('.badge');
      const n = b?.getAttribute('data-backend');
      return n && n !== 'loading';
    },
    undefined,
    { timeout: 120_000 },
  );
  const backend = await page.evaluate(() => globalThis.pixelwise?.tf.getBackend() ?? 'none');
  // Load: navigation until the page at its top is idle (what is near the viewport has drawn).
  await page.waitForFunction(() => (globalThis.pixelwiseActivity?.pending ?? 0) === 0, undefined, {
    timeout: 120_000,
    polling: 100,
  });
  const load = await longTasksBetween(page, 0, await pageNow(page));
  // Wait (up to 60 s) for every element with a slider to compute once...
  const deadline = Date.now() + 60_000;
  let elements = await page.evaluate(liveSliders);
  // ... and for the page's first computed figure, if it has live elements at all.
  const waiting = () =>
    elements.some((e) => e.sliders > 0 && e.computed === 0) ||
    (elements.length > 0 && elements.every((e) => e.computed === 0));
  while (waiting() && Date.now() < deadline) {
    // Figures compute only near the viewport: bring the first one still waiting into view.
    const late = elements.find((e) => e.sliders > 0 && e.computed === 0) ?? elements[0];
    if (late) await page.evaluate(scrollToHost, late.h);
    await page.waitForTimeout(100);
    elements = await page.evaluate(liveSliders);
  }
  const timing = await page.evaluate(() => ({
    fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
    firstComputed: globalThis.__pwComputedAt[0] ?? null,
  }));
  await page.waitForLoadState('networkidle');

  const sliders = [];
  const drags = [];
  for (const el of elements) {
    for (let s = 0; s < el.sliders; s++) {
      await page.evaluate(scrollToHost, el.h);
      // Figures brought near by the scroll compute first: the drag window holds only the drag.
      await page.waitForFunction(
        () => (globalThis.pixelwiseActivity?.pending ?? 0) === 0,
        undefined,
        { timeout: 120_000, polling: 100 },
      );
      const dragFrom = await pageNow(page);
      const r = await page.evaluate(moveSlider, {
        h: el.h,
        s,
        moves: MOVES,
        timeoutMs: 20_000,
        budgetMs: SLIDER_BUDGET_S * 1000,
      });
      drags.push(await longTasksBetween(page, dragFrom, await pageNow(page)));
      sliders.push({
        element: el.tag,
        slider: r.label,
        range: r.range,
        updates: r.times.length,
        timedOut: r.timedOut,
        medianMs: quantile(r.times, 0.5),
        p95Ms: quantile(r.times, 0.95),
        tensorsCreatedPerUpdate: r.tensorsCreatedPerUpdate,
        kernelsPerUpdate: r.kernelsPerUpdate,
        readsPerUpdate: r.readsPerUpdate,
        bytesReadPerUpdate: r.bytesReadPerUpdate,
        tensorDelta: r.tensorDelta,
      });
    }
  }

  let soak = null;
  const first = elements.find((e) => e.sliders > 0 && e.computed > 0);
  if (first && SOAK > 0) {
    const memory = () =>
      page.evaluate(() => {
        globalThis.gc?.();
        return {
          tensors: globalThis.pixelwise.tf.memory().numTensors,
          heapMB: performance.memory ? performance.memory.usedJSHeapSize / 2 ** 20 : null,
        };
      });
    const before = await memory();
    const started = Date.now();
    const r = await page.evaluate(moveSlider, {
      h: first.h,
      s: 0,
      moves: SOAK,
      timeoutMs: 20_000,
      budgetMs: SOAK_BUDGET_S * 1000,
    });
    const after = await memory();
    soak = {
      element: first.tag,
      moves: r.times.length,
      seconds: (Date.now() - started) / 1000,
      medianMs: quantile(r.times, 0.5),
      before,
      after,
    };
  }

  const js = [...requested].filter((p) => /\.m?js$/.test(p));
  const weights = [...requested].filter((p) => p.startsWith('/weights/'));
  await context.close();
  return {
    page: href,
    config: label,
    backend,
    fcpMs: timing.fcp,
    firstComputedMs: timing.firstComputed,
    jsFiles: js.length,
    jsGzipBytes: js.reduce((sum, p) => sum + gzipBytes(p), 0),
    weightsBytesLoaded: weights.reduce(
      (sum, p) => sum + (existsSync(join(DIST, p)) ? statSync(join(DIST, p)).size : 0),
      0,
    ),
    sliders,
    soak,
    longTasks: { load, drags: mergeLongTasks(drags) },
    pageErrors: errors,
  };
}

const fmt = (x, digits = 1) =>
  x === null || x === undefined || Number.isNaN(x) ? '-' : Number(x).toFixed(digits);

function printTables(results) {
  console.log('\nPage load (1280x800; ms from navigation start; JS = gzip bytes of JS loaded)');
  console.log(
    [
      'page',
      'config',
      'backend',
      'FCP ms',
      'first figure ms',
      'JS files',
      'JS gz KB',
      'weights KB',
    ].join(' | '),
  );
  for (const r of results) {
    if (r.error) {
      console.log([r.page, r.config, `failed: ${r.error}`].join(' | '));
      continue;
    }
    console.log(
      [
        r.page,
        r.config,
        r.backend,
        fmt(r.fcpMs, 0),
        fmt(r.firstComputedMs, 0),
        r.jsFiles,
        fmt(r.jsGzipBytes / 1024),
        fmt(r.weightsBytesLoaded / 1024),
      ].join(' | '),
    );
  }
  console.log(
    `\nSlider input -> updated frame, up to ${MOVES} moves or ${SLIDER_BUDGET_S} s per slider`,
  );
  console.log(
    [
      'page',
      'config',
      'element',
      'slider',
      'moves',
      'median ms',
      'p95 ms',
      'tensors/update',
      'kernels/update',
      'reads/update',
      'bytes read/update',
      'tensor delta',
    ].join(' | '),
  );
  for (const r of results) {
    for (const s of r.sliders ?? []) {
      console.log(
        [
          r.page,
          r.config,
          s.element,
          s.slider,
          s.updates,
          fmt(s.medianMs),
          fmt(s.p95Ms),
          fmt(s.tensorsCreatedPerUpdate),
          fmt(s.kernelsPerUpdate),
          fmt(s.readsPerUpdate),
          fmt(s.bytesReadPerUpdate, 0),
          s.tensorDelta,
        ].join(' | ') + (s.timedOut ? ` (${s.timedOut} moves fired no pw-computed)` : ''),
      );
    }
  }
  console.log(`\nAfter ${SOAK} moves (tensors, JS heap MB after gc)`);
  console.log(['page', 'config', 'element', 'moves', 's', 'tensors', 'heap MB'].join(' | '));
  for (const r of results) {
    if (!r.soak) continue;
    const { soak } = r;
    console.log(
      [
        r.page,
        r.config,
        soak.element,
        soak.moves,
        fmt(soak.seconds),
        `${soak.before.tensors} -> ${soak.after.tensors}`,
        `${fmt(soak.before.heapMB)} -> ${fmt(soak.after.heapMB)}`,
      ].join(' | '),
    );
  }
}

const server = await serveStatic(DIST);
const results = [];
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
    const browser = await chromium.launch({
      executablePath: findChrome(),
      headless: true,
      args: noWebgl ? FLAGS : [...FLAGS, '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
    });
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
} finally {
  await server.close();
}

printTables(results);
printLongTasks(results);
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
};
await mkdir(join(ROOT, 'bench-output'), { recursive: true });
await writeFile(join(ROOT, 'bench-output/bench.json'), JSON.stringify(out, null, 2) + '\n');
console.log(`\nweights in dist/weights: ${fmt(out.weightsBytesInDist / 1024)} KB`);
console.log('wrote bench-output/bench.json');
