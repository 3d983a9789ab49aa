import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { emit } from './events';
import * as tf from '@tensorflow/tfjs-core';
import { TensorTaskController, errorMessage } from './controllers/tensor-task';
import { drawRgba, drawTensor } from '../lib/browser/image';
import { tracked } from '../lib/browser/activity';
import {
  CATEGORICAL,
  autoMap,
  colorize,
  cssGradient,
  labelColors,
  rangeTensor,
  type Range,
} from '../lib/colormap';
import { cssRgb } from '../lib/palettes';
import { paintValues, valuesAt, type PaintMode, type ValueGrid } from '../lib/colormap-values';

export type ViewMode = PaintMode;
export type { ValueGrid } from '../lib/colormap-values';

/** A position in the shown tensor or grid (column x, row y) and what it refers to. */
export interface PickDetail {
  readonly x: number;
  readonly y: number;
  /**
   * The tensor (or `values` grid) drawn when the position was taken (not owned; compare, do
   * not keep).
   */
  readonly tensor: tf.Tensor | ValueGrid;
}

export interface PixelDetail extends PickDetail {
  /** The values at (x, y): one per channel. */
  readonly values: readonly number[];
}

/** The tensor each rendered image was made from. */
const sources = new WeakMap<tf.Tensor, tf.Tensor>();

interface Rendered extends tf.TensorContainerObject {
  image: tf.Tensor3D;
  bounds: tf.Tensor1D;
}

/**
 * @summary Draws one tensor as an image with a legend and a hover/keyboard readout.
 *
 * Accepts `[H, W]`, `[H, W, 3]` (mode 'rgb', values in [0, 1]) or `[H, W, C]` (one channel, or
 * all channels as class scores in mode 'labels'). Colouring runs as tfjs ops on the active
 * backend; only the legend's two numbers and the hovered pixel's values are read back.
 *
 * Or, given `values` (`{ data, shape }`: a typed array and its shape, such as a `WireTensor`
 * from the compute worker) instead of `tensor`, it colours them in a plain loop on the page
 * (colormap-values.ts: the same maps and ranges) and makes no tensor at all; readouts read
 * the array. A figure whose numbers come from the worker draws them this way.
 *
 * @fires pw-pixel - `CustomEvent<PixelDetail>` when the readout changes.
 * @fires pw-pick - `CustomEvent<PickDetail>` on a click or tap on the image, or Enter / Space
 *   at the keyboard cursor.
 * @csspart canvas - the drawn image.
 *
 * Readouts and picks take their coordinates from the tensor whose image is on the canvas now,
 * and show nothing for a position outside it or for a tensor already disposed: a figure may
 * replace its tensor under a resting pointer.
 */
export class PwTensorView extends LitElement {
  static override properties = {
    tensor: { attribute: false },
    values: { attribute: false },
    mode: { type: String },
    channel: { type: Number },
    range: { attribute: false },
    classNames: { attribute: false },
    palette: { attribute: false },
    label: { type: String },
    noLegend: { type: Boolean, attribute: 'no-legend' },
    legend: { state: true },
    readout: { state: true },
    cursor: { state: true },
    drawError: { state: true },
  };

  static override styles = css`
    :host {
      display: block;
      min-inline-size: 0;
    }
    figure {
      margin: 0;
    }
    canvas {
      display: block;
      inline-size: 100%;
      image-rendering: pixelated;
      background: var(--pw-canvas-bg, #eee);
      border-radius: 0.25rem;
      cursor: crosshair;
    }
    canvas:focus-visible {
      outline: 3px solid var(--pw-focus, #2456c9);
      outline-offset: 2px;
    }
    figcaption {
      font-size: 0.85rem;
      color: var(--pw-muted, #555);
      margin-top: 0.25rem;
    }
    .legend {
      display: flex;
      align-items: center;
      gap: 0.4rem;
      font-size: 0.75rem;
      font-variant-numeric: tabular-nums;
      color: var(--pw-muted, #555);
      margin-top: 0.25rem;
      flex-wrap: wrap;
    }
    .bar {
      flex: 1 1 4rem;
      block-size: 0.6rem;
      border-radius: 0.2rem;
      border: 1px solid var(--pw-border, #ccc);
    }
    .swatch {
      display: inline-block;
      inline-size: 0.7rem;
      block-size: 0.7rem;
      border-radius: 0.15rem;
      vertical-align: middle;
      margin-inline-end: 0.2rem;
    }
    .readout {
      font-size: 0.8rem;
      min-block-size: 1.3em;
      font-variant-numeric: tabular-nums;
    }
    .error {
      color: var(--pw-error, #b00020);
      font-size: 0.85rem;
    }
  `;

