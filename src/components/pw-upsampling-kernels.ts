import { LitElement, css, html, nothing } from 'lit';
import { errorAlert, progressText, rangeControl, selectControl, statusLine } from './templates';
import { TensorTaskController, retryFailed } from './controllers/tensor-task';
import { photoController } from './controllers/photo';
import { elementStyles } from './shared-styles';
import { compute } from '../lib/browser/compute-client';
import type { UpsamplingKernelsWire } from '../lib/browser/figures/bilinear-deconvolution';
import type { UpsamplingKernelKind } from '../lib/upsampling/index';
import type { ValueGrid } from '../lib/colormap-values';
import './pw-tensor-view';
import { UrlStateController } from './controllers/url-state';

const KINDS: readonly { value: UpsamplingKernelKind; label: string }[] = [
  { value: 'bilinear', label: 'bilinear (FCN’s start)' },
  { value: 'nearest', label: 'nearest (box)' },
  { value: 'random', label: 'random' },
];

/** One run's input, kernel taps and output, as drawn. */
type Upsampled = { input: ValueGrid; taps: ValueGrid; output: ValueGrid };

/**
 * @summary The same stride-f transposed convolution started from three kernels: FCN's
 * bilinear filter, a box (nearest neighbour) and a seeded random kernel, each drawn next to
 * what it makes of a small photo.
 *
 * @fires pw-computed - `CustomEvent<{ ms: number }>` after each redraw.
 *
 * The output is drawn at an integer magnification (1 to 4 screen pixels per pixel, at most
 * 256 px wide), never downscaled, so its period-f texture is not aliased; its view carries
 * `data-magnification`.
 */
export class PwUpsamplingKernels extends LitElement {
  static override properties = {
    src: { type: String },
    workingSize: { type: Number, attribute: 'working-size' },
    factor: { type: Number },
    kind: { type: String },
  };
  static override styles = [
    elementStyles,
    css`
      .output {
        margin-top: 1rem;
      }
    `,
  ];

  /** URL of the photo. */
  declare src: string;
  /** Side of the square input before upsampling (default 32). */
  declare workingSize: number;
  /** Upsampling factor f, 2..8 (default 4). */
  declare factor: number;
  /** Bilinear | nearest | random (default 'bilinear'). */
  declare kind: UpsamplingKernelKind;

  private readonly photo = photoController(this, () => ({ src: this.src, side: this.workingSize }));
  // The transposed convolution runs in the compute worker ('upsampling-kernels').
  private readonly figure = new TensorTaskController(this, {
    announce: true,
    args: () =>
      this.photo.value ? ([this.photo.value, this.kind, this.factor] as const) : undefined,
    task: async ([photo, kind, factor], { signal }): Promise<Upsampled> => {
      const wire = (await compute(
        'upsampling-kernels',
        { image: photo },
        { kind, factor },
        { signal },
      )) as UpsamplingKernelsWire;
      return { input: wire.input, taps: wire.taps, output: wire.output };
    },
  });

  private readonly onRetry = (): void => {
    retryFailed(this.photo, this.figure);
  };

  /** Settings shared by URL (`?id=...`), copy-link and PNG controls. */
  readonly share = new UrlStateController(this, [
    'src',
    'factor:int:2..8',
    'kind:bilinear|nearest|random',
  ]);

  constructor() {
    super();
    this.src = '';
    this.workingSize = 32;
    this.factor = 4;
    this.kind = 'bilinear';
  }

  override render() {
    const v = this.figure.value;
    const error = this.photo.error ?? this.figure.error;
    const k = v?.taps.shape[0] ?? 0;
    // The factor this result was computed for (the slider may already be elsewhere).
    const f = v ? Math.round((v.output.shape[1] ?? 0) / (v.input.shape[1] ?? 1)) : this.factor;
    const side = v?.output.shape[1] ?? 0;
    // Whole screen pixels per output pixel, so nothing is resampled on the way to the screen.
    const magnification = Math.max(1, Math.floor(256 / Math.max(side, 1)));
    return html`<div class="controls">
        ${rangeControl({
          label: html`Factor <var>f</var>`,
          name: 'factor',
          min: 2,
          max: 8,
          value: this.factor,
          onInput: (v) => (this.factor = v),
        })}
        ${selectControl({
          label: 'Kernel',
          options: KINDS,
          value: this.kind,
          onChange: (v) => (this.kind = v),
        })}
      </div>
      ${
        v
          ? html`<div class="panels">
                <pw-tensor-view
                  .values=${v.input}
                  mode="rgb"
                  label=${`Input, ${this.workingSize}×${this.workingSize}`}
                ></pw-tensor-view>
                <pw-tensor-view
                  .values=${v.taps}
                  mode="grey"
                  label=${`The ${k}×${k} kernel (one channel; taps sum to f² = ${f ** 2})`}
                ></pw-tensor-view>
              </div>
              <pw-tensor-view
                class="output"
                style=${`inline-size: ${side * magnification}px; max-inline-size: 100%`}
                data-magnification=${magnification}
                .values=${v.output}
                mode="rgb"
                label=${`Transposed convolution, stride ${f}: ${side}×${side}, drawn at ${magnification}× (whole screen pixels, so the texture is not aliased)`}
              ></pw-tensor-view>`
          : nothing
      }
      ${error ? errorAlert('Could not compute this figure', error, this.onRetry) : nothing}
      ${statusLine(undefined, error ? '' : progressText(this.figure))}`;
  }
}

customElements.define('pw-upsampling-kernels', PwUpsamplingKernels);

declare global {
  interface HTMLElementTagNameMap {
    'pw-upsampling-kernels': PwUpsamplingKernels;
  }
}
