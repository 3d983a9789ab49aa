/**
 * The overview's live figure and the pointer readouts every figure shares:
 * - a tensor view's readout at a position valid for the old tensor and outside the new one
 *   shows nothing instead of throwing (the readout clamp);
 * - the feature grid opens at conv1_1, colours a post-ReLU channel with a sequential map and a
 *   signed one with a diverging map, survives "hover the mosaic, then change the layer", and
 *   enlarges the tile a finger taps;
 * - for a test scene the explorer shows the ground truth beside the prediction and a mean IU
 *   that this test recomputes from the two drawn label maps; for a photo it shows neither.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { launchChromium } from '../../scripts/lib/chromium.mjs';
import { numTensors, waitForBackend } from './page-helpers';
import { waitForIdle } from './idle';
import { FCN_PALETTE } from '../../src/lib/fcn/classes';

const baseUrl = inject('baseUrl');

interface Probe {
  readAt(x: number, y: number): Promise<void>;
  readout: string;
  tensor: unknown;
}

/** Label maps drawn on canvases, read back as class indices by nearest palette colour. */
function classesOf(rgba: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < rgba.length; i += 4) {
    let best = 0;
    let bestDistance = Infinity;
    FCN_PALETTE.forEach(([r, g, b], k) => {
      const d =
        ((rgba[i] ?? 0) - r) ** 2 + ((rgba[i + 1] ?? 0) - g) ** 2 + ((rgba[i + 2] ?? 0) - b) ** 2;
      if (d < bestDistance) [best, bestDistance] = [k, d];
    });
    out.push(best);
  }
  return out;
}

/** Mean IU as the FCN paper defines it, written out plainly (classes in neither map skipped). */
function meanIU(pred: readonly number[], truth: readonly number[]): number {
  const ious: number[] = [];
  for (let k = 0; k < FCN_PALETTE.length; k++) {
    let both = 0;
    let either = 0;
    pred.forEach((p, i) => {
      const t = truth[i];
      if (p === k && t === k) both++;
      if (p === k || t === k) either++;
    });
    if (either > 0) ious.push(both / either);
  }
  return ious.reduce((a, b) => a + b, 0) / ious.length;
}

/** RGBA pixels of the canvas inside a pw-tensor-view. */
function canvasPixels(view: Locator): Promise<number[]> {
  return view.evaluate((el) => {
    const canvas = el.shadowRoot?.querySelector('canvas');
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) throw new Error('no canvas');
    return Array.from(ctx.getImageData(0, 0, canvas.width, canvas.height).data);
  });
}