  /**
   * The tensor to show. Not owned: the caller keeps it alive while it is shown and disposes it after
   * replacing it.
   */
  declare tensor: tf.Tensor | undefined;
  /**
   * Values to show when `tensor` is unset: `{ data, shape }` with `shape` `[H, W]` or
   * `[H, W, C]`. Not copied: the caller replaces the object rather than changing its data.
   */
  declare values: ValueGrid | undefined;
  /**
   * 'grey' | 'sequential' | 'diverging' | 'auto' | 'labels' | 'rgb' (default 'grey'); 'auto' shows a
   * map without negative values in the sequential map and a signed one in the diverging map (see
   * `ColorMapName` in lib/colormap).
   */
  declare mode: ViewMode;
  /** Channel of a `[H, W, C]` tensor to show in the single-channel modes (default 0). */
  declare channel: number;
  /** Fixed `[min, max]`; default the data's range (symmetric for 'diverging'). */
  declare range: Range | undefined;
  /** Class names for 'labels' mode, in class order (readout and legend). */
  declare classNames: readonly string[];
  /** `[r, g, b]` colours (0..255) of the classes for 'labels' mode, in class order. */
  declare palette: readonly (readonly number[])[];
  /** Accessible name and caption of the view. */
  declare label: string;
  /** Leave the legend out (a row of views that share one colour key shows it once). */
  declare noLegend: boolean;
  declare legend: Range | undefined;
  declare readout: string;
  declare cursor: { x: number; y: number } | undefined;
  declare drawError: string;

  /** The rendered image last handed to the canvas. */
  private drawn: tf.Tensor | undefined;
  /** The tensor or grid whose image is on the canvas now: what readouts and picks refer to. */
  private shown: tf.Tensor | ValueGrid | undefined;
  /** The grid and settings last painted by the values path. */
  private painted: readonly unknown[] = [];
  private drawId = 0;
  private readId = 0;

  private readonly rendered = new TensorTaskController(this, {
    // A view draws what its figure computed once seen: it does not wait to be seen itself.
    eager: true,
    args: () =>
      this.tensor && !this.tensor.isDisposed
        ? ([this.tensor, this.mode, this.channel, this.range, this.palette] as const)
        : undefined,
    task: ([tensor, mode, channel, range, palette]): Rendered => {
      const result = render(tensor, mode, channel, range, palette);
      sources.set(result.image, tensor);
      return result;
    },
  });

