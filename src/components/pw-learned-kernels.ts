import { LitElement, css, html, nothing } from 'lit';
import { progressText, selectControl, statusLine } from './templates';
import * as tf from '@tensorflow/tfjs-core';
import { TensorTaskController } from './controllers/tensor-task';
import { elementStyles } from './shared-styles';
import { bilinearKernel } from '../lib/upsampling/index';
import { FCN_CLASSES } from '../lib/fcn/index';
import { loadModel } from '../lib/browser/model';
import type { Range } from '../lib/colormap';
import './pw-tensor-view';

type Layer = 'upscore2' | 'upscore_pool4';
const LAYERS: readonly { value: Layer; label: string }[] = [
  { value: 'upscore2', label: 'upscore2 (stride 32 → 16)' },
  { value: 'upscore_pool4', label: 'upscore_pool4 (stride 16 → 8)' },
];
const COLUMNS = 4;
/** Top of the grey range of the kernel views (bilinear 2x taps reach 0.5625). */
const GREY_MAX = 0.6;
const GREY_RANGE: Range = [0, GREY_MAX];

interface Kernels extends tf.TensorContainerObject {
  start: tf.Tensor2D;
  learned: tf.Tensor2D;
  change: tf.Tensor2D;
  /** [mean |change| on the diagonal, mean bilinear tap, max |off-diagonal|] */
  stats: tf.Tensor1D;
}

/** Rows of blank band above each tile, where the class name goes. */
const BAND = 1;

/**
 * `[C, k, k]` tiles in rows of COLUMNS, each cell `(BAND + k + 1)` high and `(k + 1)` wide
 * (a band above the tile and a one-pixel gap right and below), all filled with `gap`.
 */
function tile(tiles: tf.Tensor3D, gap: number): tf.Tensor2D {
  const [c = 0, k = 0] = tiles.shape;
  const rows = Math.ceil(c / COLUMNS);
  const padded = tf.pad(
    tiles,
    [
      [0, rows * COLUMNS - c],
      [BAND, 1],
      [0, 1],
    ],
    gap,
  );
  const h = BAND + k + 1;
  const grid = tf.transpose(tf.reshape(padded, [rows, COLUMNS, h, k + 1]), [0, 2, 1, 3]);
  return tf.reshape<tf.Rank.R2>(grid, [rows * h, COLUMNS * (k + 1)]);
}

function kernelFigure(kernel: tf.Tensor): Kernels {
  return tf.tidy(() => {
    const [k = 4, , c = 1] = kernel.shape;
    const eye = tf.reshape(tf.eye(c), [1, 1, c, c]);
    // tfjs layout [kh, kw, outC, inC]: the diagonal is class c -> class c.
    const diagonal = tf.transpose(tf.sum(tf.mul(kernel, eye), 3), [2, 0, 1]) as tf.Tensor3D;
    const bilinear = tf.reshape<tf.Rank.R2>(bilinearKernel(k / 2, 1), [k, k]);
    const change = tf.sub(diagonal, bilinear);
    return {
      start: bilinear,
      // Gaps white in both views: the top of the grey range, zero in the diverging one.
      learned: tile(diagonal, GREY_MAX),
      change: tile(change as tf.Tensor3D, 0),
      stats: tf.stack([
        tf.mean(tf.abs(change)),
        tf.mean(bilinear),
        tf.max(tf.abs(tf.mul(kernel, tf.sub(1, eye)))),
      ]) as tf.Tensor1D,
    };
  });
}

/**
 * @summary The trained FCN's 2× upsampling kernels next to the bilinear kernel they started
 * from: each class's 4×4 kernel (the channel diagonal), the change from bilinear, and how much
 * weight training moved off the diagonal (class scores mixing while upsampling).
 *
 * @fires pw-computed - `CustomEvent<{ ms: number }>` after each redraw.
 *
 * Each class's tile has a blank band above it in which its class name is written (an HTML
 * overlay aligned with the tile grid, `.key li`, one per class in class order).
 */
