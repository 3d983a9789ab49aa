import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../scripts/lib/chromium.mjs';
import { numTensors, openPage, screenshotPath, waitForBackend } from './page-helpers';
import { waitForIdle } from './idle';
import { LESSONS } from '../../src/lessons';

const baseUrl = inject('baseUrl');

/**
 * Output canvas of the pooling element as a data URL, once it has drawn pool size `size`
 * (with the given stride and mode).
 */
/** The pooling figure opens at size 4, stride 4 (src/pages/pooling.astro). */
async function pooledCanvas(page: Page, size: number, stride = 4, mode = 'max'): Promise<string> {
  await page.waitForFunction(
    (shown) => {
      const el = document.querySelector('pw-max-pool');
      const canvas = el?.shadowRoot?.querySelector<HTMLCanvasElement>('canvas.output');
      return canvas?.dataset['shown'] === shown;
    },
    `${mode} ${size} ${stride}`,
    { timeout: 60_000 },
  );
  return page.evaluate(() => {
    const canvas = document
      .querySelector('pw-max-pool')
      ?.shadowRoot?.querySelector<HTMLCanvasElement>('canvas.output');
    if (!canvas) throw new Error('no output canvas');
    return canvas.toDataURL();
  });
}

async function sliderValue(page: Page): Promise<number> {
  return Number(await page.locator('pw-max-pool input.size').inputValue());
}

describe('with WebGL (SwiftShader)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium({ webgl: true });
  });
  afterAll(async () => {
    await browser.close();
  });

  for (const lesson of LESSONS) {
    it(`${lesson.href} loads with no console errors and no request leaving localhost`, async () => {
      const { page, context, consoleErrors, externalRequests } = await openPage(
        browser,
        baseUrl + lesson.href,
      );
      expect(await page.locator('main h1').count()).toBe(1);
      await waitForBackend(page);
      await page.waitForLoadState('networkidle');
      expect(consoleErrors).toEqual([]);
      expect(externalRequests).toEqual([]);
      await context.close();
    });
  }

  it('on a software GPU (SwiftShader) the page prefers WASM and the badge says why', async () => {
    const { page, context } = await openPage(browser, `${baseUrl}/pooling/`);
    expect(await waitForBackend(page)).toBe('wasm');
    await expect
      .poll(() => page.locator('pw-backend-status .notice').textContent())
      .toMatch(/No hardware GPU found \(WebGL here is SwiftShader/);
    await context.close();
  });

  it('?backend=webgl forces WebGL with no notice; a garbage ?backend= is ignored', async () => {
    const forced = await openPage(browser, `${baseUrl}/pooling/?backend=webgl`);
    expect(await waitForBackend(forced.page)).toBe('webgl');
    expect(await forced.page.locator('pw-backend-status .notice').count()).toBe(0);
    await forced.context.close();
    const garbage = await openPage(browser, `${baseUrl}/pooling/?backend=%3Cscript%3E`);
    expect(await waitForBackend(garbage.page)).toBe('wasm');
    await garbage.context.close();
  });

  it('moving the pool-size slider changes the output pixels, and 50 moves (plus stride and mode changes) leak no tensors', async () => {
    const { page, context, consoleErrors } = await openPage(browser, `${baseUrl}/pooling/`);
    await waitForBackend(page);
    const slider = page.locator('pw-max-pool input.size');
    const before = await pooledCanvas(page, 4);
    await waitForIdle(page);
    const baseline = await numTensors(page);

    await slider.focus();
    await page.keyboard.press('ArrowRight');
    const after = await pooledCanvas(page, 5);
    expect(after).not.toBe(before);

    let direction = 'ArrowRight';
    for (let move = 1; move < 50; move++) {
      const value = await sliderValue(page);
      if (value === 8) direction = 'ArrowLeft';
      if (value === 1) direction = 'ArrowRight';
      await page.keyboard.press(direction);
      await pooledCanvas(page, await sliderValue(page));
    }
    // The stride slider and the max/average switch drive the same figure.
    const size = await sliderValue(page);
    const beforeStride = await pooledCanvas(page, size);
    await page.locator('pw-max-pool input.stride').focus();
    await page.keyboard.press('ArrowRight');
    const afterStride = await pooledCanvas(page, size, 5);
    expect(afterStride).not.toBe(beforeStride);
    await page.locator('pw-max-pool input[value=average]').check();
    expect(await pooledCanvas(page, size, 5, 'average')).not.toBe(afterStride);
    await page.locator('pw-max-pool input[value=max]').check();
    await pooledCanvas(page, size, 5, 'max');

    await waitForIdle(page);
    const final = await numTensors(page);
    console.log(`pooling slider: tensors before first move ${baseline}, after 50 moves ${final}`);
    expect(final).toBe(baseline);
    expect(consoleErrors).toEqual([]);
    await context.close();
  });

  it('screenshots every page at 390x844 and 1280x800, none wider than its viewport', async () => {
    for (const lesson of LESSONS) {
      for (const [w, h] of [
        [390, 844],
        [1280, 800],
      ] as const) {
        const { page, context } = await openPage(browser, baseUrl + lesson.href, {
          viewport: { width: w, height: h },
        });
        await waitForBackend(page);
        await waitForIdle(page);
        const name = lesson.href === '/' ? 'home' : lesson.href.replaceAll('/', '');
        await page.screenshot({ path: screenshotPath(`${name}-${w}`), fullPage: true });
        // Nothing may push the page sideways: a reader on a phone never scrolls horizontally.
        const overflow = await page.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        );
        expect(overflow, `${lesson.href} at ${w} px overflows by ${overflow} px`).toBe(0);
        await context.close();
      }
    }
    // Twelve page loads, each scrolled through so every figure below the fold computes too.
  }, 480_000);
});

describe('without WebGL', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium({ webgl: false });
  });
  afterAll(async () => {
    await browser.close();
  });

  it('falls back to another backend, says so, and the slider still works', async () => {
    const { page, context, consoleErrors } = await openPage(browser, `${baseUrl}/pooling/`, {
      noWebgl: true,
    });
    const backend = await waitForBackend(page);
    console.log(`without WebGL the page runs on: ${backend}`);
    expect(['wasm', 'cpu']).toContain(backend);
    await expect
      .poll(() => page.locator('pw-backend-status .notice').textContent())
      .toMatch(/WebGL is not available|Neither WebGL/);

    const before = await pooledCanvas(page, 4);
    await page.locator('pw-max-pool input.size').focus();
    await page.keyboard.press('ArrowRight');
    expect(await pooledCanvas(page, 5)).not.toBe(before);
    expect(consoleErrors).toEqual([]);
    await context.close();
  });
});
