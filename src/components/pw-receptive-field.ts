import { LitElement, css, html, nothing, svg, type PropertyValues } from 'lit';
import type * as tf from '@tensorflow/tfjs-core';
import { errorAlert, progressText, selectControl, statusLine } from './templates';
import { TensorTaskController, retryFailed } from './controllers/tensor-task';
import { photoController } from './controllers/photo';
import { elementStyles } from './shared-styles';
import { drawTensor } from '../lib/browser/image';
import { tracked } from '../lib/browser/activity';
import { compute } from '../lib/browser/compute-client';
import { fromWire } from '../lib/browser/compute-wire';
import {
  HEAT_COLOR,
  cellField,
  fcnLayers,
  type EffectiveFieldFigure,
  type NetworkLayer,
} from '../lib/fcn/index';
import { cssRgb } from '../lib/palettes';
import { UrlStateController } from './controllers/url-state';

const LAYERS = [
  'pool1',
  'pool2',
  'pool3',
  'pool4',
  'pool5',
  'fc7',
  'score_fr',
  'score_pool4',
  'fuse_pool4',
  'score_pool3',
  'fuse_pool3',
] as const;
type FieldLayerName = (typeof LAYERS)[number];

/** The overlay and its half-mass side, with the cell they belong to. */
interface Shown extends tf.TensorContainerObject {
  figure: EffectiveFieldFigure;
  layer: FieldLayerName;
  row: number;
  col: number;
}

/** The heat key's colour, from the overlay's own. */
const HEAT_KEY = `--heat: ${cssRgb(HEAT_COLOR.map((v) => Math.round(v * 255)))}`;

/**
 * @summary Receptive field versus stride on the photo: pick a cell of a layer of the trained FCN
 * and see the square of input pixels it depends on (its receptive field), the grid of its
 * neighbouring cells one stride apart, and its effective receptive field (the gradient of the
 * cell with respect to each input pixel) as a heat overlay.
 *
 * @fires pw-computed - `CustomEvent<{ ms: number; layer: string; row: number; col: number;
 *   field: number; stride: number }>` after each redraw.
 *
 * Keyboard: focus the photo and move the cell with the arrow keys; the select picks the layer.
 */
export class PwReceptiveField extends LitElement {
  static override properties = {
    src: { type: String },
    size: { type: Number },
    layer: { type: String, reflect: true },
    row: { type: Number, reflect: true },
    col: { type: Number, reflect: true },
  };

  static override styles = [
    elementStyles,
    css`
      .stage {
        position: relative;
        max-inline-size: 28rem;
      }
      .stage canvas {
        aspect-ratio: auto;
      }
      .stage svg {
        position: absolute;
        inset: 0;
        inline-size: 100%;
        block-size: 100%;
        overflow: hidden;
        cursor: crosshair;
      }
      .stage svg:focus-visible {
        outline: 3px solid var(--pw-focus, #2456c9);
        outline-offset: 2px;
      }
      .grid line {
        stroke: #fff;
        stroke-opacity: 0.55;
        stroke-width: 0.4;
      }
      .cell {
        fill: none;
        stroke: #fff;
        stroke-width: 1.2;
      }
      .field {
        fill: none;
        stroke: #ffd400;
        stroke-width: 1.4;
        stroke-dasharray: 4 2;
      }
      .legend {
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem 1rem;
        font-size: 0.85rem;
        margin: 0.5rem 0 0;
        padding: 0;
        list-style: none;
      }
      .key {
        display: inline-block;
        inline-size: 1.2rem;
        block-size: 0.7rem;
        vertical-align: middle;
        margin-inline-end: 0.3rem;
        border: 2px solid;
      }
      .key.field {
        border: 2px dashed #c9a200;
      }
      .key.cell {
        border-color: var(--pw-text, #111);
      }
      .key.heat {
        border: none;
        background: linear-gradient(to right, #333, var(--heat));
      }
    `,
  ];

  /** URL of the photo (centre-cropped and resized to `size`). */
  declare src: string;
  /** Working side in pixels, a multiple of 32 (default 128). */
  declare size: number;
  /** Pool1 … pool5, fc7 or a score map (default 'pool5'). */
  declare layer: FieldLayerName;
  /** Row of the cell in the layer's grid (default, or out of the grid: the middle row). */
  declare row: number;
  /** Column of the cell in the layer's grid (default, or out of the grid: the middle column). */
  declare col: number;

