/**
 * The pooling, zero-insertion and bilinear lessons state numbers and outcomes; these tests read
 * them off the live figures in their default state and perform every "Try this" on the three
 * pages, asserting the outcome the page states. Figures expose what they measure as data
 * attributes on their readouts (documented in each element's header).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../scripts/lib/chromium.mjs';
import { openPage, waitForBackend } from './page-helpers';
import { waitForIdle } from './idle';
import { FCN_CLASSES } from '../../src/lib/fcn/classes';

const baseUrl = inject('baseUrl');

type Data = Record<string, string>;

/** Brings the first `tag` on the page into view, so its lazy computation starts. */
async function show(page: Page, tag: string): Promise<void> {
  await page.locator(tag).first().scrollIntoViewIfNeeded();
}

/**
 * Waits until `selector` inside the shadow root of the first `tag` has data attributes that
 * include every entry of `match`, and returns all of its data attributes.
 */
async function readData(
  page: Page,
  tag: string,
  selector: string,
  match: Data = {},
  timeout = 90_000,
): Promise<Data> {
  const handle = await page.waitForFunction(
    ([t, s, m]) => {
      const el = document.querySelector(t)?.shadowRoot?.querySelector<HTMLElement>(s);
      if (!el) return false;
      const data = { ...el.dataset } as Record<string, string>;
      if (Object.keys(data).length === 0) return false;
      return Object.entries(m).every(([k, v]) => data[k] === v) ? data : false;
    },
    [tag, selector, match] as const,
    { timeout, polling: 100 },
  );
  return (await handle.jsonValue()) as Data;
}

/** Sets a range input inside `tag`'s shadow root (class `name`) as a reader's drag would. */
async function setSlider(page: Page, tag: string, name: string, value: number): Promise<void> {
  await page.evaluate(
    ([t, n, v]) => {
      const input = document
        .querySelector(t)
        ?.shadowRoot?.querySelector<HTMLInputElement>(`input[type="range"].${n}`);
      if (!input) throw new Error(`no slider .${n} in ${t}`);
      input.value = String(v);
      input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    },
    [tag, name, value] as const,
  );
}

/** Chooses `value` in the `index`-th select inside `tag`'s shadow root. */
async function setSelect(page: Page, tag: string, value: string, index = 0): Promise<void> {
  await page.evaluate(
    ([t, v, i]) => {
      const select = document.querySelector(t)?.shadowRoot?.querySelectorAll('select')[i];
      if (!select) throw new Error(`no select ${i} in ${t}`);
      select.value = v;
      select.dispatchEvent(new Event('change', { bubbles: true, composed: true }));
    },
    [tag, value, index] as const,
  );
}

/** Points `tag` at another committed photo, as the page's picker does. */
async function usePhoto(page: Page, tag: string, name: string): Promise<void> {
  await page.evaluate(
    ([t, n]) => {
      const el = document.querySelector<Element & { src: string }>(t);
      if (!el) throw new Error(`no ${t}`);
      el.src = el.src.replace(/[^/]+\.jpg$/, `${n}.jpg`);
    },
    [tag, name] as const,
  );
}

const num = (d: Data, key: string): number => Number(d[key]);

