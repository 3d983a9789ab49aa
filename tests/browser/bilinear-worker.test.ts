/**
 * The bilinear-deconvolution page's figures compute in the compute worker and draw what it
 * sends back as plain arrays (pw-tensor-view's `values`): moving their controls makes no tensor
 * on the page, and every view still draws and reads out the values it shows. The `values` path
 * of pw-tensor-view keeps the tensor path's readout rules (issue 16): a readout refers to what
 * is drawn now.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../scripts/lib/chromium.mjs';
import { numTensors, openInstrumentedPage, waitForBackend } from './page-helpers';
import { waitForIdle } from './idle';
import { expectWorkerMove, openWorkerPage, tensorIds } from './worker-figures';

const baseUrl = inject('baseUrl');

describe('bilinear-deconvolution figures in the compute worker', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium({ webgl: true });
  });
  afterAll(async () => {
    await browser.close();
  });

  it('moving every control redraws its figure and makes no tensor on the page', async () => {
    const { page, context, consoleErrors } = await openWorkerPage(
      browser,
      `${baseUrl}/bilinear-deconvolution/`,
    );
    const moves: [string, string, string][] = [
      ['kernel-demo', 'input.factor', '4'],
      ['resize-demo', 'input.factor', '3'],
      ['resize-demo', 'select', 'asymmetric'],
      ['kernels-demo', 'input.factor', '5'],
      ['kernels-demo', 'select', 'nearest'],
      ['learned-demo', 'select', 'upscore_pool4'],
    ];
    for (const [id, selector, value] of moves) {
      await expectWorkerMove(page, id, selector, value);
    }
    // The table and the readout came with their results.
    const interior = await page.evaluate(() =>
      Number(
        document
          .getElementById('resize-demo')
          ?.shadowRoot?.querySelector<HTMLElement>('tr[data-convention="halfPixel"]')?.dataset[
          'interior'
        ],
      ),
    );
    expect(interior).toBeLessThan(1e-5);
    const readout = await page.evaluate(
      () =>
        document.getElementById('learned-demo')?.shadowRoot?.querySelector('.readout')
          ?.textContent ?? '',
    );
    expect(readout).toMatch(/Mean change of a diagonal tap: \d\.\d{3}/);
    expect(consoleErrors).toEqual([]);
    await context.close();
  }, 400_000);

  it('a values view reads out the array it draws, and forgets a position a new shape lacks', async () => {
    const { page, context, consoleErrors } = await openInstrumentedPage(
      browser,
      `${baseUrl}/bilinear-deconvolution/`,
    );
    await waitForBackend(page);
    // Every figure settled first: the counts below are the probe's alone.
    await waitForIdle(page, 180_000);
    const before = await numTensors(page);
    const idsBefore = await tensorIds(page);
    await page.evaluate(() => {
      const view = document.createElement('pw-tensor-view') as HTMLElement & { values: unknown };
      view.id = 'probe';
      view.style.inlineSize = '320px';
      view.setAttribute('mode', 'diverging');
      document.querySelector('main')?.prepend(view);
      view.values = {
        data: Float32Array.from({ length: 32 * 32 }, (_, i) => i - 512),
        shape: [32, 32],
      };
    });
    const canvas = page.locator('#probe canvas');
    await expect.poll(() => canvas.getAttribute('data-drawn')).toBe('1');
    expect(await canvas.evaluate((c: HTMLCanvasElement) => [c.width, c.height])).toEqual([32, 32]);
    // The diverging legend is symmetric about zero: -512..512.
    expect(await page.locator('#probe .legend span').first().textContent()).toBe('-512.00');
    // Pixel (0, 0) is the most negative value: the blue end of the map.
    const corner = await canvas.evaluate((c: HTMLCanvasElement) =>
      Array.from(c.getContext('2d')?.getImageData(0, 0, 1, 1).data ?? []),
    );
    expect((corner[2] ?? 0) > (corner[0] ?? 0)).toBe(true);

    const box = await canvas.boundingBox();
    if (!box) throw new Error('probe canvas has no box');
    await page.mouse.move(box.x + box.width * (30.5 / 32), box.y + box.height * (29.5 / 32));
    await expect
      .poll(() => page.locator('#probe .readout').textContent())
      .toBe(`(30, 29) value ${(29 * 32 + 30 - 512).toFixed(2)}`);

    // A new 8×8 grid under the resting pointer: the old position means nothing now.
    await page.evaluate(() => {
      const view = document.getElementById('probe') as HTMLElement & { values: unknown };
      view.values = { data: Float32Array.from({ length: 64 }, (_, i) => i / 64), shape: [8, 8] };
    });
    await expect.poll(() => canvas.getAttribute('data-drawn')).toBe('2');
    expect(await page.locator('#probe .readout').textContent()).toBe('');
    await page.mouse.move(box.x + box.width * 0.97, box.y + box.height * 0.97);
    await expect
      .poll(() => page.locator('#probe .readout').textContent())
      .toBe(`(7, 7) value ${(63 / 64).toFixed(3)}`);
    await page.locator('#probe canvas').press('ArrowLeft');
    await expect.poll(() => page.locator('#probe .readout').textContent()).toMatch(/^\(6, 7\)/);

    // Bad values fail in the view's own line, with the reason, not in window.onerror.
    await page.evaluate(() => {
      const view = document.getElementById('probe') as HTMLElement & { values: unknown };
      view.values = { data: new Float32Array(5), shape: [2, 3] };
    });
    await expect
      .poll(() => page.locator('#probe .error').textContent())
      .toMatch(/invalid grid shape/);

    await page.evaluate(() => document.getElementById('probe')?.remove());
    expect(await tensorIds(page)).toBe(idsBefore + 1);
    expect(await numTensors(page)).toBe(before);
    expect(consoleErrors).toEqual([]);
    await context.close();
  }, 200_000);
});
