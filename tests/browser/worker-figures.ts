/**
 * Helpers of the worker-figure tests (bilinear-worker, zero-insertion-worker): figures that
 * compute in the compute worker and draw plain arrays, driven and read from the page.
 */
import type { Page } from 'playwright-core';

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
