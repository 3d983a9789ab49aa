/**
 * @summary Max-pooling's switches made visible: where each window's maximum was, max-unpooling
 * that puts every maximum back there, and nearest-neighbour upsampling that can only smear it
 * over the window. Readouts give each reconstruction's mean absolute error.
 *
 * @attr src - URL of the photo.
 * @attr working-size - side of the square input (default 128).
 * @attr size - pool size, stride = size (default 4).
 * @fires pw-computed - `CustomEvent<{ ms: number }>` after each redraw.
 */
import { LitElement, html, nothing } from 'lit';
import { progressText, rangeControl, statusLine } from './templates';
import * as tf from '@tensorflow/tfjs-core';
import { TensorTaskController } from './controllers/tensor-task';
import { photoController } from './controllers/photo';
import { elementStyles } from './shared-styles';
import { maxPoolWithSwitches, maxUnpool } from '../lib/pooling';
import { nearestUpsample } from '../lib/upsampling';
import './pw-tensor-view';

interface Unpooled extends tf.TensorContainerObject {
  input: tf.Tensor3D;
  switches: tf.Tensor2D;
  unpooled: tf.Tensor3D;
  nearest: tf.Tensor3D;
  errors: tf.Tensor1D;
}

/** Pools `photo`, then rebuilds it with and without the switches. */
function unpoolFigure(photo: tf.Tensor3D, size: number): Unpooled {
  return tf.tidy(() => {
    const [h = 0, w = 0] = photo.shape;
    const covered = [Math.floor(h / size) * size, Math.floor(w / size) * size, 3];
    const input = tf.slice(photo, [0, 0, 0], covered);
    const { pooled, switches } = maxPoolWithSwitches(input, { size });
    const unpooled = maxUnpool(pooled, switches, covered, { size });
    const nearest = nearestUpsample(pooled, size);
    // A pixel is a switch of some channel if unpooling ones puts a one there.
    const marks = maxUnpool(tf.onesLike(pooled), switches, covered, { size });
    const mae = (a: tf.Tensor) => tf.mean(tf.abs(tf.sub(a, input)));
    return {
      input,
      switches: tf.max(marks, 2),
      unpooled,
      nearest,
      errors: tf.stack([mae(unpooled), mae(nearest)]) as tf.Tensor1D,
    };
  });
}

export class PwUnpool extends LitElement {
  static override properties = {
    src: { type: String },
    workingSize: { type: Number, attribute: 'working-size' },
    size: { type: Number },
    errors: { state: true },
  };
  static override styles = elementStyles;

  declare src: string;
  declare workingSize: number;
  declare size: number;
  declare errors: readonly number[] | undefined;

  private readonly photo = photoController(this, () => ({ src: this.src, side: this.workingSize }));
  private readonly figure = new TensorTaskController(this, {
    announce: true,
    args: () => (this.photo.value ? ([this.photo.value, this.size] as const) : undefined),
    task: async ([photo, size]) => {
      const result = unpoolFigure(photo, size);
      // Two numbers for the readout; everything else stays on the device.
      this.errors = Array.from(await result.errors.data());
      return result;
    },
  });

  constructor() {
    super();
    this.src = '';
    this.workingSize = 128;
    this.size = 4;
    this.errors = undefined;
  }

  override render() {
    const f = this.figure.value;
    const error = this.photo.error ?? this.figure.error;
    const [unpoolErr, nearestErr] = this.errors ?? [];
    return html`<div class="controls">
        ${rangeControl({
          label: 'Pool size (stride = size)',
          name: 'size',
          min: 2,
          max: 8,
          value: this.size,
          readout: `${this.size}×${this.size}`,
          valueText: `${this.size} by ${this.size}`,
          onInput: (v) => (this.size = v),
        })}
      </div>
      ${
        f
          ? html`<div class="panels">
              <pw-tensor-view .tensor=${f.input} mode="rgb" label="Input"></pw-tensor-view>
              <pw-tensor-view
                .tensor=${f.switches}
                mode="grey"
                .range=${[0, 1]}
                label="Switches: white where a window's maximum was (any channel)"
              ></pw-tensor-view>
              <pw-tensor-view
                .tensor=${f.unpooled}
                mode="rgb"
                label=${`Max-unpooled: maxima back at their switches${unpoolErr === undefined ? '' : `, mean error ${unpoolErr.toFixed(3)}`}`}
              ></pw-tensor-view>
              <pw-tensor-view
                .tensor=${f.nearest}
                mode="rgb"
                label=${`Nearest upsampling: each maximum over its whole window${nearestErr === undefined ? '' : `, mean error ${nearestErr.toFixed(3)}`}`}
              ></pw-tensor-view>
            </div>`
          : nothing
      }
      ${statusLine(error, progressText(this.figure))}`;
  }
}

customElements.define('pw-unpool', PwUnpool);

declare global {
  interface HTMLElementTagNameMap {
    'pw-unpool': PwUnpool;
  }
}
