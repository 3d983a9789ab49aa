/**
 * Accessibility gate: axe-core (WCAG 2.0/2.1 A and AA rules) finds no violation on any lesson page
 * once its live elements have rendered, at desktop and phone widths, in the light and dark theme.
 * Pages come from LESSONS and elements are whatever <pw-*> the page holds, so new work is covered.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../scripts/lib/chromium.mjs';
import { openInstrumentedPage, waitForBackend, waitForLiveElements } from './page-helpers';
import { LESSONS } from '../../src/lessons';

const baseUrl = inject('baseUrl');
const AXE_SOURCE = readFileSync('node_modules/axe-core/axe.min.js', 'utf8');
// WCAG A/AA plus axe's best practices (landmarks, headings, regions).
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];
const WIDTHS = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
] as const;

/**
 * Violations known, reported and awaiting a fix in code this test does not own. Each entry is
 * printed on every run; delete it once the fix lands (the test then guards against regressions).
 */
const KNOWN_ISSUES: { rule: string; target: RegExp; fix: string }[] = [];

function isKnown(rule: string, target: string): boolean {
  return KNOWN_ISSUES.some((k) => k.rule === rule && k.target.test(target));
}

interface Finding {
  rule: string;
  impact: string | null;
  help: string;
  nodes: { target: string; summary: string }[];
}

/** Runs axe in the page and returns its violations in a readable, diffable form. */
async function axeViolations(page: Page): Promise<Finding[]> {
  // Evaluated through the DevTools protocol, so the page's CSP (script-src 'self') allows it;
  // addScriptTag would inject an inline <script> that the CSP rightly blocks.
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async (tags) => {
    interface AxeResult {
      violations: {
        id: string;
        impact: string | null;
        help: string;
        nodes: { target: unknown[]; failureSummary?: string }[];
      }[];
    }
    const axe = (globalThis as unknown as { axe: { run: (...a: unknown[]) => Promise<AxeResult> } })
      .axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: tags } });
    return result.violations.map((v) => ({
      rule: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({
        target: JSON.stringify(n.target),
        summary: (n.failureSummary ?? '').replace(/\s+/g, ' ').slice(0, 300),
      })),
    }));
  }, WCAG_TAGS);
}

async function setTheme(page: Page, theme: 'light' | 'dark'): Promise<void> {
  await page.evaluate((t) => {
    document.documentElement.dataset['theme'] = t;
  }, theme);
  // Let style recalculation and any theme-dependent redraw land before axe reads colours.
  await page.evaluate(
    () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))),
  );
}

describe('accessibility (axe-core, WCAG 2.1 A/AA)', () => {
  let browser: Browser;
  beforeAll(async () => {
    for (const k of KNOWN_ISSUES)
      console.warn(`a11y known issue, not failing: ${k.rule}: ${k.fix}`);
    browser = await launchChromium({ webgl: true });
  });
  afterAll(async () => {
    await browser.close();
  });

  it('the gate can fail: axe reports an unlabelled image and low-contrast text planted in a page', async () => {
    const { page, context } = await openInstrumentedPage(browser, `${baseUrl}/`);
    await page.evaluate(() => {
      const main = document.querySelector('main');
      main?.insertAdjacentHTML(
        'beforeend',
        '<img src="/favicon.svg" width="20" height="20"><p style="color:#ccc;background:#fff">faint</p>',
      );
    });
    const rules = (await axeViolations(page)).map((f) => f.rule);
    expect(rules).toContain('image-alt');
    expect(rules).toContain('color-contrast');
    await context.close();
  });

  for (const lesson of LESSONS) {
    it(`${lesson.href} has no violations at 1280 and 390 px, light and dark`, async () => {
      const report: Record<string, Finding[]> = {};
      for (const viewport of WIDTHS) {
        const { page, context } = await openInstrumentedPage(browser, baseUrl + lesson.href, {
          viewport,
        });
        await waitForBackend(page);
        await waitForLiveElements(page);
        for (const theme of ['light', 'dark'] as const) {
          await setTheme(page, theme);
          const found = (await axeViolations(page))
            .map((f) => ({ ...f, nodes: f.nodes.filter((n) => !isKnown(f.rule, n.target)) }))
            .filter((f) => f.nodes.length > 0);
          if (found.length > 0) report[`${viewport.width}px ${theme}`] = found;
        }
        await context.close();
      }
      if (Object.keys(report).length > 0) {
        console.log(`axe violations on ${lesson.href}:\n${JSON.stringify(report, null, 2)}`);
      }
      expect(report).toEqual({});
    });
  }
});