  constructor() {
    super();
    this.tensor = undefined;
    this.values = undefined;
    this.mode = 'grey';
    this.channel = 0;
    this.range = undefined;
    this.classNames = [];
    this.palette = CATEGORICAL;
    this.label = '';
    this.noLegend = false;
    this.legend = undefined;
    this.readout = '';
    this.cursor = undefined;
    this.drawError = '';
  }

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    if (!this.tensor && this.values) {
      this.paint(this.values);
      return;
    }
    const value = this.rendered.value;
    const canvas = this.renderRoot.querySelector('canvas');
    if (!value || !canvas || value.image === this.drawn || this.rendered.status !== 'complete')
      return;
    this.drawn = value.image;
    const id = ++this.drawId;
    const source = sources.get(value.image);
    // Both copies are taken now: a newer result may dispose `value` while this draw waits.
    const bounds = value.bounds.clone();
    let drawing: Promise<void>;
    try {
      drawing = drawTensor(value.image, canvas);
    } catch (error) {
      bounds.dispose();
      this.drawError = errorMessage(error);
      return;
    }
    void tracked(async () => {
      try {
        await drawing;
        const [lo = 0, hi = 0] = await bounds.data();
        if (id !== this.drawId) return;
        this.legend = [lo, hi];
        this.drawError = '';
        const previous = this.shown;
        this.shown = source;
        canvas.dataset['drawn'] = String(Number(canvas.dataset['drawn'] ?? 0) + 1);
        // A resting pointer keeps its readout on a tensor of the same shape; on another shape
        // its position means nothing, so the readout goes.
        if (this.cursor && previous && source && sameShape(previous, source)) {
          await this.readAt(this.cursor.x, this.cursor.y);
        } else {
          this.clearReadout();
        }
      } catch (error) {
        if (id === this.drawId) this.drawError = errorMessage(error);
      } finally {
        bounds.dispose();
      }
    });
  }

  /** The values path: colours `grid` on the page and draws it now (once per grid and setting). */
  private paint(grid: ValueGrid): void {
    const canvas = this.renderRoot.querySelector('canvas');
    const settings = [grid, this.mode, this.channel, this.range, this.palette];
    if (!canvas || settings.every((s, i) => s === this.painted[i])) return;
    this.painted = settings;
    // A tensor draw still in flight is stale now.
    const id = ++this.drawId;
    this.drawn = undefined;
    try {
      const painted = paintValues(grid, {
        mode: this.mode,
        channel: this.channel,
        ...(this.range ? { range: this.range } : {}),
        palette: this.palette,
      });
      drawRgba(painted, canvas);
      this.legend = [...painted.bounds];
      this.drawError = '';
    } catch (error) {
      this.drawError = errorMessage(error);
      return;
    }
    const previous = this.shown;
    this.shown = grid;
    canvas.dataset['drawn'] = String(Number(canvas.dataset['drawn'] ?? 0) + 1);
    if (this.cursor && previous && sameShape(previous, grid)) {
      if (id === this.drawId) void this.readAt(this.cursor.x, this.cursor.y);
    } else {
      this.clearReadout();
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.shown = undefined;
    this.drawn = undefined;
    this.painted = [];
    this.clearReadout();
  }

  private clearReadout(): void {
    this.readId++;
    this.cursor = undefined;
    this.readout = '';
  }

  /** The shown tensor (if it is alive) or grid, if (x, y) lies inside it. */
  private shownAt(x: number, y: number): tf.Tensor | ValueGrid | undefined {
    const t = this.shown;
    if (!t || isDisposed(t) || t.shape.length < 2) return undefined;
    const [h = 0, w = 0] = t.shape;
    return Number.isInteger(x) && Number.isInteger(y) && x >= 0 && y >= 0 && x < w && y < h
      ? t
      : undefined;
  }

  /**
   * Reads the values under (x, y) of the shown tensor and updates the readout; a position
   * outside it, or a tensor gone meanwhile, clears the readout instead.
   */
  private async readAt(x: number, y: number): Promise<void> {
    const id = ++this.readId;
    const t = this.shownAt(x, y);
    if (!t) {
      this.readout = '';
      return;
    }
    if (!(t instanceof tf.Tensor)) {
      const values = valuesAt(t, x, y) ?? [];
      this.readout = describe(values, this.mode, this.channel, this.classNames, x, y);
      emit<PixelDetail>(this, 'pw-pixel', { x, y, values, tensor: t });
      return;
    }
    const channels = t.rank === 3 ? (t.shape[2] ?? 1) : 1;
    let values: number[];
    try {
      // Sliced synchronously, right after the checks above: `t` cannot be disposed in between.
      const pixel = tf.tidy(() =>
        tf.reshape(
          tf.slice(t, t.rank === 3 ? [y, x, 0] : [y, x], t.rank === 3 ? [1, 1, channels] : [1, 1]),
          [channels],
        ),
      );
      try {
        values = Array.from(await pixel.data());
      } finally {
        pixel.dispose();
      }
    } catch {
      // The backend failed the read (a lost context, say): the figure's own line says why.
      if (id === this.readId) this.readout = '';
      return;
    }
    if (id !== this.readId || t !== this.shown) return;
    this.readout = describe(values, this.mode, this.channel, this.classNames, x, y);
    emit<PixelDetail>(this, 'pw-pixel', { x, y, values, tensor: t });
  }

  /** The shown tensor's pixel under a pointer, or undefined outside the image. */
  private pointAt(event: MouseEvent): { x: number; y: number } | undefined {
    const t = this.shown;
    const canvas = event.currentTarget as HTMLCanvasElement | null;
    if (!t || isDisposed(t) || !canvas) return undefined;
    const box = canvas.getBoundingClientRect();
    if (box.width <= 0 || box.height <= 0) return undefined;
    const [h = 1, w = 1] = t.shape;
    const x = Math.floor(((event.clientX - box.left) / box.width) * w);
    const y = Math.floor(((event.clientY - box.top) / box.height) * h);
    return this.shownAt(x, y) ? { x, y } : undefined;
  }

  private pick(x: number, y: number): void {
    const tensor = this.shownAt(x, y);
    if (!tensor) return;
    emit<PickDetail>(this, 'pw-pick', { x, y, tensor });
  }

  private readonly onPointer = (event: PointerEvent): void => {
    const p = this.pointAt(event);
    if (!p) return;
    if (this.cursor && p.x === this.cursor.x && p.y === this.cursor.y) return;
    this.cursor = p;
    void this.readAt(p.x, p.y);
  };

  /** A click or a tap: the position comes from the event itself, not from an earlier hover. */
  private readonly onClick = (event: MouseEvent): void => {
    const p = this.pointAt(event);
    if (p) this.pick(p.x, p.y);
  };

  private readonly onKey = (event: KeyboardEvent): void => {
    const t = this.shown;
    if (!t || isDisposed(t)) return;
    if ((event.key === 'Enter' || event.key === ' ') && this.cursor) {
      event.preventDefault();
      this.pick(this.cursor.x, this.cursor.y);
      return;
    }
    const step = event.shiftKey ? 8 : 1;
    const moves: Record<string, [number, number]> = {
      ArrowLeft: [-step, 0],
      ArrowRight: [step, 0],
      ArrowUp: [0, -step],
      ArrowDown: [0, step],
    };
    const move = moves[event.key];
    if (!move) return;
    event.preventDefault();
    const [h = 1, w = 1] = t.shape;
    const from = this.cursor ?? { x: Math.floor(w / 2), y: Math.floor(h / 2) };
    this.cursor = {
      x: Math.min(w - 1, Math.max(0, from.x + move[0])),
      y: Math.min(h - 1, Math.max(0, from.y + move[1])),
    };
    void this.readAt(this.cursor.x, this.cursor.y);
  };

  override render() {
    const [h, w] = (this.tensor ?? this.values)?.shape ?? [];
    const error =
      this.rendered.status === 'error' ? errorMessage(this.rendered.error) : this.drawError;
    return html`<figure>
      <canvas
        part="canvas"
        tabindex="0"
        role="img"
        aria-label=${`${this.label || 'Tensor view'}${h ? `, ${h} by ${w}` : ''}. Arrow keys read values.`}
        style=${w && h ? `aspect-ratio: ${w} / ${h}` : 'aspect-ratio: 1'}
        @pointermove=${this.onPointer}
        @pointerdown=${this.onPointer}
        @click=${this.onClick}
        @keydown=${this.onKey}
      ></canvas>
      ${this.renderLegend()}
      <div class="readout" aria-live="polite">${this.readout}</div>
      ${error ? html`<div class="error" role="alert">Could not draw: ${error}</div>` : nothing}
      ${this.label ? html`<figcaption>${this.label}</figcaption>` : nothing}
    </figure>`;
  }

  private renderLegend() {
    if (this.mode === 'rgb' || this.noLegend) return nothing;
    if (this.mode === 'labels') {
      const names = this.classNames.length ? this.classNames : [];
      return html`<div class="legend" aria-label="Class colours">
        ${names.map((name, i) => {
          const c = this.palette[i % this.palette.length] ?? [0, 0, 0];
          return html`<span
            ><span class="swatch" style=${`background: ${cssRgb(c)}`}></span>${name}</span
          >`;
        })}
      </div>`;
    }
    if (!this.legend) return nothing;
    const [lo, hi] = this.legend;
    const map = this.mode === 'auto' ? autoMap(this.legend) : this.mode;
    return html`<div class="legend" data-map=${map}>
      <span>${formatNumber(lo)}</span
      ><span class="bar" style=${`background: ${GRADIENTS[map]}`}></span
      ><span>${formatNumber(hi)}</span>
    </div>`;
  }
}