describe('lessons: pooling, zero insertion, bilinear deconvolution', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium({ webgl: true });
  });
  afterAll(async () => {
    await browser.close();
  });

  it('pooling: each figure shows what the page says, and each Try this holds', async () => {
    const { page, context, consoleErrors } = await openPage(browser, `${baseUrl}/pooling/`);
    await waitForBackend(page);

    // The first figure opens at 4×4 / stride 4: the pooled map is drawn at its true size,
    // a quarter of the 256-px input's side, and magnified to the input's size beside it.
    await show(page, 'pw-max-pool');
    await readData(page, 'pw-max-pool', 'canvas.output', { shown: 'max 4 4' });
    const sizes = await page.evaluate(() => {
      const root = document.querySelector('pw-max-pool')?.shadowRoot;
      const box = (s: string) => {
        const c = root?.querySelector<HTMLCanvasElement>(s);
        return { w: c?.width ?? 0, css: c?.getBoundingClientRect().width ?? 0 };
      };
      return { input: box('canvas.input'), output: box('canvas.output'), big: box('.magnified') };
    });
    expect(sizes.output.w).toBe(64);
    expect(sizes.output.css).toBeCloseTo(64, 0);
    expect(sizes.input.css).toBeCloseTo(256, 0);
    expect(sizes.big.css).toBeCloseTo(256, 0);

    // Try this 1: at 8×8, max keeps the highlights (pixels brighter than 95 % of the input's)
    // and spreads them over their blocks; average pooling dims them. The caption follows the mode.
    const highlightShare = (mode: string) =>
      page.evaluate(async (m) => {
        const root = document.querySelector('pw-max-pool')?.shadowRoot;
        root?.querySelector<HTMLInputElement>(`input[value="${m}"]`)?.click();
        const canvas = root?.querySelector<HTMLCanvasElement>('canvas.output');
        for (let t = 0; t < 600 && canvas?.dataset['shown'] !== `${m} 8 8`; t++) {
          await new Promise((r) => setTimeout(r, 50));
        }
        if (!canvas || canvas.dataset['shown'] !== `${m} 8 8`) throw new Error('not drawn');
        const sums = (c: HTMLCanvasElement | null | undefined) => {
          const px = c?.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? [];
          const out: number[] = [];
          for (let i = 0; i < px.length; i += 4) out.push(px[i]! + px[i + 1]! + px[i + 2]!);
          return out;
        };
        const input = sums(root?.querySelector<HTMLCanvasElement>('canvas.input')).sort(
          (a, b) => a - b,
        );
        const p95 = input[Math.floor(0.95 * input.length)] ?? 0;
        const output = sums(canvas);
        const caption = root?.querySelector('.magnified + figcaption')?.textContent ?? '';
        return { share: output.filter((v) => v > p95).length / output.length, caption };
      }, mode);
    await setSlider(page, 'pw-max-pool', 'size', 8);
    await setSlider(page, 'pw-max-pool', 'stride', 8);
    const max = await highlightShare('max');
    const average = await highlightShare('average');
    expect(max.caption).toMatch(/largest/);
    expect(average.caption).toMatch(/mean/);
    expect(average.caption).not.toMatch(/largest/);
    expect(max.share).toBeGreaterThan(0.1);
    expect(average.share).toBeLessThan(0.05);

    // Switches: the unpooled edge map puts more of its brightness on the photo's edges than
    // nearest upsampling does (the measure the page names).
    await show(page, 'pw-unpool');
    const unpool = await readData(page, 'pw-unpool', 'p.readout', { size: '4' });
    expect(num(unpool, 'unpooled')).toBeGreaterThan(num(unpool, 'nearest') + 0.2);
    // Try this 2: gravel and brick at 8×8: most on the edges unpooled, under a quarter upsampled.
    await setSlider(page, 'pw-unpool', 'size', 8);
    for (const photo of ['gravel', 'brick']) {
      await usePhoto(page, 'pw-unpool', photo);
      // Wait for the new photo's figure to settle before reading its readout.
      await page.waitForTimeout(200);
      await page.waitForFunction(
        () => !document.querySelector('pw-unpool')?.shadowRoot?.textContent?.includes('Computing'),
      );
      const settled = await readData(page, 'pw-unpool', 'p.readout', { size: '8' });
      expect({ photo, unpooled: num(settled, 'unpooled') > 0.5 }).toEqual({
        photo,
        unpooled: true,
      });
      expect({ photo, nearest: num(settled, 'nearest') < 0.25 }).toEqual({
        photo,
        nearest: true,
      });
    }

    // The localisation chart: the photo's line runs above chance, and its maxima crowd the rim.
    await show(page, 'pw-pool-localization');
    const loc = await readData(page, 'pw-pool-localization', 'p.readout');
    expect(num(loc, 'photo')).toBeGreaterThan(num(loc, 'random'));
    expect(num(loc, 'rim')).toBeGreaterThan(num(loc, 'rimRandom'));
    expect(num(loc, 'rimRandom')).toBeCloseTo(0.75, 6);
    // Its slider picks the pool size the readout reports, from the numbers already computed.
    await setSlider(page, 'pw-pool-localization', 'rimSize', 6);
    const loc6 = await readData(page, 'pw-pool-localization', 'p.readout', { size: '6' });
    expect(num(loc6, 'rimRandom')).toBeCloseTo(1 - (4 / 6) ** 2, 6);
    expect(num(loc6, 'photo')).toBeGreaterThan(num(loc, 'photo'));

    // Shift invariance, as the caption states it for the cat: ~95 % of pixels, about half of
    // the 4×4 pooled values, about a third at 8×8.
    await show(page, 'pw-shift');
    const at = (size: number, shift: number) =>
      readData(page, 'pw-shift', 'p.readout', { size: String(size), shift: String(shift) });
    const s41 = await at(4, 1);
    expect(num(s41, 'input')).toBeGreaterThan(0.9);
    expect(num(s41, 'pooled')).toBeGreaterThan(0.4);
    expect(num(s41, 'pooled')).toBeLessThan(0.65);
    await setSlider(page, 'pw-shift', 'size', 8);
    const s81 = await at(8, 1);
    expect(num(s81, 'pooled')).toBeGreaterThan(0.25);
    expect(num(s81, 'pooled')).toBeLessThan(0.45);
    // Try this 3: at size 4, the share climbs with the shift and jumps at 4 to about the input's.
    await setSlider(page, 'pw-shift', 'size', 4);
    const shares: number[] = [];
    let inputAt4 = 0;
    for (const shift of [1, 2, 3, 4]) {
      await setSlider(page, 'pw-shift', 'shift', shift);
      const d = await at(4, shift);
      shares.push(num(d, 'pooled'));
      inputAt4 = num(d, 'input');
    }
    expect(shares).toEqual([...shares].sort((a, b) => a - b));
    expect((shares[3] ?? 0) - (shares[2] ?? 0)).toBeGreaterThan(0.1);
    expect(shares[3]).toBeGreaterThan(0.9 * inputAt4);
    // A superseded run never writes the readout: after quick moves it shows the last setting.
    await setSlider(page, 'pw-shift', 'shift', 8);
    await setSlider(page, 'pw-shift', 'shift', 2);
    await waitForIdle(page, 90_000, { reveal: false });
    const last = await readData(page, 'pw-shift', 'p.readout');
    expect([last['size'], last['shift']]).toEqual(['4', '2']);
    expect(num(last, 'pooled')).toBeCloseTo(shares[1] ?? NaN, 6);

    expect(consoleErrors).toEqual([]);
    await context.close();
  });

  it('zero insertion: the spectra show the images, and each Try this holds', async () => {
    const { page, context, consoleErrors } = await openPage(browser, `${baseUrl}/zero-insertion/`);
    await waitForBackend(page);

    // Scanline: at L = 4 with zeros, exactly (L − 1)/L of the energy lies outside the band.
    await show(page, 'pw-scanline-spectrum');
    const line = (factor: number, kind: string) =>
      readData(page, 'pw-scanline-spectrum', 'p.readout', { factor: String(factor), kind });
    const zeros4 = await line(4, 'zeros');
    expect(num(zeros4, 'share')).toBeCloseTo(0.75, 5);
    // Try this 1: each filter leaves less, the windowed sinc well under 1 %, on one fixed axis.
    const shares = [num(zeros4, 'share')];
    for (const kind of ['nearest', 'linear', 'sinc']) {
      await setSelect(page, 'pw-scanline-spectrum', kind);
      const d = await line(4, kind);
      shares.push(num(d, 'share'));
      expect(d['ymax']).toBe(zeros4['ymax']);
    }
    expect(shares).toEqual([...shares].sort((a, b) => b - a));
    expect(new Set(shares).size).toBe(4);
    expect(shares[3]).toBeLessThan(0.01);
    await setSelect(page, 'pw-scanline-spectrum', 'zeros');
    await setSlider(page, 'pw-scanline-spectrum', 'factor', 8);
    expect(num(await line(8, 'zeros'), 'share')).toBeCloseTo(0.875, 5);

    // 2-D: at the default L = 4 the 15 image centres stand far above the spectrum's typical
    // magnitude (at least 20×), and the linear filter dims them.
    await show(page, 'pw-zero-insert-2d');
    const two = await readData(page, 'pw-zero-insert-2d', 'p.readout', { factor: '4' });
    expect(Math.exp(num(two, 'zeros'))).toBeGreaterThan(20);
    expect(num(two, 'filtered')).toBeLessThan(num(two, 'zeros') - 1);

    // Try this 2: stride 3, kernel 7: 100 px wide and the two sides agree.
    await show(page, 'pw-deconv-proof');
    await setSlider(page, 'pw-deconv-proof', 'stride', 3);
    await setSlider(page, 'pw-deconv-proof', 'kernelSize', 7);
    const proof = await readData(page, 'pw-deconv-proof', 'p.readout', { width: '100' });
    expect(num(proof, 'difference')).toBeLessThan(1e-5);

    // Try this 3: the stamp counts per axis.
    await show(page, 'pw-checkerboard');
    const counts = async (s: number, k: number) => {
      await setSlider(page, 'pw-checkerboard', 'stride', s);
      await setSlider(page, 'pw-checkerboard', 'kernelSize', k);
      const d = await readData(page, 'pw-checkerboard', 'p.readout');
      return [num(d, 'lo'), num(d, 'hi')];
    };
    expect(await counts(3, 4)).toEqual([1, 2]);
    expect(await counts(3, 3)).toEqual([1, 1]);
    expect(await counts(3, 6)).toEqual([2, 2]);
    expect(await counts(2, 4)).toEqual([2, 2]);

    expect(consoleErrors).toEqual([]);
    await context.close();
  });

  it('bilinear: every phase sums to 1, outputs are not downscaled, tiles are labelled', async () => {
    const { page, context, consoleErrors } = await openPage(
      browser,
      `${baseUrl}/bilinear-deconvolution/`,
    );
    await waitForBackend(page);

    // Kernel figure, default f = 3: phases of 2, 2 and 1 taps, each summing to 1; Try this 1
    // compares f = 2 (four equal peaks of 0.5625, phases of 2 taps).
    await show(page, 'pw-bilinear-kernel');
    const phases = async () => {
      const d = await readData(page, 'pw-bilinear-kernel', 'p.phases');
      return {
        sums: JSON.parse(d['sums'] ?? '[]') as number[],
        taps: JSON.parse(d['taps'] ?? '[]') as number[],
      };
    };
    const f3 = await phases();
    expect(f3.taps).toEqual([2, 2, 1]);
    f3.sums.forEach((s) => expect(s).toBeCloseTo(1, 12));
    await setSlider(page, 'pw-bilinear-kernel', 'factor', 2);
    await page.waitForFunction(() =>
      document
        .querySelector('pw-bilinear-kernel')
        ?.shadowRoot?.querySelector('p.phases')
        ?.getAttribute('data-taps')
        ?.startsWith('[2,2]'),
    );
    const f2 = await phases();
    expect(f2.taps).toEqual([2, 2]);
    f2.sums.forEach((s) => expect(s).toBeCloseTo(1, 12));

    // Try this 2: only half-pixel centres agree in the interior to float32 rounding.
    await show(page, 'pw-bilinear-resize');
    const rows = await page.waitForFunction(
      () => {
        const trs = document
          .querySelector('pw-bilinear-resize')
          ?.shadowRoot?.querySelectorAll<HTMLElement>('tr[data-convention]');
        if (!trs || trs.length < 3) return false;
        return [...trs].map((tr) => ({ ...tr.dataset }));
      },
      undefined,
      { timeout: 90_000 },
    );
    const table = (await rows.jsonValue()) as Data[];
    for (const row of table) {
      if (row['convention'] === 'halfPixel') expect(num(row, 'interior')).toBeLessThan(1e-5);
      else expect(num(row, 'interior')).toBeGreaterThan(1e-3);
    }

    // Try this 3: the random kernel's output is drawn at a whole magnification for f = 2..8.
    await show(page, 'pw-upsampling-kernels');
    await setSelect(page, 'pw-upsampling-kernels', 'random');
    for (const f of [2, 3, 5, 8]) {
      await setSlider(page, 'pw-upsampling-kernels', 'factor', f);
      const drawn = await page.waitForFunction(
        (factor) => {
          const view = document
            .querySelector('pw-upsampling-kernels')
            ?.shadowRoot?.querySelector<HTMLElement>('pw-tensor-view.output');
          const canvas = view?.shadowRoot?.querySelector('canvas');
          if (!view || !canvas || canvas.width !== 32 * factor) return false;
          return {
            mag: Number(view.dataset['magnification']),
            ratio: canvas.getBoundingClientRect().width / canvas.width,
          };
        },
        f,
        { timeout: 60_000 },
      );
      const { mag, ratio } = (await drawn.jsonValue()) as { mag: number; ratio: number };
      expect(Number.isInteger(mag) && mag >= 1).toBe(true);
      expect(ratio).toBeCloseTo(mag, 2);
    }

    // The learned kernels: one label per class, in class order.
    await show(page, 'pw-learned-kernels');
    const labels = await page.waitForFunction(
      () => {
        const lis = document
          .querySelector('pw-learned-kernels')
          ?.shadowRoot?.querySelectorAll('.key li');
        return lis && lis.length > 0 ? [...lis].map((li) => li.textContent ?? '') : false;
      },
      undefined,
      { timeout: 90_000 },
    );
    const names = (await labels.jsonValue()) as string[];
    expect(names.slice(0, 11)).toEqual([...FCN_CLASSES]);

    expect(consoleErrors).toEqual([]);
    await context.close();
  });
});
