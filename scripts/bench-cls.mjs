// `npm run bench:cls [-- <distDir>]`: cumulative layout shift of every lesson page, as a reader
// meets it: the page loads, then is scrolled one screen at a time to the bottom (a pause at each
// screen lets the figures there compute and draw). Printed per page and width (390 and 1280 px):
// the largest session window (the CLS metric: shifts less than 1 s apart, windows at most 5 s)
// and the total. Shifts right after a reader's input do not count (hadRecentInput), as in CLS.
// Target (issue 17): at most 0.02 on every page. CLS_DETAIL=1 lists every shift of 0.002 or
// more with what moved (element, its host figure, how far down and how much taller).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium } from './lib/chromium.mjs';
import { serveStatic } from './lib/serve.mjs';
import { LESSONS } from '../src/lessons.ts';

const dist = process.argv[2] ?? 'dist';
if (!existsSync(join(dist, 'index.html'))) {
  console.error(`no built site in ${dist}/: run npm run build first`);
  process.exit(2);
}
const WIDTHS = [390, 1280];
const PAUSE_MS = Number(process.env.CLS_PAUSE_MS ?? 1500);

/** The CLS of `shifts` ({ t, value }, time order): the largest session window's sum. */
function largestWindow(shifts) {
  let best = 0;
  let sum = 0;
  let start = -Infinity;
  let last = -Infinity;
  for (const { t, value } of shifts) {
    if (t - last > 1000 || t - start > 5000) {
      sum = 0;
      start = t;
    }
    sum += value;
    last = t;
    best = Math.max(best, sum);
  }
  return best;
}

const server = await serveStatic(dist);
const browser = await launchChromium({ webgl: true });
const rows = [];
try {
  for (const width of WIDTHS) {
    for (const { href } of LESSONS) {
      const context = await browser.newContext({ viewport: { width, height: 800 } });
      await context.addInitScript(() => {
        globalThis.__pwShifts = [];
        new PerformanceObserver((list) => {
          for (const e of list.getEntries()) {
            if (!e.hadRecentInput) {
              globalThis.__pwShifts.push({
                t: e.startTime,
                value: e.value,
                nodes: (e.sources ?? [])
                  .map((s) => {
                    // "TAG.class in pw-host" and how far it moved, to find what shifted.
                    const n = s.node;
                    if (!n) return '?';
                    const el = n.nodeType === 1 ? n : n.parentElement;
                    const cls = el?.getAttribute?.('class')?.split(' ')[0];
                    const host = n.getRootNode()?.host?.localName;
                    const dy = Math.round(s.currentRect.y - s.previousRect.y);
                    const dh = Math.round(s.currentRect.height - s.previousRect.height);
                    return `${n.nodeName}${cls ? '.' + cls : ''}${host ? ' in ' + host : ''} dy ${dy} dh ${dh}`;
                  })
                  .join(', '),
              });
            }
          }
        }).observe({ type: 'layout-shift', buffered: true });
      });
      const page = await context.newPage();
      await page.goto(server.url + href);
      await page.waitForTimeout(PAUSE_MS);
      const height = await page.evaluate(() => document.documentElement.scrollHeight);
      for (let y = 800; y < height; y += 700) {
        await page.evaluate((top) => window.scrollTo(0, top), y);
        await page.waitForTimeout(PAUSE_MS);
      }
      const shifts = await page.evaluate(() => globalThis.__pwShifts);
      const worst = [...shifts].sort((a, b) => b.value - a.value)[0];
      if (process.env.CLS_DETAIL) {
        for (const x of shifts.filter((x) => x.value >= 0.002)) {
          console.log(
            `  ${href} ${width}: ${x.value.toFixed(3)} at ${x.t.toFixed(0)} ms: ${x.nodes}`,
          );
        }
      }
      rows.push({
        page: href,
        width,
        cls: largestWindow(shifts),
        total: shifts.reduce((s, x) => s + x.value, 0),
        worst: worst
          ? `${worst.value.toFixed(3)} at ${worst.t.toFixed(0)} ms (${worst.nodes})`
          : '-',
      });
      await context.close();
    }
  }
} finally {
  await browser.close();
  await server.close();
}
console.log('page | width | CLS (largest session window) | total shift | largest single shift');
for (const r of rows) {
  console.log(`${r.page} | ${r.width} | ${r.cls.toFixed(3)} | ${r.total.toFixed(3)} | ${r.worst}`);
}
