// Measures every live figure's settled size on each lesson, at a phone and a desktop width, and
// writes src/data/figure-heights.json: what a figure reserves before it draws (see
// src/components/FigureHeights.astro). Run after `npm run build` whenever a figure's layout
// changes: `npm run figure-heights`.
import { writeFileSync } from 'node:fs';
import { format, resolveConfig } from 'prettier';
import { serveStatic } from './lib/serve.mjs';
import { launchChromium } from './lib/chromium.mjs';
import { LESSONS } from '../src/lessons.ts';

const VIEWPORTS = [
  { width: 390, height: 844 },
  { width: 1280, height: 800 },
];
const OUT = 'src/data/figure-heights.json';

/** Scrolls each figure into view, waits until the page is idle there, then measures them all. */
function measure() {
  return (async () => {
    const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
    const idle = () => (globalThis.pixelwiseActivity?.pending ?? 0) === 0;
    const settle = async () => {
      await frame();
      const end = performance.now() + 120_000;
      while (performance.now() < end) {
        if (idle()) {
          await frame();
          await frame();
          if (idle()) return;
        } else await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error('page still busy after 120 s');
    };
    const figures = [...document.querySelectorAll('main *')].filter((el) =>
      el.tagName.startsWith('PW-'),
    );
    // As figureKey in src/components/controllers/visibility.ts.
    const key = (el) => {
      if (el.id) return el.id;
      const tag = el.tagName.toLowerCase();
      return `${tag}:${[...document.querySelectorAll(tag)].indexOf(el)}`;
    };
    for (const figure of figures) {
      figure.scrollIntoView({ block: 'center' });
      await settle();
    }
    return figures.map((el) => {
      // The figure's own height, not what the page reserved from an earlier run of this script.
      if (el instanceof HTMLElement) el.style.minBlockSize = '0px';
      const box = el.getBoundingClientRect();
      return { id: key(el), width: Math.round(box.width), height: Math.round(box.height) };
    });
  })();
}

const server = await serveStatic('dist');
const browser = await launchChromium({ webgl: true });
/** @type {Record<string, Record<string, [number, number][]>>} */
const table = {};
try {
  for (const viewport of VIEWPORTS) {
    for (const { path, href } of LESSONS) {
      const context = await browser.newContext({ viewport });
      const page = await context.newPage();
      await page.goto(server.url + href, { waitUntil: 'load' });
      for (const { id, width, height } of await page.evaluate(measure)) {
        ((table[path] ??= {})[id] ??= []).push([width, height]);
      }
      await context.close();
      process.stderr.write(`figure heights: ${href} at ${viewport.width} px\n`);
    }
  }
} finally {
  await browser.close();
  await server.close();
}
// Written as Prettier writes it, so `npm run format:check` passes on a fresh table.
writeFileSync(
  OUT,
  await format(JSON.stringify(table), { ...(await resolveConfig(OUT)), parser: 'json' }),
);
console.log(`wrote ${OUT}`);
