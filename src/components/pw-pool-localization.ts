import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { progressText, statusLine } from './templates';
import * as Plot from '@observablehq/plot';
import * as tf from '@tensorflow/tfjs-core';
import { TensorTaskController } from './controllers/tensor-task';
import { photoController } from './controllers/photo';
import { elementStyles } from './shared-styles';
import { localizationError, rimShare } from '../lib/pooling/index';
import type { ChartOptions } from './pw-chart';
import './pw-chart';

interface Point {
  size: number;
  error: number;
  series: string;
}

/** Mean distance from the centre of a size×size window to a uniformly random cell of it. */
export function uniformLocalizationError(size: number): number {
  const centre = (size - 1) / 2;
  let total = 0;
  for (let dy = 0; dy < size; dy++)
    for (let dx = 0; dx < size; dx++) total += Math.hypot(dy - centre, dx - centre);
  return total / (size * size);
}

/**
 * @summary A chart of localization error against pool size: for each window size, the mean
 * distance between a window's maximum and the window's centre (where an upsampler without
 * switches must put it), on the current photo and for a maximum placed uniformly at random.
 *
 * Why the photo's line runs above the random one: in smooth regions brightness rises steadily
 * across a window, so its maximum sits on the rim, often a corner, farther from the centre
 * than an average cell. Ties are not the cause (averaging the distance over tied positions
 * moves the photo's values by under 0.1 px). The readout gives the rim share at `rim-size`;
 * it carries `data-photo`, `data-random` (distances at `rim-size`, px), `data-rim` (share of
 * the photo's maxima on the rim) and `data-rim-random` (share of cells on the rim).
 */
export class PwPoolLocalization extends LitElement {
  static override properties = {
    src: { type: String },
    workingSize: { type: Number, attribute: 'working-size' },
    maxSize: { type: Number, attribute: 'max-size' },
    rimSize: { type: Number, attribute: 'rim-size' },
    points: { state: true },
    rim: { state: true },
  };
  static override styles = elementStyles;

  /** URL of the photo. */
  declare src: string;
  /** Side of the square input (default 128). */
  declare workingSize: number;
  /** Largest pool size on the chart (default 8). */
  declare maxSize: number;
  /** Pool size the readout reports (default 4). */
  declare rimSize: number;
  declare points: Point[];
  declare rim: { size: number; photo: number; random: number } | undefined;

  private readonly photo = photoController(this, () => ({ src: this.src, side: this.workingSize }));
  private readonly errors = new TensorTaskController(this, {
    args: () =>
      this.photo.value ? ([this.photo.value, this.maxSize, this.rimSize] as const) : undefined,
    task: async ([photo, maxSize, rimSize]) => {
      const sizes = Array.from({ length: maxSize }, (_, i) => i + 1);
      const all = tf.tidy(() =>
        tf.concat([
          tf.stack(sizes.map((s) => localizationError(photo, s))),
          tf.reshape(rimShare(photo, rimSize), [1]),
        ]),
      );
      const values = await all.data();
      all.dispose();
      const inner = Math.max(0, rimSize - 2) / rimSize;
      this.rim = { size: rimSize, photo: values[maxSize] ?? NaN, random: 1 - inner * inner };
      this.points = sizes.flatMap((size, i) => [
        { size, error: values[i] ?? NaN, series: 'this photo' },
        { size, error: uniformLocalizationError(size), series: 'maximum at random' },
      ]);
      // Nothing tensor-valued to keep: the chart holds plain numbers.
      return 0;
    },
  });

  constructor() {
    super();
    this.src = '';
    this.workingSize = 128;
    this.maxSize = 8;
    this.rimSize = 4;
    this.points = [];
    this.rim = undefined;
  }

  private chart(): ChartOptions | undefined {
    if (this.points.length === 0) return undefined;
    const points = this.points;
    return (width) => ({
      width,
      height: Math.min(320, Math.max(200, width * 0.5)),
      marginLeft: 50,
      x: { label: 'pool size (px)', ticks: this.maxSize },
      y: { label: 'mean distance to window centre (px)', grid: true, zero: true },
      color: {
        legend: true,
        domain: ['this photo', 'maximum at random'],
        range: ['#3b74e0', '#999999'],
      },
      marks: [
        Plot.line(points, { x: 'size', y: 'error', stroke: 'series' }),
        Plot.dot(points, { x: 'size', y: 'error', stroke: 'series', tip: true }),
      ],
    });
  }

  /** The chart's options, rebuilt only when its points change (pw-chart redraws on a new one). */
  private chartOptions: ChartOptions | undefined;

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('points') || changed.has('maxSize')) this.chartOptions = this.chart();
  }

  override render() {
    const error = this.photo.error ?? this.errors.error;
    const rim = this.rim;
    const at = (series: string) =>
      this.points.find((p) => p.size === rim?.size && p.series === series)?.error ?? NaN;
    const pct = (v: number) => `${(v * 100).toFixed(0)} %`;
    return html`<pw-chart
        .options=${this.chartOptions}
        label="Blue: mean distance from each window's maximum to the window centre on this photo; grey: the same for a maximum placed at random. Both grow with the window; blue runs higher because maxima crowd onto the rim."
      ></pw-chart>
      ${
        rim
          ? html`<p
              class="readout"
              data-photo=${at('this photo')}
              data-random=${at('maximum at random')}
              data-rim=${rim.photo}
              data-rim-random=${rim.random}
            >
              At ${rim.size}×${rim.size}: <strong>${pct(rim.photo)}</strong> of this photo’s maxima
              sit on the window’s rim, which holds ${pct(rim.random)} of its cells.
            </p>`
          : nothing
      }
      ${statusLine(
        error,
        progressText(this.errors, (ms) => `Computed on the photo in ${ms.toFixed(1)} ms`),
        'Could not compute this chart',
      )}`;
  }
}

customElements.define('pw-pool-localization', PwPoolLocalization);

declare global {
  interface HTMLElementTagNameMap {
    'pw-pool-localization': PwPoolLocalization;
  }
}
