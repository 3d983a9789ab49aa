import { LitElement, css, html, nothing } from 'lit';
import { progressText, rangeControl, selectControl, statusLine } from './templates';
import * as tf from '@tensorflow/tfjs-core';
import { TensorTaskController } from './controllers/tensor-task';
import { photoController } from './controllers/photo';
import { elementStyles } from './shared-styles';
import {
  transposedConv2d,
  upsamplingKernel,
  type UpsamplingKernelKind,
} from '../lib/upsampling/index';
import './pw-tensor-view';
import { UrlStateController } from './controllers/url-state';

const KINDS: readonly { value: UpsamplingKernelKind; label: string }[] = [
  { value: 'bilinear', label: 'bilinear (FCN’s start)' },
  { value: 'nearest', label: 'nearest (box)' },
  { value: 'random', label: 'random' },
];

interface Upsampled extends tf.TensorContainerObject {
  taps: tf.Tensor2D;
  output: tf.Tensor3D;
}

function upsampleFigure(photo: tf.Tensor3D, kind: UpsamplingKernelKind, f: number): Upsampled {
  const { kernel, padding } = upsamplingKernel(kind, f, 3);
  try {
    return tf.tidy(() => {
      const k = kernel.shape[0];
      return {
        taps: tf.reshape<tf.Rank.R2>(tf.slice(kernel, [0, 0, 0, 0], [k, k, 1, 1]), [k, k]),
        output: tf.clipByValue(transposedConv2d(photo, kernel, { stride: f, padding }), 0, 1),
      };
    });
  } finally {
    kernel.dispose();
  }
}

/**
 * @summary The same stride-f transposed convolution started from three kernels: FCN's
 * bilinear filter, a box (nearest neighbour) and a seeded random kernel, each drawn next to
 * what it makes of a small photo.
 *
 * @fires pw-computed - `CustomEvent<{ ms: number }>` after each redraw.
 *
 * The output is drawn at an integer magnification (1 to 4 screen pixels per pixel, at most
 * 256 px wide), never downscaled, so its period-f texture is not aliased; its view carries
 * `data-magnification`.
 */
export class PwUpsamplingKernels extends LitElement {
  static override properties = {
    src: { type: String },
    workingSize: { type: Number, attribute: 'working-size' },
    factor: { type: Number },
    kind: { type: String },
  };
  static override styles = [
    elementStyles,
    css`
      .output {
        margin-top: 1rem;
      }
    `,
  ];

  /** URL of the photo. */
  declare src: string;
  /** Side of the square input before upsampling (default 32). */
  declare workingSize: number;
  /** Upsampling factor f, 2..8 (default 4). */
  declare factor: number;
  /** Bilinear | nearest | random (default 'bilinear'). */
  declare kind: UpsamplingKernelKind;

  private readonly photo = photoController(this, () => ({ src: this.src, side: this.workingSize }));
  private readonly figure = new TensorTaskController(this, {
    announce: true,
    args: () =>
      this.photo.value ? ([this.photo.value, this.kind, this.factor] as const) : undefined,
    task: ([photo, kind, f]) => upsampleFigure(photo, kind, f),
  });

  /** Settings shared by URL (`?id=...`), copy-link and PNG controls. */
  readonly share = new UrlStateController(this, [
    'src',
    'factor:int:2..8',
    'kind:bilinear|nearest|random',
  ]);

  constructor() {
    super();
    this.src = '';
    this.workingSize = 32;
    this.factor = 4;
    this.kind = 'bilinear';
  }

  override render() {
    const v = this.figure.value;
    const error = this.photo.error ?? this.figure.error;
    const k = v?.taps.shape[0] ?? 0;
    const side = v?.output.shape[1] ?? 0;
    // Whole screen pixels per output pixel, so nothing is resampled on the way to the screen.
    const magnification = Math.max(1, Math.floor(256 / Math.max(side, 1)));
    return html`<div class="controls">
        ${rangeControl({
          label: html`Factor <var>f</var>`,
          name: 'factor',
          min: 2,
          max: 8,
          value: this.factor,
          onInput: (v) => (this.factor = v),
        })}
        ${selectControl({
          label: 'Kernel',
          options: KINDS,
          value: this.kind,
          onChange: (v) => (this.kind = v),
        })}
      </div>
      ${
        v
          ? html`<div class="panels">
                <pw-tensor-view
                  .tensor=${this.photo.value}
                  mode="rgb"
                  label=${`Input, ${this.workingSize}×${this.workingSize}`}
                ></pw-tensor-view>
                <pw-tensor-view
                  .tensor=${v.taps}
                  mode="grey"
                  label=${`The ${k}×${k} kernel (one channel; taps sum to f² = ${this.factor ** 2})`}
                ></pw-tensor-view>
              </div>
              <pw-tensor-view
                class="output"
                style=${`inline-size: ${side * magnification}px; max-inline-size: 100%`}
                data-magnification=${magnification}
                .tensor=${v.output}
                mode="rgb"
                label=${`Transposed convolution, stride ${this.factor}: ${side}×${side}, drawn at ${magnification}× (whole screen pixels, so the texture is not aliased)`}
              ></pw-tensor-view>`
          : nothing
      }
      ${statusLine(error, progressText(this.figure))}`;
  }
}

customElements.define('pw-upsampling-kernels', PwUpsamplingKernels);

declare global {
  interface HTMLElementTagNameMap {
    'pw-upsampling-kernels': PwUpsamplingKernels;
  }
}
