import { LitElement, css, html, nothing } from 'lit';
import { progressText, rangeControl, selectControl, statusLine } from './templates';
import * as tf from '@tensorflow/tfjs-core';
import { TensorTaskController } from './controllers/tensor-task';
import { photoController } from './controllers/photo';
import { elementStyles } from './shared-styles';
import {
  interpolate2d,
  type InterpolationKind,
  zeroInsert,
  logMagnitudeSpectrum2d,
  spectralImageContrast,
} from '../lib/upsampling/index';
import './pw-tensor-view';
import { UrlStateController } from './controllers/url-state';

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
  /** `[zeros, filtered]` image contrast of the two spectra. */
  contrast: tf.Tensor1D;
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
    const hann = { window: 'hann' } as const;
    const zerosSpectrum = logMagnitudeSpectrum2d(zeroInsert(photo, factor), hann);
    const filteredSpectrum = logMagnitudeSpectrum2d(interpolate2d(photo, factor, kind), hann);
    return {
      zeros,
      zerosSpectrum,
      filtered,
      filteredSpectrum,
      contrast: tf.stack([
        spectralImageContrast(zerosSpectrum, factor),
        spectralImageContrast(filteredSpectrum, factor),
      ]) as tf.Tensor1D,
    };
  });
}

/**
 * @summary Zero insertion in two dimensions: the photo upsampled with zeros and with an
 * interpolation filter, each beside its centred log-magnitude spectrum, where the spectral
 * images appear as copies of the original spectrum on an L×L grid. Spectra are taken through a
 * Hann window, so the DFT's periodic-extension border adds no bright cross.
 *
 * @fires pw-computed - `CustomEvent<{ ms: number }>` after each redraw.
 *
 * The readout carries `data-factor`, `data-zeros` and `data-filtered`: how far the L² − 1
 * image centres stand above each spectrum's mean (natural-log units, `spectralImageContrast`).
 */
export class PwZeroInsert2d extends LitElement {
  static override properties = {
    src: { type: String },
    workingSize: { type: Number, attribute: 'working-size' },
    factor: { type: Number },
    kind: { type: String },
    contrast: { state: true },
  };
  static override styles = [
    elementStyles,
    css`
      .panels {
        grid-template-columns: repeat(2, minmax(0, 1fr));
      }
    `,
  ];

  /** URL of the photo. */
  declare src: string;
  /** Side of the square input before upsampling (default 64). */
  declare workingSize: number;
  /** Upsampling factor L, 1..4 (default 4). */
  declare factor: number;
  /** Interpolation filter: nearest | linear | sinc (default 'linear'). */
  declare kind: InterpolationKind;
  declare contrast: { factor: number; zeros: number; filtered: number } | undefined;

  private readonly photo = photoController(this, () => ({ src: this.src, side: this.workingSize }));
  private readonly figure = new TensorTaskController(this, {
    announce: true,
    args: () =>
      this.photo.value ? ([this.photo.value, this.factor, this.kind] as const) : undefined,
    task: async ([photo, factor, kind]) => {
      const result = upsampleFigure(photo, factor, kind);
      const [zeros = 0, filtered = 0] = await result.contrast.data();
      this.contrast = { factor, zeros, filtered };
      return result;
    },
  });

  /** Settings shared by URL (`?id=...`), copy-link and PNG controls. */
  readonly share = new UrlStateController(this, [
    'src',
    'factor:int:1..4',
    'kind:nearest|linear|sinc',
  ]);

  constructor() {
    super();
    this.src = '';
    this.workingSize = 64;
    this.factor = 4;
    this.kind = 'linear';
    this.contrast = undefined;
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
                label=${`Its log spectrum (Hann window, zero frequency in the middle): ${this.factor > 1 ? `the photo's spectrum repeated on a ${this.factor}×${this.factor} grid, ${this.factor ** 2 - 1} bright copies around the centre` : 'no copies at L = 1'}`}
              ></pw-tensor-view>
              <pw-tensor-view
                .tensor=${f.filtered}
                mode="rgb"
                label=${`Zero-inserted, then filtered: ${name}`}
              ></pw-tensor-view>
              <pw-tensor-view
                .tensor=${f.filteredSpectrum}
                mode="grey"
                label="Its log spectrum: the copies are dimmed where the filter blocks them"
              ></pw-tensor-view>
            </div>`
          : nothing
      }
      ${contrastLine(this.contrast, name)} ${statusLine(error, progressText(this.figure))}`;
  }
}

/** The readout: how far the copies stand out, before and after the filter. */
function contrastLine(c: PwZeroInsert2d['contrast'], name: string) {
  if (!c) return nothing;
  if (c.factor === 1) {
    return html`<p class="readout" data-factor="1" data-zeros="0" data-filtered="0">
      At <var>L</var> = 1 nothing is inserted and there are no spectral images.
    </p>`;
  }
  const times = (v: number) => `${Math.round(Math.exp(v))}×`;
  return html`<p
    class="readout"
    data-factor=${c.factor}
    data-zeros=${c.zeros}
    data-filtered=${c.filtered}
  >
    Centres of the ${c.factor ** 2 - 1} spectral images: <strong>${times(c.zeros)}</strong> the
    spectrum’s typical magnitude after zero insertion, <strong>${times(c.filtered)}</strong> after
    the ${name} filter.
  </p>`;
}

customElements.define('pw-zero-insert-2d', PwZeroInsert2d);

declare global {
  interface HTMLElementTagNameMap {
    'pw-zero-insert-2d': PwZeroInsert2d;
  }
}
