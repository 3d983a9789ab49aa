import { LitElement, css, html, svg, nothing, type SVGTemplateResult } from 'lit';
import { emit } from './events';
import { rangeControl } from './templates';
import { UrlStateController } from './controllers/url-state';
import { elementStyles } from './shared-styles';
import {
  maxTransposedPadding,
  transposedConvSteps,
  type TransposedConvSteps,
} from '../lib/upsampling/index';

/** The worked example: small integers, the kernel 1..k² so its flip is easy to read. */
const INPUT = [
  [1, 2, 0],
  [0, 1, 3],
  [2, 0, 1],
];
const kernelOf = (k: number) =>
  Array.from({ length: k }, (_, u) => Array.from({ length: k }, (_, v) => u * k + v + 1));

const CELL = 26;
const GAP = 22;
const LABEL = 18;

interface GridSpec {
  x: number;
  y: number;
  values: readonly (readonly (number | undefined)[])[];
  label: string;
  /** Names the group (`data-grid`) so tests can read a grid's numbers. */
  name: string;
  /** Class of the cell (r, c): 'hit', 'current', 'zero', 'pad', 'done', ... */
  cls?: (r: number, c: number) => string;
}

function gridSvg(g: GridSpec): SVGTemplateResult {
  return svg`<g class="grid" data-grid=${g.name}>
    <text class="label" x=${g.x} y=${g.y - 6}>${g.label}</text>
    ${g.values.map((row, r) =>
      row.map((v, c) => {
        const x = g.x + c * CELL;
        const y = g.y + r * CELL;
        return svg`<rect class=${`cell ${g.cls?.(r, c) ?? ''}`} x=${x} y=${y} width=${CELL} height=${CELL}></rect>
          ${v === undefined ? nothing : svg`<text class="num" x=${x + CELL / 2} y=${y + CELL / 2}>${v}</text>`}`;
      }),
    )}
  </g>`;
}

const gridWidth = (m: readonly (readonly unknown[])[]) => (m[0]?.length ?? 0) * CELL;
const gridHeight = (m: readonly unknown[]) => m.length * CELL;

/**
 * @summary A transposed convolution worked on a 3×3 input with its numbers shown, one output
 * pixel at a time, in two linked views: scatter (each input value stamps a scaled copy of the
 * kernel onto the output; overlaps add) and gather (insert s − 1 zeros, pad k − 1 − p, flip the
 * kernel, convolve). The same output pixel is highlighted in both, with its sum and tap count.
 *
 * @fires pw-computed - `CustomEvent<{ ms: number; output: number[][] }>` after each redraw.
 */
export class PwTconvMechanism extends LitElement {
  static override properties = {
    kernelSize: { type: Number, attribute: 'kernel-size', reflect: true },
    stride: { type: Number, reflect: true },
    padding: { type: Number, reflect: true },
    step: { type: Number, reflect: true },
    checker: { type: String },
  };

  static override styles = [
    elementStyles,
    css`
      input[type='range'] {
        inline-size: min(12rem, 36vw);
      }
      .views {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(min(100%, 18rem), 1fr));
        gap: 1rem;
      }
      .view-title {
        margin: 0 0 0.25rem;
        font-size: 0.95rem;
        font-weight: 600;
      }
      svg {
        display: block;
        inline-size: 100%;
        block-size: auto;
        font-family: inherit;
      }
      .cell {
        fill: var(--pw-surface, #fff);
        stroke: var(--pw-border, #ccc);
      }
      .cell.done {
        fill: var(--pw-canvas-bg, #eee);
      }
      .cell.hit {
        fill: color-mix(in srgb, var(--pw-accent, #2456c9) 25%, var(--pw-surface, #fff));
      }
      .cell.current {
        fill: color-mix(in srgb, var(--pw-accent, #2456c9) 55%, var(--pw-surface, #fff));
        stroke: var(--pw-accent, #2456c9);
        stroke-width: 2;
      }
      .cell.pad {
        fill: var(--pw-canvas-bg, #eee);
        stroke-dasharray: 2 2;
      }
      .num {
        fill: var(--pw-text, #111);
        font-size: 12px;
        text-anchor: middle;
        dominant-baseline: central;
        font-variant-numeric: tabular-nums;
      }
      .zero + .num,
      .pad + .num {
        fill: var(--pw-muted, #555);
        font-size: 10px;
      }
      .label {
        fill: var(--pw-text, #111);
        font-size: 12px;
        font-weight: 600;
      }
      .window {
        fill: none;
        stroke: var(--pw-accent, #2456c9);
        stroke-width: 3;
      }
      .stamp {
        fill: none;
        stroke: var(--pw-warn, #9a5b00);
        stroke-width: 2;
        stroke-dasharray: 5 3;
      }
      .sum {
        font-variant-numeric: tabular-nums;
        font-size: 0.9rem;
        margin: 0.25rem 0 0;
        overflow-wrap: anywhere;
      }
      button {
        font: inherit;
        padding: 0.2rem 0.6rem;
        border: 1px solid var(--pw-border, #ccc);
        border-radius: 0.25rem;
        background: var(--pw-bg, #fff);
        color: var(--pw-text, #111);
      }
    `,
  ];

