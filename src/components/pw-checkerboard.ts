import { LitElement, html, nothing } from 'lit';
import { progressText, rangeControl, statusLine, UNIT_RANGE } from './templates';
import * as tf from '@tensorflow/tfjs-core';
import { TensorTaskController } from './controllers/tensor-task';
import { photoController } from './controllers/photo';
import { elementStyles } from './shared-styles';
import { overlapMap, transposedConv2d } from '../lib/upsampling/index';
import './pw-tensor-view';
import { UrlStateController } from './controllers/url-state';

/** Side of the small flat input whose overlap counts are drawn. */
const FLAT = 8;

interface Checkerboard extends tf.TensorContainerObject {
  counts: tf.Tensor2D;
  photoOut: tf.Tensor3D;
}

function checkerboardFigure(photo: tf.Tensor3D, k: number, s: number): Checkerboard {
  return tf.tidy(() => {
    const grey = tf.mean<tf.Tensor3D>(photo, 2, true);
    // Each tap weighs s²/k², so an evenly covered pixel keeps the input's brightness.
    const box = tf.fill([k, k, 1, 1], (s * s) / (k * k));
    return {
      counts: tf.tensor2d(overlapMap(k, s, [FLAT, FLAT])),
      photoOut: tf.clipByValue(transposedConv2d(grey, box as tf.Tensor4D, { stride: s }), 0, 1),
    };
  });
}

/**
 * @summary Where checkerboard artifacts come from: the number of kernel taps that land on each
 * output pixel of a transposed convolution (what a flat image of ones becomes through a kernel
 * of ones), and the photo through the same layer with a flat averaging kernel.
 *
 * @fires pw-computed - `CustomEvent<{ ms: number }>` after each redraw.
 */
export class PwCheckerboard extends LitElement {
  static override properties = {
    src: { type: String },
    workingSize: { type: Number, attribute: 'working-size' },
    kernelSize: { type: Number, attribute: 'kernel-size' },
    stride: { type: Number },
  };
  static override styles = elementStyles;

  /** URL of the photo (used in grey). */
  declare src: string;
  /** Side of the square photo input (default 32). */
  declare workingSize: number;
  /** Kernel side k, 1..8 (default 3). */
  declare kernelSize: number;
  /** Stride s, 1..4 (default 2). */
  declare stride: number;

  private readonly photo = photoController(this, () => ({ src: this.src, side: this.workingSize }));
  private readonly figure = new TensorTaskController(this, {
    announce: true,
    args: () =>
      this.photo.value ? ([this.photo.value, this.kernelSize, this.stride] as const) : undefined,
    task: ([photo, k, s]) => checkerboardFigure(photo, k, s),
  });

  /** Settings shared by URL (`?id=...`), copy-link and PNG controls. */
  readonly share = new UrlStateController(this, ['src', 'kernelSize:int:1..8', 'stride:int:1..4']);

  constructor() {
    super();
    this.src = '';
    this.workingSize = 32;
    this.kernelSize = 3;
    this.stride = 2;
  }

  private slider(name: string, key: 'kernelSize' | 'stride', max: number) {
    return rangeControl({
      label: name,
      name: key,
      min: 1,
      max,
      value: this[key],
      onInput: (v) => (this[key] = v),
    });
  }

  /** Taps per output pixel away from the border, along one axis (plain numbers). */
  private interiorCounts(): number[] {
    const k = this.kernelSize;
    const line = overlapMap(k, this.stride, 4 * k + 4);
    return line.slice(k, line.length - k);
  }

  override render() {
    const f = this.figure.value;
    const error = this.photo.error ?? this.figure.error;
    const k = this.kernelSize;
    const s = this.stride;
    const inner = this.interiorCounts();
    const lo = Math.min(...inner);
    const hi = Math.max(...inner);
    return html`<div class="controls">
        ${this.slider('Kernel size k', 'kernelSize', 8)} ${this.slider('Stride s', 'stride', 4)}
      </div>
      ${
        f
          ? html`<div class="panels">
              <pw-tensor-view
                .tensor=${f.counts}
                mode="grey"
                label=${`Taps per output pixel for an ${FLAT}×${FLAT} input (a flat image of ones through a ${k}×${k} kernel of ones)`}
              ></pw-tensor-view>
              <pw-tensor-view
                .tensor=${f.photoOut}
                mode="grey"
                .range=${UNIT_RANGE}
                label=${`The photo through the same layer, each tap weighing s²/k² = ${((s * s) / (k * k)).toFixed(3)}`}
              ></pw-tensor-view>
            </div>`
          : nothing
      }
      <p class="readout" aria-live="polite" data-lo=${lo} data-hi=${hi}>
        Away from the border, an output pixel receives
        ${lo === hi ? `exactly ${lo}` : `${lo} or ${hi}`} taps along each axis
        (${lo === hi ? lo * lo : `${lo * lo} to ${hi * hi}`} in all):
        ${
          k % s === 0
            ? `k = ${k} is a multiple of s = ${s}, so the overlap is even.`
            : `k mod s = ${k % s}, so the overlap is uneven and the pattern repeats every ${s} pixels.`
        }
      </p>
      ${statusLine(error, progressText(this.figure))}`;
  }
}

customElements.define('pw-checkerboard', PwCheckerboard);

declare global {
  interface HTMLElementTagNameMap {
    'pw-checkerboard': PwCheckerboard;
  }
}
