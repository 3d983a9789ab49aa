/**
 * Fault tests: the site under a strict CSP, without WebGL, after losing the WebGL context, with
 * missing or corrupt weights, and against hostile uploads. Pages come from LESSONS and elements
 * are found on each page, so new lessons and elements are covered without editing this file.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../scripts/lib/chromium.mjs';
import {
  cspViolations,
  isRendered,
  liveElementStates,
  openInstrumentedPage,
  waitForBackend,
  waitForLiveElements,
  waitForDrawnCanvases,
} from './page-helpers';
import { LESSONS } from '../../src/lessons';

const baseUrl = inject('baseUrl');

/** The built HTML of each lesson, read once: which pages carry which kinds of element. */
const BUILT = LESSONS.map((lesson) => ({
  lesson,
  html: readFileSync(join('dist', lesson.href, 'index.html'), 'utf8'),
}));
/** Tags whose element source sets data-needs-weights on itself (at runtime, not in the HTML). */
const WEIGHTS_TAGS = readdirSync('src/components')
  .filter((f) => /^pw-.*\.ts$/.test(f))
  .filter((f) => readFileSync(join('src/components', f), 'utf8').includes('data-needs-weights'))
  .map((f) => f.replace(/\.ts$/, ''));
const WEIGHTS_PAGE = BUILT.find(
  (b) =>
    b.html.includes('data-needs-weights') || WEIGHTS_TAGS.some((t) => b.html.includes(`<${t}`)),
)?.lesson;
const PICKER_PAGE = BUILT.find((b) => b.html.includes('<pw-image-picker'))?.lesson;
if (!WEIGHTS_PAGE) {
  console.log('faults: weights tests skipped: no page has an element with data-needs-weights yet');
}
if (!PICKER_PAGE) console.log('faults: upload tests skipped: no page has a <pw-image-picker> yet');

/** Every built HTML file under dist/. */
function builtHtmlFiles(dir = 'dist'): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory()
      ? builtHtmlFiles(join(dir, d.name))
      : d.name.endsWith('.html')
        ? [join(dir, d.name)]
        : [],
  );
}

