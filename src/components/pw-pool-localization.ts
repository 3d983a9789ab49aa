import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { errorAlert, progressText, rangeControl, statusLine } from './templates';
import * as Plot from '@observablehq/plot';
import { TensorTaskController, retryFailed } from './controllers/tensor-task';
import { photoController } from './controllers/photo';
import { elementStyles } from './shared-styles';
import { compute } from '../lib/browser/compute-client';
import { emit } from './events';
import type { LocalizationFigure } from '../lib/pooling/index';
import type { ChartOptions } from './pw-chart';
import { UrlStateController } from './controllers/url-state';
import './pw-chart';

interface Point {
  size: number;
  error: number;
  series: string;
}

/**
 * @summary A chart of localization error against pool size: for each window size, the mean
 * distance between a window's maximum and the window's centre (where an upsampler without
 * switches must put it), on the current photo and for a maximum placed uniformly at random.
 *
 * Why the photo's line runs above the random one: in smooth regions brightness rises steadily
 * across a window, so its maximum sits on the rim, often a corner, farther from the centre
 * than an average cell. Ties are not the cause (averaging the distance over tied positions
 * moves the photo's values by under 0.1 px). The readout gives the rim share at `rim-size`
 * (a slider, 2..`max-size`); it carries `data-size` (that pool size), `data-photo`,
 * `data-random` (distances at that size, px), `data-rim` (share of the photo's maxima on the
 * rim) and `data-rim-random` (share of cells on the rim).
 *
 * @fires pw-computed - `CustomEvent<{ ms: number; size: number }>` after each update that shows
 *   a new result or another rim size (`ms`: the computation that result took).
 */
export class PwPoolLocalization extends LitElement {
  static override properties = {
    src: { type: String },
    workingSize: { type: Number, attribute: 'working-size' },
    maxSize: { type: Number, attribute: 'max-size' },
    rimSize: { type: Number, attribute: 'rim-size' },
  };
  static override styles = elementStyles;

  /** URL of the photo. */
  declare src: string;
  /** Side of the square input (default 128). */
  declare workingSize: number;
  /** Largest pool size on the chart (default 8). */
  declare maxSize: number;
  /** Pool size the readout reports, 2..`max-size` (default 4); the reader's slider sets it. */
  declare rimSize: number;

  private readonly photo = photoController(this, () => ({ src: this.src, side: this.workingSize }));
  /**
   * Every pool size's distances and rim shares at once, in the compute worker
   * (figures/pooling.ts 'pool-localization'): the rim slider then only picks one of them.
   */
  private readonly errors = new TensorTaskController(this, {
    args: () => (this.photo.value ? ([this.photo.value, this.maxSize] as const) : undefined),
    task: async ([photo, maxSize], { signal }) =>
      (await compute(
        'pool-localization',
        { image: photo },
        { maxSize },
        { signal },
      )) as LocalizationFigure,
  });

  private readonly onRetry = (): void => {
    retryFailed(this.photo, this.errors);
  };

  /** Settings shared by URL (`?id=...`), copy-link and PNG controls. */
  readonly share = new UrlStateController(this, ['src', 'rimSize:int:2..8']);

  constructor() {
    super();
    this.src = '';
    this.workingSize = 128;
    this.maxSize = 8;
    this.rimSize = 4;
  }

  private chart(f: LocalizationFigure | undefined, rimSize: number): ChartOptions | undefined {
    if (!f) return undefined;
    const points: Point[] = f.sizes.flatMap((size, i) => [
      { size, error: f.photo[i] ?? NaN, series: 'this photo' },
      { size, error: f.random[i] ?? NaN, series: 'maximum at random' },
    ]);
    const ticks = f.sizes.length;
    return (width) => ({
      width,
      height: Math.min(320, Math.max(200, width * 0.5)),
      marginLeft: 50,
      x: { label: 'pool size (px)', ticks },
      y: { label: 'mean distance to window centre (px)', grid: true, zero: true },
      color: {
        legend: true,
        domain: ['this photo', 'maximum at random'],
        range: ['#3b74e0', '#999999'],
      },
      marks: [
        // The pool size the readout below reports.
        Plot.ruleX([rimSize], {
          stroke: 'currentColor',
          strokeOpacity: 0.5,
          strokeDasharray: '4 3',
        }),
        Plot.line(points, { x: 'size', y: 'error', stroke: 'series' }),
        Plot.dot(points, { x: 'size', y: 'error', stroke: 'series', tip: true }),
      ],
    });
  }

  /**
   * The chart's options, rebuilt only for a new result or rim size (pw-chart redraws on a new
   * one).
   */
  private chartOptions: ChartOptions | undefined;
  private chartOf: LocalizationFigure | undefined;

  override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    const f = this.errors.value;
    if (f === this.chartOf && !changed.has('rimSize')) return;
    this.chartOf = f;
    this.chartOptions = this.chart(f, this.rimSize);
  }

  /** The result and rim size last announced with `pw-computed`. */
  private announced: [LocalizationFigure | undefined, number] = [undefined, 0];

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    const f = this.errors.value;
    if (!f || (f === this.announced[0] && this.rimSize === this.announced[1])) return;
    this.announced = [f, this.rimSize];
    emit(this, 'pw-computed', { ms: this.errors.lastMs, size: this.rimSize });
  }

  override render() {
    const error = this.photo.error ?? this.errors.error;
    const f = this.errors.value;
    const i = f?.sizes.indexOf(this.rimSize) ?? -1;
    const pct = (v: number) => `${(v * 100).toFixed(0)} %`;
    const size = this.rimSize;
    return html`<pw-chart
        .options=${this.chartOptions}
        label="Blue: mean distance from each window's maximum to the window centre on this photo; grey: the same for a maximum placed at random. Both grow with the window; blue runs higher because maxima crowd onto the rim. A dashed line marks the pool size the readout reports."
      ></pw-chart>
      <div class="controls">
        ${rangeControl({
          label: 'Rim share at pool size',
          name: 'rimSize',
          min: 2,
          max: this.maxSize,
          value: this.rimSize,
          readout: `${size}×${size}`,
          valueText: `${size} by ${size}`,
          onInput: (v) => (this.rimSize = v),
        })}
      </div>
      ${
        f && i >= 0
          ? html`<p
              class="readout"
              data-size=${size}
              data-photo=${f.photo[i] ?? NaN}
              data-random=${f.random[i] ?? NaN}
              data-rim=${f.rim[i] ?? NaN}
              data-rim-random=${f.rimRandom[i] ?? NaN}
            >
              At ${size}×${size}: <strong>${pct(f.rim[i] ?? NaN)}</strong> of this photo’s maxima
              sit on the window’s rim, which holds ${pct(f.rimRandom[i] ?? NaN)} of its cells.
            </p>`
          : nothing
      }
      ${error ? errorAlert('Could not compute this chart', error, this.onRetry) : nothing}
      ${statusLine(
        undefined,
        error
          ? ''
          : progressText(this.errors, (ms) => `Computed on the photo in ${ms.toFixed(1)} ms`),
      )}`;
  }
}

customElements.define('pw-pool-localization', PwPoolLocalization);

declare global {
  interface HTMLElementTagNameMap {
    'pw-pool-localization': PwPoolLocalization;
  }
}
