import { LitElement, css, html, nothing } from 'lit';
import { UNIT_RANGE, errorLine } from './templates';
import { emit } from './events';
import type * as tf from '@tensorflow/tfjs-core';
import { TensorTaskController } from './controllers/tensor-task';
import { channelMosaicValues, mosaicGrid } from '../lib/fcn/index';
import type { ValueGrid } from '../lib/colormap-values';
import type { PickDetail } from './pw-tensor-view';
import './pw-tensor-view';

export interface FeatureLayer {
  readonly name: string;
  readonly tensor: tf.Tensor3D;
}

const GAP = 1;

/**
 * A layer's values (read once), its mosaic and the layer it shows (its tile grid is computed
 * from `shape`). Plain arrays: changing the channel, hovering or picking makes no tensor.
 */
type Mosaic = {
  values: ValueGrid;
  image: ValueGrid;
  layer: string;
  shape: [number, number, number];
};

/**
 * @summary Every channel of a layer at once (one mosaic, each channel normalized to its own
 * range), a layer selector, and the chosen channel enlarged with a value readout.
 *
 * @fires pw-channel - `CustomEvent<{ layer: string; channel: number }>` on a new selection.
 *
 * The enlarged channel is drawn in a sequential colour map when it has no negative value (a
 * map after ReLU) and in a diverging one, centred on zero, when it is signed (score layers).
 * A pick on the mosaic counts only on the mosaic drawn at that moment: after a change of layer,
 * a click on the old mosaic chooses nothing.
 */
export class PwFeatureGrid extends LitElement {
  static override properties = {
    layers: { attribute: false },
    layer: { type: String },
    channel: { type: Number },
  };

  static override styles = css`
    :host {
      display: block;
    }
    .controls {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem 1rem;
      align-items: center;
      margin-bottom: 0.5rem;
    }
    select {
      font: inherit;
      padding: 0.2rem 0.4rem;
      background: var(--pw-surface, #fff);
      color: var(--pw-text, #111);
      border: 1px solid var(--pw-border, #ccc);
      border-radius: 0.25rem;
    }
    .views {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(min(100%, 14rem), 1fr));
      gap: 1rem;
    }
    .hint {
      font-size: 0.8rem;
      color: var(--pw-muted, #555);
    }
    .error {
      color: var(--pw-error, #b00020);
      font-size: 0.85rem;
    }
  `;

  /** `{ name, tensor: [H, W, C] }[]`; not owned, the caller keeps them alive. */
  declare layers: readonly FeatureLayer[];
  /** Name of the selected layer (default: the first, conv1_1 for the FCN). */
  declare layer: string;
  /**
   * Selected channel (default 0). Click or tap a tile, or move with the arrow keys over the mosaic
   * and press Enter, to choose another.
   */
  declare channel: number;

  private readonly mosaic = new TensorTaskController(this, {
    args: () => {
      const current = this.current();
      return current && !current.tensor.isDisposed
        ? ([current.tensor, current.name] as const)
        : undefined;
    },
    task: async ([tensor, layer]): Promise<Mosaic> => {
      const [h = 0, w = 0, c = 0] = tensor.shape;
      // One read per layer (the maps come from the compute worker, so it is a copy, not a
      // GPU download); the mosaic and every later redraw work on the array.
      const values: ValueGrid = { data: await tensor.data<'float32'>(), shape: [h, w, c] };
      return {
        values,
        image: channelMosaicValues(values, { gap: GAP }),
        layer,
        shape: [h, w, c],
      };
    },
  });

  constructor() {
    super();
    this.layers = [];
    this.layer = '';
    this.channel = 0;
  }

  private current(): FeatureLayer | undefined {
    return this.layers.find((l) => l.name === this.layer) ?? this.layers[0];
  }

  private choose(channel: number): void {
    const current = this.current();
    if (!current) return;
    const c = current.tensor.shape[2];
    if (channel < 0 || channel >= c) return;
    this.channel = channel;
    emit(this, 'pw-channel', { layer: current.name, channel });
  }

  /** The channel whose tile holds pixel (x, y) of a mosaic of `[h, w, c]`, or -1 for a gap. */
  private static channelAt([h, w, c]: readonly number[], x: number, y: number): number {
    if (!h || !w || !c) return -1;
    const { columns } = mosaicGrid(c);
    const row = Math.floor(y / (h + GAP));
    const col = Math.floor(x / (w + GAP));
    if (y % (h + GAP) >= h || x % (w + GAP) >= w || col >= columns) return -1;
    const k = row * columns + col;
    return k < c ? k : -1;
  }

  /** A click, tap or Enter on the mosaic: only a pick on the current layer's mosaic counts. */
  private readonly onPick = (event: CustomEvent<PickDetail>): void => {
    const mosaic = this.mosaic.value;
    const current = this.current();
    if (!mosaic || !current || event.detail.tensor !== mosaic.image) return;
    if (mosaic.layer !== current.name) return;
    this.choose(PwFeatureGrid.channelAt(mosaic.shape, event.detail.x, event.detail.y));
  };

  private readonly onLayer = (event: Event): void => {
    this.layer = (event.target as HTMLSelectElement).value;
    this.channel = 0;
  };

  private renderMosaic() {
    if (this.mosaic.status === 'error') {
      return errorLine(this.mosaic.error, 'Could not draw the mosaic');
    }
    const mosaic = this.mosaic.value;
    if (!mosaic) return nothing;
    const [h, w, c] = mosaic.shape;
    return html`<pw-tensor-view
      class="mosaic"
      .values=${mosaic.image}
      mode="grey"
      .range=${UNIT_RANGE}
      label=${`${mosaic.layer}: all ${c} channels, each ${h}×${w}, normalized per channel`}
      @pw-pick=${this.onPick}
    ></pw-tensor-view>`;
  }

  /** The chosen channel of the layer whose values are read (the previous one until then). */
  private renderChannel(channel: number) {
    const mosaic = this.mosaic.value;
    if (!mosaic) return nothing;
    const shown = Math.min(channel, mosaic.shape[2] - 1);
    return html`<pw-tensor-view
      class="channel"
      .values=${mosaic.values}
      mode="auto"
      .channel=${shown}
      label=${`${mosaic.layer}, channel ${shown}`}
    ></pw-tensor-view>`;
  }

  override render() {
    const current = this.current();
    if (!current) return html`<p class="hint">No feature maps yet.</p>`;
    const c = current.tensor.shape[2];
    const channel = Math.min(this.channel, c - 1);
    return html`<div class="controls">
        <label
          >Layer
          <select @change=${this.onLayer} .value=${current.name}>
            ${this.layers.map(
              (l) =>
                html`<option value=${l.name} ?selected=${l.name === current.name}>
                  ${l.name} [${l.tensor.shape.join('×')}]
                </option>`,
            )}
          </select></label
        >
        <span class="hint"
          >Click or tap a tile (or use the arrow keys, then Enter) to enlarge a channel.</span
        >
      </div>
      <div class="views">${this.renderMosaic()} ${this.renderChannel(channel)}</div>`;
  }
}

customElements.define('pw-feature-grid', PwFeatureGrid);

declare global {
  interface HTMLElementTagNameMap {
    'pw-feature-grid': PwFeatureGrid;
  }
}
