/**
 * Share: a figure's settings live in the page URL under its id. For every figure wired to the
 * URL, changing its settings writes them to the URL, and opening that URL in a fresh browser
 * context gives the figure the same settings (its sliders show them), and its copy-link control
 * gives the same link. Garbage in every key is ignored: the figures keep the page's defaults and
 * nothing throws. Uploaded images never reach the URL.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../scripts/lib/chromium.mjs';
import { openPage } from './page-helpers';

const baseUrl = inject('baseUrl');

/** Per page: each wired figure's id and settings to share (`src: 1` = the picker's 2nd item). */
const FIGURES: Record<string, Record<string, Record<string, string | number>>> = {
  '': {
    'overview-demo': { variant: '16s', src: 1 },
    'network-demo': { variant: '16s', selected: 'fc7', src: 1 },
    'transfer-demo': { scene: 3 },
  },
  'pooling/': {
    'pool-demo': { size: 8, stride: 8, mode: 'average', src: 1 },
    'unpool-demo': { size: 6 },
    'loc-demo': { rimSize: 6, src: 1 },
    'shift-demo': { shift: 3, size: 6 },
    'rf-demo': { layer: 'pool4', row: 2, col: 5, src: 2 },
    'encoder-demo': { variant: '16s' },
  },
  'zero-insertion/': {
    'scanline-demo': { factor: 6, kind: 'sinc' },
    'insert2d-demo': { factor: 2, kind: 'sinc' },
    'checker-demo': { kernelSize: 5, stride: 3 },
    'tconv-steps': { kernelSize: 4, stride: 3, padding: 2, step: 7 },
    'proof-demo': { stride: 3, kernelSize: 5, seed: 4, src: 1 },
  },
  'bilinear-deconvolution/': {
    'kernel-demo': { factor: 5 },
    'resize-demo': { factor: 3, convention: 'alignCorners' },
    'kernels-demo': { factor: 6, kind: 'random' },
    'learned-demo': { layer: 'upscore_pool4' },
    'train-demo': { skip: 'random' },
  },
  'skip-fusion/': {
    'fusion-demo': { scene: 5, variant: '16s', pool4: 1.5, pool3: 0.25 },
    'fusion-network': { variant: '32s', selected: 'pool4' },
  },
  'crf/': {
    'crf-demo': { scene: 2, w1: 5, thetaBeta: 10, iterations: 3 },
    'crf-scribble': { thetaBeta: 20, w1: 8, iterations: 4, src: 1 },
  },
};

const GARBAGE = [
  'size:999,stride:-1,mode:<b>x</b>,src:../../etc/passwd,kind:,factor:1e9,layer:pool6,row:-1',
  'rimSize:1,rimSize:9,col:256,row:1.5,row:200,layer:,layer:POOL4,src:',
  'scene:NaN,w1:Infinity,pool3:0x10,variant:__proto__,__proto__:1,constructor:2',
  ',,::,:,src:blob:http://x/y,convention:toString,shift:3.5,iterations:2.5,%%%,layer:pool5',
];

type Props = Record<string, unknown>;

async function waitDefined(page: Page, ids: string[]): Promise<void> {
  await page.waitForFunction(
    (list) =>
      list.every((id) => {
        const el = document.getElementById(id) as (Element & { hasUpdated?: boolean }) | null;
        return el !== null && el.hasUpdated === true;
      }),
    ids,
    { timeout: 60_000 },
  );
}

/** The named properties of figure `id`, with `src` as the picker item index it shows. */
function readProps(page: Page, id: string, names: string[]): Promise<Props> {
  return page.evaluate(
    ({ id, names }) => {
      const el = document.getElementById(id) as unknown as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const n of names) {
        if (n === 'src') {
          const picker = [...document.querySelectorAll('pw-image-picker')].find((p) =>
            (p.getAttribute('for') ?? '').split(/\s+/).includes(id),
          );
          const items = JSON.parse(picker?.getAttribute('items') ?? '[]') as { src: string }[];
          out[n] = items.findIndex((i) => i.src === el['src']);
        } else out[n] = el[n];
      }
      return out;
    },
    { id, names },
  );
}

