import { LitElement, css, html, nothing } from 'lit';
import { errorAlert, progressText, rangeControl, selectControl, statusLine } from './templates';
import { TensorTaskController, retryFailed } from './controllers/tensor-task';
import { photoController } from './controllers/photo';
import { elementStyles } from './shared-styles';
import { compute } from '../lib/browser/compute-client';
import type { BilinearResizeWire } from '../lib/browser/figures/bilinear-deconvolution';
import type { ResizeConvention } from '../lib/upsampling/resize-comparison';
import type { ValueGrid } from '../lib/colormap-values';
import './pw-tensor-view';
import { UrlStateController } from './controllers/url-state';

type Convention = ResizeConvention;

const CONVENTIONS: readonly { value: Convention; label: string }[] = [
  { value: 'halfPixel', label: 'half-pixel centres' },
  { value: 'asymmetric', label: 'asymmetric (tfjs default)' },
  { value: 'alignCorners', label: 'align corners' },
];

type Difference = { interior: number; border: number };

/** One run's images (as drawn) and its table, committed together. */
type Comparison = {
  deconv: ValueGrid;
  resized: ValueGrid;
  difference: ValueGrid;
  table: Record<Convention, Difference>;
};

/**
 * @summary The bilinear transposed convolution against `tf.image.resizeBilinear`: both outputs,
 * their difference map for a chosen resize convention, and the largest difference inside the
 * image and along its border for all three conventions.
 *
 * @fires pw-computed - `CustomEvent<{ ms: number }>` after each redraw.
 */
export class PwBilinearResize extends LitElement {
  static override properties = {
    src: { type: String },
    workingSize: { type: Number, attribute: 'working-size' },
    factor: { type: Number },
    convention: { type: String },
  };
  static override styles = [
    elementStyles,
    css`
      table {
        border-collapse: collapse;
        margin-top: 0.75rem;
        font-variant-numeric: tabular-nums;
      }
      caption {
        text-align: start;
        font-size: 0.875rem;
        color: var(--pw-muted, #555);
        padding-bottom: 0.25rem;
      }
      th,
      td {
        padding: 0.2rem 0.75rem 0.2rem 0;
        text-align: start;
        border-bottom: 1px solid var(--pw-border, #ccc);
      }
    `,
  ];

  /** URL of the photo. */
  declare src: string;
  /** Side of the square input before upsampling (default 32). */
  declare workingSize: number;
  /** Upsampling factor f, 1..8 (default 4). */
  declare factor: number;
  /** HalfPixel | asymmetric | alignCorners (default 'halfPixel'). */
  declare convention: Convention;

  private readonly photo = photoController(this, () => ({ src: this.src, side: this.workingSize }));
  // Both upsamplings and the table run in the compute worker ('bilinear-resize').
  private readonly figure = new TensorTaskController(this, {
    announce: true,
    args: () =>
      this.photo.value ? ([this.photo.value, this.factor, this.convention] as const) : undefined,
    task: async ([photo, factor, convention], { signal }): Promise<Comparison> => {
      const wire = (await compute(
        'bilinear-resize',
        { image: photo },
        { factor, convention },
        { signal },
      )) as BilinearResizeWire;
      return {
        deconv: wire.deconv,
        resized: wire.resized,
        difference: wire.difference,
        table: wire.table,
      };
    },
  });

  private readonly onRetry = (): void => {
    retryFailed(this.photo, this.figure);
  };

  /** Settings shared by URL (`?id=...`), copy-link and PNG controls. */
  readonly share = new UrlStateController(this, [
    'src',
    'factor:int:1..8',
    'convention:halfPixel|asymmetric|alignCorners',
  ]);

  constructor() {
    super();
    this.src = '';
    this.workingSize = 32;
    this.factor = 4;
    this.convention = 'halfPixel';
  }

  override render() {
    const v = this.figure.value;
    const error = this.photo.error ?? this.figure.error;
    const name = CONVENTIONS.find((c) => c.value === this.convention)?.label ?? '';
    const t = v?.table;
    return html`<div class="controls">
        ${rangeControl({
          label: html`Factor <var>f</var>`,
          name: 'factor',
          min: 1,
          max: 8,
          value: this.factor,
          onInput: (v) => (this.factor = v),
        })}
        ${selectControl({
          label: 'resizeBilinear convention',
          options: CONVENTIONS,
          value: this.convention,
          onChange: (v) => (this.convention = v),
        })}
      </div>
      ${
        v
          ? html`<div class="panels">
              <pw-tensor-view
                .values=${v.deconv}
                mode="rgb"
                label="Transposed convolution with the bilinear kernel"
              ></pw-tensor-view>
              <pw-tensor-view
                .values=${v.resized}
                mode="rgb"
                label=${`tf.image.resizeBilinear, ${name}`}
              ></pw-tensor-view>
              <pw-tensor-view
                .values=${v.difference}
                mode="diverging"
                label="Difference (deconvolution − resize, channel mean)"
              ></pw-tensor-view>
            </div>`
          : nothing
      }
      ${
        t
          ? html`<table>
              <caption>
                Largest absolute difference from resizeBilinear (values in [0, 1])
              </caption>
              <thead>
                <tr>
                  <th scope="col">Convention</th>
                  <th scope="col">Interior</th>
                  <th scope="col">Border band</th>
                </tr>
              </thead>
              <tbody>
                ${CONVENTIONS.map(
                  (c) =>
                    html`<tr
                      data-convention=${c.value}
                      data-interior=${t[c.value].interior}
                      data-border=${t[c.value].border}
                    >
                      <th scope="row">${c.label}</th>
                      <td>${t[c.value].interior.toExponential(1)}</td>
                      <td>${t[c.value].border.toFixed(3)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
          : nothing
      }
      ${error ? errorAlert('Could not compute this figure', error, this.onRetry) : nothing}
      ${statusLine(undefined, error ? '' : progressText(this.figure))}`;
  }
}

customElements.define('pw-bilinear-resize', PwBilinearResize);

declare global {
  interface HTMLElementTagNameMap {
    'pw-bilinear-resize': PwBilinearResize;
  }
}
