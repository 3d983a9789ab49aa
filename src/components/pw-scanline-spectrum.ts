import { LitElement, html, nothing } from 'lit';
import { progressText, rangeControl, selectControl, statusLine, UNIT_RANGE } from './templates';
import * as Plot from '@observablehq/plot';
import { TensorTaskController } from './controllers/tensor-task';
import { photoController } from './controllers/photo';
import { elementStyles } from './shared-styles';
import { spectrumFrequencies, type InterpolationKind } from '../lib/upsampling/index';
import { compute } from '../lib/browser/compute-client';
import type { ScanlineSpectrumWire } from '../lib/browser/figures/zero-insertion';
import type { ValueGrid } from '../lib/colormap-values';
import type { ChartOptions } from './pw-chart';
import './pw-chart';
import './pw-tensor-view';
import { UrlStateController } from './controllers/url-state';

const KINDS: readonly { value: InterpolationKind; label: string }[] = [
  { value: 'zeros', label: 'none (zeros stay)' },
  { value: 'nearest', label: 'nearest (box)' },
  { value: 'linear', label: 'linear (triangle)' },
  { value: 'sinc', label: 'windowed sinc' },
];
/** Input samples drawn in the signal chart (all of them would be too dense to read). */
const SHOWN = 24;

type Curves = {
  signal: { n: number; value: number; original: boolean }[];
  spectrum: { frequency: number; magnitude: number }[];
  /** Share of spectral energy above the original band (frequency > 1 / (2L)). */
  imageShare: number;
  /** Top of the spectrum's y axis: the largest magnitude of the original row's spectrum. */
  yMax: number;
  factor: number;
  kind: InterpolationKind;
};

/** What one run commits: the strip it draws and the curves it plots. */
type Result = { strip: ValueGrid; curves: Curves };

/**
 * @summary One row of the photo as a 1-D signal, upsampled by zero insertion and an optional
 * interpolation filter, with its magnitude spectrum: the spectral images that zero insertion
 * creates above the original band, and how much of them each filter leaves.
 *
 * @fires pw-computed - `CustomEvent<{ ms: number }>` after each redraw.
 *
 * The spectrum is drawn in the original row's units (filters divided by their gain L, the
 * zero-stuffed row as it is) on a y axis fixed by the original row's spectrum, so switching
 * the filter shows the images shrink. The readout carries `data-share` (energy share outside
 * the band, 0..1), `data-factor`, `data-kind` and `data-ymax` (top of the y axis).
 */
export class PwScanlineSpectrum extends LitElement {
  static override properties = {
    src: { type: String },
    workingSize: { type: Number, attribute: 'working-size' },
    factor: { type: Number },
    kind: { type: String },
  };
  static override styles = elementStyles;

  /** URL of the photo. */
  declare src: string;
  /** Side of the square photo; the scanline has this many samples (default 128). */
  declare workingSize: number;
  /** Upsampling factor L, 1..8 (default 4). */
  declare factor: number;
  /** Interpolation filter: zeros | nearest | linear | sinc (default 'zeros'). */
  declare kind: InterpolationKind;

  private readonly photo = photoController(this, () => ({ src: this.src, side: this.workingSize }));
  private readonly figure = new TensorTaskController(this, {
    announce: true,
    args: () =>
      this.photo.value ? ([this.photo.value, this.factor, this.kind] as const) : undefined,
    // The row and its spectrum are computed in the compute worker ('scanline-spectrum').
    task: async ([photo, factor, kind], { signal }): Promise<Result> => {
      const wire = (await compute(
        'scanline-spectrum',
        { photo },
        { factor, kind },
        { signal },
      )) as ScanlineSpectrumWire;
      const values = wire.signal.data;
      const freqs = spectrumFrequencies(values.length);
      const curves: Curves = {
        signal: Array.from(values.slice(0, SHOWN * factor), (value, n) => ({
          n: n / factor,
          value,
          original: n % factor === 0,
        })),
        spectrum: freqs.map((frequency, k) => ({
          frequency,
          magnitude: wire.spectrum.data[k] ?? 0,
        })),
        imageShare: wire.imageShare.data[0] ?? 0,
        yMax: wire.peak.data[0] ?? 1,
        factor,
        kind,
      };
      return { strip: wire.strip, curves };
    },
  });

  /** Settings shared by URL (`?id=...`), copy-link and PNG controls. */
  readonly share = new UrlStateController(this, [
    'src',
    'factor:int:1..8',
    'kind:zeros|nearest|linear|sinc',
  ]);

  constructor() {
    super();
    this.src = '';
    this.workingSize = 128;
    this.factor = 4;
    this.kind = 'zeros';
  }

