/**
 * The zero-insertion page's figures compute in the compute worker and draw what it sends back
 * as plain arrays (pw-tensor-view's `values`): moving their controls makes no tensor on the
 * page, every view redraws, and each readout comes with its result. A figure that has its
 * result draws all of it, also the views more than a screen below the viewport (they used to
 * wait, each on its own, until scrolled near).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../scripts/lib/chromium.mjs';
import { openInstrumentedPage, waitForBackend } from './page-helpers';
import { waitForIdle } from './idle';
import { drawCounts, expectWorkerMove, openWorkerPage } from './worker-figures';

const baseUrl = inject('baseUrl');

/** The data attributes of figure `id`'s readout. */
function readout(page: Page, id: string): Promise<Record<string, string | undefined>> {
  return page.evaluate(
    (id) => ({
      ...document.getElementById(id)?.shadowRoot?.querySelector<HTMLElement>('p.readout')?.dataset,
    }),
    id,
  );
}

describe('zero-insertion figures in the compute worker', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium({ webgl: true });
  });
  afterAll(async () => {
    await browser.close();
  });

  it('moving every control redraws its figure with its readout and makes no tensor on the page', async () => {
    const { page, context, consoleErrors } = await openWorkerPage(
      browser,
      `${baseUrl}/zero-insertion/`,
    );
    const moves: [string, string, string, Record<string, string>][] = [
      ['scanline-demo', 'input.factor', '6', { factor: '6', kind: 'zeros' }],
      ['scanline-demo', 'select', 'sinc', { factor: '6', kind: 'sinc' }],
      ['insert2d-demo', 'input.factor', '2', { factor: '2' }],
      ['insert2d-demo', 'select', 'nearest', { factor: '2' }],
      ['proof-demo', 'input.stride', '3', { width: String(31 * 3 + 3) }],
      ['proof-demo', 'input.kernelSize', '5', { width: String(31 * 3 + 5) }],
      ['proof-demo', 'input.seed', '4', { width: String(31 * 3 + 5) }],
      ['checker-demo', 'input.stride', '3', { lo: '1', hi: '1' }],
      ['checker-demo', 'input.kernelSize', '4', { lo: '1', hi: '2' }],
    ];
    for (const [id, selector, value, expected] of moves) {
      await expectWorkerMove(page, id, selector, value);
      expect(await readout(page, id), `${id} ${selector}`).toMatchObject(expected);
    }
    // The readouts' numbers came back with their results.
    expect(Number((await readout(page, 'scanline-demo'))['share'])).toBeLessThan(0.01);
    const two = await readout(page, 'insert2d-demo');
    expect(Number(two['zeros'])).toBeGreaterThan(Number(two['filtered']));
    expect(Number((await readout(page, 'proof-demo'))['difference'])).toBeLessThan(1e-5);
    expect(consoleErrors).toEqual([]);
    await context.close();
  }, 400_000);

  it('a figure that has its result draws every view, also those beyond the next screen', async () => {
    const { page, context, consoleErrors } = await openInstrumentedPage(
      browser,
      `${baseUrl}/zero-insertion/`,
    );
    await waitForBackend(page);
    // The 2-D figure's top just under a screen below the viewport: it is near enough to
    // compute, its second row of views is not near.
    await page.evaluate(() => {
      const el = document.getElementById('insert2d-demo');
      if (!el) throw new Error('no #insert2d-demo');
      scrollTo(0, el.getBoundingClientRect().top + scrollY - 2 * innerHeight + 100);
    });
    await page.waitForFunction(
      () =>
        document.getElementById('insert2d-demo')?.shadowRoot?.querySelector('p.readout') !== null,
      undefined,
      { timeout: 180_000 },
    );
    await waitForIdle(page, 120_000, { reveal: false });
    const below = await page.evaluate(() => {
      const views = document
        .getElementById('insert2d-demo')
        ?.shadowRoot?.querySelectorAll('pw-tensor-view');
      return [...(views ?? [])].map((v) => v.getBoundingClientRect().top / innerHeight);
    });
    // The page's layout puts the lowest views more than two screens down (beyond "near").
    expect(Math.max(...below)).toBeGreaterThan(2);
    const drawn = await drawCounts(page, 'insert2d-demo');
    expect(drawn).toHaveLength(4);
    drawn.forEach((n, i) => expect(n, `view ${i}`).toBeGreaterThan(0));
    expect(consoleErrors).toEqual([]);
    await context.close();
  }, 300_000);
});
