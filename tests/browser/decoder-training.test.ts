/**
 * Train it yourself (pw-decoder-training on the bilinear-deconvolution page): the figure shows
 * step 0 and waits for Start; training runs in the compute worker a few steps per request; the
 * page's and the worker's tensor counts stay flat however long it trains (checked at every pause
 * over the run); Pause stops the steps, a hidden tab pauses them and a shown one resumes them;
 * Reset frees the run and starts a new one at step 0; removing the element frees its run. And
 * the page's claim: from the bilinear start the loss falls below TARGET_LOSS within
 * TARGET_STEPS steps, and at equal steps its mask on the held-out scene beats the random start's.
 *
 * PW_TRAIN_SECONDS sets how long the figure trains in all (default 75 s; the steps it managed
 * are printed with the steps per second); PW_TRAIN_BACKEND=cpu|wasm|webgl forces a backend.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../scripts/lib/chromium.mjs';
import { numTensors, openPage, waitForBackend, waitForDrawnCanvases } from './page-helpers';

const baseUrl = inject('baseUrl');
const TRAIN_MS = Number(process.env['PW_TRAIN_SECONDS'] ?? 75) * 1000;
const BACKEND = process.env['PW_TRAIN_BACKEND'];
/** The page's sentence: from the bilinear start the loss is below this within TARGET_STEPS. */
const TARGET_LOSS = 0.5;
const TARGET_STEPS = 10;

interface Progress {
  step: number;
  running: boolean;
  losses: { step: number; run: string; loss: number }[];
  snapshotStep: number;
  meanIU: { bilinear: number; random: number };
  stepsPerSecond: number;
  startEnabled: boolean;
}

function progress(page: Page): Promise<Progress> {
  return page.evaluate(() => {
    const el = document.querySelector('pw-decoder-training');
    if (!el) throw new Error('no pw-decoder-training on the page');
    const start = el.shadowRoot?.querySelector<HTMLButtonElement>('button.start');
    const mask = (run: string) =>
      el.shadowRoot?.querySelector(`[data-run=${run}] pw-tensor-view`)?.getAttribute('label') ?? '';
    const iu = (run: string) => Number(/mean IU ([\d.]+) %/.exec(mask(run))?.[1] ?? NaN);
    const snap = Number(/step (\d+)\)/.exec(mask('bilinear'))?.[1] ?? -1);
    return {
      step: el.step,
      running: el.running,
      losses: el.history.map((p) => ({ ...p })),
      snapshotStep: snap,
      meanIU: { bilinear: iu('bilinear'), random: iu('random') },
      stepsPerSecond: el.stepsPerSecond,
      startEnabled: start ? !start.disabled : false,
    };
  });
}

async function press(page: Page, button: 'start' | 'pause' | 'reset'): Promise<void> {
  const locator = page.locator(`pw-decoder-training button.${button}`);
  await locator.focus();
  await page.keyboard.press('Enter');
}

/** Waits until the request in flight (if any) has come back; returns the step reached. */
async function settled(page: Page): Promise<number> {
  await page.waitForFunction(
    () => document.querySelector('pw-decoder-training')?.training === false,
    undefined,
    { timeout: 120_000 },
  );
  return (await progress(page)).step;
}

/** The page's and the worker's tensors apart, for failure messages. */
function split(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const worker = (await globalThis.pixelwiseCompute?.stats())?.numTensors ?? 0;
    return `page ${globalThis.pixelwise?.tf.memory().numTensors ?? NaN}, worker ${worker}`;
  });
}