describe('overview figure and shared readouts', () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium({ webgl: true });
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, hasTouch: true });
    page = await context.newPage();
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && !/Content Security Policy/.test(m.text())) {
        errors.push(`console: ${m.text()}`);
      }
    });
    await page.goto(baseUrl + '/', { waitUntil: 'load' });
    await waitForBackend(page);
    await waitForIdle(page);
  });
  afterAll(async () => {
    await context.close();
    await browser.close();
  });

  it('a readout at a position valid for the old tensor and outside the new one shows nothing', async () => {
    const before = await numTensors(page);
    await page.evaluate(() => {
      const view = document.createElement('pw-tensor-view') as unknown as Probe & HTMLElement;
      view.id = 'probe';
      view.style.inlineSize = '320px';
      document.querySelector('main')?.prepend(view);
      const tf = globalThis.pixelwise?.tf;
      if (!tf) throw new Error('no tfjs handle');
      view.tensor = tf.randomUniform([32, 32]);
    });
    const canvas = page.locator('#probe canvas');
    await expect.poll(() => canvas.getAttribute('data-drawn')).toBe('1');
    // Rest the pointer near the bottom-right corner: pixel (30, 30) of the 32×32 tensor.
    const box = await canvas.boundingBox();
    if (!box) throw new Error('probe canvas has no box');
    await page.mouse.move(box.x + box.width * (30.5 / 32), box.y + box.height * (30.5 / 32));
    await expect.poll(() => page.locator('#probe .readout').textContent()).toMatch(/^\(30, 30\)/);

    // Replace the tensor by an 8×8 one and dispose the old, as a figure does on a new setting;
    // read at the old position before and after the new tensor is drawn.
    const outcome = await page.evaluate(async () => {
      const view = document.getElementById('probe') as unknown as Probe & HTMLElement;
      const tf = globalThis.pixelwise?.tf;
      if (!tf) throw new Error('no tfjs handle');
      const old = view.tensor as { dispose(): void };
      view.tensor = tf.randomUniform([8, 8]);
      old.dispose();
      const results: string[] = [];
      try {
        await view.readAt(30, 30); // the shown tensor is disposed now
        results.push(`disposed: "${view.readout}"`);
      } catch (error) {
        results.push(`disposed threw ${String(error)}`);
      }
      return results;
    });
    expect(outcome).toEqual(['disposed: ""']);
    await expect.poll(() => canvas.getAttribute('data-drawn')).toBe('2');
    // The resting pointer's readout went with the old shape.
    expect(await page.locator('#probe .readout').textContent()).toBe('');
    const after = await page.evaluate(async () => {
      const view = document.getElementById('probe') as unknown as Probe & HTMLElement;
      try {
        await view.readAt(30, 30); // valid for 32×32, outside 8×8
        await view.readAt(-1, 2);
        return `"${view.readout}"`;
      } catch (error) {
        return `threw ${String(error)}`;
      }
    });
    expect(after).toBe('""');
    // The same screen position now reads the new tensor's pixel (7, 7).
    await page.mouse.move(box.x + box.width * 0.97, box.y + box.height * 0.97);
    await expect.poll(() => page.locator('#probe .readout').textContent()).toMatch(/^\(7, 7\)/);

    await page.evaluate(() => {
      const view = document.getElementById('probe') as unknown as Probe & HTMLElement;
      (view.tensor as { dispose(): void }).dispose();
      view.remove();
    });
    await waitForIdle(page);
    expect(await numTensors(page)).toBe(before);
    expect(errors).toEqual([]);
  });

  it('the feature grid opens at conv1_1 and colours by sign: sequential after ReLU, diverging for scores', async () => {
    const grid = page.locator('#overview-demo pw-feature-grid');
    await expect.poll(() => grid.locator('select').inputValue()).toBe('conv1_1');
    const legend = grid.locator('pw-tensor-view.channel .legend');
    expect(await legend.getAttribute('data-map')).toBe('sequential');
    const low = Number(await legend.locator('span').first().textContent());
    expect(low).toBeGreaterThanOrEqual(0);

    await grid.locator('select').selectOption('score_fr');
    await waitForIdle(page);
    await expect.poll(() => legend.getAttribute('data-map')).toBe('diverging');
    const signedLow = Number(await legend.locator('span').first().textContent());
    expect(signedLow).toBeLessThan(0);
    await grid.locator('select').selectOption('conv1_1');
    await waitForIdle(page);
    expect(errors).toEqual([]);
  });

  it('hovering the mosaic and then changing the layer throws nothing and leaves no stale readout', async () => {
    const grid = page.locator('#overview-demo pw-feature-grid');
    const mosaic = grid.locator('pw-tensor-view.mosaic');
    await mosaic.locator('canvas').scrollIntoViewIfNeeded();
    const box = await mosaic.locator('canvas').boundingBox();
    if (!box) throw new Error('mosaic has no box');
    await page.mouse.move(box.x + box.width * 0.95, box.y + box.height * 0.95);
    await expect.poll(() => mosaic.locator('.readout').textContent()).toMatch(/^\(\d+, \d+\)/);
    await grid.locator('select').selectOption('pool5');
    await page.mouse.move(box.x + box.width * 0.96, box.y + box.height * 0.96);
    await page.mouse.click(box.x + box.width * 0.96, box.y + box.height * 0.96);
    await waitForIdle(page);
    const readout = (await mosaic.locator('.readout').textContent()) ?? '';
    // Either nothing, or a position inside pool5's mosaic (at most a few dozen pixels wide).
    const [, x = '0', y = '0'] = /^\((\d+), (\d+)\)/.exec(readout) ?? [];
    const size = await mosaic
      .locator('canvas')
      .evaluate((c: HTMLCanvasElement) => [c.width, c.height]);
    expect(Number(x)).toBeLessThan(size[0] ?? 0);
    expect(Number(y)).toBeLessThan(size[1] ?? 0);
    expect(errors).toEqual([]);
    await grid.locator('select').selectOption('conv1_1');
    await waitForIdle(page);
  });

  it('a tap on a mosaic tile enlarges that channel', async () => {
    const grid = page.locator('#overview-demo pw-feature-grid');
    const canvas = grid.locator('pw-tensor-view.mosaic canvas');
    await expect.poll(() => grid.locator('select').inputValue()).toBe('conv1_1');
    const [width, height] = await canvas.evaluate((c: HTMLCanvasElement) => [c.width, c.height]);
    const channels = Number(
      /\[\d+×\d+×(\d+)\]/.exec((await grid.locator('option:checked').textContent()) ?? '')?.[1],
    );
    const columns = Math.ceil(Math.sqrt(channels));
    const tile = (Number(width) + 1) / columns; // each tile plus its one-pixel gap
    const k = columns + 2; // second row, third column
    await canvas.scrollIntoViewIfNeeded();
    const box = await canvas.boundingBox();
    if (!box || !width || !height) throw new Error('mosaic has no box');
    await page.touchscreen.tap(
      box.x + ((2 * tile + tile / 2) / width) * box.width,
      box.y + ((1 * tile + tile / 2) / height) * box.height,
    );
    await expect
      .poll(() => grid.locator('pw-tensor-view.channel figcaption').textContent())
      .toBe(`conv1_1, channel ${k}`);
    expect(errors).toEqual([]);
  });

  it('a test scene shows its ground truth and the mean IU of the prediction against it', async () => {
    const explorer = page.locator('#overview-demo');
    const truth = explorer.locator('pw-tensor-view[label^="Ground truth"]');
    const prediction = explorer.locator('pw-tensor-view[label*="prediction"]');
    await expect.poll(() => truth.count()).toBe(1);
    const text = (await explorer.locator('.score').textContent()) ?? '';
    const shown = Number(/mean IU of\s+([\d.]+)%/.exec(text)?.[1]);
    const expected = meanIU(
      classesOf(await canvasPixels(prediction)),
      classesOf(await canvasPixels(truth)),
    );
    console.log(`overview default scene: mean IU shown ${shown}%, recomputed ${expected * 100}%`);
    expect(Math.abs(shown - expected * 100)).toBeLessThanOrEqual(0.051);

    // A photo has no ground truth: neither the panel nor the score is shown.
    await page.locator('pw-image-picker[for="overview-demo"] button.thumb').last().click();
    await waitForIdle(page);
    await expect.poll(() => truth.count()).toBe(0);
    expect(await explorer.locator('.score').count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
