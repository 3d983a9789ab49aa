/**
 * The shared tensor-task controller's contract with the page. On a real element
 * (`pw-tensor-view`, which every page defines): an element taken out of the page keeps nothing
 * alive, even when it still had work or state changes pending as it left. On a real page: a
 * figure computes only once it comes near the viewport.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../scripts/lib/chromium.mjs';
import {
  isRendered,
  liveElementStates,
  numTensors,
  openInstrumentedPage,
  openPage,
  waitForBackend,
} from './page-helpers';
import { waitForIdle } from './idle';
import { LESSONS } from '../../src/lessons';

const baseUrl = inject('baseUrl');
/** Any lesson will do: each defines pw-tensor-view. The first is the lightest to settle. */
const PAGE = LESSONS[0]?.href ?? '/';
/** A long page with figures far below the fold. */
const LONG_PAGE = LESSONS.find((l) => l.href.includes('pooling'))?.href ?? '/pooling/';

type ViewHandle = HTMLElement & { tensor: unknown; updateComplete: Promise<boolean> };

/**
 * Adds a pw-tensor-view showing a fresh `[8, 8]` tensor, with a keyboard cursor on it (so it has a
 * readout), and returns once it has drawn. The tensor is kept in `__pwProbeTensor`.
 */
async function addViewWithCursor(page: Page): Promise<void> {
  await page.evaluate(() => {
    const tf = globalThis.pixelwise?.tf;
    if (!tf) throw new Error('no pixelwise handle');
    const t = tf.tidy(() => tf.reshape(tf.range(0, 64), [8, 8]));
    (globalThis as unknown as { __pwProbeTensor: unknown }).__pwProbeTensor = t;
    const view = document.createElement('pw-tensor-view') as unknown as ViewHandle;
    view.id = 'pw-probe-view';
    view.tensor = t;
    document.querySelector('main')?.prepend(view);
  });
  await waitForIdle(page);
  await page.locator('#pw-probe-view canvas').press('ArrowRight');
  await page.waitForFunction(() =>
    /value/.test(
      document.querySelector('#pw-probe-view')?.shadowRoot?.querySelector('.readout')
        ?.textContent ?? '',
    ),
  );
}

describe('TensorTaskController', () => {
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    browser = await launchChromium({ webgl: true });
    ({ page } = await openPage(browser, `${baseUrl}${PAGE}`));
    await waitForBackend(page);
    await waitForIdle(page);
  });
  afterAll(async () => {
    await browser.close();
  });

  it('an element removed while it shows a readout leaves no tensor behind', async () => {
    const before = await numTensors(page);
    await addViewWithCursor(page);
    // Removal clears the readout, which asks the element for one more update after it left.
    await page.evaluate(() => document.querySelector('#pw-probe-view')?.remove());
    await waitForIdle(page);
    await page.evaluate(() =>
      (globalThis as unknown as { __pwProbeTensor: { dispose(): void } }).__pwProbeTensor.dispose(),
    );
    expect(await numTensors(page)).toBe(before);
  });

  it('an element removed with a draw in flight leaves no tensor behind', async () => {
    const before = await numTensors(page);
    await addViewWithCursor(page);
    // A new tensor starts a render and a draw; the element leaves before the draw lands.
    await page.evaluate(() => {
      const tf = globalThis.pixelwise?.tf;
      const view = document.querySelector('#pw-probe-view') as unknown as ViewHandle | null;
      if (!tf || !view) throw new Error('probe missing');
      const t = tf.tidy(() => tf.reshape(tf.range(64, 0, -1), [8, 8]));
      const probe = globalThis as unknown as { __pwProbeTensor: { dispose(): void } };
      probe.__pwProbeTensor.dispose();
      probe.__pwProbeTensor = t;
      view.tensor = t;
      void view.updateComplete.then(() => view.remove());
    });
    await waitForIdle(page);
    await page.evaluate(() =>
      (globalThis as unknown as { __pwProbeTensor: { dispose(): void } }).__pwProbeTensor.dispose(),
    );
    expect(await numTensors(page)).toBe(before);
  });

  it('an element moved in the page draws again', async () => {
    const before = await numTensors(page);
    await addViewWithCursor(page);
    const drawn = () =>
      page.evaluate(() =>
        Number(
          document.querySelector('#pw-probe-view')?.shadowRoot?.querySelector('canvas')?.dataset[
            'drawn'
          ] ?? 0,
        ),
      );
    const first = await drawn();
    await page.evaluate(() => {
      const view = document.querySelector('#pw-probe-view');
      if (view) document.querySelector('main')?.append(view);
    });
    await waitForIdle(page);
    expect(await drawn()).toBeGreaterThan(first);
    await page.evaluate(() => {
      document.querySelector('#pw-probe-view')?.remove();
      (globalThis as unknown as { __pwProbeTensor: { dispose(): void } }).__pwProbeTensor.dispose();
    });
    await waitForIdle(page);
    expect(await numTensors(page)).toBe(before);
  });
});

describe('compute what is seen', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium({ webgl: true });
  });
  afterAll(async () => {
    await browser.close();
  });

  it('a figure two screens below the fold computes only once it is scrolled to', async () => {
    const { page } = await openInstrumentedPage(browser, `${baseUrl}${LONG_PAGE}`);
    await waitForBackend(page);
    await waitForIdle(page, 90_000, { reveal: false });
    // The first live figure whose top lies two screens or more below the viewport's bottom edge.
    const index = await page.evaluate(() => {
      const live = [...document.querySelectorAll('*')].filter(
        (el) =>
          el.tagName.startsWith('PW-') &&
          el.tagName !== 'PW-BACKEND-STATUS' &&
          el.tagName !== 'PW-PREDICT',
      );
      return live.findIndex((el) => el.getBoundingClientRect().top >= 3 * innerHeight);
    });
    expect(index, 'a figure two screens below the fold').toBeGreaterThanOrEqual(0);
    const state = async () => (await liveElementStates(page))[index];
    const far = await state();
    expect(far?.computed).toBe(0);
    expect(far && isRendered(far)).toBe(false);
    const before = await numTensors(page);

    await page.evaluate((i) => {
      const live = [...document.querySelectorAll('*')].filter(
        (el) =>
          el.tagName.startsWith('PW-') &&
          el.tagName !== 'PW-BACKEND-STATUS' &&
          el.tagName !== 'PW-PREDICT',
      );
      live[i]?.scrollIntoView({ block: 'center' });
    }, index);
    await waitForIdle(page, 90_000, { reveal: false });
    const seen = await state();
    expect(seen && isRendered(seen), JSON.stringify(seen)).toBe(true);
    expect(await numTensors(page)).toBeGreaterThan(before);
    await page.context().close();
  });
});
