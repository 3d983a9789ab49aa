/**
 * Lit templates shared by the live elements, so every slider reads, sounds and steps the same
 * (a visible label wrapping a native range input that arrow keys, Page Up/Down and Home/End
 * step, and an `<output>` readout that is also its spoken value) and every figure reports its
 * progress and errors in the same polite live region.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';
import type * as tf from '@tensorflow/tfjs-core';
import { errorMessage, type TaskStatus } from './controllers/tensor-task';
import { FCN_CLASSES, FCN_PALETTE } from '../lib/fcn/index';
import './pw-tensor-view';
import type { Range } from '../lib/colormap';

/** The `[0, 1]` display range, one constant so a binding to it never changes identity. */
export const UNIT_RANGE: Range = [0, 1];

export interface RangeControl {
  /** Visible label; may hold markup such as `Factor <var>f</var>`. */
  readonly label: string | TemplateResult;
  /** Class of the input (tests and styles find sliders by it). */
  readonly name?: string;
  readonly min: number;
  readonly max: number;
  /** Default 1. */
  readonly step?: number;
  readonly value: number;
  /** Text of the readout, default the value itself (e.g. `3×3`, `0.50`). */
  readonly readout?: string;
  /** Spoken value when the readout alone is terse (`3 by 3`); default the readout. */
  readonly valueText?: string;
  readonly disabled?: boolean;
  /** Called with the new value on every input event. */
  readonly onInput: (value: number) => void;
}

/** A labelled range slider with its value readout. */
export function rangeControl(c: RangeControl): TemplateResult {
  const readout = c.readout ?? String(c.value);
  return html`<label
    >${c.label}
    <input
      class=${c.name ?? nothing}
      type="range"
      min=${c.min}
      max=${c.max}
      step=${c.step ?? 1}
      .value=${live(String(c.value))}
      aria-valuetext=${c.valueText ?? readout}
      ?disabled=${c.disabled ?? false}
      @input=${(e: Event) => c.onInput(Number((e.target as HTMLInputElement).value))}
    /><output>${readout}</output></label
  >`;
}

/**
 * A figure's error, shown as an alert: `<prefix>: <message>` and any `extra` (a retry button);
 * nothing when `error` is undefined.
 */
export function errorLine(
  error: unknown,
  prefix: string,
  extra: TemplateResult | typeof nothing = nothing,
): TemplateResult | typeof nothing {
  if (!error) return nothing;
  return html`<p class="error" role="alert">${prefix}: ${errorMessage(error)}${extra}</p>`;
}

/** What a status line reports about a `TensorTaskController`. */
interface TaskProgress {
  readonly status: TaskStatus;
  readonly lastMs: number;
}

/** `Computed in 1.2 ms` (or `done(ms)`) once the task is complete, else `pending`. */
export function progressText(
  task: TaskProgress,
  done: (ms: number) => string = (ms) => `Computed in ${ms.toFixed(1)} ms`,
  pending = 'Computing…',
): string {
  return task.status === 'complete' ? done(task.lastMs) : pending;
}

/**
 * The polite live region under a figure: `text`, or `<errorPrefix>: <message>` styled as an
 * error when `error` is set (pass undefined where the element shows its error elsewhere).
 */
export function statusLine(
  error: unknown,
  text: string,
  errorPrefix = 'Could not compute this figure',
): TemplateResult {
  return html`<p class="status ${error ? 'error' : ''}" role="status" aria-live="polite">
    ${error ? `${errorPrefix}: ${errorMessage(error)}` : text}
  </p>`;
}

/**
 * A failed figure's message, `<prefix>: <message>`, as an alert with a "Try again" button (a
 * compute worker that stopped, weights that did not load): the rest of the page keeps working.
 */
export function errorAlert(prefix: string, error: unknown, onRetry: () => void): TemplateResult {
  return html`<p class="error" role="alert">
    ${prefix}: ${errorMessage(error)}<button type="button" class="retry" @click=${onRetry}>
      Try again
    </button>
  </p>`;
}

export interface SelectControl<T extends string> {
  /** Visible label. */
  readonly label: string;
  readonly options: readonly { readonly value: T; readonly label: string }[];
  readonly value: T;
  /** Called with the chosen option's value. */
  readonly onChange: (value: T) => void;
}

/** A labelled native select (arrow keys step it) over fixed string options. */
export function selectControl<T extends string>(c: SelectControl<T>): TemplateResult {
  return html`<label>
    ${c.label}
    <select @change=${(e: Event) => c.onChange((e.target as HTMLSelectElement).value as T)}>
      ${c.options.map(
        (o) => html`<option value=${o.value} ?selected=${o.value === c.value}>${o.label}</option>`,
      )}
    </select>
  </label>`;
}

/**
 * A tensor view of FCN class scores or labels in the class palette, with class names (and, for
 * scores, probabilities) in its hover and keyboard readout.
 * @param tensor `[H, W, C]` scores (argmax shown) or `[H, W]` class indices.
 * @param options.legend false leaves out the class key (a row of maps shows it once).
 */
export function classMapView(
  tensor: tf.Tensor,
  label: string,
  { legend = true }: { legend?: boolean } = {},
): TemplateResult {
  return html`<pw-tensor-view
    .tensor=${tensor}
    mode="labels"
    .classNames=${FCN_CLASSES}
    .palette=${FCN_PALETTE}
    ?no-legend=${!legend}
    label=${label}
  ></pw-tensor-view>`;
}

export interface IndexSelect {
  /** Visible label. */
  readonly label: string;
  /** Class of the select (tests find it by it). */
  readonly name?: string;
  /** Option texts; an option's value is its index. */
  readonly options: readonly string[];
  readonly value: number;
  /** Called with the chosen index. */
  readonly onChange: (index: number) => void;
}

/** A labelled native select over a list (scenes, classes) whose value is the chosen index. */
export function indexSelect(c: IndexSelect): TemplateResult {
  return html`<label
    >${c.label}
    <select
      class=${c.name ?? nothing}
      .value=${live(String(c.value))}
      @change=${(e: Event) => c.onChange(Number((e.target as HTMLSelectElement).value))}
    >
      ${c.options.map((text, i) => html`<option value=${i} ?selected=${i === c.value}>${text}</option>`)}
    </select></label
  >`;
}

/** The scene picker of the figures that run on the test scenes: a select over their titles. */
export function sceneSelect(
  scenes: readonly { readonly title: string }[],
  value: number,
  onChange: (index: number) => void,
): TemplateResult {
  return indexSelect({
    label: 'Scene',
    name: 'scene',
    options: scenes.map((s) => s.title),
    value,
    onChange,
  });
}

export interface RadioGroup<T extends string> {
  /** Visible legend of the group. */
  readonly legend: string;
  /** Name shared by the radios (and the fieldset's class). */
  readonly name: string;
  readonly options: readonly { readonly value: T; readonly label: string }[];
  readonly value: T;
  /** Called with the chosen option's value. */
  readonly onChange: (value: T) => void;
}

/** A fieldset of native radios (arrow keys move the choice) over fixed string options. */
export function radioGroup<T extends string>(c: RadioGroup<T>): TemplateResult {
  return html`<fieldset class=${c.name}>
    <legend>${c.legend}</legend>
    ${c.options.map(
      (o) =>
        html`<label
          ><input
            type="radio"
            name=${c.name}
            value=${o.value}
            .checked=${live(o.value === c.value)}
            @change=${(e: Event) => c.onChange((e.target as HTMLInputElement).value as T)}
          />${o.label}</label
        >`,
    )}
  </fieldset>`;
}
