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

/**
 * Live tfjs tensors of the page: the page's own `tf.memory().numTensors` plus the compute
 * worker's (via the debugging handles the backend and compute-client modules install).
 */
export function numTensors(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const handle = globalThis.pixelwise;
    if (!handle)
      throw new Error('globalThis.pixelwise is missing: the backend module did not load');
    const worker = (await globalThis.pixelwiseCompute?.stats())?.numTensors ?? 0;
    return handle.tf.memory().numTensors + worker;
  });
}

export function screenshotPath(name: string): string {
  mkdirSync(`${OUTPUT_DIR}/screenshots`, { recursive: true });
  return `${OUTPUT_DIR}/screenshots/${name}.png`;
}

// ---------------------------------------------------------------------------------------------
// Quality-gate helpers (accessibility, CSP, faults): they find live elements generically, so
// every new page and every new <pw-*> element is covered without editing the tests.

/** Tags that are page chrome, not live figures. */
const NOT_LIVE = new Set(['pw-backend-status', 'pw-predict']);

/**
 * Init script: records CSP violations in `globalThis.__pwCsp` and counts each element's
 * `pw-computed` events in its `__pwComputed` property. Install with `context.addInitScript`
 * before the page loads (see `instrument`).
 */
function recordPageEvents(): void {
  const g = globalThis as unknown as { __pwCsp: string[] };
  g.__pwCsp = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    g.__pwCsp.push(
      `${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}`,
    );
  });
  document.addEventListener(
    'pw-computed',
    (e) => {
      const target = e.composedPath()[0] as { __pwComputed?: number };
      target.__pwComputed = (target.__pwComputed ?? 0) + 1;
    },
    true,
  );
}

/** Adds the CSP / `pw-computed` recorder to a context; pages opened afterwards carry it. */
export async function instrument(context: BrowserContext): Promise<void> {
  await context.addInitScript(recordPageEvents);
}

/**
 * Like `openPage`, but the CSP / `pw-computed` recorder is in place before the first script runs
 * (the page is opened on about:blank first, then navigated).
 */
export async function openInstrumentedPage(
  browser: Browser,
  url: string,
  options: OpenOptions = {},
): Promise<OpenedPage> {
  const opened = await openPage(browser, 'about:blank', options);
  await instrument(opened.context);
  // The console's "Failed to load resource" line has no URL; record which one failed.
  opened.page.on('response', (response) => {
    if (response.status() >= 400) {
      opened.consoleErrors.push(`HTTP ${response.status()} ${response.url()}`);
    }
  });
  await opened.page.goto(url, { waitUntil: 'load' });
  return opened;
}

/** CSP violations the recorder saw on this page so far. */
export function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (globalThis as unknown as { __pwCsp?: string[] }).__pwCsp ?? []);
}

/** Tag names (lower case) of the live `<pw-*>` elements in the document, in document order. */
export function liveElementTags(page: Page): Promise<string[]> {
  return page.evaluate(
    (skip) =>
      [...document.querySelectorAll('*')]
        .map((el) => el.tagName.toLowerCase())
        .filter((tag) => tag.startsWith('pw-') && !skip.includes(tag)),
    [...NOT_LIVE],
  );
}

/** Per live element: how many `pw-computed` events, and whether every canvas has drawn pixels. */
export interface LiveElementState {
  tag: string;
  upgraded: boolean;
  /** A `role="status"` line in it still says loading / computing / reading. */
  busy: boolean;
  /** Text of any `role="alert"` or `.error` in it (empty when none). */
  alert: string;
  /** The element declares it needs the trained weights (`data-needs-weights`). */
  needsWeights: boolean;
  /** Lit's `hasUpdated`: the element rendered at least once. */
  updated: boolean;
  computed: number;
  canvases: number;
  drawnCanvases: number;
}

