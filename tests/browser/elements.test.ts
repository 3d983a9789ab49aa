/**
 * Every live element on every page, driven the way a keyboard reader would: each slider and
 * toggle must change the pixels of the figure it belongs to, and after 100 interactions the
 * page's tfjs tensor count must be back where it started.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchChromium } from '../../scripts/lib/chromium.mjs';
import { numTensors, openPage, waitForBackend } from './page-helpers';
import { waitForIdle } from './idle';
import { LESSONS } from '../../src/lessons';

const baseUrl = inject('baseUrl');
const NOT_FIGURES = ['PW-IMAGE-PICKER', 'PW-BACKEND-STATUS', 'PW-PREDICT'];

/** A fingerprint of every canvas and SVG inside the element, through nested shadow roots. */
function figurePixels(page: Page, index: number): Promise<string> {
  return page.evaluate(
    ([i, skip]) => {
      const figures = [...document.querySelectorAll('main *')].filter(
        (el) => el.tagName.startsWith('PW-') && !skip.includes(el.tagName),
      );
      const parts: string[] = [];
      const walk = (root: Element | ShadowRoot) => {
        root.querySelectorAll('*').forEach((el) => {
          if (el instanceof HTMLCanvasElement && el.width > 0) parts.push(el.toDataURL());
          // SVG figures (diagrams, worked examples) change their markup, not pixels.
          if (el instanceof SVGSVGElement) parts.push(el.outerHTML);
          if (el.shadowRoot) walk(el.shadowRoot);
        });
      };
      const figure = figures[i];
      if (figure?.shadowRoot) walk(figure.shadowRoot);
      let h = 0;
      for (const p of parts)
        for (let k = 0; k < p.length; k += 7) h = (h * 31 + p.charCodeAt(k)) | 0;
      return `${parts.length}:${h}`;
    },
    [index, NOT_FIGURES] as const,
  );
}

interface Control {
  figure: number;
  locator: Locator;
  kind: 'range' | 'radio' | 'checkbox' | 'select';
}

async function controlsOf(page: Page): Promise<Control[]> {
  const figures = page.locator('main [data-pw-figure]');
  const out: Control[] = [];
  for (let i = 0; i < (await figures.count()); i++) {
    const figure = figures.nth(i);
    for (const kind of ['range', 'radio', 'checkbox'] as const) {
      const inputs = figure.locator(`input[type=${kind}]`);
      for (let j = 0; j < (await inputs.count()); j++) {
        out.push({ figure: i, locator: inputs.nth(j), kind });
      }
    }
    const selects = figure.locator('select');
    for (let j = 0; j < (await selects.count()); j++) {
      out.push({ figure: i, locator: selects.nth(j), kind: 'select' });
    }
  }
  return out;
}

/** One keyboard interaction with a control: step a slider, pick a radio, flip a box. */
async function interact(page: Page, control: Control, step: number): Promise<void> {
  await control.locator.focus();
  if (control.kind === 'range') {
    const [value, max, min] = await Promise.all([
      control.locator.inputValue(),
      control.locator.getAttribute('max'),
      control.locator.getAttribute('min'),
    ]);
    const atMax = Number(value) >= Number(max ?? 100);
    const atMin = Number(value) <= Number(min ?? 0);
    await page.keyboard.press(atMax || (!atMin && step % 2 === 1) ? 'ArrowLeft' : 'ArrowRight');
  } else if (control.kind === 'select') {
    await page.keyboard.press(step % 2 === 0 ? 'ArrowDown' : 'ArrowUp');
  } else {
    await page.keyboard.press('Space');
  }
}

describe('every live element, driven from the keyboard', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium({ webgl: true });
  });
  afterAll(async () => {
    await browser.close();
  });

  for (const lesson of LESSONS) {
    it(`${lesson.href}: each control changes its figure; 100 interactions leak no tensors`, async () => {
      const { page, context, consoleErrors } = await openPage(browser, baseUrl + lesson.href);
      await waitForBackend(page);
      // Mark the page's live figures so locators can find them (light DOM, top level only).
      await page.evaluate((skip) => {
        document.querySelectorAll('main *').forEach((el) => {
          if (el.tagName.startsWith('PW-') && !skip.includes(el.tagName)) {
            el.setAttribute('data-pw-figure', '');
          }
        });
      }, NOT_FIGURES);
      await waitForIdle(page);
      const controls = await controlsOf(page);
      const baseline = await numTensors(page);

      for (const [n, control] of controls.entries()) {
        if (control.kind === 'radio' && (await control.locator.isChecked())) continue;
        const before = await figurePixels(page, control.figure);
        await interact(page, control, 0);
        await waitForIdle(page);
        const after = await figurePixels(page, control.figure);
        expect(after, `control ${n} (${control.kind}) of figure ${control.figure}`).not.toBe(
          before,
        );
      }

      if (controls.length > 0) {
        for (let step = 0; step < 100; step++) {
          const control = controls[step % controls.length];
          if (control) await interact(page, control, step);
        }
        await waitForIdle(page);
      }
      const final = await numTensors(page);
      console.log(
        `${lesson.href}: ${controls.length} controls; tensors ${baseline} before, ${final} after 100 interactions`,
      );
      expect(final).toBe(baseline);
      expect(consoleErrors).toEqual([]);
      await context.close();
    });
  }
});