describe('with WebGL: CSP, network, context loss, weights and uploads', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium({ webgl: true });
  });
  afterAll(async () => {
    await browser.close();
  });

  it('every built page carries the CSP and has no inline script the CSP would block', () => {
    for (const file of builtHtmlFiles()) {
      const html = readFileSync(file, 'utf8');
      expect({ file, csp: html.includes('http-equiv="Content-Security-Policy"') }).toEqual({
        file,
        csp: true,
      });
      const inline = [...html.matchAll(/<script\b([^>]*)>/g)]
        .map((m) => m[1] ?? '')
        .filter((attrs) => !/\bsrc=/.test(attrs) && !/type="application\/(ld\+)?json"/.test(attrs));
      expect({ file, inline }).toEqual({ file, inline: [] });
    }
  });

  for (const lesson of LESSONS) {
    it(`${lesson.href} renders every live element with no CSP violation, console error or external request`, async () => {
      const { page, context, consoleErrors, externalRequests } = await openInstrumentedPage(
        browser,
        baseUrl + lesson.href,
      );
      await waitForBackend(page);
      await waitForLiveElements(page);
      await page.waitForLoadState('networkidle');
      const failed = (await liveElementStates(page)).filter((st) => st.alert !== '');
      expect(failed).toEqual([]);
      expect(await cspViolations(page)).toEqual([]);
      expect(consoleErrors).toEqual([]);
      expect(externalRequests).toEqual([]);
      await context.close();
    });
  }

  it('losing the WebGL context shows a plain message with a reload button, and reloading restores the figures', async () => {
    // SwiftShader would otherwise send the page to WASM (a software GPU is not a GPU).
    const { page, context, consoleErrors } = await openInstrumentedPage(
      browser,
      `${baseUrl}/pooling/?backend=webgl`,
    );
    expect(await waitForBackend(page)).toBe('webgl');
    await waitForLiveElements(page);
    await page.evaluate(() => {
      const backend = globalThis.pixelwise?.tf.backend() as unknown as {
        gpgpu: { gl: WebGLRenderingContext };
      };
      const lose = backend.gpgpu.gl.getExtension('WEBGL_lose_context');
      if (!lose) throw new Error('WEBGL_lose_context is not available');
      lose.loseContext();
    });
    const alert = page.locator('pw-backend-status .notice[role=alert]');
    await expect.poll(() => alert.textContent(), { timeout: 10_000 }).toMatch(/WebGL/);
    expect(await page.locator('pw-backend-status .badge').getAttribute('data-backend')).toBe(
      'lost',
    );
    await page.waitForTimeout(500);
    expect(consoleErrors).toEqual([]);

    await page.getByRole('button', { name: 'Reload figures' }).click();
    await page.waitForLoadState('load');
    expect(await waitForBackend(page)).toBe('webgl');
    await waitForLiveElements(page);
    const slider = page.locator('pw-max-pool input[type=range]').first();
    const canvas = page.locator('pw-max-pool canvas.output').first();
    const before = await canvas.evaluate((c: HTMLCanvasElement) => c.toDataURL());
    await slider.focus();
    await page.keyboard.press('ArrowRight');
    await expect
      .poll(() => canvas.evaluate((c: HTMLCanvasElement) => c.toDataURL()), { timeout: 30_000 })
      .not.toBe(before);
    expect(consoleErrors).toEqual([]);
    await context.close();
  });

  for (const fault of ['missing (404)', 'truncated manifest', 'garbage shard'] as const) {
    it.skipIf(!WEIGHTS_PAGE)(
      `with ${fault} weights the model's place shows a clear message and other elements still work`,
      async () => {
        if (!WEIGHTS_PAGE) return;
        const { page, context, consoleErrors } = await openInstrumentedPage(browser, 'about:blank');
        await context.route('**/weights/**', (route) => {
          const json = route.request().url().endsWith('.json');
          if (fault === 'missing (404)') return route.fulfill({ status: 404, body: 'not found' });
          if (fault === 'truncated manifest' && json) {
            return route.fulfill({
              status: 200,
              contentType: 'application/json',
              body: '{"weightsManifest": [{"paths": ["group1-shard1of1.bin"], "weights": [{"name"',
            });
          }
          if (fault === 'garbage shard' && !json) {
            return route.fulfill({
              status: 200,
              contentType: 'application/octet-stream',
              body: Buffer.from('garbage, not weights'),
            });
          }
          return route.continue();
        });
        await page.goto(baseUrl + WEIGHTS_PAGE.href);
        await waitForBackend(page);
        // Figures compute only near the viewport: bring the first one still silent into view.
        const messages = (): Promise<string[]> =>
          page.evaluate(() => {
            const els = [...document.querySelectorAll('[data-needs-weights]')];
            const text = (el: Element): string =>
              el.shadowRoot?.querySelector('[role=alert], .error')?.textContent?.trim() ?? '';
            els.find((el) => text(el) === '')?.scrollIntoView({ block: 'center' });
            return els.map(text);
          });
        await expect
          .poll(async () => (await messages()).every((m) => /weights|model|network/i.test(m)), {
            timeout: 60_000,
          })
          .toBe(true);
        console.log(`${fault} weights, messages shown: ${JSON.stringify(await messages())}`);
        // Elements that do not need the weights still render.
        await expect
          .poll(
            async () =>
              (await liveElementStates(page))
                .filter((s) => !s.needsWeights && !isRendered(s))
                .map((s) => s.tag),
            { timeout: 60_000 },
          )
          .toEqual([]);
        expect(consoleErrors.filter((e) => e.startsWith('pageerror'))).toEqual([]);
        await context.close();
      },
    );
  }

  it.skipIf(!PICKER_PAGE)(
    'hostile uploads are refused with an alert, keep the previous image, and a 40-megapixel JPEG is scaled down',
    async () => {
      if (!PICKER_PAGE) return;
      const { page, context, consoleErrors } = await openInstrumentedPage(
        browser,
        baseUrl + PICKER_PAGE.href,
      );
      await waitForBackend(page);
      await waitForLiveElements(page);
      await page.evaluate(() => {
        const g = globalThis as unknown as { __pwChanges: unknown[] };
        g.__pwChanges = [];
        document.addEventListener('pw-image-change', (e) => {
          g.__pwChanges.push((e as CustomEvent).detail);
        });
      });
      const picker = page.locator('pw-image-picker').first();
      const input = picker.locator('input[type=file]');
      const state = (): Promise<{ value: string; targets: string[]; changes: number }> =>
        picker.evaluate((el) => {
          const ids = (el.getAttribute('for') ?? '').split(/\s+/).filter(Boolean);
          return {
            value: (el as unknown as { value: string }).value,
            targets: ids.map((id) =>
              String((document.getElementById(id) as { src?: unknown })?.src),
            ),
            changes: (globalThis as unknown as { __pwChanges: unknown[] }).__pwChanges.length,
          };
        });
      const alertText = (): Promise<string> =>
        picker.evaluate((el) => el.shadowRoot?.querySelector('[role=alert]')?.textContent ?? '');

      const photo = readFileSync('public/images/photos/chelsea.jpg');
      const pngBytes = await inPageImage(page, 1, 1, 'image/png');
      const hostile = [
        { name: 'notes-renamed.png', mimeType: 'image/png', buffer: Buffer.from('plain text\n') },
        { name: 'empty.png', mimeType: 'image/png', buffer: Buffer.alloc(0) },
        {
          name: 'truncated.jpg',
          mimeType: 'image/jpeg',
          buffer: photo.subarray(0, Math.floor(photo.length / 3)),
        },
        {
          name: 'scripted.svg',
          mimeType: 'image/svg+xml',
          buffer: Buffer.from(
            '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" onload="globalThis.__pwOwned=1">' +
              '<script>globalThis.__pwOwned=1</script><rect width="64" height="64"/></svg>',
          ),
        },
        { name: 'one-pixel.png', mimeType: 'image/png', buffer: pngBytes },
      ];
      const start = await state();
      for (const file of hostile) {
        await input.setInputFiles(file);
        await expect.poll(alertText, { timeout: 20_000 }).toContain(file.name);
        expect({ file: file.name, ...(await state()) }).toEqual({ file: file.name, ...start });
      }
      expect(await page.evaluate(() => '__pwOwned' in globalThis)).toBe(false);

      // 8000x5000 pixels: within the picker's 60-megapixel limit, so it is accepted, scaled to
      // the working size and pushed to the figure, which recomputes.
      const huge = await inPageImage(page, 8000, 5000, 'image/jpeg');
      await input.setInputFiles({ name: 'huge.jpg', mimeType: 'image/jpeg', buffer: huge });
      await expect.poll(async () => (await state()).changes, { timeout: 60_000 }).toBe(1);
      const after = await state();
      expect(after.value).toMatch(/^blob:/);
      expect(after.targets.every((t) => t === after.value)).toBe(true);
      expect(await alertText()).toBe('');
      await waitForLiveElements(page);
      expect(consoleErrors).toEqual([]);
      await context.close();
    },
  );
});