export class PwLearnedKernels extends LitElement {
  static override properties = {
    layer: { type: String },
    stats: { state: true },
  };
  static override styles = [
    elementStyles,
    css`
      .tiles {
        position: relative;
        grid-column: 1 / -1;
        max-inline-size: 28rem;
      }
      .key {
        position: absolute;
        inset: 0 0 auto 0;
        display: grid;
        grid-template-columns: repeat(${COLUMNS}, 1fr);
        margin: 0;
        padding: 0;
        list-style: none;
        pointer-events: none;
        font-size: 0.7rem;
        line-height: 1;
      }
      .key li {
        /* On the tile's blank band, which is white in both colour maps and both themes. */
        color: #1b1b1f;
        padding: 0.1rem 0.2rem 0;
        overflow: hidden;
        white-space: nowrap;
        text-overflow: ellipsis;
      }
    `,
  ];

  /** Upscore2 | upscore_pool4 (default 'upscore2'). */
  declare layer: Layer;
  declare stats: readonly number[] | undefined;

  private readonly figure = new TensorTaskController(this, {
    announce: true,
    args: () => [this.layer] as const,
    task: async ([layer]) => {
      const weights = await loadModel();
      const kernel = weights.tensors.get(`${layer}/kernel`);
      if (!kernel) throw new Error(`the weights have no tensor "${layer}/kernel"`);
      const result = kernelFigure(kernel);
      this.stats = Array.from(await result.stats.data());
      return result;
    },
  });

  constructor() {
    super();
    this.layer = 'upscore2';
    this.stats = undefined;
  }

  /** Class names laid over the tile grid of `tiled`, one per cell, on the blank bands. */
  private key(tiled: tf.Tensor2D) {
    const [h = 1, w = 1] = tiled.shape;
    const rows = Math.ceil(FCN_CLASSES.length / COLUMNS);
    return html`<ol
      class="key"
      aria-hidden="true"
      style=${`aspect-ratio: ${w} / ${h}; grid-template-rows: repeat(${rows}, 1fr)`}
    >
      ${FCN_CLASSES.map((name) => html`<li>${name}</li>`)}
    </ol>`;
  }

  override render() {
    const v = this.figure.value;
    const error = this.figure.error;
    const [change = NaN, mean = NaN, off = NaN] = this.stats ?? [];
    const order = FCN_CLASSES.join(', ');
    return html`<div class="controls">
        ${selectControl({
          label: 'Layer',
          options: LAYERS,
          value: this.layer,
          onChange: (v) => (this.layer = v),
        })}
      </div>
      ${
        v
          ? html`<div class="panels">
              <pw-tensor-view
                .tensor=${v.start}
                mode="grey"
                .range=${GREY_RANGE}
                label="The bilinear start (4×4, factor 2), the same for every class"
              ></pw-tensor-view>
              <div class="tiles">
                <pw-tensor-view
                  .tensor=${v.learned}
                  mode="grey"
                  .range=${GREY_RANGE}
                  label=${`Learned, one tile per class, row by row: ${order}`}
                ></pw-tensor-view>
                ${this.key(v.learned)}
              </div>
              <div class="tiles">
                <pw-tensor-view
                  .tensor=${v.change}
                  mode="diverging"
                  label="Learned − bilinear, per class (red: training added weight, blue: removed)"
                ></pw-tensor-view>
                ${this.key(v.change)}
              </div>
            </div>`
          : nothing
      }
      <p class="readout" aria-live="polite">
        ${
          this.stats
            ? `Mean change of a diagonal tap: ${change.toFixed(3)} (bilinear taps average ${mean.toFixed(3)}). Largest off-diagonal weight (one class's score feeding another's): ${off.toFixed(3)}.`
            : ''
        }
      </p>
      ${statusLine(
        error,
        progressText(this.figure, () => '', 'Loading the trained weights…'),
        'Could not show the learned kernels',
      )}`;
  }
}

customElements.define('pw-learned-kernels', PwLearnedKernels);

declare global {
  interface HTMLElementTagNameMap {
    'pw-learned-kernels': PwLearnedKernels;
  }
}
