import { LitElement, html, nothing } from 'lit';
import { progressText, rangeControl, statusLine, UNIT_RANGE } from './templates';
import * as tf from '@tensorflow/tfjs-core';
import { TensorTaskController } from './controllers/tensor-task';
import { photoController } from './controllers/photo';
import { elementStyles } from './shared-styles';
import {
  transposedConv2d,
  transposedConvByZeroInsertion,
  zeroInsert,
} from '../lib/upsampling/index';
import './pw-tensor-view';

interface Proof extends tf.TensorContainerObject {
  kernel: tf.Tensor2D;
  stuffed: tf.Tensor2D;
  direct: tf.Tensor3D;
  decomposed: tf.Tensor3D;
  difference: tf.Tensor3D;
  maxDifference: tf.Scalar;
}

function proofFigure(photo: tf.Tensor3D, stride: number, size: number, seed: number): Proof {
  return tf.tidy(() => {
    const grey = tf.mean<tf.Tensor3D>(photo, 2, true);
    const kernel = tf.randomNormal<tf.Rank.R4>([size, size, 1, 1], 0, 1 / size, 'float32', seed);
    const direct = transposedConv2d(grey, kernel, { stride });
    const decomposed = transposedConvByZeroInsertion(grey, kernel, { stride });
    const difference = tf.sub<tf.Tensor3D>(direct, decomposed);
    return {
      kernel: tf.reshape<tf.Rank.R2>(kernel, [size, size]),
      stuffed: tf.reshape<tf.Rank.R2>(zeroInsert(grey, stride), [-1, grey.shape[1] * stride]),
      direct,
      decomposed,
      difference,
      maxDifference: tf.max(tf.abs(difference)),
    };
  });
}

/**
 * @summary A live check that a transposed convolution is zero insertion followed by an ordinary
 * convolution with the flipped kernel: both computed on the photo with a seeded random kernel,
 * side by side, with their difference and its maximum.
 *
 * @fires pw-computed - `CustomEvent<{ ms: number }>` after each redraw.
 */
export class PwDeconvProof extends LitElement {
  static override properties = {
    src: { type: String },
    workingSize: { type: Number, attribute: 'working-size' },
    stride: { type: Number },
    kernelSize: { type: Number, attribute: 'kernel-size' },
    seed: { type: Number },
    maxDifference: { state: true },
  };
  static override styles = elementStyles;

  /** URL of the photo (used in grey). */
  declare src: string;
  /** Side of the square input (default 32). */
  declare workingSize: number;
  /** Stride s, 1..4 (default 2). */
  declare stride: number;
  /** Kernel side k, 1..7 (default 3). */
  declare kernelSize: number;
  /** Seed of the random kernel, 1..9 (default 1). */
  declare seed: number;
  declare maxDifference: number | undefined;

  private readonly photo = photoController(this, () => ({ src: this.src, side: this.workingSize }));
  private readonly figure = new TensorTaskController(this, {
    announce: true,
    args: () =>
      this.photo.value
        ? ([this.photo.value, this.stride, this.kernelSize, this.seed] as const)
        : undefined,
    task: async ([photo, stride, size, seed]) => {
      const result = proofFigure(photo, stride, size, seed);
      this.maxDifference = (await result.maxDifference.data())[0];
      return result;
    },
  });

  constructor() {
    super();
    this.src = '';
    this.workingSize = 32;
    this.stride = 2;
    this.kernelSize = 3;
    this.seed = 1;
    this.maxDifference = undefined;
  }

  private slider(name: string, key: 'stride' | 'kernelSize' | 'seed', min: number, max: number) {
    return rangeControl({
      label: name,
      name: key,
      min,
      max,
      value: this[key],
      onInput: (v) => (this[key] = v),
    });
  }

  override render() {
    const f = this.figure.value;
    const error = this.photo.error ?? this.figure.error;
    const d = this.maxDifference;
    return html`<div class="controls">
        ${this.slider('Stride s', 'stride', 1, 4)}
        ${this.slider('Kernel size k', 'kernelSize', 1, 7)}
        ${this.slider('Random kernel #', 'seed', 1, 9)}
      </div>
      ${
        f
          ? html`<div class="panels">
              <pw-tensor-view
                .tensor=${f.kernel}
                mode="diverging"
                label=${`The random ${this.kernelSize}×${this.kernelSize} kernel`}
              ></pw-tensor-view>
              <pw-tensor-view
                .tensor=${f.stuffed}
                mode="grey"
                .range=${UNIT_RANGE}
                label=${`Input with ${this.stride - 1} zero(s) inserted after each pixel`}
              ></pw-tensor-view>
              <pw-tensor-view
                .tensor=${f.direct}
                mode="diverging"
                label="Transposed convolution (tfjs conv2dTranspose)"
              ></pw-tensor-view>
              <pw-tensor-view
                .tensor=${f.decomposed}
                mode="diverging"
                label="Zero insertion + padding + ordinary conv with the flipped kernel"
              ></pw-tensor-view>
              <pw-tensor-view
                .tensor=${f.difference}
                mode="diverging"
                label="Their difference (colour scale stretched to its own tiny range)"
              ></pw-tensor-view>
            </div>`
          : nothing
      }
      <p
        class="readout"
        aria-live="polite"
        data-difference=${d ?? nothing}
        data-width=${f?.direct.shape[1] ?? nothing}
      >
        ${
          d === undefined
            ? ''
            : d === 0
              ? 'Largest absolute difference: 0 (bit-identical on this backend)'
              : `Largest absolute difference: ${d.toExponential(2)} (float32 rounding; outputs are of order 1)`
        }
      </p>
      ${statusLine(error, progressText(this.figure))}`;
  }
}

customElements.define('pw-deconv-proof', PwDeconvProof);

declare global {
  interface HTMLElementTagNameMap {
    'pw-deconv-proof': PwDeconvProof;
  }
}
