import { LitElement, html, nothing } from 'lit';
import { progressText, rangeControl, statusLine, UNIT_RANGE } from './templates';
import { TensorTaskController } from './controllers/tensor-task';
import { photoController } from './controllers/photo';
import { elementStyles } from './shared-styles';
import { compute } from '../lib/browser/compute-client';
import type { TransposedConvProofWire } from '../lib/browser/figures/zero-insertion';
import './pw-tensor-view';
import { UrlStateController } from './controllers/url-state';

/** What one run commits: its images, the settings they were computed with, and the readout. */
type Result = {
  figure: TransposedConvProofWire;
  stride: number;
  kernelSize: number;
  /** Largest |direct − decomposed|. */
  maxDifference: number;
};

/**
 * @summary A live check that a transposed convolution is zero insertion followed by an ordinary
 * convolution with the flipped kernel: both computed on the photo with a seeded random kernel,
 * side by side, with their difference and its maximum.
 *
 * @fires pw-computed - `CustomEvent<{ ms: number }>` after each redraw.
 */
export class PwDeconvProof extends LitElement {
  static override properties = {
    src: { type: String },
    workingSize: { type: Number, attribute: 'working-size' },
    stride: { type: Number },
    kernelSize: { type: Number, attribute: 'kernel-size' },
    seed: { type: Number },
  };
  static override styles = elementStyles;

  /** URL of the photo (used in grey). */
  declare src: string;
  /** Side of the square input (default 32). */
  declare workingSize: number;
  /** Stride s, 1..4 (default 2). */
  declare stride: number;
  /** Kernel side k, 1..7 (default 3). */
  declare kernelSize: number;
  /** Seed of the random kernel, 1..9 (default 1). */
  declare seed: number;

  private readonly photo = photoController(this, () => ({ src: this.src, side: this.workingSize }));
  private readonly figure = new TensorTaskController(this, {
    announce: true,
    args: () =>
      this.photo.value
        ? ([this.photo.value, this.stride, this.kernelSize, this.seed] as const)
        : undefined,
    // Both sides are computed in the compute worker ('deconv-proof').
    task: async ([photo, stride, kernelSize, seed], { signal }): Promise<Result> => {
      const figure = (await compute(
        'deconv-proof',
        { photo },
        { stride, kernelSize, seed },
        { signal },
      )) as TransposedConvProofWire;
      const [maxDifference = NaN] = figure.maxDifference.data;
      return { figure, stride, kernelSize, maxDifference };
    },
  });

  /** Settings shared by URL (`?id=...`), copy-link and PNG controls. */
  readonly share = new UrlStateController(this, [
    'src',
    'stride:int:1..4',
    'kernelSize:int:1..7',
    'seed:int:1..9',
  ]);

  constructor() {
    super();
    this.src = '';
    this.workingSize = 32;
    this.stride = 2;
    this.kernelSize = 3;
    this.seed = 1;
  }

  private slider(name: string, key: 'stride' | 'kernelSize' | 'seed', min: number, max: number) {
    return rangeControl({
      label: name,
      name: key,
      min,
      max,
      value: this[key],
      onInput: (v) => (this[key] = v),
    });
  }

  override render() {
    const r = this.figure.value;
    const error = this.photo.error ?? this.figure.error;
    return html`<div class="controls">
        ${this.slider('Stride s', 'stride', 1, 4)}
        ${this.slider('Kernel size k', 'kernelSize', 1, 7)}
        ${this.slider('Random kernel #', 'seed', 1, 9)}
      </div>
      ${r ? panels(r) : nothing}
      <p
        class="readout"
        aria-live="polite"
        data-difference=${r?.maxDifference ?? nothing}
        data-width=${r?.figure.direct.shape[1] ?? nothing}
      >
        ${r ? differenceText(r.maxDifference) : ''}
      </p>
      ${statusLine(error, progressText(this.figure))}`;
  }
}

/** The five views, labelled with the settings they were computed with. */
function panels({ figure: f, stride, kernelSize }: Result) {
  return html`<div class="panels">
    <pw-tensor-view
      .values=${f.kernel}
      mode="diverging"
      label=${`The random ${kernelSize}×${kernelSize} kernel`}
    ></pw-tensor-view>
    <pw-tensor-view
      .values=${f.stuffed}
      mode="grey"
      .range=${UNIT_RANGE}
      label=${`Input with ${stride - 1} zero(s) inserted after each pixel`}
    ></pw-tensor-view>
    <pw-tensor-view
      .values=${f.direct}
      mode="diverging"
      label="Transposed convolution (tfjs conv2dTranspose)"
    ></pw-tensor-view>
    <pw-tensor-view
      .values=${f.decomposed}
      mode="diverging"
      label="Zero insertion + padding + ordinary conv with the flipped kernel"
    ></pw-tensor-view>
    <pw-tensor-view
      .values=${f.difference}
      mode="diverging"
      label="Their difference (colour scale stretched to its own tiny range)"
    ></pw-tensor-view>
  </div>`;
}

function differenceText(d: number): string {
  return d === 0
    ? 'Largest absolute difference: 0 (bit-identical on this backend)'
    : `Largest absolute difference: ${d.toExponential(2)} (float32 rounding; outputs are of order 1)`;
}

customElements.define('pw-deconv-proof', PwDeconvProof);

declare global {
  interface HTMLElementTagNameMap {
    'pw-deconv-proof': PwDeconvProof;
  }
}
