/**
 * Helpers of the worker-figure tests (bilinear-worker, zero-insertion-worker): figures that
 * compute in the compute worker and draw plain arrays, driven and read from the page.
 */
import { expect } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { numTensors, openInstrumentedPage, waitForBackend, type OpenedPage } from './page-helpers';
import { waitForIdle } from './idle';

/** Tensor ids the page has handed out so far (a probe tensor's id; it costs one id). */
export function tensorIds(page: Page): Promise<number> {
  return page.evaluate(() => {
    const tf = globalThis.pixelwise?.tf;
    if (!tf) throw new Error('no pixelwise handle');
    const t = tf.scalar(0);
    t.dispose();
    return t.id;
  });
}

/** Sets control `selector` in figure `id` as a reader would and waits for its next result. */
export async function setControl(
  page: Page,
  id: string,
  selector: string,
  value: string,
): Promise<void> {
  await page.evaluate(
    async ([id, selector, value]) => {
      const host = document.getElementById(id);
      const input = host?.shadowRoot?.querySelector<HTMLInputElement | HTMLSelectElement>(selector);
      if (!host || !input) throw new Error(`no ${selector} in #${id}`);
      const computed = new Promise((resolve) =>
        host.addEventListener('pw-computed', resolve, { once: true }),
      );
      input.value = value;
      input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
      input.dispatchEvent(new Event('change', { bubbles: true, composed: true }));
      await computed;
    },
    [id, selector, value] as const,
  );
}

/** `data-drawn` of every canvas in figure `id`'s views (0 for one never drawn). */
export function drawCounts(page: Page, id: string): Promise<number[]> {
  return page.evaluate(
    (id) =>
      [...(document.getElementById(id)?.shadowRoot?.querySelectorAll('pw-tensor-view') ?? [])].map(
        (v) => Number(v.shadowRoot?.querySelector('canvas')?.dataset['drawn'] ?? 0),
      ),
    id,
  );
}

/** Opens `url` with every figure computed, and checks its figures run in the compute worker. */
export async function openWorkerPage(browser: Browser, url: string): Promise<OpenedPage> {
  const opened = await openInstrumentedPage(browser, url);
  await waitForBackend(opened.page);
  await waitForIdle(opened.page, 180_000);
  const mode = await opened.page.evaluate(
    async () => (await globalThis.pixelwiseCompute?.stats())?.mode,
  );
  expect(mode).toBe('worker');
  return opened;
}

/**
 * Sets control `selector` of figure `id` to `value` and checks the move made no tensor on the
 * page (one tensor id for the second probe, the count unchanged) and redrew every view.
 */
export async function expectWorkerMove(
  page: Page,
  id: string,
  selector: string,
  value: string,
): Promise<void> {
  await page.locator(`#${id}`).scrollIntoViewIfNeeded();
  await waitForIdle(page, 120_000, { reveal: false });
  const tensorsBefore = await numTensors(page);
  const drawnBefore = await drawCounts(page, id);
  const idsBefore = await tensorIds(page);
  await setControl(page, id, selector, value);
  await waitForIdle(page, 120_000, { reveal: false });
  // One id for the second probe: nothing else was made on the page.
  expect(await tensorIds(page), `${id} ${selector}`).toBe(idsBefore + 1);
  expect(await numTensors(page)).toBe(tensorsBefore);
  const drawn = await drawCounts(page, id);
  expect(drawn.length, `${id} views`).toBeGreaterThan(0);
  drawn.forEach((n, i) => expect(n, `${id} view ${i}`).toBeGreaterThan(drawnBefore[i] ?? 0));
}
