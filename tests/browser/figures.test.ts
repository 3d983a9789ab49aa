/**
 * The network diagram, the receptive-field figure and the transposed-convolution mechanism,
 * driven from the keyboard the way a reader would: every control changes what the figure draws,
 * the numbers drawn are the model's and the library's, and the tensor count returns to baseline.
 */
import { readFile } from 'node:fs/promises';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../scripts/lib/chromium.mjs';
import { numTensors, openPage, waitForBackend } from './page-helpers';
import { waitForIdle } from './idle';
import { fcnLayers } from '../../src/lib/fcn/network';
import { receptiveField } from '../../src/lib/fcn/receptive-field';
import { transposedConv2d } from '../../src/lib/upsampling/transposed-conv';

const baseUrl = inject('baseUrl');

/** Canvas pixels and SVG markup inside `tag`'s shadow root (nested roots included). */
function drawnBy(page: Page, tag: string): Promise<string> {
  return page.evaluate((t) => {
    const parts: string[] = [];
    const walk = (root: ShadowRoot) =>
      root.querySelectorAll('*').forEach((el) => {
        if (el instanceof HTMLCanvasElement && el.width > 0) parts.push(el.toDataURL());
        if (el instanceof SVGSVGElement) parts.push(el.outerHTML);
        if (el.shadowRoot) walk(el.shadowRoot);
      });
    const host = document.querySelector(t);
    if (host?.shadowRoot) walk(host.shadowRoot);
    return parts.join('|');
  }, tag);
}

async function settle(page: Page): Promise<void> {
  await waitForIdle(page);
}

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium({ webgl: true });
  await tf.setBackend('cpu');
});
afterAll(async () => {
  await browser.close();
});

describe('<pw-tconv-mechanism>', () => {
  const INPUT = [
    [1, 2, 0],
    [0, 1, 3],
    [2, 0, 1],
  ];
  const reference = (k: number, s: number, p: number): number[][] =>
    tf.tidy(() => {
      const kernel = Array.from({ length: k * k }, (_, i) => i + 1);
      const y = transposedConv2d(
        tf.tensor3d(INPUT.flat(), [3, 3, 1]),
        tf.tensor4d(kernel, [k, k, 1, 1]),
        { stride: s, padding: p },
      );
      return y.arraySync().map((r) => r.map((c) => c[0] ?? NaN));
    });

  it('draws transposedConv2d of its numbers in both views for each setting reached by keys', async () => {
    const { page, context, consoleErrors } = await openPage(browser, `${baseUrl}/zero-insertion/`);
    await waitForBackend(page);
    await settle(page);
    const baseline = await numTensors(page);
    const host = page.locator('pw-tconv-mechanism');
    const slider = (name: string) => host.locator(`input.${name}`);
    const read = () =>
      page.evaluate(() => {
        const root = document.querySelector('pw-tconv-mechanism')?.shadowRoot;
        const grid = (view: string) => {
          const g = root?.querySelector(`svg.${view} g[data-grid=output]`);
          const cells = [...(g?.querySelectorAll('rect.cell') ?? [])];
          const texts = [...(g?.querySelectorAll('text.num') ?? [])].map((t) =>
            Number(t.textContent),
          );
          const xs = new Set(cells.map((c) => c.getAttribute('x')));
          const w = xs.size;
          return Array.from({ length: cells.length / w }, (_, r) => texts.slice(r * w, r * w + w));
        };
        return { scatter: grid('scatter'), gather: grid('gather') };
      });
    const press = async (name: string, key: string, times = 1) => {
      await slider(name).focus();
      for (let i = 0; i < times; i++) await page.keyboard.press(key);
    };
    // [kernel, stride, padding] reached from the default 3, 2, 0 by arrow keys.
    const settings: [number, number, number, () => Promise<void>][] = [
      [3, 2, 0, async () => {}],
      [4, 2, 0, () => press('kernel', 'ArrowRight')],
      [4, 2, 1, () => press('padding', 'ArrowRight')],
      [4, 3, 1, () => press('stride', 'ArrowRight')],
      [2, 3, 1, () => press('kernel', 'ArrowLeft', 2)],
      [2, 1, 1, () => press('stride', 'ArrowLeft', 2)],
    ];
    for (const [k, s, p, go] of settings) {
      const before = await drawnBy(page, 'pw-tconv-mechanism');
      await go();
      if (k !== 3) expect(await drawnBy(page, 'pw-tconv-mechanism')).not.toBe(before);
      await press('step', 'End'); // the last output pixel: every value shown
      const { scatter, gather } = await read();
      const expected = reference(k, s, p);
      expect(scatter, `k=${k} s=${s} p=${p}`).toEqual(expected);
      expect(gather, `k=${k} s=${s} p=${p}`).toEqual(expected);
    }
    // The step slider and the Previous button move the highlighted pixel in both views.
    const current = () =>
      page.evaluate(() =>
        [
          ...(document
            .querySelector('pw-tconv-mechanism')
            ?.shadowRoot?.querySelectorAll('rect.current') ?? []),
        ].map((r) => `${r.getAttribute('x')},${r.getAttribute('y')}`),
      );
    const last = await current();
    expect(last).toHaveLength(2);
    await host.getByRole('button', { name: /Previous/ }).focus();
    await page.keyboard.press('Enter');
    expect(await current()).not.toEqual(last);
    await press('step', 'Home');
    expect(await host.locator('input.step').inputValue()).toBe('0');
    await settle(page);
    expect(await numTensors(page)).toBe(baseline);
    expect(consoleErrors).toEqual([]);
    await context.close();
  });
});