export function liveElementStates(page: Page): Promise<LiveElementState[]> {
  return page.evaluate(
    (skip) => {
      const drawn = (canvas: HTMLCanvasElement): boolean => {
        if (canvas.width === 0 || canvas.height === 0) return false;
        // Copy through drawImage: works whatever context (2d, webgl, bitmaprenderer) drew it.
        const w = Math.min(canvas.width, 64);
        const h = Math.min(canvas.height, 64);
        const probe = document.createElement('canvas');
        probe.width = w;
        probe.height = h;
        const ctx = probe.getContext('2d', { willReadFrequently: true });
        if (!ctx) return false;
        ctx.drawImage(canvas, 0, 0, w, h);
        const data = ctx.getImageData(0, 0, w, h).data;
        for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) return true;
        return false;
      };
      return [...document.querySelectorAll('*')]
        .filter((el) => el.tagName.startsWith('PW-') && !skip.includes(el.tagName.toLowerCase()))
        .map((el) => {
          // Look through nested shadow roots too: elements compose pw-tensor-view and friends.
          const deep = (root: ParentNode, selector: string): Element[] =>
            [...root.querySelectorAll('*')].flatMap((e) => [
              ...(e.matches(selector) ? [e] : []),
              ...(e.shadowRoot ? deep(e.shadowRoot, selector) : []),
            ]);
          const root = el.shadowRoot;
          const canvases = root ? (deep(root, 'canvas') as HTMLCanvasElement[]) : [];
          const text = (sel: string): string =>
            (root ? deep(root, sel) : [])
              .map((e) => e.textContent?.trim() ?? '')
              .filter(Boolean)
              .join(' | ');
          return {
            busy: /…|\.\.\.|\bloading\b|\bcomputing\b|\breading\b/i.test(text('[role=status]')),
            alert: text('[role=alert], .error'),
            tag: el.tagName.toLowerCase(),
            upgraded: customElements.get(el.tagName.toLowerCase()) !== undefined && !!el.shadowRoot,
            needsWeights: el.hasAttribute('data-needs-weights'),
            updated: (el as unknown as { hasUpdated?: boolean }).hasUpdated !== false,
            computed: (el as unknown as { __pwComputed?: number }).__pwComputed ?? 0,
            canvases: canvases.length,
            drawnCanvases: canvases.filter(drawn).length,
          };
        });
    },
    [...NOT_LIVE],
  );
}

/**
 * Rendered = upgraded, and: fired `pw-computed` at least once, or shows an error, or drew every
 * one of its canvases, or (no canvas, such as a picker) rendered with no loading status line.
 */
export function isRendered(s: LiveElementState): boolean {
  if (!s.upgraded) return false;
  if (s.computed > 0 || s.alert !== '') return true;
  return s.canvases > 0 ? s.drawnCanvases === s.canvases : s.updated && !s.busy;
}

/** Scrolls the `index`th live element (as `liveElementStates` counts them) to mid-viewport. */
async function scrollLiveElementIntoView(page: Page, index: number): Promise<void> {
  await page.evaluate(
    ([i, skip]) => {
      const live = [...document.querySelectorAll('*')].filter(
        (el) => el.tagName.startsWith('PW-') && !skip.includes(el.tagName.toLowerCase()),
      );
      live[i]?.scrollIntoView({ block: 'center' });
    },
    [index, [...NOT_LIVE]] as const,
  );
}

/**
 * Waits until every live element on the page has rendered (see `isRendered`); throws naming
 * the elements that did not within `timeout` ms. Needs `openInstrumentedPage` for `pw-computed`.
 */
export async function waitForLiveElements(page: Page, timeout = 60_000): Promise<void> {
  const deadline = Date.now() + timeout;
  let states = await liveElementStates(page);
  while (!states.every(isRendered)) {
    // Figures compute only near the viewport: bring the first one still waiting into view.
    await scrollLiveElementIntoView(
      page,
      states.findIndex((s) => !isRendered(s)),
    );
    if (Date.now() > deadline) {
      const late = states.filter((s) => !isRendered(s));
      throw new Error(
        `live elements not rendered after ${timeout} ms (expected a pw-computed event or all ` +
          `canvases drawn): ${JSON.stringify(late)}`,
      );
    }
    await page.waitForTimeout(100);
    states = await liveElementStates(page);
  }
}

/**
 * Figures, and the views inside them, draw only when seen: brings each live element with an
 * undrawn canvas into view until every canvas has drawn (or `timeout` ms pass; the caller's
 * assertions then say which).
 */
export async function waitForDrawnCanvases(page: Page, timeout = 60_000): Promise<void> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const i = (await liveElementStates(page)).findIndex(
      (st) => st.canvases > 0 && st.drawnCanvases < st.canvases,
    );
    if (i < 0 || Date.now() > deadline) return;
    await scrollLiveElementIntoView(page, i);
    await page.waitForTimeout(500);
  }
}
