/**
 * Offline after the first visit: one visit to the home page installs the service worker, which
 * stores the whole build (pages, scripts, fonts, photos, scenes, weights, WASM) in one cache named
 * after the build's version. Then the network goes away, and every lesson still opens and every
 * figure on it draws, with no failed request and no error.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../scripts/lib/chromium.mjs';
import {
  instrument,
  isRendered,
  liveElementStates,
  openPage,
  waitForBackend,
  waitForLiveElements,
  waitForDrawnCanvases,
} from './page-helpers';
import { LESSONS } from '../../src/lessons';

const baseUrl = inject('baseUrl');

describe('offline after the first visit', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium({ webgl: true });
  });
  afterAll(async () => {
    await browser.close();
  });

  it('one visit caches the site; offline, every lesson opens and every figure draws', async () => {
    const { page, context, consoleErrors } = await openPage(browser, `${baseUrl}/`);
    await instrument(context);
    const cache = await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.ready;
      const names = await caches.keys();
      const mine = names.filter((n) => n.startsWith('pixelwise-'));
      const stored = mine[0] ? await (await caches.open(mine[0])).keys() : [];
      return {
        scope: registration.scope,
        names: mine,
        urls: stored.map((r) => new URL(r.url).pathname),
      };
    });
    expect(cache.scope).toBe(`${baseUrl}/`);
    expect(cache.names).toHaveLength(1);
    expect(cache.names[0]).toMatch(/^pixelwise-[0-9a-f]{16}$/);
    for (const lesson of LESSONS)
      expect(cache.urls).toContain(new URL(lesson.href, baseUrl).pathname);
    for (const kind of [/\/weights\/.*\.bin$/, /\.wasm$/, /\.woff2$/, /\/images\/.*\.(png|jpg)$/]) {
      expect(
        cache.urls.some((u) => kind.test(u)),
        String(kind),
      ).toBe(true);
    }
    console.log(`offline cache ${cache.names[0]}: ${cache.urls.length} files`);

    await context.setOffline(true);
    const failed: string[] = [];
    page.on('requestfailed', (r) => failed.push(r.url()));
    for (const lesson of LESSONS) {
      await page.goto(baseUrl + lesson.href, { waitUntil: 'load' });
      const backend = await waitForBackend(page);
      await waitForLiveElements(page, 120_000);
      await waitForDrawnCanvases(page);
      const states = await liveElementStates(page);
      const bad = states.filter((s) => !isRendered(s) || s.alert !== '');
      expect(bad, `${lesson.href} offline on ${backend}`).toEqual([]);
      // Every canvas drew: nothing is blank for want of a file.
      const blank = states.filter((s) => s.drawnCanvases < s.canvases).map((s) => s.tag);
      expect(blank, `${lesson.href} blank canvases`).toEqual([]);
      console.log(
        `offline ${lesson.href} (${backend}): ${states.length} elements, ` +
          `${states.reduce((n, s) => n + s.canvases, 0)} canvases drawn`,
      );
    }
    expect(failed).toEqual([]);
    expect(consoleErrors).toEqual([]);
    // The network really is gone: a file the cache does not hold cannot be fetched.
    const missing = await page.evaluate(() =>
      fetch('not-in-the-cache.txt').then(
        () => 'fetched',
        () => 'failed',
      ),
    );
    // (Chromium logs that refused fetch as a console error: it is this probe's, not the site's.)
    expect(missing).toBe('failed');
    await context.close();
  }, 900_000);
});
