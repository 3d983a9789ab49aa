/**
 * Keyboard-only reading: from the top of the pooling lesson, Tab reaches the skip link, the theme
 * toggle, every lesson link and every control of every live element, in document order, each with
 * a visible focus ring; arrow keys on a slider change its figure. With reduced motion requested,
 * no CSS animation or transition runs on any page.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../scripts/lib/chromium.mjs';
import { openInstrumentedPage, waitForBackend, waitForLiveElements } from './page-helpers';
import { LESSONS } from '../../src/lessons';

const baseUrl = inject('baseUrl');

interface Stop {
  key: string;
  tag: string;
  type: string;
  focusVisible: boolean;
  /** Tag of the element that shows the focus ring (itself or an ancestor), or 'none'. */
  indicator: string;
  outline: string;
  value: string;
  max: string;
}

/**
 * Labels the page's tab stops we expect (properties, not attributes, so axe and layout see no
 * change) and returns their keys in document order: page chrome, then each live element's
 * controls. A radio group is one Tab stop.
 */
function labelExpectedStops(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    type Keyed = Element & { __pwKey?: string };
    const keys: string[] = [];
    const mark = (el: Element, key: string): void => {
      (el as Keyed).__pwKey = key;
      keys.push(key);
    };
    const skip = document.querySelector('.skip-link');
    if (skip) mark(skip, 'skip-link');
    const toggle = document.getElementById('theme-toggle');
    if (toggle) mark(toggle, 'theme-toggle');
    document.querySelectorAll('.lesson-nav a').forEach((a, i) => mark(a, `lesson-nav ${i}`));
    const hosts = [...document.querySelectorAll('*')].filter(
      (el) => el.tagName.startsWith('PW-') && el.shadowRoot && el.tagName !== 'PW-BACKEND-STATUS',
    );
    hosts.forEach((host, h) => {
      const radioGroups = new Set<string>();
      const controls = host.shadowRoot?.querySelectorAll<HTMLElement>(
        'input, select, textarea, button, a[href], summary, [tabindex]',
      );
      let i = 0;
      for (const c of controls ?? []) {
        const disabled = (c as HTMLInputElement).disabled === true || c.tabIndex < 0;
        if (disabled || c.getClientRects().length === 0) continue;
        if (c instanceof HTMLInputElement && c.type === 'radio') {
          // A radio group is one Tab stop (the checked radio, else the first): key them all alike.
          if (radioGroups.has(c.name)) continue;
          radioGroups.add(c.name);
          const key = `${host.tagName.toLowerCase()}#${h} ${i}`;
          for (const r of controls ?? []) {
            if (r instanceof HTMLInputElement && r.type === 'radio' && r.name === c.name) {
              (r as Keyed).__pwKey = key;
            }
          }
          keys.push(key);
        } else {
          mark(c, `${host.tagName.toLowerCase()}#${h} ${i}`);
        }
        i++;
      }
    });
    return keys;
  });
}

/** The focused element, looking through shadow roots, as a Stop. */
function focused(page: Page): Promise<Stop | null> {
  return page.evaluate(() => {
    let el = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    if (!el || el === document.body) return null;
    // The focus indicator is drawn on the element, or, for a visually hidden control such as a
    // file input inside its label, on the nearest ancestor that shows one (:focus-within).
    const shows = (e: Element): boolean => {
      const st = getComputedStyle(e);
      const rect = e.getBoundingClientRect();
      const visible = Number(st.opacity) > 0 && rect.width >= 4 && rect.height >= 4;
      const ring =
        (st.outlineStyle !== 'none' && parseFloat(st.outlineWidth) >= 2) ||
        st.outlineStyle === 'auto' ||
        st.boxShadow !== 'none';
      return visible && ring;
    };
    let indicator: Element | null = el;
    for (let up = 0; indicator && up < 4 && !shows(indicator); up++) {
      indicator = indicator.parentElement ?? ((indicator.getRootNode() as ShadowRoot).host || null);
    }
    const style = getComputedStyle(el);
    return {
      key: (el as Element & { __pwKey?: string }).__pwKey ?? `other ${el.tagName.toLowerCase()}`,
      tag: el.tagName.toLowerCase(),
      type: (el as HTMLInputElement).type ?? '',
      focusVisible: el.matches(':focus-visible'),
      indicator: indicator && shows(indicator) ? indicator.tagName.toLowerCase() : 'none',
      outline: `${style.outlineStyle} ${style.outlineWidth}`,
      value: (el as HTMLInputElement).value ?? '',
      max: (el as HTMLInputElement).max ?? '',
    };
  });
}