  private readonly photo = photoController(this, () => ({ src: this.src, side: this.size }));
  private readonly figure: TensorTaskController<
    readonly [tf.Tensor3D, FieldLayerName, number, number],
    Shown
  > = new TensorTaskController(this, {
    announce: () => {
      const shown = this.figure.value;
      const info = shown && this.info(shown.layer);
      return {
        layer: shown?.layer ?? this.layer,
        row: shown?.row ?? this.row,
        col: shown?.col ?? this.col,
        field: info?.field ?? 0,
        stride: info?.stride ?? 0,
      };
    },
    args: () =>
      this.photo.value ? ([this.photo.value, this.layer, this.row, this.col] as const) : undefined,
    // The gradient through the FCN runs in the compute worker (figures/pooling.ts
    // 'effective-field'); the result carries its own half-mass side and cell.
    task: async ([photo, layer, row, col], { signal }): Promise<Shown> => {
      const c = clampCell(this.info(layer), row, col);
      const wire = await compute('effective-field', { image: photo }, { layer, ...c }, { signal });
      return { figure: await fromWire<EffectiveFieldFigure>(wire), layer, ...c };
    },
  });

  private readonly onRetry = (): void => {
    retryFailed(this.photo, this.figure);
  };

  /** Settings shared by URL (`?id=...`), copy-link and PNG controls. */
  readonly share = new UrlStateController(this, [
    'src',
    `layer:${LAYERS.join('|')}`,
    'row:int:0..255',
    'col:int:0..255',
  ]);

  constructor() {
    super();
    this.src = '';
    this.size = 128;
    this.layer = 'pool5';
    this.row = -1;
    this.col = -1;
  }

  override connectedCallback(): void {
    // The default cell resolved first, so the shared URL holds only what the reader changed.
    this.snapCell();
    super.connectedCallback();
    this.setAttribute('data-needs-weights', '');
  }

  private info(layer: string = this.layer): NetworkLayer | undefined {
    return fcnLayers(this.size, this.size).find((l) => l.name === layer);
  }

  /** Unset or out-of-grid cells snap to the layer's middle cell. */
  private snapCell(): void {
    const c = clampCell(this.info(), this.row, this.col);
    if (c.row !== this.row) this.row = c.row;
    if (c.col !== this.col) this.col = c.col;
  }

