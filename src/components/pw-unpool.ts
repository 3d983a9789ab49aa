import { LitElement, html, nothing } from 'lit';
import { progressText, rangeControl, statusLine, UNIT_RANGE } from './templates';
import * as tf from '@tensorflow/tfjs-core';
import { TensorTaskController } from './controllers/tensor-task';
import { photoController } from './controllers/photo';
import { elementStyles } from './shared-styles';
import { unpoolEdges, type UnpooledEdges } from '../lib/pooling/index';
import './pw-tensor-view';
import { UrlStateController } from './controllers/url-state';

interface Figure extends tf.TensorContainerObject {
  maps: UnpooledEdges;
  crops: tf.Tensor2D[];
}

/**
 * The three maps and a `crop`×`crop` crop of each where the photo's edges are strongest (the
 * window-aligned crop with the largest mean edge strength), so the crop shows lines.
 */
async function unpoolFigure(photo: tf.Tensor3D, size: number, crop: number): Promise<Figure> {
  const maps = unpoolEdges(photo, size);
  const [h = 0, w = 0] = maps.edges.shape;
  const side = Math.min(crop, h, w);
  // Window-aligned positions (stride = pool size), so every window in the crop is whole.
  try {
    const best = tf.tidy(() =>
      tf.argMax(
        tf.reshape(
          tf.avgPool(tf.expandDims<tf.Tensor3D>(maps.edges, 2), side, size, 'valid'),
          [-1],
        ),
      ),
    );
    const at = (await best.data())[0] ?? 0;
    best.dispose();
    const across = Math.floor((w - side) / size) + 1;
    const [y, x] = [Math.floor(at / across) * size, (at % across) * size];
    const crops = tf.tidy(() =>
      [maps.edges, maps.unpooled, maps.nearest].map((m) => tf.slice(m, [y, x], [side, side])),
    );
    return { maps, crops };
  } catch (error) {
    tf.dispose(maps);
    throw error;
  }
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
    shares: { state: true },
  };
  static override styles = elementStyles;

  /** URL of the photo. */
  declare src: string;
  /** Side of the square input (default 128). */
  declare workingSize: number;
  /** Pool size, stride = size (default 4). */
  declare size: number;
  /** Side of the magnified centre crop in pixels (default 32). */
  declare crop: number;
  declare shares: { size: number; unpooled: number; nearest: number } | undefined;

  private readonly photo = photoController(this, () => ({ src: this.src, side: this.workingSize }));
  private readonly figure = new TensorTaskController(this, {
    announce: true,
    args: () =>
      this.photo.value ? ([this.photo.value, this.size, this.crop] as const) : undefined,
    task: async ([photo, size, crop]) => {
      const result = await unpoolFigure(photo, size, crop);
      const [unpooled = 0, nearest = 0] = await result.maps.shares.data();
      this.shares = { size, unpooled, nearest };
      return result;
    },
  });

  /** Settings shared by URL (`?id=...`), copy-link and PNG controls. */
  readonly share = new UrlStateController(this, ['src', 'size:int:2..8']);

  constructor() {
    super();
    this.src = '';
    this.workingSize = 128;
    this.size = 4;
    this.crop = 32;
    this.shares = undefined;
  }

  override render() {
    const f = this.figure.value;
    const error = this.photo.error ?? this.figure.error;
    const s = this.shares;
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
        s
          ? html`<p
              class="readout"
              data-size=${s.size}
              data-unpooled=${s.unpooled}
              data-nearest=${s.nearest}
            >
              Brightness landing on the photo’s edges (its strongest 10 % of edge pixels):
              max-unpooled <strong>${pct(s.unpooled)}</strong> · nearest upsampling
              <strong>${pct(s.nearest)}</strong>
            </p>`
          : nothing
      }
      ${
        f
          ? html`<div class="panels">
                ${view(f.maps.edges, 'Edge map of the photo (white: strong edges)')}
                ${view(f.maps.unpooled, `Max-unpooled after a ${this.size}×${this.size} max-pool: each maximum back at its switch`)}
                ${view(f.maps.nearest, 'Nearest upsampling: each maximum spread over its window')}
              </div>
              <div class="panels">
                ${view(f.crops[0], `A ${side}×${side} crop where the edges are strongest, magnified`)}
                ${view(f.crops[1], 'The same crop unpooled: the dots sit on the lines')}
                ${view(f.crops[2], 'The same crop upsampled: blocks that cover the lines and their surroundings')}
              </div>`
          : nothing
      }
      ${statusLine(error, progressText(this.figure))}`;
  }
}

customElements.define('pw-unpool', PwUnpool);

declare global {
  interface HTMLElementTagNameMap {
    'pw-unpool': PwUnpool;
  }
}
