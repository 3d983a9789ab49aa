/**
 * Predict, then see: every lesson asks at least two questions, each placed before the figure
 * that answers it; a reader answers from the keyboard alone (Tab to the choices, arrow keys to
 * pick, Tab to the button, Enter), and the reveal shows the verdict and the explanation.
 * Nothing is stored: a reload starts with no pick.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../scripts/lib/chromium.mjs';
import { openPage } from './page-helpers';
import { LESSONS } from '../../src/lessons';

const baseUrl = inject('baseUrl');

interface Prompt {
  question: string;
  answer: number;
  choices: number;
  figure: string;
  /** The figure's element exists and comes after the prompt in the document. */
  figureFollows: boolean;
}

function prompts(page: Page): Promise<Prompt[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('pw-predict')].map((p) => {
      const figure = document.getElementById(p.figure);
      return {
        question: p.question,
        answer: p.answer,
        choices: (JSON.parse(p.choices) as string[]).length,
        figure: p.figure,
        figureFollows:
          figure !== null &&
          (p.compareDocumentPosition(figure) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0,
      };
    }),
  );
}

/** What the i-th prompt shows: its verdict line and whether its explanation is visible. */
function revealed(page: Page, i: number): Promise<{ verdict: string; why: string }> {
  return page.evaluate((index) => {
    const p = document.querySelectorAll('pw-predict')[index];
    const root = p?.shadowRoot;
    const why = root?.querySelector<HTMLElement>('.why');
    const slotted = root?.querySelector('slot[name=why]') as HTMLSlotElement | null;
    const visible = why !== null && why !== undefined && why.getClientRects().length > 0;
    return {
      verdict: root?.querySelector('[role=status]')?.textContent?.trim() ?? '',
      why: visible
        ? (slotted?.assignedElements() ?? []).map((e) => (e as HTMLElement).innerText).join(' ')
        : '',
    };
  }, i);
}

describe('predict, then see', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium({ webgl: true });
  });
  afterAll(async () => {
    await browser.close();
  });

  for (const lesson of LESSONS) {
    it(`${lesson.href}: at least two prompts, each before its figure, answered from the keyboard`, async () => {
      const { page, context, consoleErrors } = await openPage(browser, baseUrl + lesson.href);
      await page.waitForFunction(() => customElements.get('pw-predict') !== undefined);
      const list = await prompts(page);
      expect(list.length).toBeGreaterThanOrEqual(2);
      for (const p of list) {
        expect(p.question.length).toBeGreaterThan(10);
        expect(p.figureFollows, `figure #${p.figure} after “${p.question}”`).toBe(true);
        expect(p.answer).toBeGreaterThanOrEqual(0);
        expect(p.answer).toBeLessThan(p.choices);
      }

      for (let i = 0; i < list.length; i++) {
        const p = list[i];
        if (!p) continue;
        const host = page.locator('pw-predict').nth(i);
        expect((await revealed(page, i)).why).toBe('');
        // Reach the radio group by Tab from the element just before it, as a reader would.
        await host.evaluate((el) => {
          const before = document.createElement('button');
          before.textContent = 'start';
          before.className = 'pw-test-start';
          el.before(before);
          before.focus();
        });
        await page.keyboard.press('Tab');
        const focused = await page.evaluate(() => {
          const a = document.activeElement;
          const inner = a?.shadowRoot?.activeElement;
          return { host: a?.tagName, type: (inner as HTMLInputElement | null)?.type };
        });
        expect(focused).toEqual({ host: 'PW-PREDICT', type: 'radio' });
        // Arrow keys pick in a radio group: the first press picks the second choice.
        await page.keyboard.press('ArrowDown');
        await page.keyboard.press('Tab');
        const button = await page.evaluate(
          () => document.activeElement?.shadowRoot?.activeElement?.className,
        );
        expect(button).toBe('reveal');
        await page.keyboard.press('Enter');
        const shown = await revealed(page, i);
        expect(shown.verdict).toMatch(p.answer === 1 ? /^Right\./ : /^Not quite/);
        expect(shown.why.length).toBeGreaterThan(40);
        await page.evaluate(() => document.querySelector('.pw-test-start')?.remove());
      }

      // Nothing stored: after a reload no prompt is revealed or picked.
      await page.reload({ waitUntil: 'load' });
      await page.waitForFunction(() => customElements.get('pw-predict') !== undefined);
      const fresh = await page.evaluate(() =>
        [...document.querySelectorAll('pw-predict')].map((p) => ({
          revealed: p.revealed,
          pick: p.pick ?? null,
        })),
      );
      expect(fresh.every((f) => !f.revealed && f.pick === null)).toBe(true);
      expect(consoleErrors.filter((e) => /pw-predict|invalid (choices|answer)/.test(e))).toEqual(
        [],
      );
      await context.close();
    });
  }
});