  protected override willUpdate(changed: PropertyValues): void {
    this.snapCell();
    super.willUpdate(changed);
  }

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    const canvas = this.renderRoot.querySelector('canvas');
    const overlay = this.figure.value?.figure.overlay;
    if (canvas && overlay && canvas.dataset['shown'] !== String(overlay.id)) {
      canvas.dataset['shown'] = String(overlay.id);
      void tracked(() => drawTensor(overlay, canvas));
    }
  }

  private chooseLayer(layer: FieldLayerName): void {
    // Keep the same spot of the photo under the cell when the grid changes.
    const from = this.info()?.stride ?? 1;
    const to = this.info(layer)?.stride ?? 1;
    const centre = (i: number) => i * from + (from - 1) / 2;
    this.row = Math.floor(centre(this.row) / to);
    this.col = Math.floor(centre(this.col) / to);
    this.layer = layer;
  }

  private readonly onKey = (event: KeyboardEvent): void => {
    const moves: Record<string, [number, number]> = {
      ArrowUp: [-1, 0],
      ArrowDown: [1, 0],
      ArrowLeft: [0, -1],
      ArrowRight: [0, 1],
    };
    const move = moves[event.key];
    const n = this.info()?.shape[0] ?? 1;
    if (!move) return;
    event.preventDefault();
    this.row = Math.min(n - 1, Math.max(0, this.row + move[0]));
    this.col = Math.min(n - 1, Math.max(0, this.col + move[1]));
  };

  private readonly onClick = (event: MouseEvent): void => {
    const box = (event.currentTarget as SVGSVGElement).getBoundingClientRect();
    const stride = this.info()?.stride ?? 1;
    const x = ((event.clientX - box.left) / box.width) * this.size;
    const y = ((event.clientY - box.top) / box.height) * this.size;
    const n = this.info()?.shape[0] ?? 1;
    this.row = Math.min(n - 1, Math.max(0, Math.floor(y / stride)));
    this.col = Math.min(n - 1, Math.max(0, Math.floor(x / stride)));
  };

  override render() {
    const info = this.info();
    const error = this.photo.error ?? this.figure.error;
    if (!info) return nothing;
    const { row, col } = this;
    const field = cellField(info.name, row, col);
    const side = field.rows.hi - field.rows.lo + 1;
    const stride = info.stride;
    const n = info.shape[0];
    const lines = Array.from({ length: n + 1 }, (_, i) => i * stride);
    const s = this.size;
    const clip = (v: number) => Math.min(s - 1, Math.max(0, v));
    // The half-mass side belongs to the cell on screen (the overlay), not one still computing.
    const shown = this.figure.value;
    const half =
      shown && shown.layer === this.layer && shown.row === row && shown.col === col
        ? shown.figure.half
        : undefined;
    const label = `${info.name} cell (${row}, ${col}) of ${n}×${n}: it depends on input rows ${field.rows.lo}..${field.rows.hi} and columns ${field.cols.lo}..${field.cols.hi}, a ${side}×${side} square; neighbouring cells are ${stride} px apart. Arrow keys move the cell.`;
    return html`<div class="controls">
        ${selectControl({
          label: 'Layer',
          options: LAYERS.map((l) => {
            const i = this.info(l);
            return { value: l, label: `${l} (stride ${i?.stride}, field ${i?.field} px)` };
          }),
          value: this.layer,
          onChange: (v) => this.chooseLayer(v),
        })}
        <span class="readout"
          >Cell (${row}, ${col}) of ${n}×${n}: arrow keys on the photo, or click it.</span
        >
      </div>
      <div class="stage">
        <canvas width=${s} height=${s} aria-hidden="true"></canvas>
        <svg
          viewBox="0 0 ${s} ${s}"
          tabindex="0"
          role="img"
          aria-label=${label}
          @keydown=${this.onKey}
          @click=${this.onClick}
        >
          <g class="grid">
            ${lines.map(
              (v) =>
                svg`<line x1=${v} y1="0" x2=${v} y2=${s}></line><line x1="0" y1=${v} x2=${s} y2=${v}></line>`,
            )}
          </g>
          <rect
            class="cell"
            x=${col * stride}
            y=${row * stride}
            width=${stride}
            height=${stride}
          ></rect>
          <rect
            class="field"
            data-size=${side}
            x=${field.cols.lo}
            y=${field.rows.lo}
            width=${field.cols.hi - field.cols.lo + 1}
            height=${field.rows.hi - field.rows.lo + 1}
          ></rect>
        </svg>
      </div>
      <ul class="legend">
        <li><span class="key field"></span>Receptive field: ${side}×${side} px</li>
        <li><span class="key cell"></span>Grid of cells: ${stride} px apart (the stride)</li>
        <li><span class="key heat" style=${HEAT_KEY}></span>Effective field: |∂ cell / ∂ pixel|</li>
      </ul>
      <p class="readout" aria-live="polite">
        ${info.name} cell (${row}, ${col}) reads input pixels
        ${clip(field.rows.lo)}..${clip(field.rows.hi)} ×
        ${clip(field.cols.lo)}..${clip(field.cols.hi)}
        ${
          side > s ||
          field.rows.lo < 0 ||
          field.cols.lo < 0 ||
          field.rows.hi >= s ||
          field.cols.hi >= s
            ? '(its square reaches past the border, into the zero padding)'
            : ''
        }.
        ${
          half === undefined
            ? ''
            : `Half of its gradient comes from a ${half}×${half} square around the cell (its full field is ${side}×${side}).`
        }
      </p>
      ${error ? errorAlert('Could not compute this figure', error, this.onRetry) : nothing}
      ${statusLine(
        undefined,
        error
          ? ''
          : progressText(
              this.figure,
              (ms) => `Gradient through FCN in ${ms.toFixed(0)} ms`,
              'Loading the network and computing the gradient…',
            ),
      )}`;
  }
}

function clampCell(
  info: NetworkLayer | undefined,
  row: number,
  col: number,
): { row: number; col: number } {
  const n = info?.shape[0] ?? 1;
  const mid = Math.floor((n - 1) / 2);
  const fix = (v: number) => (v >= 0 && v < n && Number.isInteger(v) ? v : mid);
  return { row: fix(row), col: fix(col) };
}

customElements.define('pw-receptive-field', PwReceptiveField);

declare global {
  interface HTMLElementTagNameMap {
    'pw-receptive-field': PwReceptiveField;
  }
}