const GRADIENTS = {
  grey: cssGradient('grey'),
  sequential: cssGradient('sequential'),
  diverging: cssGradient('diverging'),
} as const;

function isDisposed(shown: tf.Tensor | ValueGrid): boolean {
  return shown instanceof tf.Tensor && shown.isDisposed;
}

function sameShape(a: tf.Tensor | ValueGrid, b: tf.Tensor | ValueGrid): boolean {
  return a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);
}

/** Computes the image and the legend range for a tensor; everything stays on the device. */
function render(
  tensor: tf.Tensor,
  mode: ViewMode,
  channel: number,
  range: Range | undefined,
  palette: readonly (readonly number[])[],
): Rendered {
  return tf.tidy(() => {
    if (mode === 'rgb') {
      const image = tf.clipByValue(tensor, 0, 1) as tf.Tensor3D;
      return { image, bounds: tf.tensor1d([0, 1]) };
    }
    if (mode === 'labels') {
      const labels = (tensor.rank === 3 ? tf.argMax(tensor, 2) : tensor) as tf.Tensor2D;
      return { image: labelColors(labels, palette), bounds: tf.tensor1d([0, palette.length - 1]) };
    }
    // A channel past the end (a tensor with fewer channels arrived first) shows the last one.
    const c = Math.min(Math.max(0, channel), (tensor.shape[2] ?? 1) - 1);
    const plane = (
      tensor.rank === 3 ? tf.squeeze(tf.slice(tensor, [0, 0, c], [-1, -1, 1]), [2]) : tensor
    ) as tf.Tensor2D;
    const bounds = range ? tf.tensor1d([range[0], range[1]]) : rangeTensor(plane, mode);
    return { image: colorize(plane, mode, range), bounds };
  });
}