  private signalChart(c: Curves): ChartOptions {
    return (width) => ({
      width,
      height: 200,
      marginLeft: 45,
      x: { label: 'position (original samples)' },
      y: { label: 'grey level', domain: [0, 1] },
      marks: [
        Plot.ruleY([0], { stroke: '#999999' }),
        Plot.line(c.signal, { x: 'n', y: 'value', stroke: '#3b74e0', strokeOpacity: 0.6 }),
        Plot.dot(c.signal, {
          x: 'n',
          y: 'value',
          r: (d: { original: boolean }) => (d.original ? 3.5 : 1.8),
          // currentColor follows the page theme (dark mode); inserted samples stay blue.
          fill: (d: { original: boolean }) => (d.original ? 'currentColor' : '#3b74e0'),
        }),
      ],
    });
  }

  private spectrumChart(c: Curves): ChartOptions {
    const band = 0.5 / c.factor;
    return (width) => ({
      width,
      height: 200,
      marginLeft: 45,
      x: { label: 'frequency (cycles per output sample)', domain: [0, 0.5] },
      y: {
        label: 'magnitude (original row’s scale)',
        grid: true,
        domain: [0, 1.1 * c.yMax],
      },
      marks: [
        Plot.rectX([0], { x1: 0, x2: band, fill: '#2e9e5b', fillOpacity: 0.12 }),
        Plot.ruleX([band], { stroke: '#2e9e5b', strokeDasharray: '4,3' }),
        Plot.line(c.spectrum, {
          x: 'frequency',
          y: 'magnitude',
          stroke: '#d9462b',
          clip: true,
        }),
      ],
    });
  }

  /** The two charts' options, rebuilt only when the curves change (pw-chart redraws on a new one). */
  private charted: Curves | undefined;
  private signalOptions: ChartOptions | undefined;
  private spectrumOptions: ChartOptions | undefined;

  override willUpdate(): void {
    const c = this.figure.value?.curves;
    if (c === this.charted) return;
    this.charted = c;
    this.signalOptions = c && this.signalChart(c);
    this.spectrumOptions = c && this.spectrumChart(c);
  }

  override render() {
    const c = this.figure.value?.curves;
    const error = this.photo.error ?? this.figure.error;
    return html`<div class="controls">
        ${rangeControl({
          label: html`Factor <var>L</var>`,
          name: 'factor',
          min: 1,
          max: 8,
          value: this.factor,
          onInput: (v) => (this.factor = v),
        })}
        ${selectControl({
          label: 'Interpolation filter',
          options: KINDS,
          value: this.kind,
          onChange: (v) => (this.kind = v),
        })}
      </div>
      ${
        this.figure.value
          ? html`<pw-tensor-view
              .values=${this.figure.value.strip}
              mode="grey"
              .range=${UNIT_RANGE}
              label="The middle row of the photo after upsampling, drawn as a strip of pixels"
            ></pw-tensor-view>`
          : nothing
      }
      ${
        c
          ? html`<div class="panels">
              <pw-chart
                .options=${this.signalOptions}
                label=${`The first ${SHOWN} samples of the row: large dots are original samples, small blue ones were inserted`}
              ></pw-chart>
              <pw-chart
                .options=${this.spectrumOptions}
                label="Magnitude spectrum of the upsampled row on a fixed axis; the green band is the original signal's band, red outside it is spectral images"
              ></pw-chart>
            </div>`
          : nothing
      }
      <p
        class="readout"
        aria-live="polite"
        data-share=${c?.imageShare ?? nothing}
        data-factor=${c?.factor ?? nothing}
        data-kind=${c?.kind ?? nothing}
        data-ymax=${c?.yMax ?? nothing}
      >
        ${c ? readoutText(c) : ''}
      </p>
      ${statusLine(error, progressText(this.figure))}`;
  }
}

/** The energy share outside the band, and for plain zeros why it is (L − 1)/L. */
function readoutText(c: Curves) {
  const share = `${(100 * c.imageShare).toFixed(1)} %`;
  return c.kind === 'zeros' && c.factor > 1
    ? html`Energy outside the original band (spectral images): ${share}, exactly (<var>L</var> −
        1)/<var>L</var> = ${c.factor - 1}/${c.factor}: the <var>L</var> copies of the spectrum carry
        equal energy and only one lies in the band.`
    : html`Energy outside the original band (spectral images): ${share}`;
}

customElements.define('pw-scanline-spectrum', PwScanlineSpectrum);

declare global {
  interface HTMLElementTagNameMap {
    'pw-scanline-spectrum': PwScanlineSpectrum;
  }
}
