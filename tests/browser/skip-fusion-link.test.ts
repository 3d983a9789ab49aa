/**
 * Skip fusion: the figure's streams and the network diagram's decoder nodes are the same layers,
 * linked both ways. A stream's "in the diagram" button selects that node (on the same scene);
 * selecting a decoder node in the diagram outlines its stream in the figure.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../scripts/lib/chromium.mjs';
import { openPage, waitForBackend } from './page-helpers';

const baseUrl = inject('baseUrl');

describe('skip fusion ↔ network diagram', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium({ webgl: true });
  });
  afterAll(async () => {
    await browser.close();
  });

  it('a stream selects its node, and a node outlines its stream', async () => {
    const { page, context, consoleErrors } = await openPage(browser, `${baseUrl}/skip-fusion/`);
    await waitForBackend(page);
    const fusion = page.locator('#fusion-demo');
    await fusion.scrollIntoViewIfNeeded();
    const button = fusion.getByRole('button', {
      name: 'Show score_pool4 in the network diagram',
      exact: true,
    });
    await button.waitFor({ timeout: 180_000 });
    await button.press('Enter');
    const network = () =>
      page.evaluate(() => {
        const n = document.getElementById('fusion-network') as unknown as {
          variant: string;
          selected: string;
          src: string;
        };
        const f = document.getElementById('fusion-demo') as unknown as { items: { src: string }[] };
        return { variant: n.variant, selected: n.selected, sameScene: n.src === f.items[0]?.src };
      });
    await expect.poll(network).toEqual({ variant: '8s', selected: 'score_pool4', sameScene: true });
    expect(
      await fusion.locator('.stream.highlight [data-stream]').getAttribute('data-stream'),
    ).toBe('score_pool4');

    const node = page.locator('#fusion-network [data-node="upscore2"]');
    await node.scrollIntoViewIfNeeded();
    await node.click();
    await expect
      .poll(() => fusion.locator('.stream.highlight [data-stream]').getAttribute('data-stream'))
      .toBe('upscore2');
    // An encoder node is not a stream: nothing outlined.
    await page.locator('#fusion-network [data-node="pool2"]').click();
    await expect.poll(() => fusion.locator('.stream.highlight').count()).toBe(0);
    expect(consoleErrors).toEqual([]);
    await context.close();
  });
});