/** Bytes of a `width` x `height` image encoded by the browser (a gradient with some shapes). */
async function inPageImage(
  page: Page,
  width: number,
  height: number,
  type: string,
): Promise<Buffer> {
  const base64 = await page.evaluate(
    async ([w, h, t]) => {
      const canvas = new OffscreenCanvas(w, h);
      const ctx = canvas.getContext('2d');
      if (!ctx) throw new Error('no 2d context');
      const g = ctx.createLinearGradient(0, 0, w, h);
      g.addColorStop(0, '#3060c0');
      g.addColorStop(1, '#f0c040');
      ctx.fillStyle = g;
      ctx.fillRect(0, 0, w, h);
      ctx.fillStyle = '#a02020';
      ctx.fillRect(w / 4, h / 4, w / 3, h / 3);
      const blob = await canvas.convertToBlob({ type: t, quality: 0.8 });
      const bytes = new Uint8Array(await blob.arrayBuffer());
      let binary = '';
      for (let i = 0; i < bytes.length; i += 0x8000) {
        binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      }
      return btoa(binary);
    },
    [width, height, type] as const,
  );
  return Buffer.from(base64, 'base64');
}

describe('without WebGL', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium({ webgl: false });
  });
  afterAll(async () => {
    await browser.close();
  });

  for (const lesson of LESSONS) {
    it(`${lesson.href} falls back, says so, and every live element still draws`, async () => {
      const { page, context, consoleErrors } = await openInstrumentedPage(
        browser,
        baseUrl + lesson.href,
        { noWebgl: true },
      );
      expect(['wasm', 'cpu']).toContain(await waitForBackend(page));
      await expect
        .poll(() => page.locator('pw-backend-status .notice').textContent())
        .toMatch(/WebGL is not available|Neither WebGL/);
      await waitForLiveElements(page, 120_000);
      await waitForDrawnCanvases(page);
      const states = await liveElementStates(page);
      expect(states.filter((st) => st.alert !== '')).toEqual([]);
      expect(states.filter((st) => st.canvases > 0 && st.drawnCanvases === 0)).toEqual([]);
      expect(await cspViolations(page)).toEqual([]);
      expect(consoleErrors).toEqual([]);
      await context.close();
    });
  }
});