/** What a live element shows: its canvases' pixels and SVG charts, not its text readouts. */
function figureOf(page: Page, hostIndex: number): Promise<string> {
  return page.evaluate((h) => {
    const hosts = [...document.querySelectorAll('*')].filter(
      (el) => el.tagName.startsWith('PW-') && el.shadowRoot && el.tagName !== 'PW-BACKEND-STATUS',
    );
    const root = hosts[h]?.shadowRoot;
    if (!root) return '';
    const canvases = [...root.querySelectorAll('canvas')].map((c) => c.toDataURL());
    const svgs = [...root.querySelectorAll('svg')].map((s) => s.outerHTML);
    return canvases.length + svgs.length > 0 ? [...canvases, ...svgs].join('|') : root.innerHTML;
  }, hostIndex);
}

describe('keyboard and motion', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium({ webgl: true });
  });
  afterAll(async () => {
    await browser.close();
  });

  it('Tab walks the pooling lesson in order with visible focus, and arrow keys move every slider', async () => {
    const { page, context, consoleErrors } = await openInstrumentedPage(
      browser,
      `${baseUrl}/pooling/`,
    );
    await waitForBackend(page);
    await waitForLiveElements(page);
    const expected = await labelExpectedStops(page);
    expect(expected.filter((k) => k.startsWith('pw-')).length).toBeGreaterThan(0);

    const visited: Stop[] = [];
    const sliderChecks: { key: string; changed: boolean }[] = [];
    for (let press = 0; press < 300; press++) {
      await page.keyboard.press('Tab');
      const stop = await focused(page);
      if (stop === null || (visited.length > 0 && stop.key === visited[0]?.key)) break;
      visited.push(stop);
      const hostMatch = /^pw-[\w-]+#(\d+) /.exec(stop.key);
      if (hostMatch && stop.type === 'range') {
        const host = Number(hostMatch[1]);
        const before = await figureOf(page, host);
        await page.keyboard.press(stop.value === stop.max ? 'ArrowLeft' : 'ArrowRight');
        let changed = false;
        for (let t = 0; t < 600 && !changed; t++) {
          await page.waitForTimeout(50);
          changed = (await figureOf(page, host)) !== before;
        }
        sliderChecks.push({ key: stop.key, changed });
      }
    }

    const keys = visited.map((s) => s.key);
    expect(keys[0]).toBe('skip-link');
    // Every expected stop is reached, and in document order.
    const reached = expected.map((k) => keys.indexOf(k));
    expect(expected.filter((_, i) => reached[i] === -1)).toEqual([]);
    expect(reached).toEqual([...reached].sort((a, b) => a - b));
    // Focus is always visible.
    const invisible = visited.filter((s) => !s.focusVisible || s.indicator === 'none');
    expect(invisible).toEqual([]);
    // Every slider reached by Tab changed its figure when moved with an arrow key.
    expect(sliderChecks.length).toBeGreaterThan(0);
    expect(sliderChecks.filter((c) => !c.changed)).toEqual([]);
    expect(consoleErrors).toEqual([]);
    await context.close();
  });

  it('with prefers-reduced-motion, no CSS animation or transition runs on any page', async () => {
    for (const lesson of LESSONS) {
      const { page, context } = await openInstrumentedPage(browser, baseUrl + lesson.href);
      await page.emulateMedia({ reducedMotion: 'reduce' });
      await waitForBackend(page);
      await waitForLiveElements(page);
      // Interact: toggle the theme twice and walk some controls, nudging sliders.
      await page.locator('#theme-toggle').click();
      await page.locator('#theme-toggle').click();
      for (let i = 0; i < 20; i++) {
        await page.keyboard.press('Tab');
        const stop = await focused(page);
        if (stop?.type === 'range') await page.keyboard.press('ArrowRight');
      }
      await page.locator('main').hover();
      // A planted transition proves the page's reduced-motion rule is in force, not just idle.
      await page.evaluate(() => {
        const probe = document.createElement('p');
        probe.textContent = 'motion probe';
        probe.style.transition = 'opacity 5s';
        document.querySelector('main')?.append(probe);
        probe.getBoundingClientRect();
        probe.style.opacity = '0.2';
        probe.getBoundingClientRect();
      });
      const running = await page.evaluate(() =>
        document.getAnimations().map((a) => {
          const effect = a.effect as KeyframeEffect | null;
          const target = effect?.target;
          return `${a.constructor.name} on ${target?.tagName.toLowerCase() ?? '?'}.${target?.className ?? ''}`;
        }),
      );
      expect({ page: lesson.href, running }).toEqual({ page: lesson.href, running: [] });
      await context.close();
    }
  });
});
