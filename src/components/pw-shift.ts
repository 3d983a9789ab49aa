import { LitElement, html, nothing } from 'lit';
import { errorAlert, progressText, rangeControl, statusLine } from './templates';
import type * as tf from '@tensorflow/tfjs-core';
import { TensorTaskController, retryFailed } from './controllers/tensor-task';
import { photoController } from './controllers/photo';
import { elementStyles } from './shared-styles';
import { compute } from '../lib/browser/compute-client';
import { fromWire } from '../lib/browser/compute-wire';
import type { ShiftFigure } from '../lib/pooling/index';
import './pw-tensor-view';
import { UrlStateController } from './controllers/url-state';

/** The figure's maps and shares with the settings they belong to. */
interface Shown extends tf.TensorContainerObject {
  figure: ShiftFigure;
  size: number;
  shift: number;
}

/**
 * @summary Shift invariance of max-pooling: shift the photo a few pixels and count how many
 * input pixels and how many pooled values changed.
 *
 * @fires pw-computed - `CustomEvent<{ ms: number }>` after each new result.
 *
 * The readout carries `data-input` and `data-pooled` (shares changed, 0..1) and `data-size`,
 * `data-shift` (the settings they belong to).
 */
export class PwShift extends LitElement {
  static override properties = {
    src: { type: String },
    workingSize: { type: Number, attribute: 'working-size' },
    size: { type: Number },
    shift: { type: Number },
  };
  static override styles = elementStyles;

  /** URL of the photo. */
  declare src: string;
  /** Side of the square input (default 128). */
  declare workingSize: number;
  /** Pool size, stride = size (default 4). */
  declare size: number;
  /** Horizontal shift in pixels, 0..8 (default 1). */
  declare shift: number;

  private readonly photo = photoController(this, () => ({ src: this.src, side: this.workingSize }));
  private readonly figure = new TensorTaskController(this, {
    announce: true,
    args: () =>
      this.photo.value ? ([this.photo.value, this.size, this.shift] as const) : undefined,
    // Computed in the compute worker (figures/pooling.ts 'pool-shift'); the result carries
    // its own shares, so a superseded run cannot overwrite the readout.
    task: async ([photo, size, shift], { signal }): Promise<Shown> => {
      const wire = await compute('pool-shift', { image: photo }, { size, shift }, { signal });
      return { figure: await fromWire<ShiftFigure>(wire), size, shift };
    },
  });

  private readonly onRetry = (): void => {
    retryFailed(this.photo, this.figure);
  };

  /** Settings shared by URL (`?id=...`), copy-link and PNG controls. */
  readonly share = new UrlStateController(this, ['src', 'shift:int:0..8', 'size:int:1..8']);

  constructor() {
    super();
    this.src = '';
    this.workingSize = 128;
    this.size = 4;
    this.shift = 1;
  }

  override render() {
    const shown = this.figure.value;
    const f = shown?.figure;
    const error = this.photo.error ?? this.figure.error;
    const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
    return html`<div class="controls">
        ${rangeControl({
          label: 'Shift right',
          name: 'shift',
          min: 0,
          max: 8,
          value: this.shift,
          readout: `${this.shift} px`,
          valueText: `${this.shift} pixels`,
          onInput: (v) => (this.shift = v),
        })}
        ${rangeControl({
          label: 'Pool size',
          name: 'size',
          min: 1,
          max: 8,
          value: this.size,
          readout: `${this.size}×${this.size}`,
          valueText: `${this.size} by ${this.size}`,
          onInput: (v) => (this.size = v),
        })}
      </div>
      ${
        shown && f
          ? html`<p
              class="readout"
              data-input=${f.changed.input}
              data-pooled=${f.changed.pooled}
              data-size=${shown.size}
              data-shift=${shown.shift}
            >
              Input pixels changed: <strong>${pct(f.changed.input)}</strong> · pooled values
              changed: <strong>${pct(f.changed.pooled)}</strong>
            </p>`
          : nothing
      }
      ${
        shown && f
          ? html`<div class="panels">
              <pw-tensor-view .tensor=${f.pooled} mode="rgb" label="Pooled photo"></pw-tensor-view>
              <pw-tensor-view
                .tensor=${f.pooledShifted}
                mode="rgb"
                label=${`Pooled after a ${shown.shift} px shift`}
              ></pw-tensor-view>
              <pw-tensor-view
                .tensor=${f.difference}
                mode="diverging"
                label="Difference of the two pooled maps (brightness; scale from the data, white: unchanged)"
              ></pw-tensor-view>
            </div>`
          : nothing
      }
      ${error ? errorAlert('Could not compute this figure', error, this.onRetry) : nothing}
      ${statusLine(undefined, error ? '' : progressText(this.figure))}`;
  }
}

customElements.define('pw-shift', PwShift);

declare global {
  interface HTMLElementTagNameMap {
    'pw-shift': PwShift;
  }
}
