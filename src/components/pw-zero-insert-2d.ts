/**
 * @summary Zero insertion in two dimensions: the photo upsampled with zeros and with an
 * interpolation filter, each beside its centred log-magnitude spectrum, where the spectral
 * images appear as copies of the original spectrum on an L×L grid.
 *
 * @attr src - URL of the photo.
 * @attr working-size - side of the square input before upsampling (default 64).
 * @attr factor - upsampling factor L, 1..4 (default 2).
 * @attr kind - interpolation filter: nearest | linear | sinc (default 'linear').
 * @fires pw-computed - `CustomEvent<{ ms: number }>` after each redraw.
 */
import { LitElement, css, html, nothing } from 'lit';
import { progressText, rangeControl, selectControl, statusLine } from './templates';
import * as tf from '@tensorflow/tfjs-core';
import { TensorTaskController } from './controllers/tensor-task';
import { photoController } from './controllers/photo';
import { elementStyles } from './shared-styles';
import { interpolate2d, type InterpolationKind } from '../lib/interpolation';
import { zeroInsert } from '../lib/upsampling';
import { logMagnitudeSpectrum2d } from '../lib/spectrum';
import './pw-tensor-view';

const KINDS: readonly { value: InterpolationKind; label: string }[] = [
  { value: 'nearest', label: 'nearest (box)' },
  { value: 'linear', label: 'linear (triangle)' },
  { value: 'sinc', label: 'windowed sinc' },
];

interface Upsampled2d extends tf.TensorContainerObject {
  zeros: tf.Tensor3D;
  zerosSpectrum: tf.Tensor2D;
  filtered: tf.Tensor3D;
  filteredSpectrum: tf.Tensor2D;
}

function upsampleFigure(photo: tf.Tensor3D, factor: number, kind: InterpolationKind): Upsampled2d {
  return tf.tidy(() => {
    // Scaled by L² so the zero-stuffed image keeps the photo's mean brightness on screen.
    const zeros = tf.clipByValue(
      tf.mul<tf.Tensor3D>(zeroInsert(photo, factor), factor * factor),
      0,
      1,
    );
    const filtered = tf.clipByValue(interpolate2d(photo, factor, kind), 0, 1);
    return {
      zeros,
      zerosSpectrum: logMagnitudeSpectrum2d(zeroInsert(photo, factor)),
      filtered,
      filteredSpectrum: logMagnitudeSpectrum2d(interpolate2d(photo, factor, kind)),
    };
  });
}

export class PwZeroInsert2d extends LitElement {
  static override properties = {
    src: { type: String },
    workingSize: { type: Number, attribute: 'working-size' },
    factor: { type: Number },
    kind: { type: String },
  };
  static override styles = [
    elementStyles,
    css`
      .panels {
        grid-template-columns: repeat(2, minmax(0, 1fr));
      }
    `,
  ];

  declare src: string;
  declare workingSize: number;
  declare factor: number;
  declare kind: InterpolationKind;

  private readonly photo = photoController(this, () => ({ src: this.src, side: this.workingSize }));
  private readonly figure = new TensorTaskController(this, {
    announce: true,
    args: () =>
      this.photo.value ? ([this.photo.value, this.factor, this.kind] as const) : undefined,
    task: ([photo, factor, kind]) => upsampleFigure(photo, factor, kind),
  });

  constructor() {
    super();
    this.src = '';
    this.workingSize = 64;
    this.factor = 2;
    this.kind = 'linear';
  }

  override render() {
    const f = this.figure.value;
    const error = this.photo.error ?? this.figure.error;
    const name = KINDS.find((k) => k.value === this.kind)?.label ?? this.kind;
    return html`<div class="controls">
        ${rangeControl({
          label: html`Factor <var>L</var>`,
          name: 'factor',
          min: 1,
          max: 4,
          value: this.factor,
          onInput: (v) => (this.factor = v),
        })}
        ${selectControl({
          label: 'Interpolation filter',
          options: KINDS,
          value: this.kind,
          onChange: (v) => (this.kind = v),
        })}
      </div>
      ${
        f
          ? html`<div class="panels">
              <pw-tensor-view
                .tensor=${f.zeros}
                mode="rgb"
                label=${`Zero-inserted by ${this.factor} (brightened ${this.factor * this.factor}× to show it)`}
              ></pw-tensor-view>
              <pw-tensor-view
                .tensor=${f.zerosSpectrum}
                mode="grey"
                label="Its log spectrum: the photo's spectrum repeated on an L×L grid"
              ></pw-tensor-view>
              <pw-tensor-view
                .tensor=${f.filtered}
                mode="rgb"
                label=${`Zero-inserted, then filtered: ${name}`}
              ></pw-tensor-view>
              <pw-tensor-view
                .tensor=${f.filteredSpectrum}
                mode="grey"
                label="Its log spectrum: what the filter left of the copies"
              ></pw-tensor-view>
            </div>`
          : nothing
      }
      ${statusLine(error, progressText(this.figure))}`;
  }
}

customElements.define('pw-zero-insert-2d', PwZeroInsert2d);

declare global {
  interface HTMLElementTagNameMap {
    'pw-zero-insert-2d': PwZeroInsert2d;
  }
}
