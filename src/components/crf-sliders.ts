/** The labelled range sliders both CRF elements share: one per CRF parameter. */
import { css } from 'lit';
import { rangeControl } from './templates';
import type { CrfParams } from '../lib/crf/index';

export interface CrfSlider {
  readonly key: keyof CrfParams;
  readonly label: string;
  readonly min: number;
  readonly max: number;
  readonly step: number;
}

export const crfSliderStyles = css`
  .sliders {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(min(100%, 19rem), 1fr));
    gap: 0.5rem 1.5rem;
    margin-bottom: 0.75rem;
  }
  .sliders label {
    display: grid;
    grid-template-columns: 10rem 1fr 2.5rem;
    gap: 0.5rem;
  }
  .sliders input[type='range'] {
    inline-size: 100%;
  }
`;

/** A range input for `slider`, showing `value`, calling `change(key, value)` on input. */
export function renderCrfSlider(
  slider: CrfSlider,
  value: number,
  change: (key: keyof CrfParams, value: number) => void,
) {
  return rangeControl({
    label: slider.label,
    name: slider.key,
    min: slider.min,
    max: slider.max,
    step: slider.step,
    value,
    onInput: (v) => change(slider.key, v),
  });
}
