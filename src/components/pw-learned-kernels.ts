import { LitElement, css, html, nothing } from 'lit';
import { errorAlert, progressText, selectControl, statusLine } from './templates';
import { TensorTaskController, retryFailed } from './controllers/tensor-task';
import { elementStyles } from './shared-styles';
import { FCN_CLASSES } from '../lib/fcn/index';
import { compute } from '../lib/browser/compute-client';
import type {
  LEARNED_LAYERS,
  LearnedKernelsWire,
} from '../lib/browser/figures/bilinear-deconvolution';
import type { Range } from '../lib/colormap';
import type { ValueGrid } from '../lib/colormap-values';
import './pw-tensor-view';
import { UrlStateController } from './controllers/url-state';

type Layer = (typeof LEARNED_LAYERS)[number];
const LAYERS: readonly { value: Layer; label: string }[] = [
  { value: 'upscore2', label: 'upscore2 (stride 32 → 16)' },
  { value: 'upscore_pool4', label: 'upscore_pool4 (stride 16 → 8)' },
];
const COLUMNS = 4;
/** Top of the grey range of the kernel views (bilinear 2x taps reach 0.5625). */
const GREY_MAX = 0.6;
const GREY_RANGE: Range = [0, GREY_MAX];

/** One run's kernels (as drawn) and its readouts, committed together. */
type Kernels = {
  start: ValueGrid;
  learned: ValueGrid;
  change: ValueGrid;
  /** [mean |change| on the diagonal, mean bilinear tap, max |off-diagonal|] */
  stats: number[];
};

/** Rows of blank band above each tile, where the class name goes. */
const BAND = 1;

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

  // The weights load, and the kernels are compared, in the compute worker ('learned-kernels').
  private readonly figure = new TensorTaskController(this, {
    announce: true,
    args: () => [this.layer] as const,
    task: async ([layer], { signal }): Promise<Kernels> => {
      const wire = (await compute(
        'learned-kernels',
        {},
        // Gaps white in both views: the top of the grey range, zero in the diverging one.
        { layer, columns: COLUMNS, band: BAND, gapValue: GREY_MAX },
        { signal },
      )) as LearnedKernelsWire;
      return {
        start: wire.start,
        learned: wire.learned,
        change: wire.change,
        stats: Array.from(wire.stats.data),
      };
    },
  });

  private readonly onRetry = (): void => {
    retryFailed(this.figure);
  };

  /** Settings shared by URL (`?id=...`), copy-link and PNG controls. */
  readonly share = new UrlStateController(this, ['layer:upscore2|upscore_pool4']);

  constructor() {
    super();
    this.layer = 'upscore2';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.setAttribute('data-needs-weights', '');
  }

  /** Class names laid over the tile grid of `tiled`, one per cell, on the blank bands. */
  private key(tiled: ValueGrid) {
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
    const stats = v?.stats;
    const [change = NaN, mean = NaN, off = NaN] = stats ?? [];
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
                .values=${v.start}
                mode="grey"
                .range=${GREY_RANGE}
                label="The bilinear start (4×4, factor 2), the same for every class"
              ></pw-tensor-view>
              <div class="tiles">
                <pw-tensor-view
                  .values=${v.learned}
                  mode="grey"
                  .range=${GREY_RANGE}
                  label=${`Learned, one tile per class, row by row: ${order}`}
                ></pw-tensor-view>
                ${this.key(v.learned)}
              </div>
              <div class="tiles">
                <pw-tensor-view
                  .values=${v.change}
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
          stats
            ? `Mean change of a diagonal tap: ${change.toFixed(3)} (bilinear taps average ${mean.toFixed(3)}). Largest off-diagonal weight (one class's score feeding another's): ${off.toFixed(3)}.`
            : ''
        }
      </p>
      ${error ? errorAlert('Could not show the learned kernels', error, this.onRetry) : nothing}
      ${statusLine(
        undefined,
        error ? '' : progressText(this.figure, () => '', 'Loading the trained weights…'),
      )}`;
  }
}

customElements.define('pw-learned-kernels', PwLearnedKernels);

declare global {
  interface HTMLElementTagNameMap {
    'pw-learned-kernels': PwLearnedKernels;
  }
}
