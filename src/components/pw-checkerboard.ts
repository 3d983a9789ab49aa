import { LitElement, html, nothing } from 'lit';
import { progressText, rangeControl, statusLine, UNIT_RANGE } from './templates';
import { TensorTaskController } from './controllers/tensor-task';
import { photoController } from './controllers/photo';
import { elementStyles } from './shared-styles';
import { CHECKERBOARD_FLAT_SIDE as FLAT, overlapMap } from '../lib/upsampling/index';
import { compute } from '../lib/browser/compute-client';
import type { CheckerboardWire } from '../lib/browser/figures/zero-insertion';
import './pw-tensor-view';
import { UrlStateController } from './controllers/url-state';

/** What one run commits: the two images and the settings they were computed with. */
type Result = { figure: CheckerboardWire; kernelSize: number; stride: number };

/**
 * @summary Where checkerboard artifacts come from: the number of kernel taps that land on each
 * output pixel of a transposed convolution (what a flat image of ones becomes through a kernel
 * of ones), and the photo through the same layer with a flat averaging kernel.
 *
 * @fires pw-computed - `CustomEvent<{ ms: number }>` after each redraw.
 */
export class PwCheckerboard extends LitElement {
  static override properties = {
    src: { type: String },
    workingSize: { type: Number, attribute: 'working-size' },
    kernelSize: { type: Number, attribute: 'kernel-size' },
    stride: { type: Number },
  };
  static override styles = elementStyles;

  /** URL of the photo (used in grey). */
  declare src: string;
  /** Side of the square photo input (default 32). */
  declare workingSize: number;
  /** Kernel side k, 1..8 (default 3). */
  declare kernelSize: number;
  /** Stride s, 1..4 (default 2). */
  declare stride: number;

  private readonly photo = photoController(this, () => ({ src: this.src, side: this.workingSize }));
  private readonly figure = new TensorTaskController(this, {
    announce: true,
    args: () =>
      this.photo.value ? ([this.photo.value, this.kernelSize, this.stride] as const) : undefined,
    // The transposed convolution runs in the compute worker ('checkerboard').
    task: async ([photo, kernelSize, stride], { signal }): Promise<Result> => {
      const figure = (await compute(
        'checkerboard',
        { photo },
        { kernelSize, stride },
        { signal },
      )) as CheckerboardWire;
      return { figure, kernelSize, stride };
    },
  });

  /** Settings shared by URL (`?id=...`), copy-link and PNG controls. */
  readonly share = new UrlStateController(this, ['src', 'kernelSize:int:1..8', 'stride:int:1..4']);

  constructor() {
    super();
    this.src = '';
    this.workingSize = 32;
    this.kernelSize = 3;
    this.stride = 2;
  }

  private slider(name: string, key: 'kernelSize' | 'stride', max: number) {
    return rangeControl({
      label: name,
      name: key,
      min: 1,
      max,
      value: this[key],
      onInput: (v) => (this[key] = v),
    });
  }

  /** Taps per output pixel away from the border, along one axis (plain numbers). */
  private interiorCounts(): number[] {
    const k = this.kernelSize;
    const line = overlapMap(k, this.stride, 4 * k + 4);
    return line.slice(k, line.length - k);
  }

  override render() {
    const r = this.figure.value;
    const error = this.photo.error ?? this.figure.error;
    const k = this.kernelSize;
    const s = this.stride;
    const inner = this.interiorCounts();
    const lo = Math.min(...inner);
    const hi = Math.max(...inner);
    return html`<div class="controls">
        ${this.slider('Kernel size k', 'kernelSize', 8)} ${this.slider('Stride s', 'stride', 4)}
      </div>
      ${r ? panels(r) : nothing}
      <p class="readout" aria-live="polite" data-lo=${lo} data-hi=${hi}>
        Away from the border, an output pixel receives
        ${lo === hi ? `exactly ${lo}` : `${lo} or ${hi}`} taps along each axis
        (${lo === hi ? lo * lo : `${lo * lo} to ${hi * hi}`} in all):
        ${
          k % s === 0
            ? `k = ${k} is a multiple of s = ${s}, so the overlap is even.`
            : `k mod s = ${k % s}, so the overlap is uneven and the pattern repeats every ${s} pixels.`
        }
      </p>
      ${statusLine(error, progressText(this.figure))}`;
  }
}

/** The two views, labelled with the settings they were computed with. */
function panels({ figure, kernelSize: k, stride: s }: Result) {
  return html`<div class="panels">
    <pw-tensor-view
      .values=${figure.counts}
      mode="grey"
      label=${`Taps per output pixel for an ${FLAT}×${FLAT} input (a flat image of ones through a ${k}×${k} kernel of ones)`}
    ></pw-tensor-view>
    <pw-tensor-view
      .values=${figure.photoOut}
      mode="grey"
      .range=${UNIT_RANGE}
      label=${`The photo through the same layer, each tap weighing s²/k² = ${((s * s) / (k * k)).toFixed(3)}`}
    ></pw-tensor-view>
  </div>`;
}

customElements.define('pw-checkerboard', PwCheckerboard);

declare global {
  interface HTMLElementTagNameMap {
    'pw-checkerboard': PwCheckerboard;
  }
}