function describe(
  values: readonly number[],
  mode: ViewMode,
  channel: number,
  classNames: readonly string[],
  x: number,
  y: number,
): string {
  const at = `(${x}, ${y})`;
  if (mode === 'rgb') return `${at} RGB ${values.map((v) => v.toFixed(3)).join(', ')}`;
  if (mode === 'labels') {
    if (values.length === 1) {
      const k = values[0] ?? 0;
      return `${at} class ${classNames[k] ?? k}`;
    }
    // Scores: report the softmax probability of the top classes.
    const max = Math.max(...values);
    const exps = values.map((v) => Math.exp(v - max));
    const sum = exps.reduce((a, b) => a + b, 0);
    const ranked = exps
      .map((e, k) => ({ k, p: e / sum }))
      .sort((a, b) => b.p - a.p)
      .slice(0, 3);
    return `${at} ${ranked.map(({ k, p }) => `${classNames[k] ?? k} ${(p * 100).toFixed(1)}%`).join(' · ')}`;
  }
  const v = values.length === 1 ? values[0] : values[channel];
  return `${at} value ${formatNumber(v ?? NaN)}`;
}

function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e4) ? v.toExponential(2) : v.toFixed(a < 1 ? 3 : 2);
}

customElements.define('pw-tensor-view', PwTensorView);

declare global {
  interface HTMLElementTagNameMap {
    'pw-tensor-view': PwTensorView;
  }
}