describe('figure settings in the URL', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium({ webgl: true });
  });
  afterAll(async () => {
    await browser.close();
  });

  for (const [path, figures] of Object.entries(FIGURES)) {
    it(`/${path}: every wired figure round-trips through its URL key`, async () => {
      const ids = Object.keys(figures);
      const first = await openPage(browser, `${baseUrl}/${path}`);
      await waitDefined(first.page, ids);
      const defaults: Record<string, Props> = {};
      for (const [id, settings] of Object.entries(figures)) {
        defaults[id] = await readProps(first.page, id, Object.keys(settings));
        // Change the settings as a reader would end up with them (src: through the picker).
        await first.page.evaluate(
          ({ id, settings }) => {
            const el = document.getElementById(id) as unknown as Record<string, unknown>;
            for (const [name, value] of Object.entries(settings)) {
              if (name !== 'src') {
                el[name] = value;
                continue;
              }
              const picker = [...document.querySelectorAll('pw-image-picker')].find((p) =>
                (p.getAttribute('for') ?? '').split(/\s+/).includes(id),
              ) as unknown as {
                items: { src: string; title: string }[];
                select: (s: string, t: string, u: boolean) => void;
              };
              const item = picker.items[value as number];
              if (item) picker.select(item.src, item.title, false);
            }
          },
          { id, settings },
        );
      }
      // The URL is written a moment after the last change.
      await first.page.waitForFunction(
        (list) => list.every((id) => new URLSearchParams(location.search).has(id)),
        ids,
        { timeout: 10_000 },
      );
      const shared = first.page.url();
      const links: Record<string, string> = {};
      for (const id of ids) {
        links[id] = await first.page.evaluate(
          (id) =>
            (document.getElementById(id) as unknown as { share: { link(): string } }).share.link(),
          id,
        );
      }
      console.log(`/${path} shared as ${decodeURIComponent(new URL(shared).search)}`);
      await first.context.close();

      const second = await openPage(browser, shared);
      await waitDefined(second.page, ids);
      for (const [id, settings] of Object.entries(figures)) {
        const got = await readProps(second.page, id, Object.keys(settings));
        expect(got, id).toEqual(settings);
        expect(got, `${id} differs from the page's defaults`).not.toEqual(defaults[id]);
        // The figure's own controls show the shared values.
        for (const [name, value] of Object.entries(settings)) {
          if (typeof value !== 'number' || name === 'src') continue;
          const shown = await second.page.evaluate(
            ({ id, name }) =>
              (
                document
                  .getElementById(id)
                  ?.shadowRoot?.querySelector(
                    `input.${name}, select.${name}`,
                  ) as HTMLInputElement | null
              )?.value ?? null,
            { id, name },
          );
          if (shown !== null) expect(Number(shown), `${id} ${name} control`).toBe(value);
        }
        const link = await second.page.evaluate(
          (id) =>
            (document.getElementById(id) as unknown as { share: { link(): string } }).share.link(),
          id,
        );
        expect(link, `${id} copy-link`).toBe(links[id]);
        expect(link.endsWith(`#${id}`)).toBe(true);
      }
      const errors = second.consoleErrors.filter((e) => e.startsWith('pageerror'));
      expect(errors).toEqual([]);
      await second.context.close();
    });

    it(`/${path}: garbage in every key is ignored, and an upload never reaches the URL`, async () => {
      const ids = Object.keys(figures);
      const clean = await openPage(browser, `${baseUrl}/${path}`);
      await waitDefined(clean.page, ids);
      const defaults: Record<string, Props> = {};
      for (const [id, settings] of Object.entries(figures)) {
        defaults[id] = await readProps(clean.page, id, Object.keys(settings));
      }
      await clean.context.close();

      for (const garbage of GARBAGE) {
        const query = ids.map((id) => `${id}=${encodeURIComponent(garbage)}`).join('&');
        const { page, context, consoleErrors } = await openPage(
          browser,
          `${baseUrl}/${path}?${query}`,
        );
        await waitDefined(page, ids);
        for (const [id, settings] of Object.entries(figures)) {
          // shift:3.5 and the like are partly valid-looking; only the listed names are read.
          const got = await readProps(page, id, Object.keys(settings));
          expect(got, `${id} with ${garbage}`).toEqual(defaults[id]);
        }
        expect(consoleErrors.filter((e) => e.startsWith('pageerror'))).toEqual([]);
        await context.close();
      }

      // An upload (a blob: URL in src) is not written; the other settings still are.
      const { page, context } = await openPage(browser, `${baseUrl}/${path}`);
      await waitDefined(page, ids);
      const withSrc = ids.find((id) => 'src' in (figures[id] ?? {}));
      if (withSrc) {
        const link = await page.evaluate((id) => {
          const el = document.getElementById(id) as unknown as {
            src: string;
            share: { link(): string };
          };
          el.src = URL.createObjectURL(new Blob(['not really an image'], { type: 'image/png' }));
          return el.share.link();
        }, withSrc);
        expect(link).not.toMatch(/blob|src:/);
      }
      await context.close();
    });
  }

  it('/zero-insertion/: a padding or output pixel that the shared kernel does not allow falls back', async () => {
    const { page, context, consoleErrors } = await openPage(
      browser,
      `${baseUrl}/zero-insertion/?tconv-steps=kernelSize:1,padding:3,step:99`,
    );
    await waitDefined(page, ['tconv-steps']);
    // A 1×1 kernel allows no padding, and its 5×5 output has no pixel 99.
    expect(
      await readProps(page, 'tconv-steps', ['kernelSize', 'stride', 'padding', 'step']),
    ).toEqual({ kernelSize: 1, stride: 2, padding: 0, step: -1 });
    const link = await page.evaluate(() =>
      (
        document.getElementById('tconv-steps') as unknown as { share: { link(): string } }
      ).share.link(),
    );
    expect(decodeURIComponent(new URL(link).search)).toBe('?tconv-steps=kernelSize:1');
    expect(consoleErrors.filter((e) => e.startsWith('pageerror'))).toEqual([]);
    await context.close();
  });
});
