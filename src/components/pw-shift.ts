import { LitElement, html, nothing } from 'lit';
import { progressText, rangeControl, statusLine } from './templates';
import * as tf from '@tensorflow/tfjs-core';
import { TensorTaskController } from './controllers/tensor-task';
import { photoController } from './controllers/photo';
import { elementStyles } from './shared-styles';
import { maxPool2d, fractionChanged, shiftImage } from '../lib/pooling/index';
import './pw-tensor-view';
import { UrlStateController } from './controllers/url-state';

interface Shifted extends tf.TensorContainerObject {
  shifted: tf.Tensor3D;
  pooled: tf.Tensor3D;
  pooledShifted: tf.Tensor3D;
  difference: tf.Tensor2D;
}

function shiftFigure(photo: tf.Tensor3D, size: number, shift: number): Shifted {
  return tf.tidy(() => {
    const shifted = shiftImage(photo, shift, 0);
    const pooled = maxPool2d(photo, size);
    const pooledShifted = maxPool2d(shifted, size);
    // Luminance difference of the two pooled maps, for one signed picture.
    const lum = (x: tf.Tensor3D) => tf.mean(x, 2);
    return {
      shifted,
      pooled,
      pooledShifted,
      difference: tf.sub<tf.Tensor2D>(lum(pooledShifted), lum(pooled)),
    };
  });
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
    changed: { state: true },
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
  declare changed: { input: number; pooled: number; size: number; shift: number } | undefined;

  private readonly photo = photoController(this, () => ({ src: this.src, side: this.workingSize }));
  private readonly figure = new TensorTaskController(this, {
    announce: true,
    args: () =>
      this.photo.value ? ([this.photo.value, this.size, this.shift] as const) : undefined,
    task: async ([photo, size, shift]) => {
      const result = shiftFigure(photo, size, shift);
      const fractions = tf.tidy(() =>
        tf.stack([
          fractionChanged(photo, result.shifted),
          fractionChanged(result.pooled, result.pooledShifted),
        ]),
      );
      const [input = 0, pooled = 0] = await fractions.data();
      fractions.dispose();
      this.changed = { input, pooled, size, shift };
      return result;
    },
  });

  /** Settings shared by URL (`?id=...`), copy-link and PNG controls. */
  readonly share = new UrlStateController(this, ['src', 'shift:int:0..8', 'size:int:1..8']);

  constructor() {
    super();
    this.src = '';
    this.workingSize = 128;
    this.size = 4;
    this.shift = 1;
    this.changed = undefined;
  }

  override render() {
    const f = this.figure.value;
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
        this.changed
          ? html`<p
              class="readout"
              data-input=${this.changed.input}
              data-pooled=${this.changed.pooled}
              data-size=${this.changed.size}
              data-shift=${this.changed.shift}
            >
              Input pixels changed: <strong>${pct(this.changed.input)}</strong> · pooled values
              changed: <strong>${pct(this.changed.pooled)}</strong>
            </p>`
          : nothing
      }
      ${
        f
          ? html`<div class="panels">
              <pw-tensor-view .tensor=${f.pooled} mode="rgb" label="Pooled photo"></pw-tensor-view>
              <pw-tensor-view
                .tensor=${f.pooledShifted}
                mode="rgb"
                label=${`Pooled after a ${this.shift} px shift`}
              ></pw-tensor-view>
              <pw-tensor-view
                .tensor=${f.difference}
                mode="diverging"
                label="Difference of the two pooled maps (brightness; scale from the data, white: unchanged)"
              ></pw-tensor-view>
            </div>`
          : nothing
      }
      ${statusLine(error, progressText(this.figure))}`;
  }
}

customElements.define('pw-shift', PwShift);

declare global {
  interface HTMLElementTagNameMap {
    'pw-shift': PwShift;
  }
}
