/**
 * Knowledge transfer, shown (overview): the shipped classifier slid over a test scene beside
 * FCN-32s and FCN-8s. Its coarse map has one cell per 32×32 patch; the table's test-set numbers
 * are eval.json's; on the default scene fine-tuning beats the classifier it started from; a new
 * scene and back gives the same numbers and the tensor count comes back.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../scripts/lib/chromium.mjs';
import { numTensors, openPage, waitForBackend } from './page-helpers';
import { waitForIdle } from './idle';

const baseUrl = inject('baseUrl');

const report = JSON.parse(readFileSync('public/weights/eval.json', 'utf8')) as {
  rows: { variant: string; meanIU: number }[];
  classifier?: { accuracyUint8: number; slidMeanIU32s: number };
};

/** The figure's next pw-computed detail after `count` results. */
async function nextResult(page: Page, count: number): Promise<{ count: number; ius: number[] }> {
  await page.waitForFunction(
    (n) => (window as unknown as { transferEvents: number }).transferEvents > n,
    count,
    { timeout: 120_000 },
  );
  return page.evaluate(() => {
    const w = window as unknown as { transferEvents: number; transferIus: number[] };
    return { count: w.transferEvents, ius: w.transferIus };
  });
}

describe.runIf(report.classifier !== undefined)('knowledge transfer (overview)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium({ webgl: true });
  });
  afterAll(async () => {
    await browser.close();
  });

  it('slides the classifier over the scene and compares it with what it became', async () => {
    const { page, context, consoleErrors } = await openPage(browser, `${baseUrl}/`);
    await waitForBackend(page);
    await page.evaluate(() => {
      const w = window as unknown as { transferEvents: number; transferIus: number[] };
      w.transferEvents = 0;
      document.getElementById('transfer-demo')?.addEventListener('pw-computed', (e) => {
        w.transferEvents++;
        w.transferIus = (e as CustomEvent<{ meanIUs: number[] }>).detail.meanIUs;
      });
    });
    const figure = page.locator('#transfer-demo');
    await figure.scrollIntoViewIfNeeded();
    let r = await nextResult(page, 0);
    const [classifier = NaN, fcn32 = NaN, fcn8 = NaN] = r.ius;
    console.log(
      `default scene mean IU: classifier ${classifier.toFixed(3)}, FCN-32s ${fcn32.toFixed(3)}, FCN-8s ${fcn8.toFixed(3)}`,
    );
    // The page's claim on its default scene: fine-tuning on whole scenes beats the classifier.
    expect(fcn32).toBeGreaterThan(classifier);
    expect(fcn8).toBeGreaterThan(classifier);

    // One cell per 32×32 patch of the 128×128 scene.
    const coarse = figure.locator('[data-stage=coarse] pw-tensor-view');
    expect(await coarse.getAttribute('label')).toMatch(/\(4×4\)/);
    // The table is eval.json's.
    const pct = (x: number | undefined) => ((x ?? NaN) * 100).toFixed(1);
    const cell = (stage: string) => figure.locator(`td[data-stage="${stage}"]`).textContent();
    expect(await cell('classifier')).toBe(pct(report.classifier?.slidMeanIU32s));
    expect(await cell('32s')).toBe(pct(report.rows.find((x) => x.variant === '32s')?.meanIU));
    expect(await cell('8s')).toBe(pct(report.rows.find((x) => x.variant === '8s')?.meanIU));
    expect(await figure.locator('[data-accuracy]').textContent()).toContain(
      pct(report.classifier?.accuracyUint8),
    );

    // The scene select from the keyboard: a new result; then back, and no tensor left behind.
    // Every figure of the page computed and drawn first, so the count below is this figure's.
    await waitForIdle(page, 180_000);
    await figure.scrollIntoViewIfNeeded();
    await waitForIdle(page, 120_000, { reveal: false });
    const baseline = await numTensors(page);
    const select = figure.locator('select.scene');
    await select.selectOption('1');
    r = await nextResult(page, r.count);
    expect(r.ius).toHaveLength(3);
    expect(r.ius[0]).not.toBe(classifier);
    await select.selectOption('0');
    r = await nextResult(page, r.count);
    expect(r.ius).toEqual([classifier, fcn32, fcn8]);
    await waitForIdle(page, 120_000, { reveal: false });
    expect(await numTensors(page)).toBe(baseline);
    expect(consoleErrors).toEqual([]);
    await context.close();
  });
});