function setHidden(page: Page, hidden: boolean): Promise<void> {
  return page.evaluate((h) => {
    Object.defineProperty(document, 'visibilityState', {
      configurable: true,
      get: () => (h ? 'hidden' : 'visible'),
    });
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
}

const lossAt = (p: Progress, run: string, step: number) =>
  p.losses.find((l) => l.run === run && l.step === step)?.loss ?? NaN;

describe('pw-decoder-training: train the decoder yourself', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium({ webgl: true });
  });
  afterAll(async () => {
    await browser.close();
  });

  it('trains in the worker with flat memory; pause, hidden tab, reset and removal behave', async () => {
    const { page, context, consoleErrors } = await openPage(
      browser,
      `${baseUrl}/bilinear-deconvolution/${BACKEND ? `?backend=${BACKEND}` : ''}`,
    );
    const backend = await waitForBackend(page);
    await page.locator('pw-decoder-training').scrollIntoViewIfNeeded();
    // Step 0 is computed when seen; nothing trains until Start.
    await page.waitForFunction(
      () =>
        !document
          .querySelector('pw-decoder-training')
          ?.shadowRoot?.querySelector<HTMLButtonElement>('button.start')?.disabled,
      undefined,
      { timeout: 120_000 },
    );
    // Every view inside has drawn (they draw when seen): the count is the settled one.
    await waitForDrawnCanvases(page);
    await page.waitForTimeout(2000);
    const atZero = await progress(page);
    expect(atZero.step).toBe(0);
    expect(atZero.running).toBe(false);
    expect(atZero.losses.filter((l) => l.step === 0)).toHaveLength(2);
    // Step 0's count; training adds Adam's moments (worker) and a second snapshot (page) once.
    const atZeroCount = await numTensors(page);
    console.log(`step 0: ${await split(page)}`);
    let baseline: number | undefined;

    await press(page, 'start');
    const started = Date.now();
    let checks = 0;
    let pauses = 0;
    let early: Progress | undefined;
    // Train in stretches of about 12 s (the first 6 s, to read the held-out masks early); after
    // each, pause and count every tensor.
    while (Date.now() - started < TRAIN_MS) {
      const stretch = checks === 0 ? 6_000 : 12_000;
      await page.waitForTimeout(Math.min(stretch, TRAIN_MS - (Date.now() - started)));
      await press(page, 'pause');
      const held = await settled(page);
      await page.waitForTimeout(1000);
      const now = await progress(page);
      early ??= now;
      expect(now.step, 'no step while paused').toBe(held);
      baseline ??= await numTensors(page);
      expect(await numTensors(page), `tensors after ${held} steps`).toBe(baseline);
      checks++;
      if ((await progress(page)).step >= 1000) break;
      await press(page, 'start');
      pauses++;
    }
    const trained = await progress(page);
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `decoder training on ${backend}: ${trained.step} steps in ${seconds.toFixed(0)} s ` +
        `(${trained.stepsPerSecond.toFixed(2)} steps/s at the last request; ${checks} tensor checks, ` +
        `${baseline} tensors each, ${atZeroCount} at step 0); loss at step ${TARGET_STEPS}: bilinear ` +
        `${lossAt(trained, 'bilinear', TARGET_STEPS).toFixed(3)}, random ` +
        `${lossAt(trained, 'random', TARGET_STEPS).toFixed(3)}; at step ${trained.step - 1}: ` +
        `${lossAt(trained, 'bilinear', trained.step - 1).toFixed(3)} vs ` +
        `${lossAt(trained, 'random', trained.step - 1).toFixed(3)}; held-out mean IU at step ` +
        `${trained.snapshotStep}: ${trained.meanIU.bilinear} vs ${trained.meanIU.random} %`,
    );
    expect(trained.step).toBeGreaterThan(TARGET_STEPS);
    expect(pauses).toBeGreaterThan(0);
    // The page's claims.
    const firstBelow = trained.losses.find((l) => l.run === 'bilinear' && l.loss < TARGET_LOSS);
    expect(firstBelow?.step ?? Infinity).toBeLessThanOrEqual(TARGET_STEPS);
    expect(lossAt(trained, 'bilinear', TARGET_STEPS)).toBeLessThan(
      lossAt(trained, 'random', TARGET_STEPS),
    );
    // A snapshot scores both runs at the same step (the latest one taken, every 1.5 s or so).
    expect(trained.snapshotStep).toBeGreaterThan(TARGET_STEPS);
    // The page: early on the bilinear start's mask on the held-out scene is far better (seed 1 in
    // Node: 66.7 vs 18.2 % at step 10, 51.3 vs 44.9 at step 50); by about step 200 the two meet
    // (28 vs 30 % at step 209 here). So the comparison is made at the first pause, within 50
    // steps; a machine fast enough to pass step 50 in 6 s fails loudly rather than skip it.
    console.log(
      `held-out mean IU at step ${early?.snapshotStep}: ${early?.meanIU.bilinear} vs ${early?.meanIU.random} %`,
    );
    expect(early?.snapshotStep).toBeGreaterThan(0);
    expect(early?.snapshotStep).toBeLessThanOrEqual(50);
    expect(early?.meanIU.bilinear).toBeGreaterThan(early?.meanIU.random ?? NaN);

    // A hidden tab pauses training; shown again, it goes on.
    await press(page, 'start');
    await page.waitForFunction(
      (s) => (document.querySelector('pw-decoder-training')?.step ?? 0) > s,
      trained.step,
      { timeout: 60_000 },
    );
    await setHidden(page, true);
    const hiddenAt = await settled(page);
    await page.waitForTimeout(2000);
    expect((await progress(page)).step, 'no step while the tab is hidden').toBe(hiddenAt);
    expect((await progress(page)).running, 'still wanted: resumes when shown').toBe(true);
    await setHidden(page, false);
    await page.waitForFunction(
      (s) => (document.querySelector('pw-decoder-training')?.step ?? 0) > s,
      hiddenAt,
      { timeout: 60_000 },
    );

    // Reset: a new run at step 0, the old one freed (the same count as the first step 0).
    await press(page, 'pause');
    await settled(page);
    await press(page, 'reset');
    await page.waitForFunction(
      () => {
        const el = document.querySelector('pw-decoder-training');
        return el !== null && el.step === 0 && el.history.length === 2;
      },
      undefined,
      { timeout: 120_000 },
    );
    await waitForDrawnCanvases(page);
    await page.waitForTimeout(2000);
    expect(await numTensors(page), `tensors after reset (${await split(page)})`).toBe(atZeroCount);

    // Removed from the page, the element frees its run; put back, it starts afresh at the
    // same count (nothing accumulates).
    await page.evaluate(() => {
      const el = document.querySelector('pw-decoder-training');
      const parent = el?.parentElement;
      if (!el || !parent) throw new Error('no pw-decoder-training');
      (globalThis as unknown as { __pwParked: [Element, Element, Node | null] }).__pwParked = [
        el,
        parent,
        el.nextSibling,
      ];
      el.remove();
    });
    await page.waitForTimeout(3000);
    expect(await numTensors(page), 'tensors once the element has left').toBeLessThan(atZeroCount);
    await page.evaluate(() => {
      const [el, parent, next] = (
        globalThis as unknown as { __pwParked: [Element, Element, Node | null] }
      ).__pwParked;
      parent.insertBefore(el, next);
      el.scrollIntoView({ block: 'start' });
    });
    await page.waitForFunction(
      () => {
        const el = document.querySelector('pw-decoder-training');
        const start = el?.shadowRoot?.querySelector<HTMLButtonElement>('button.start');
        return el !== null && start !== null && start !== undefined && !start.disabled;
      },
      undefined,
      { timeout: 120_000 },
    );
    await waitForDrawnCanvases(page);
    await page.waitForTimeout(2000);
    expect(await numTensors(page), 'tensors once back at step 0').toBe(atZeroCount);

    // Try this: skip layers that start at random raise both runs' loss at step 0.
    const zeroSkip = await progress(page);
    await page.locator('pw-decoder-training input[name=skip][value=random]').check();
    await page.waitForFunction(
      (before) => {
        const el = document.querySelector('pw-decoder-training');
        const b = el?.history.find((p) => p.run === 'bilinear' && p.step === 0)?.loss;
        return b !== undefined && b !== before;
      },
      lossAt(zeroSkip, 'bilinear', 0),
      { timeout: 120_000 },
    );
    const randomSkip = await progress(page);
    console.log(
      `step-0 loss, skips zero: ${lossAt(zeroSkip, 'bilinear', 0).toFixed(3)} / ` +
        `${lossAt(zeroSkip, 'random', 0).toFixed(3)}; skips random: ` +
        `${lossAt(randomSkip, 'bilinear', 0).toFixed(3)} / ${lossAt(randomSkip, 'random', 0).toFixed(3)}`,
    );
    for (const run of ['bilinear', 'random']) {
      expect(lossAt(randomSkip, run, 0)).toBeGreaterThan(lossAt(zeroSkip, run, 0));
    }
    expect(consoleErrors).toEqual([]);
    await context.close();
  }, 600_000);
});
