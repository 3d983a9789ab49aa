import { LitElement, css, html, nothing } from 'lit';
import { elementStyles } from './shared-styles';
import { emit } from './events';
import { invalid } from '../lib/validate';

export interface PredictReveal {
  pick: number | undefined;
  correct: boolean;
}

/** The choices attribute as a list of strings; anything else throws, naming the value. */
function parseChoices(text: string): string[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    invalid('choices', text, 'a JSON array of 2 to 6 strings');
  }
  if (
    !Array.isArray(value) ||
    value.length < 2 ||
    value.length > 6 ||
    !value.every((c) => typeof c === 'string')
  ) {
    invalid('choices', text, 'a JSON array of 2 to 6 strings');
  }
  return value;
}

/**
 * @summary Predict, then see: a question about the figure that follows, answer choices as a
 * native radio group, and a reveal that says whether the pick was right and why. Asking for a
 * guess before the answer is shown helps readers remember it (Hohman et al., "Communicating with
 * Interactive Articles", Distill 2020). Nothing is stored: the pick lives in this element only.
 *
 * @slot why - the explanation, shown once the reader reveals the answer.
 * @fires pw-predict-reveal - `CustomEvent<{ pick: number | undefined; correct: boolean }>` on
 *   each reveal.
 *
 * Light-DOM content without a slot is the static fallback (question, choices and answer, for
 * readers without scripts); the page's stylesheet hides the `why` slot until the element is
 * defined, so the explanation is not shown twice.
 */
export class PwPredict extends LitElement {
  static override properties = {
    question: { type: String },
    choices: { type: String },
    answer: { type: Number },
    figure: { type: String },
    pick: { state: true },
    revealed: { state: true },
  };
  static override styles = [
    elementStyles,
    css`
      :host {
        border-inline-start: 4px solid var(--pw-accent, #2456c9);
      }
      fieldset {
        display: block;
      }
      legend {
        float: none;
        padding: 0;
        margin-bottom: 0.5rem;
        font-weight: 600;
      }
      .tag {
        display: inline-block;
        margin-inline-end: 0.4rem;
        padding: 0 0.4rem;
        border-radius: 0.25rem;
        background: var(--pw-accent, #2456c9);
        color: var(--pw-surface, #fff);
        font-size: 0.8rem;
        font-weight: 700;
        text-transform: uppercase;
        letter-spacing: 0.03em;
      }
      .choice {
        display: flex;
        gap: 0.5rem;
        align-items: baseline;
        flex-wrap: nowrap;
        padding: 0.3rem 0.4rem;
        margin: 0.15rem 0;
        border-radius: 0.25rem;
        cursor: pointer;
      }
      .choice input {
        flex: none;
        accent-color: var(--pw-accent, #2456c9);
      }
      .choice.right {
        outline: 2px solid var(--pw-good, #2e7d32);
      }
      .choice.wrong {
        outline: 2px dashed var(--pw-error, #b00020);
      }
      .mark {
        margin-inline-start: auto;
        font-weight: 600;
        white-space: nowrap;
      }
      .right .mark {
        color: var(--pw-good, #2e7d32);
      }
      .wrong .mark {
        color: var(--pw-error, #b00020);
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem 1rem;
        align-items: center;
        margin-top: 0.5rem;
      }
      button {
        font: inherit;
        padding: 0.3rem 0.8rem;
      }
      .verdict {
        font-weight: 600;
        margin: 0.5rem 0 0;
      }
      .why {
        margin-top: 0.25rem;
      }
      .why ::slotted(*) {
        margin: 0.25rem 0;
      }
      a {
        color: var(--pw-accent, #2456c9);
      }
    `,
  ];

  /** The question, one sentence. */
  declare question: string;
  /** JSON array of the answer choices (2 to 6 strings). */
  declare choices: string;
  /** Index of the correct choice in `choices`. */
  declare answer: number;
  /** Id of the figure that answers the question (it comes right after); the reveal links to it. */
  declare figure: string;
  declare pick: number | undefined;
  declare revealed: boolean;

  constructor() {
    super();
    this.question = '';
    this.choices = '[]';
    this.answer = 0;
    this.figure = '';
    this.pick = undefined;
    this.revealed = false;
  }

  private get choiceList(): string[] {
    const list = parseChoices(this.choices);
    if (!Number.isInteger(this.answer) || this.answer < 0 || this.answer >= list.length) {
      invalid('answer', this.answer, `an index 0..${list.length - 1} into choices`);
    }
    return list;
  }

  private reveal(): void {
    this.revealed = true;
    const detail: PredictReveal = { pick: this.pick, correct: this.pick === this.answer };
    emit(this, 'pw-predict-reveal', detail);
  }

  override render() {
    const list = this.choiceList;
    const verdict =
      this.pick === undefined
        ? `The answer: ${list[this.answer] ?? ''}.`
        : this.pick === this.answer
          ? 'Right.'
          : `Not quite: the answer is “${list[this.answer] ?? ''}”.`;
    return html`<fieldset>
        <legend><span class="tag">Predict</span>${this.question}</legend>
        ${list.map((text, i) => {
          const state = !this.revealed
            ? ''
            : i === this.answer
              ? 'right'
              : i === this.pick
                ? 'wrong'
                : '';
          return html`<label class="choice ${state}">
            <input
              type="radio"
              name="choice"
              .value=${String(i)}
              .checked=${this.pick === i}
              @change=${() => {
                this.pick = i;
              }}
            />
            <span>${text}</span>
            ${
              state === 'right'
                ? html`<span class="mark">✓ answer</span>`
                : state === 'wrong'
                  ? html`<span class="mark">✗ your pick</span>`
                  : nothing
            }
          </label>`;
        })}
      </fieldset>
      <div class="actions">
        <button type="button" class="reveal" @click=${() => this.reveal()}>
          ${this.pick === undefined && !this.revealed ? 'Show the answer' : 'Check my answer'}
        </button>
      </div>
      <div role="status" aria-live="polite">
        ${this.revealed ? html`<p class="verdict">${verdict}</p>` : nothing}
      </div>
      <div class="why" ?hidden=${!this.revealed}>
        <slot name="why"></slot>
        ${
          this.figure
            ? html`<p><a href=${`#${this.figure}`}>The figure below</a> shows it.</p>`
            : nothing
        }
      </div>`;
  }
}

customElements.define('pw-predict', PwPredict);

declare global {
  interface HTMLElementTagNameMap {
    'pw-predict': PwPredict;
  }
  interface HTMLElementEventMap {
    'pw-predict-reveal': CustomEvent<PredictReveal>;
  }
}