describe('<pw-receptive-field>', () => {
  it("draws receptiveField()'s square and stride, moves by keys, and leaks no tensors", async () => {
    const { page, context, consoleErrors } = await openPage(browser, `${baseUrl}/pooling/`);
    await waitForBackend(page);
    const host = page.locator('pw-receptive-field');
    await host.scrollIntoViewIfNeeded();
    await page.waitForFunction(
      () =>
        /Half of its gradient/.test(
          document.querySelector('pw-receptive-field')?.shadowRoot?.textContent ?? '',
        ),
      undefined,
      { timeout: 120_000 },
    );
    await settle(page);
    const baseline = await numTensors(page);
    const encoder = fcnLayers(128, 128).filter((l) => l.op === 'conv' || l.op === 'pool');
    const fields = receptiveField(
      encoder.map((l) =>
        l.op === 'pool'
          ? { kernel: 2, stride: 2 }
          : { kernel: l.kernel, padding: (l.kernel - 1) / 2 },
      ),
    );
    const fieldOf = (name: string) => fields[encoder.findIndex((l) => l.name === name)];
    const square = () =>
      page.evaluate(() => {
        const root = document.querySelector('pw-receptive-field')?.shadowRoot;
        const f = root?.querySelector('rect.field');
        const c = root?.querySelector('rect.cell');
        const n = (e: Element | null | undefined, a: string) => Number(e?.getAttribute(a));
        return {
          x: n(f, 'x'),
          y: n(f, 'y'),
          w: n(f, 'width'),
          h: n(f, 'height'),
          cellX: n(c, 'x'),
          cellW: n(c, 'width'),
        };
      });
    const pool5 = fieldOf('pool5');
    let sq = await square();
    expect(pool5?.size).toBe(118);
    expect([sq.w, sq.h]).toEqual([pool5?.size, pool5?.size]);
    expect(sq.cellW).toBe(pool5?.jump);
    // Its centre is receptiveField()'s start + col * jump, at the default cell (1, 1).
    expect(sq.x + (sq.w - 1) / 2).toBe((pool5?.start ?? NaN) + 1 * (pool5?.jump ?? NaN));

    const svg = host.locator('svg');
    const before = await drawnBy(page, 'pw-receptive-field');
    await svg.focus();
    await page.keyboard.press('ArrowRight');
    await settle(page);
    const moved = await square();
    expect(moved.x - sq.x).toBe(32);
    expect(moved.cellX - sq.cellX).toBe(32);
    expect(await drawnBy(page, 'pw-receptive-field')).not.toBe(before);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowLeft');
    await settle(page);

    // The select, from the keyboard: one up from pool5 is pool4 (70 px, 16 apart).
    const shown = await drawnBy(page, 'pw-receptive-field');
    await host.locator('select').focus();
    await page.keyboard.press('ArrowUp');
    await settle(page);
    sq = await square();
    const pool4 = fieldOf('pool4');
    expect([sq.w, sq.cellW]).toEqual([pool4?.size, pool4?.jump]);
    expect(await drawnBy(page, 'pw-receptive-field')).not.toBe(shown);
    await settle(page);
    expect(await numTensors(page)).toBe(baseline);
    expect(consoleErrors).toEqual([]);
    await context.close();
  });
});