  /** Kernel side k, 1..4 (default 3). */
  declare kernelSize: number;
  /** Stride s, 1..3 (default 2). */
  declare stride: number;
  /** Padding p, 0..k−1 (default 0; clamped so the output is not empty). */
  declare padding: number;
  /** The output pixel shown, row-major index (default: the first with the most taps). */
  declare step: number;
  /** Id of the checkerboard figure the tap counts link to (default 'checker-demo'). */
  declare checker: string;
  private lastKey = '';
  private lastMs = 0;

  /**
   * Settings shared by URL (`?id=...`), copy-link and PNG controls. A padding or pixel that the
   * restored kernel and stride do not allow falls back as the sliders would (see willUpdate).
   */
  readonly share = new UrlStateController(this, [
    'kernelSize:int:1..4',
    'stride:int:1..3',
    'padding:int:0..3',
    'step:int:0..99',
  ]);

  constructor() {
    super();
    this.kernelSize = 3;
    this.stride = 2;
    this.padding = 0;
    this.step = -1;
    this.checker = 'checker-demo';
  }

  private steps(): TransposedConvSteps {
    const p = Math.min(this.padding, maxTransposedPadding(3, this.kernelSize, this.stride));
    return transposedConvSteps(INPUT, kernelOf(this.kernelSize), {
      stride: this.stride,
      padding: p,
    });
  }

  /** The shown pixel: `step`, or (when unset or out of range) the first with the most taps. */
  private current(st: TransposedConvSteps): number {
    const flat = st.taps.flat();
    if (this.step >= 0 && this.step < flat.length) return this.step;
    const most = Math.max(...flat.map((t) => t.length));
    return Math.max(
      0,
      flat.findIndex((t) => t.length === most),
    );
  }

  private setParam(key: 'kernelSize' | 'stride' | 'padding', v: number): void {
    this[key] = v;
    if (key !== 'padding') {
      this.padding = Math.min(this.padding, maxTransposedPadding(3, this.kernelSize, this.stride));
    }
    this.step = -1; // a new output: go back to its most-overlapped pixel
  }

  /** Keeps padding and step within what the kernel and stride allow (a shared URL may not). */
  override willUpdate(): void {
    this.padding = Math.min(
      Math.max(this.padding, 0),
      maxTransposedPadding(3, this.kernelSize, this.stride),
    );
    const pixels = this.steps().taps.flat().length;
    if (this.step >= pixels) this.step = -1;
  }

