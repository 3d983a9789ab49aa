import type { Page } from 'playwright-core';

export interface IdleOptions {
  /**
   * Figures compute only near the viewport. With `reveal` (the default), each live element of
   * the page is scrolled into view in turn and the page waits at each, then the scroll position
   * is put back: afterwards every figure has computed, below the fold too. `reveal: false` waits
   * only for what the current scroll position has started.
   */
  reveal?: boolean;
}

/**
 * Waits until no element computation or canvas draw is in flight (see
 * src/lib/browser/activity.ts) for two consecutive animation frames.
 */
export async function waitForIdle(
  page: Page,
  timeout = 90_000,
  { reveal = true }: IdleOptions = {},
): Promise<void> {
  const settled = await page.evaluate(
    async ([limit, reveal]) => {
      const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
      const idle = () => (globalThis.pixelwiseActivity?.pending ?? 0) === 0;
      const end = performance.now() + limit;
      const settle = async () => {
        // A figure scrolled near starts from an IntersectionObserver callback, a frame later.
        await frame();
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
      };
      // Figures register when their element upgrades: wait until every one has.
      while (document.querySelector('main :not(:defined)') && performance.now() < end) {
        await frame();
      }
      // Nothing waits to be scrolled near (every figure started): no need to scroll.
      if (!reveal || (globalThis.pixelwiseVisibility?.waiting ?? 0) === 0) return settle();
      const [x, y] = [scrollX, scrollY];
      const figures = [...document.querySelectorAll('main *')].filter((el) =>
        el.tagName.startsWith('PW-'),
      );
      for (const figure of figures) {
        figure.scrollIntoView({ block: 'center' });
        if (!(await settle())) return false;
      }
      window.scrollTo(x, y);
      return settle();
    },
    [timeout, reveal] as const,
  );
  if (!settled) throw new Error(`page still busy after ${timeout} ms`);
}