describe('<pw-network>', () => {
  it("has a node per model layer with the forward pass's shapes; keys select, highlight and leak nothing", async () => {
    const { page, context, consoleErrors } = await openPage(browser, `${baseUrl}/`);
    await waitForBackend(page);
    const host = page.locator('pw-network').first();
    await host.scrollIntoViewIfNeeded();
    await page.waitForFunction(
      () => !!document.querySelector('pw-network')?.shadowRoot?.querySelector('pw-feature-grid'),
      undefined,
      { timeout: 120_000 },
    );
    await settle(page);
    const baseline = await numTensors(page);

    const nodes = () =>
      page.evaluate(() =>
        [
          ...(document.querySelector('pw-network')?.shadowRoot?.querySelectorAll('g[data-node]') ??
            []),
        ].map((g) => ({
          name: g.getAttribute('data-node') ?? '',
          label: g.getAttribute('aria-description') ?? '',
          on: g.classList.contains('on'),
          selected: g.getAttribute('aria-pressed') === 'true',
        })),
      );
    const layers = fcnLayers(128, 128);
    const list = await nodes();
    expect(list.map((n) => n.name)).toEqual(['input', ...layers.map((l) => l.name)]);

    // The feature grid lists every tensor of the forward pass with its shape: the nodes match.
    const forward = await page.evaluate(() => {
      const grid = document
        .querySelector('pw-network')
        ?.shadowRoot?.querySelector('pw-feature-grid');
      return [...(grid?.shadowRoot?.querySelectorAll('option') ?? [])].map((o) =>
        (o.textContent ?? '').replace(/\s+/g, ' ').trim(),
      );
    });
    const onPath = list.filter((n) => n.name !== 'input'); // every head's maps are computed
    expect(forward).toHaveLength(onPath.length);
    for (const [i, n] of onPath.entries()) {
      const m = /^(\S+) \[(\d+)×(\d+)×(\d+)\]$/.exec(forward[i] ?? '');
      expect(m?.[1]).toBe(n.name);
      expect(n.label).toContain(`output ${m?.[2]} by ${m?.[3]} by ${m?.[4]}`);
    }

    // Parameters: the total shown equals the weights manifest's.
    const manifest = JSON.parse(await readFile('dist/weights/model.json', 'utf8')) as {
      weightsManifest: { weights: { shape: number[] }[] }[];
    };
    const stored = manifest.weightsManifest
      .flatMap((g) => g.weights)
      .reduce((s, e) => s + e.shape.reduce((a, b) => a * b, 1), 0);
    const totals = await host.locator('.totals').first().textContent();
    expect(totals?.replace(/\s+/g, ' ')).toContain(
      `${stored.toLocaleString('en-US')} learned parameters`,
    );

    // Keyboard: Tab stop on the selected node, arrows move, Enter selects; the maps follow.
    const drawn = await drawnBy(page, 'pw-network');
    await host.locator('g[data-node="pool5"]').focus();
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Enter');
    await settle(page);
    expect((await nodes()).find((n) => n.selected)?.name).toBe('pool4');
    expect(await drawnBy(page, 'pw-network')).not.toBe(drawn);
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press(' ');
    await settle(page);
    expect((await nodes()).find((n) => n.selected)?.name).toBe('conv5_1');

    // The variant select: FCN-8s -> 16s dims the pool3 stream and redraws the prediction.
    const before = await drawnBy(page, 'pw-network');
    await host.locator('select').first().focus();
    await page.keyboard.press('ArrowDown');
    await settle(page);
    const after = await nodes();
    expect(after.find((n) => n.name === 'score_pool3')?.on).toBe(false);
    expect(after.find((n) => n.name === 'upscore16')?.on).toBe(true);
    expect(await drawnBy(page, 'pw-network')).not.toBe(before);

    // Back to FCN-8s (16s holds three maps fewer): the count is the baseline again.
    await page.keyboard.press('ArrowUp');
    await settle(page);
    expect(await numTensors(page)).toBe(baseline);
    expect(consoleErrors).toEqual([]);
    await context.close();
  });
});
