import { LitElement, css, html, nothing } from 'lit';
import { progressText, rangeControl, selectControl, statusLine } from './templates';
import { TensorTaskController } from './controllers/tensor-task';
import { photoController } from './controllers/photo';
import { elementStyles } from './shared-styles';
import type { InterpolationKind } from '../lib/upsampling/index';
import { compute } from '../lib/browser/compute-client';
import type { ZeroInsert2dWire } from '../lib/browser/figures/zero-insertion';
import './pw-tensor-view';
import { UrlStateController } from './controllers/url-state';

const KINDS: readonly { value: InterpolationKind; label: string }[] = [
  { value: 'nearest', label: 'nearest (box)' },
  { value: 'linear', label: 'linear (triangle)' },
  { value: 'sinc', label: 'windowed sinc' },
];

/**
 * What a run drew it with, and how far the spectral images stand out after zero insertion and
 * after the filter (natural-log units), read back once per run.
 */
type Readout = { factor: number; kind: InterpolationKind; zeros: number; filtered: number };

/** What one run commits: the four images it draws and its readout. */
type Result = { figure: ZeroInsert2dWire; readout: Readout };

/**
 * @summary Zero insertion in two dimensions: the photo upsampled with zeros and with an
 * interpolation filter, each beside its centred log-magnitude spectrum, where the spectral
 * images appear as copies of the original spectrum on an L×L grid. Spectra are taken through a
 * Hann window, so the DFT's periodic-extension border adds no bright cross.
 *
 * @fires pw-computed - `CustomEvent<{ ms: number }>` after each redraw.
 *
 * The readout carries `data-factor`, `data-zeros` and `data-filtered`: how far the L² − 1
 * image centres stand above each spectrum's mean (natural-log units, `spectralImageContrast`).
 */
export class PwZeroInsert2d extends LitElement {
  static override properties = {
    src: { type: String },
    workingSize: { type: Number, attribute: 'working-size' },
    factor: { type: Number },
    kind: { type: String },
  };
  static override styles = [
    elementStyles,
    css`
      .panels {
        grid-template-columns: repeat(2, minmax(0, 1fr));
      }
    `,
  ];

  /** URL of the photo. */
  declare src: string;
  /** Side of the square input before upsampling (default 64). */
  declare workingSize: number;
  /** Upsampling factor L, 1..4 (default 4). */
  declare factor: number;
  /** Interpolation filter: nearest | linear | sinc (default 'linear'). */
  declare kind: InterpolationKind;

  private readonly photo = photoController(this, () => ({ src: this.src, side: this.workingSize }));
  private readonly figure = new TensorTaskController(this, {
    announce: true,
    args: () =>
      this.photo.value ? ([this.photo.value, this.factor, this.kind] as const) : undefined,
    // The images and spectra are computed in the compute worker ('zero-insert-2d').
    task: async ([photo, factor, kind], { signal }): Promise<Result> => {
      const figure = (await compute(
        'zero-insert-2d',
        { photo },
        { factor, kind },
        { signal },
      )) as ZeroInsert2dWire;
      const [zeros = 0, filtered = 0] = figure.contrast.data;
      return { figure, readout: { factor, kind, zeros, filtered } };
    },
  });

  /** Settings shared by URL (`?id=...`), copy-link and PNG controls. */
  readonly share = new UrlStateController(this, [
    'src',
    'factor:int:1..4',
    'kind:nearest|linear|sinc',
  ]);

  constructor() {
    super();
    this.src = '';
    this.workingSize = 64;
    this.factor = 4;
    this.kind = 'linear';
  }

  override render() {
    const f = this.figure.value?.figure;
    const r = this.figure.value?.readout;
    const error = this.photo.error ?? this.figure.error;
    return html`<div class="controls">
        ${rangeControl({
          label: html`Factor <var>L</var>`,
          name: 'factor',
          min: 1,
          max: 4,
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
      ${f && r ? panels(f, r) : nothing} ${r ? readoutLine(r) : nothing}
      ${statusLine(error, progressText(this.figure))}`;
  }
}

/** The filter's name as the menu gives it. */
function kindName(kind: InterpolationKind): string {
  return KINDS.find((k) => k.value === kind)?.label ?? kind;
}

/** The four views, labelled with the settings they were computed with. */
function panels(f: ZeroInsert2dWire, r: Readout) {
  const L = r.factor;
  return html`<div class="panels">
    <pw-tensor-view
      .values=${f.zeros}
      mode="rgb"
      label=${`Zero-inserted by ${L} (brightened ${L * L}× to show it)`}
    ></pw-tensor-view>
    <pw-tensor-view
      .values=${f.zerosSpectrum}
      mode="grey"
      label=${`Its log spectrum (Hann window, zero frequency in the middle): ${L > 1 ? `the photo's spectrum repeated on a ${L}×${L} grid, ${L ** 2 - 1} bright copies around the centre` : 'no copies at L = 1'}`}
    ></pw-tensor-view>
    <pw-tensor-view
      .values=${f.filtered}
      mode="rgb"
      label=${`Zero-inserted, then filtered: ${kindName(r.kind)}`}
    ></pw-tensor-view>
    <pw-tensor-view
      .values=${f.filteredSpectrum}
      mode="grey"
      label="Its log spectrum: the copies are dimmed where the filter blocks them"
    ></pw-tensor-view>
  </div>`;
}
/** The readout: how far the copies stand out, before and after the filter. */
function readoutLine(c: Readout) {
  if (c.factor === 1) {
    return html`<p class="readout" data-factor="1" data-zeros="0" data-filtered="0">
      At <var>L</var> = 1 nothing is inserted and there are no spectral images.
    </p>`;
  }
  const times = (v: number) => `${Math.round(Math.exp(v))}×`;
  return html`<p
    class="readout"
    data-factor=${c.factor}
    data-zeros=${c.zeros}
    data-filtered=${c.filtered}
  >
    Centres of the ${c.factor ** 2 - 1} spectral images: <strong>${times(c.zeros)}</strong> the
    spectrum’s typical magnitude after zero insertion, <strong>${times(c.filtered)}</strong> after
    the ${kindName(c.kind)} filter.
  </p>`;
}

customElements.define('pw-zero-insert-2d', PwZeroInsert2d);

declare global {
  interface HTMLElementTagNameMap {
    'pw-zero-insert-2d': PwZeroInsert2d;
  }
}
