/**
 * Shared browser-test plumbing: open a built page the way a reader would, recording console
 * errors and every request that tries to leave localhost (those are blocked and reported).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { mkdirSync } from 'node:fs';

export interface OpenedPage {
  page: Page;
  context: BrowserContext;
  consoleErrors: string[];
  externalRequests: string[];
}

export const OUTPUT_DIR = 'test-output';

export interface OpenOptions {
  viewport?: { width: number; height: number };
  /** Make every WebGL context request fail, as in a browser without WebGL. */
  noWebgl?: boolean;
}

/**
 * Chromium keeps SwiftShader WebGL even with --disable-webgl in new headless mode, so "no WebGL"
 * is simulated where a page would see it: getContext('webgl'/'webgl2') returns null.
 */
function disableWebgl(): void {
  for (const proto of [HTMLCanvasElement.prototype, OffscreenCanvas.prototype]) {
    const original = Reflect.get(proto, 'getContext') as (
      this: unknown,
      id: string,
      ...rest: unknown[]
    ) => unknown;
    Object.defineProperty(proto, 'getContext', {
      value(this: unknown, id: string, ...rest: unknown[]) {
        if (/^(webgl2?|experimental-webgl)$/.test(id)) return null;
        return original.call(this, id, ...rest);
      },
    });
  }
}

export async function openPage(
  browser: Browser,
  url: string,
  { viewport = { width: 1280, height: 800 }, noWebgl = false }: OpenOptions = {},
): Promise<OpenedPage> {
  const context = await browser.newContext({ viewport });
  if (noWebgl) await context.addInitScript(disableWebgl);
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  const externalRequests: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text());
  });
  page.on('pageerror', (err) => consoleErrors.push(`pageerror: ${err.message}`));
  await context.route('**/*', (route) => {
    const host = new URL(route.request().url()).hostname;
    if (host === '127.0.0.1' || host === 'localhost') return route.continue();
    externalRequests.push(route.request().url());
    return route.abort();
  });
  await page.goto(url, { waitUntil: 'load' });
  return { page, context, consoleErrors, externalRequests };
}

/** Waits until the page's compute badge has settled on a backend, and returns its name. */
export async function waitForBackend(page: Page): Promise<string> {
  const badge = page.locator('pw-backend-status .badge');
  await page.waitForFunction(
    () => {
      const b = document.querySelector('pw-backend-status')?.shadowRoot?.querySelector('.badge');
      const name = b?.getAttribute('data-backend');
      return name !== undefined && name !== null && name !== 'loading';
    },
    undefined,
    { timeout: 60_000 },
  );
  return (await badge.getAttribute('data-backend')) ?? '';
}

/** tf.memory().numTensors in the page, via the debugging handle the backend module installs. */
export function numTensors(page: Page): Promise<number> {
  return page.evaluate(() => {
    const handle = globalThis.pixelwise;
    if (!handle)
      throw new Error('globalThis.pixelwise is missing: the backend module did not load');
    return handle.tf.memory().numTensors;
  });
}

export function screenshotPath(name: string): string {
  mkdirSync(`${OUTPUT_DIR}/screenshots`, { recursive: true });
  return `${OUTPUT_DIR}/screenshots/${name}.png`;
}
