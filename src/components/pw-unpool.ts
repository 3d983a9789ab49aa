import { LitElement, html, nothing } from 'lit';
import { errorAlert, progressText, rangeControl, statusLine, UNIT_RANGE } from './templates';
import type * as tf from '@tensorflow/tfjs-core';
import { TensorTaskController, retryFailed } from './controllers/tensor-task';
import { photoController } from './controllers/photo';
import { elementStyles } from './shared-styles';
import { compute } from '../lib/browser/compute-client';
import { fromWire } from '../lib/browser/compute-wire';
import type { UnpoolFigure } from '../lib/pooling/index';
import './pw-tensor-view';
import { UrlStateController } from './controllers/url-state';

/** The figure's maps and crops with the pool size they belong to. */
interface Shown extends tf.TensorContainerObject {
  figure: UnpoolFigure;
  size: number;
}

/**
 * @summary Max-pooling's switches made visible on an edge map of the photo: max-unpooling puts
 * each window's maximum back on its switch, so the rebuilt edges lie on the photo's edges;
 * nearest upsampling, without switches, smears each maximum over its window. A magnified crop
 * of each map shows the dots on the lines, and the readout measures the claim: the share of
 * each rebuild's brightness that lands on the photo's edge pixels (its strongest 10 %).
 *
 * @fires pw-computed - `CustomEvent<{ ms: number }>` after each redraw.
 *
 * The readout paragraph carries `data-unpooled` and `data-nearest` (shares, 0..1) and
 * `data-size` (the pool size they belong to).
 */
export class PwUnpool extends LitElement {
  static override properties = {
    src: { type: String },
    workingSize: { type: Number, attribute: 'working-size' },
    size: { type: Number },
    crop: { type: Number },
  };
  static override styles = elementStyles;

  /** URL of the photo. */
  declare src: string;
  /** Side of the square input (default 128). */
  declare workingSize: number;
  /** Pool size, stride = size (default 4). */
  declare size: number;
  /** Side of the magnified crop in pixels (default 32). */
  declare crop: number;

  private readonly photo = photoController(this, () => ({ src: this.src, side: this.workingSize }));
  private readonly figure = new TensorTaskController(this, {
    announce: true,
    args: () =>
      this.photo.value ? ([this.photo.value, this.size, this.crop] as const) : undefined,
    // The edge maps are computed in the compute worker (figures/pooling.ts 'unpool'); the
    // result carries its own shares, so a superseded run cannot overwrite the readout.
    task: async ([photo, size, crop], { signal }): Promise<Shown> => {
      const wire = await compute('unpool', { image: photo }, { size, crop }, { signal });
      return { figure: await fromWire<UnpoolFigure>(wire), size };
    },
  });

  private readonly onRetry = (): void => {
    retryFailed(this.photo, this.figure);
  };

  /** Settings shared by URL (`?id=...`), copy-link and PNG controls. */
  readonly share = new UrlStateController(this, ['src', 'size:int:2..8']);

  constructor() {
    super();
    this.src = '';
    this.workingSize = 128;
    this.size = 4;
    this.crop = 32;
  }

  override render() {
    const shown = this.figure.value;
    const f = shown?.figure;
    const error = this.photo.error ?? this.figure.error;
    const pct = (v: number) => `${(v * 100).toFixed(0)} %`;
    const view = (t: tf.Tensor2D | undefined, label: string) =>
      html`<pw-tensor-view
        .tensor=${t}
        mode="grey"
        .range=${UNIT_RANGE}
        label=${label}
      ></pw-tensor-view>`;
    const side = f?.crops[0]?.shape[0] ?? this.crop;
    return html`<div class="controls">
        ${rangeControl({
          label: 'Pool size (stride = size)',
          name: 'size',
          min: 2,
          max: 8,
          value: this.size,
          readout: `${this.size}×${this.size}`,
          valueText: `${this.size} by ${this.size}`,
          onInput: (v) => (this.size = v),
        })}
      </div>
      ${
        shown && f
          ? html`<p
              class="readout"
              data-size=${shown.size}
              data-unpooled=${f.shares.unpooled}
              data-nearest=${f.shares.nearest}
            >
              Brightness landing on the photo’s edges (its strongest 10 % of edge pixels):
              max-unpooled <strong>${pct(f.shares.unpooled)}</strong> · nearest upsampling
              <strong>${pct(f.shares.nearest)}</strong>
            </p>`
          : nothing
      }
      ${
        shown && f
          ? html`<div class="panels">
                ${view(f.edges, 'Edge map of the photo (white: strong edges)')}
                ${view(f.unpooled, `Max-unpooled after a ${shown.size}×${shown.size} max-pool: each maximum back at its switch`)}
                ${view(f.nearest, 'Nearest upsampling: each maximum spread over its window')}
              </div>
              <div class="panels">
                ${view(f.crops[0], `A ${side}×${side} crop where the edges are strongest, magnified`)}
                ${view(f.crops[1], 'The same crop unpooled: the dots sit on the lines')}
                ${view(f.crops[2], 'The same crop upsampled: blocks that cover the lines and their surroundings')}
              </div>`
          : nothing
      }
      ${error ? errorAlert('Could not compute this figure', error, this.onRetry) : nothing}
      ${statusLine(undefined, error ? '' : progressText(this.figure))}`;
  }
}

customElements.define('pw-unpool', PwUnpool);

declare global {
  interface HTMLElementTagNameMap {
    'pw-unpool': PwUnpool;
  }
}
