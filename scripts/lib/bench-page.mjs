// Drives one page for `npm run bench`: load it, wait for its figures, move every slider of
// every live element, soak the first one, and collect load timings and bytes.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  disableWebgl,
  liveSliders,
  moveSlider,
  recordComputed,
  scrollToHost,
} from './bench-in-page.mjs';
import { longTasksBetween, mergeLongTasks, pageNow, recordLongTasks } from './longtasks.mjs';
import { DIST, MOVES, SLIDER_BUDGET_S, SOAK, SOAK_BUDGET_S } from './bench-settings.mjs';
import { gzipBytes, quantile } from './bench-stats.mjs';

export async function benchPage(browser, url, href, { noWebgl, query, label }) {
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
