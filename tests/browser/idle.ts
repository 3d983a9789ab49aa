import type { Page } from 'playwright-core';

/**
 * Waits until no element computation or canvas draw is in flight (see
 * src/lib/browser/activity.ts) for two consecutive animation frames.
 */
export async function waitForIdle(page: Page, timeout = 90_000): Promise<void> {
  const settled = await page.evaluate(async (limit) => {
    const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
    const idle = () => (globalThis.pixelwiseActivity?.pending ?? 0) === 0;
    const end = performance.now() + limit;
    while (performance.now() < end) {
      if (idle()) {
        await frame();
        await frame();
        if (idle()) return true;
      } else {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    return false;
  }, timeout);
  if (!settled) throw new Error(`page still busy after ${timeout} ms`);
}
