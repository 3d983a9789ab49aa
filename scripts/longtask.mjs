// Usage: node scripts/longtask.mjs <distDir> <path> [crf]   (e.g. dist /crf/ crf)
// Longest main-thread task and total blocking time (PerformanceObserver longtask) during load
// (until every figure is idle) and, with "crf", during a drag of the CRF w1 slider.
import { launchChromium } from './lib/chromium.mjs';
import { serveStatic } from './lib/serve.mjs';
const [dist, path, what] = process.argv.slice(2);
const server = await serveStatic(dist);
const browser = await launchChromium({ webgl: true });
const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
await context.addInitScript(() => {
  globalThis.__lt = [];
  new PerformanceObserver((l) => {
    for (const e of l.getEntries()) globalThis.__lt.push([e.startTime, e.duration]);
  }).observe({ type: 'longtask', buffered: true });
});
const page = await context.newPage();
const idle = () =>
  page.waitForFunction(
    async () => {
      const f = () => new Promise((r) => requestAnimationFrame(r));
      if ((globalThis.pixelwiseActivity?.pending ?? 1) !== 0) return false;
      await f();
      await f();
      return (globalThis.pixelwiseActivity?.pending ?? 1) === 0;
    },
    undefined,
    { timeout: 300000, polling: 200 },
  );
const summary = (from, to) =>
  page.evaluate(
    ([a, b]) => {
      const t = globalThis.__lt.filter(([s]) => s >= a && s <= b);
      return {
        longest: Math.round(Math.max(0, ...t.map(([, d]) => d))),
        tbt: Math.round(t.reduce((x, [, d]) => x + Math.max(0, d - 50), 0)),
        count: t.length,
      };
    },
    [from, to],
  );
const t0 = Date.now();
await page.goto(server.url + path);
await page.waitForTimeout(1500);
await idle();
const loadEnd = await page.evaluate(() => performance.now());
const load = await summary(0, loadEnd);
const out = { path, dist, loadMs: Date.now() - t0, load };
if (what === 'crf') {
  const start = await page.evaluate(() => performance.now());
  for (let k = 0; k < 12; k++) {
    await page.evaluate((v) => {
      const input = document.querySelector('pw-crf-scene')?.shadowRoot?.querySelector('input.w1');
      input.value = String(v);
      input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    }, 5 + k);
    await page.waitForTimeout(80);
  }
  await idle();
  const end = await page.evaluate(() => performance.now());
  out.crfDrag = { ...(await summary(start, end)), ms: Math.round(end - start) };
}
console.log(JSON.stringify(out));
await browser.close();
await server.close();
process.exit(0);
