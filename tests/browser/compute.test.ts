/**
 * The compute worker (src/lib/browser/compute-*.ts): a superseded CRF run stops within one
 * iteration, the figures draw without a worker (?worker=off), a worker that dies gives its
 * figure a message and a working retry, and a lost WebGL context inside the worker stops the
 * page's figures like the page's own.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../scripts/lib/chromium.mjs';
import {
  isRendered,
  liveElementStates,
  numTensors,
  openInstrumentedPage,
  waitForBackend,
  waitForLiveElements,
} from './page-helpers';
import { waitForIdle } from './idle';

const baseUrl = inject('baseUrl');

/** The pages whose figures run in the compute worker. */
const WORKER_PAGES = [
  '/',
  '/pooling/',
  '/zero-insertion/',
  '/bilinear-deconvolution/',
  '/skip-fusion/',
  '/crf/',
];

interface Stats {
  mode: string;
  numTensors: number;
  aborted: { figure: string; atAbort: number; stopped: number; target: number }[];
}

function stats(page: Page): Promise<Stats> {
  return page.evaluate(async () => {
    const s = await globalThis.pixelwiseCompute?.stats();
    if (!s) throw new Error('globalThis.pixelwiseCompute is missing');
    return s;
  });
}

/** Sets a CRF slider (by class) to `value` the way a drag does: one input event. */
async function setCrfSlider(page: Page, key: string, value: number): Promise<void> {
  await page.evaluate(
    ([k, v]) => {
      const input = document
        .querySelector('pw-crf-scene')
        ?.shadowRoot?.querySelector<HTMLInputElement>(`input.${k}`);
      if (!input) throw new Error(`no CRF slider ${k}`);
      input.value = v;
      input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    },
    [key, String(value)] as const,
  );
}

async function crfDone(page: Page): Promise<void> {
  await page.waitForFunction(
    () => (document.querySelector('pw-crf-scene') as HTMLElement | null)?.dataset['meanIuAfter'],
    undefined,
    { timeout: 180_000 },
  );
  await waitForIdle(page, 180_000);
}