  override render() {
    const started = performance.now();
    const st = this.steps();
    const p = Math.min(this.padding, maxTransposedPadding(3, this.kernelSize, this.stride));
    const k = this.kernelSize;
    const s = this.stride;
    const outH = st.output.length;
    const outW = st.output[0]?.length ?? 0;
    const n = this.current(st);
    const row = Math.floor(n / outW);
    const col = n % outW;
    const taps = st.taps[row]?.[col] ?? [];
    const value = st.output[row]?.[col] ?? 0;
    const kernel = kernelOf(k);

    // Output grid: filled up to the current pixel (the stepping), current highlighted.
    const outValues = st.output.map((r, y) => r.map((v, x) => (y * outW + x <= n ? v : undefined)));
    const outCls = (r: number, c: number) =>
      r === row && c === col ? 'current' : r * outW + c < n ? 'done' : '';
    const hitIn = (r: number, c: number) => taps.some((t) => t.inRow === r && t.inCol === c);
    const hitK = (r: number, c: number) => taps.some((t) => t.kRow === r && t.kCol === c);

    // Scatter view: input and kernel on top, output below with each contributing stamp outlined.
    const topH = LABEL + Math.max(gridHeight(INPUT), gridHeight(kernel));
    const inX = 4;
    const kX = inX + gridWidth(INPUT) + GAP;
    const outY = topH + GAP + LABEL;
    const scatterW = Math.max(kX + Math.max(gridWidth(kernel), 96), inX + outW * CELL) + 8;
    const scatterH = outY + outH * CELL + 6;
    const stamps = taps.map((t) => {
      const x0 = Math.max(0, t.inCol * s - p);
      const y0 = Math.max(0, t.inRow * s - p);
      const x1 = Math.min(outW, t.inCol * s - p + k);
      const y1 = Math.min(outH, t.inRow * s - p + k);
      return svg`<rect class="stamp" x=${inX + x0 * CELL + 2} y=${outY + y0 * CELL + 2}
        width=${(x1 - x0) * CELL - 4} height=${(y1 - y0) * CELL - 4}></rect>`;
    });
    const scatter = svg`
      ${gridSvg({ x: inX, y: LABEL, name: 'input', values: INPUT, label: 'Input x (3×3)', cls: (r, c) => (hitIn(r, c) ? 'hit' : '') })}
      ${gridSvg({ x: kX, y: LABEL, name: 'kernel', values: kernel, label: `Kernel w (${k}×${k})`, cls: (r, c) => (hitK(r, c) ? 'hit' : '') })}
      ${gridSvg({ x: inX, y: outY, name: 'output', values: outValues, label: `Output y (${outH}×${outW})`, cls: outCls })}
      ${stamps}`;

    // Gather view: the flipped kernel, then the stuffed and padded input with the window on it.
    const fl = st.flipped;
    const zY = LABEL + gridHeight(fl) + GAP + LABEL;
    const sw = st.stuffed[0]?.length ?? 0;
    const gOutY = zY + gridHeight(st.stuffed) + GAP + LABEL;
    const gatherW = Math.max(sw * CELL, outW * CELL, gridWidth(fl) + 200) + 8;
    const gatherH = gOutY + outH * CELL + 6;
    const inWindow = (r: number, c: number) => r >= row && r < row + k && c >= col && c < col + k;
    const zCls = (r: number, c: number) => {
      const src = st.source[r]?.[c];
      const base = src ? '' : isPadding(r, c, st) ? 'pad' : 'zero';
      return inWindow(r, c) && src ? `${base} hit` : base;
    };
    const gather = svg`
      ${gridSvg({ x: 4, y: LABEL, name: 'flipped', values: fl, label: `Kernel flipped (${k}×${k})`, cls: (r, c) => (hitK(k - 1 - r, k - 1 - c) ? 'hit' : '') })}
      ${gridSvg({ x: 4, y: zY, name: 'stuffed', values: st.stuffed, label: `Input x, ${s - 1} zero${s === 2 ? '' : 's'} inserted, padded by ${st.pad}`, cls: zCls })}
      <rect class="window" x=${4 + col * CELL} y=${zY + row * CELL} width=${k * CELL} height=${k * CELL}></rect>
      ${gridSvg({ x: 4, y: gOutY, name: 'output', values: outValues, label: `Output y (${outH}×${outW})`, cls: outCls })}`;

    const products = taps
      .map(
        (t) =>
          `x[${t.inRow},${t.inCol}]·w[${t.kRow},${t.kCol}] = ${INPUT[t.inRow]?.[t.inCol]}·${kernel[t.kRow]?.[t.kCol]}`,
      )
      .join(' + ');
    this.lastMs = performance.now() - started;
    const where = `y[${row},${col}]`;
    return html`<div class="controls">
        ${rangeControl({ label: html`Kernel <var>k</var>`, name: 'kernel', min: 1, max: 4, value: k, readout: `${k}×${k}`, valueText: `${k} by ${k}`, onInput: (v) => this.setParam('kernelSize', v) })}
        ${rangeControl({ label: html`Stride <var>s</var>`, name: 'stride', min: 1, max: 3, value: s, onInput: (v) => this.setParam('stride', v) })}
        ${rangeControl({ label: html`Padding <var>p</var>`, name: 'padding', min: 0, max: Math.max(maxTransposedPadding(3, k, s), 0), value: p, onInput: (v) => this.setParam('padding', v) })}
        ${rangeControl({ label: 'Output pixel', name: 'step', min: 0, max: outH * outW - 1, value: n, readout: `(${row}, ${col})`, valueText: `row ${row}, column ${col}`, onInput: (v) => (this.step = v) })}
        <span>
          <button
            type="button"
            @click=${() => (this.step = Math.max(0, n - 1))}
            ?disabled=${n === 0}
          >
            ◀ Previous
          </button>
          <button
            type="button"
            @click=${() => (this.step = Math.min(outH * outW - 1, n + 1))}
            ?disabled=${n === outH * outW - 1}
          >
            Next ▶
          </button>
        </span>
      </div>
      <div class="views">
        <figure>
          <p class="view-title">Scatter: each input value stamps x·w on the output</p>
          <svg
            class="scatter"
            viewBox="0 0 ${scatterW} ${scatterH}"
            style="max-inline-size:${scatterW * 1.2}px"
            role="img"
            aria-label=${`Scatter view: input 3 by 3, kernel ${k} by ${k}, output ${outH} by ${outW}; ${taps.length} stamps overlap on ${where}`}
          >
            ${scatter}
          </svg>
          <figcaption>
            Dashed boxes: the ${taps.length} stamp${taps.length === 1 ? '' : 's'} that cover
            ${where}.
          </figcaption>
        </figure>
        <figure>
          <p class="view-title">Gather: zeros in, flip the kernel, ordinary convolution</p>
          <svg
            class="gather"
            viewBox="0 0 ${gatherW} ${gatherH}"
            style="max-inline-size:${gatherW * 1.2}px"
            role="img"
            aria-label=${`Gather view: the input with zeros inserted and padded to ${st.stuffed.length} by ${sw}, the flipped kernel window at row ${row}, column ${col}`}
          >
            ${gather}
          </svg>
          <figcaption>
            The blue window is the flipped kernel over the zero-stuffed input; of its ${k * k}
            products, ${taps.length} meet an input value, the rest meet zeros.
          </figcaption>
        </figure>
      </div>
      <p class="sum" aria-live="polite">
        ${where} = ${products || '0 (no input value reaches it)'} = <strong>${value}</strong>:
        ${taps.length} tap${taps.length === 1 ? '' : 's'} (the same sum in both views). Taps per
        output pixel here: ${tapCounts(st)}. The
        <a href=${`#${this.checker}`}>checkerboard</a> below maps them on a photo.
      </p>`;
  }

  protected override updated(): void {
    const st = this.steps();
    const key = `${this.kernelSize}/${this.stride}/${this.padding}/${this.current(st)}`;
    if (key === this.lastKey) return;
    this.lastKey = key;
    emit(this, 'pw-computed', { ms: this.lastMs, output: st.output });
  }
}

/** The distinct tap counts of the output and how many pixels have each: `1 (9×), 2 (24×), 4 (16×)`. */
function tapCounts(st: TransposedConvSteps): string {
  const counts = new Map<number, number>();
  for (const t of st.taps.flat()) counts.set(t.length, (counts.get(t.length) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([taps, n]) => `${taps} (${n}×)`)
    .join(', ');
}

/** Whether cell (r, c) of the gather grid is border padding rather than an inserted zero. */
function isPadding(r: number, c: number, st: TransposedConvSteps): boolean {
  const last = st.stuffed.length - 1 - st.pad;
  const lastC = (st.stuffed[0]?.length ?? 0) - 1 - st.pad;
  return r < st.pad || c < st.pad || r > last || c > lastC;
}

customElements.define('pw-tconv-mechanism', PwTconvMechanism);

declare global {
  interface HTMLElementTagNameMap {
    'pw-tconv-mechanism': PwTconvMechanism;
  }
}
