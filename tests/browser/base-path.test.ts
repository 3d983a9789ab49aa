/**
 * Deploy anywhere: the site built for a sub-path (`astro build --base /pixelwise/`) and served
 * only under it, as a GitHub Pages project site is. Every page loads, every figure settles, no
 * request fails and no link, asset or fetched URL leaves the base. The build goes to its own
 * folder (test-output/dist-base/) so the root-base dist/ the other browser tests serve is untouched.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../scripts/lib/chromium.mjs';
import { serveStatic } from '../../scripts/lib/serve.mjs';
import { instrument, openPage, waitForBackend, waitForLiveElements } from './page-helpers';
import { LESSONS } from '../../src/lessons';

const BASE = '/pixelwise/';
const OUT_DIR = 'test-output/dist-base';

/**
 * This process's environment without what Vitest adds (BASE_URL=/, MODE, NODE_ENV=test, ...):
 * Astro lets an environment variable named like an `import.meta.env` key override it, so a
 * BASE_URL here would undo `--base` in every page's frontmatter.
 */
function buildEnv(): NodeJS.ProcessEnv {
  const vitestKeys = /^(BASE_URL|MODE|DEV|PROD|SSR|NODE_ENV|TEST|VITEST.*)$/;
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !vitestKeys.test(key)));
}

/** Absolute URLs of every link and asset in the document and in open shadow roots. */
function pageUrls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const urls: string[] = [];
    const visit = (root: Document | ShadowRoot): void => {
      for (const el of root.querySelectorAll('*')) {
        if (el instanceof HTMLAnchorElement || el instanceof HTMLLinkElement) {
          if (el.getAttribute('href') !== null) urls.push(el.href);
        } else if (el instanceof HTMLImageElement || el instanceof HTMLScriptElement) {
          if (el.getAttribute('src') !== null) urls.push(el.src);
        }
        if (el.shadowRoot) visit(el.shadowRoot);
      }
    };
    visit(document);
    return urls;
  });
}

describe(`the site built for the sub-path ${BASE}`, () => {
  let browser: Browser;
  let server: Awaited<ReturnType<typeof serveStatic>>;
  const requested: string[] = [];

  beforeAll(async () => {
    // Same Node as this test (the pinned Node 24 under npm scripts); the WASM binaries are
    // copied into public/ first, as `npm run build` does.
    execFileSync(process.execPath, ['scripts/copy-wasm.mjs'], { stdio: 'ignore' });
    execFileSync(
      process.execPath,
      ['node_modules/astro/bin/astro.mjs', 'build', '--base', BASE, '--outDir', OUT_DIR],
      { stdio: ['ignore', 'ignore', 'inherit'], timeout: 240_000, env: buildEnv() },
    );
    server = await serveStatic(OUT_DIR, { base: BASE, onRequest: (path) => requested.push(path) });
    browser = await launchChromium({ webgl: true });
  }, 300_000);

  afterAll(async () => {
    await browser.close();
    await server.close();
  });

  it('serves the site only under the base: the root path is a 404', async () => {
    expect((await fetch(`${server.url}${BASE}`)).status).toBe(200);
    expect((await fetch(`${server.url}/`)).status).toBe(404);
    expect((await fetch(`${server.url}/theme.js`)).status).toBe(404);
  });

  for (const lesson of LESSONS) {
    const url = `${BASE}${lesson.path}`;
    // SwiftShader is a software GPU, so pages pick WASM; the home page also runs forced WebGL.
    for (const webgl of lesson.path === '' ? [false, true] : [false]) {
      const label = `${url}${webgl ? '?backend=webgl (WebGL backend)' : ' (WASM backend)'}`;
      it(`${label}: figures settle, no request fails, no URL leaves the base`, async () => {
        requested.length = 0;
        const { page, context, consoleErrors, externalRequests } = await openPage(
          browser,
          'about:blank',
        );
        await instrument(context);
        const failed: string[] = [];
        page.on('response', (r) => {
          if (r.status() >= 400) failed.push(`HTTP ${r.status()} ${r.url()}`);
        });
        page.on('requestfailed', (r) => failed.push(`${r.failure()?.errorText ?? ''} ${r.url()}`));
        await page.goto(server.url + url + (webgl ? '?backend=webgl' : ''), { waitUntil: 'load' });
        const backend = await waitForBackend(page);
        expect(backend).toBe(webgl ? 'webgl' : 'wasm');
        await waitForLiveElements(page);
        await page.waitForLoadState('networkidle');

        const escaping = (await pageUrls(page)).filter((u) => {
          const parsed = new URL(u);
          return parsed.origin !== server.url || !parsed.pathname.startsWith(BASE);
        });
        const outside = requested.filter((path) => !path.startsWith(BASE));
        expect({ escaping, outside, failed, consoleErrors, externalRequests }).toEqual({
          escaping: [],
          outside: [],
          failed: [],
          consoleErrors: [],
          externalRequests: [],
        });
        // The page did fetch things under the base: its scripts, and on WASM the binaries.
        expect(requested.some((p) => p.startsWith(`${BASE}_astro/`))).toBe(true);
        if (!webgl) expect(requested.some((p) => p.startsWith(`${BASE}tfjs-wasm/`))).toBe(true);
        await context.close();
      });
    }
  }
});