describe('compute worker', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium({ webgl: true });
  });
  afterAll(async () => {
    await browser.close();
  });

  for (const mode of ['worker', 'page'] as const) {
    it(`a superseded CRF run stops within one iteration (${mode})`, async () => {
      const query = mode === 'page' ? '?worker=off' : '';
      const { page, context, consoleErrors } = await openInstrumentedPage(
        browser,
        `${baseUrl}/crf/${query}`,
      );
      await crfDone(page);
      expect((await stats(page)).mode).toBe(mode);
      // Exact inference (all pairs on 64x64): iterations slow enough to overtake one.
      await page.locator('pw-crf-scene').locator('button.method:has-text("exact")').click();
      await setCrfSlider(page, 'iterations', 0);
      await waitForIdle(page, 180_000);
      const passesBefore = await page.evaluate(
        () => (document.querySelector('pw-crf-scene') as HTMLElement).dataset['messagePasses'],
      );
      await setCrfSlider(page, 'iterations', 20);
      // Let run A start iterating, then overtake it with a new weight (a new run from 0).
      await page.waitForTimeout(400);
      await setCrfSlider(page, 'w1', 12);
      await waitForIdle(page, 240_000);
      const aborted = (await stats(page)).aborted.filter((a) => a.target === 20);
      console.log(
        `${mode}: aborted CRF runs ${JSON.stringify(aborted)} (passes before ${passesBefore})`,
      );
      expect(aborted.length).toBeGreaterThanOrEqual(1);
      const run = aborted[aborted.length - 1];
      if (!run) throw new Error('unreachable');
      expect(run.stopped).toBeLessThan(20);
      expect(run.atAbort).toBeGreaterThanOrEqual(0);
      expect(run.stopped - run.atAbort).toBeLessThanOrEqual(1);
      // The overtaking run's result is the one shown.
      const shown = await page.evaluate(() =>
        document.querySelector('pw-crf-scene')?.shadowRoot?.textContent?.includes('20 iterations'),
      );
      expect(shown).toBe(true);
      expect(consoleErrors).toEqual([]);
      await context.close();
    }, 600_000);
  }

  for (const href of WORKER_PAGES) {
    it(`${href} with ?worker=off draws every figure on the page, with no worker`, async () => {
      const { page, context, consoleErrors } = await openInstrumentedPage(
        browser,
        `${baseUrl}${href}?worker=off`,
      );
      await waitForBackend(page);
      await waitForLiveElements(page, 240_000);
      const states = await liveElementStates(page);
      expect(states.filter((s) => s.alert !== '')).toEqual([]);
      expect(states.filter((s) => !isRendered(s))).toEqual([]);
      expect(states.filter((s) => s.needsWeights).every((s) => s.computed > 0)).toBe(true);
      expect((await stats(page)).mode).toBe('page');
      expect(consoleErrors).toEqual([]);
      await context.close();
    }, 400_000);
  }

  it('a worker that dies gives its figure a message and a Try again button that works; the rest of the page keeps working', async () => {
    const { page, context, consoleErrors } = await openInstrumentedPage(
      browser,
      `${baseUrl}/skip-fusion/`,
    );
    await waitForBackend(page);
    await waitForLiveElements(page, 240_000);
    await waitForIdle(page, 240_000);
    const baseline = await numTensors(page);
    const fusion = page.locator('pw-skip-fusion');
    // Start a forward pass, and end the worker while it runs.
    await page.evaluate(() => {
      const input = document
        .querySelector('pw-skip-fusion')
        ?.shadowRoot?.querySelector<HTMLInputElement>('input[type=range]');
      if (!input) throw new Error('no skip weight slider');
      input.value = '0.5';
      input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    });
    await page.waitForFunction(() => (globalThis.pixelwiseActivity?.pending ?? 0) > 0);
    await page.evaluate(() => globalThis.pixelwiseCompute?.terminate());
    const alert = fusion.locator('[role=alert]');
    await expect.poll(() => alert.textContent(), { timeout: 30_000 }).toMatch(/stopped/);
    await expect.poll(() => alert.textContent()).toMatch(/Try again/);
    // The page is not stopped: the badge still names a backend.
    expect(await page.locator('pw-backend-status .badge').getAttribute('data-backend')).not.toBe(
      'lost',
    );

    await fusion.getByRole('button', { name: 'Try again' }).click();
    await expect.poll(() => alert.count(), { timeout: 120_000 }).toBe(0);
    await waitForIdle(page, 240_000);
    const text = await fusion.evaluate((el) => el.shadowRoot?.textContent ?? '');
    expect(text).toMatch(/Mean IU on this scene/);
    expect((await stats(page)).mode).toBe('worker');
    // A fresh worker holds its weights again; nothing else is left over.
    expect(await numTensors(page)).toBe(baseline);
    expect(consoleErrors).toEqual([]);
    await context.close();
  }, 600_000);

  it('losing the WebGL context inside the worker stops the figures with the reload notice', async () => {
    const { page, context, consoleErrors } = await openInstrumentedPage(
      browser,
      `${baseUrl}/skip-fusion/?backend=webgl`,
    );
    expect(await waitForBackend(page)).toBe('webgl');
    await waitForLiveElements(page, 240_000);
    const s = await page.evaluate(async () => globalThis.pixelwiseCompute?.stats());
    expect(s?.backend).toBe('webgl');
    await page.evaluate(() => globalThis.pixelwiseCompute?.loseContext());
    const alert = page.locator('pw-backend-status .notice[role=alert]');
    await expect.poll(() => alert.textContent(), { timeout: 20_000 }).toMatch(/WebGL/);
    expect(await page.locator('pw-backend-status .badge').getAttribute('data-backend')).toBe(
      'lost',
    );
    await expect(page.getByRole('button', { name: 'Reload figures' }).count()).resolves.toBe(1);
    expect(consoleErrors).toEqual([]);
    await context.close();
  }, 400_000);
});
