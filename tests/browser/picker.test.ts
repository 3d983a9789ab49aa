import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { launchChromium } from '../../scripts/lib/chromium.mjs';
import { numTensors, openPage, waitForBackend } from './page-helpers';
import { waitForIdle } from './idle';

const baseUrl = inject('baseUrl');

function inputCanvas(page: Page): Promise<string> {
  return page.evaluate(() => {
    const canvas = document
      .querySelector('pw-max-pool')
      ?.shadowRoot?.querySelector<HTMLCanvasElement>('canvas.input');
    return canvas && canvas.width > 0 ? canvas.toDataURL() : '';
  });
}

async function changedFrom(page: Page, before: string): Promise<string> {
  let now = before;
  await expect
    .poll(
      async () => {
        now = await inputCanvas(page);
        return now !== '' && now !== before;
      },
      { timeout: 30_000 },
    )
    .toBe(true);
  return now;
}

describe('image picker on the pooling page', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium({ webgl: true });
  });
  afterAll(async () => {
    await browser.close();
  });

  it('a thumbnail, a real upload and a non-image upload each do what a reader expects', async () => {
    const { page, context, consoleErrors } = await openPage(browser, `${baseUrl}/pooling/`);
    await waitForBackend(page);
    const first = await changedFrom(page, '');
    // Every figure on the page (not only this one) must have settled before counting.
    await waitForIdle(page);
    const baseline = await numTensors(page);

    // Another committed photo.
    await page
      .locator('pw-image-picker')
      .first()
      .locator('button.thumb[title="A cup of coffee"]')
      .click();
    const coffee = await changedFrom(page, first);

    // The reader's own photo (a real JPEG from disk).
    await page
      .locator('pw-image-picker')
      .first()
      .locator('input[type=file]')
      .setInputFiles({
        name: 'my-photo.jpg',
        mimeType: 'image/jpeg',
        buffer: readFileSync('public/images/photos/rocket.jpg'),
      });
    const uploaded = await changedFrom(page, coffee);
    expect(await page.locator('pw-image-picker').first().locator('[role=alert]').count()).toBe(0);

    // A text file pretending to be a PNG: a message, and the previous image stays.
    await page
      .locator('pw-image-picker')
      .first()
      .locator('input[type=file]')
      .setInputFiles({
        name: 'notes.png',
        mimeType: 'image/png',
        buffer: Buffer.from('this is not an image'),
      });
    await expect
      .poll(() => page.locator('pw-image-picker').first().locator('[role=alert]').textContent())
      .toMatch(/could not be decoded.*previous image is still shown/);
    expect(await inputCanvas(page)).toBe(uploaded);
    await waitForIdle(page);
    expect(await numTensors(page)).toBe(baseline);
    expect(consoleErrors).toEqual([]);
    await context.close();
  });
});
