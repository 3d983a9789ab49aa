/**
 * Lit templates shared by the live elements, so every slider reads, sounds and steps the same:
 * a visible label wrapping a native range input (arrow keys, Page Up/Down, Home/End step it)
 * and an `<output>` readout of the current value, which is also the input's spoken value.
 */
import { html, nothing, type TemplateResult } from 'lit';

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
      .value=${String(c.value)}
      aria-valuetext=${c.valueText ?? readout}
      ?disabled=${c.disabled ?? false}
      @input=${(e: Event) => c.onInput(Number((e.target as HTMLInputElement).value))}
    /><output>${readout}</output></label
  >`;
}
