/**
 * @summary Every channel of a layer at once (one mosaic, each channel normalized to its own
 * range), a layer selector, and the chosen channel enlarged with a value readout.
 *
 * @prop layers - `{ name, tensor: [H, W, C] }[]`; not owned, the caller keeps them alive.
 * @attr layer - name of the selected layer (default: the first).
 * @attr channel - selected channel (default 0). Click a tile, or move with the arrow keys over
 *   the mosaic and press Enter, to choose another.
 * @fires pw-channel - `CustomEvent<{ layer: string; channel: number }>` on a new selection.
 */
import { LitElement, css, html, nothing } from 'lit';
import * as tf from '@tensorflow/tfjs-core';
import { TensorTaskController } from './controllers/tensor-task';
import { channelMosaic, mosaicGrid } from '../lib/mosaic';
import type { PixelDetail } from './pw-tensor-view';
import './pw-tensor-view';

export interface FeatureLayer {
  readonly name: string;
  readonly tensor: tf.Tensor3D;
}

const GAP = 1;

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
  `;

  declare layers: readonly FeatureLayer[];
  declare layer: string;
  declare channel: number;
  private lastPixel: { x: number; y: number } | undefined;

  private readonly mosaic = new TensorTaskController(this, {
    args: () => {
      const current = this.current();
      return current && !current.tensor.isDisposed ? ([current.tensor] as const) : undefined;
    },
    task: ([tensor]) => channelMosaic(tensor, { gap: GAP }),
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
    this.dispatchEvent(
      new CustomEvent('pw-channel', {
        detail: { layer: current.name, channel },
        bubbles: true,
        composed: true,
      }),
    );
  }

  /** The channel whose tile holds mosaic pixel (x, y), or -1 for a gap. */
  private channelAt(x: number, y: number): number {
    const current = this.current();
    if (!current) return -1;
    const [h, w, c] = current.tensor.shape;
    const { columns } = mosaicGrid(c);
    const row = Math.floor(y / (h + GAP));
    const col = Math.floor(x / (w + GAP));
    if (y % (h + GAP) >= h || x % (w + GAP) >= w) return -1;
    const k = row * columns + col;
    return k < c ? k : -1;
  }

  private readonly onPixel = (event: CustomEvent<PixelDetail>): void => {
    this.lastPixel = { x: event.detail.x, y: event.detail.y };
  };

  private readonly onPick = (): void => {
    if (this.lastPixel) this.choose(this.channelAt(this.lastPixel.x, this.lastPixel.y));
  };

  private readonly onKey = (event: KeyboardEvent): void => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      this.onPick();
    }
  };

  private readonly onLayer = (event: Event): void => {
    this.layer = (event.target as HTMLSelectElement).value;
    this.channel = 0;
    this.lastPixel = undefined;
  };

  override render() {
    const current = this.current();
    if (!current) return html`<p class="hint">No feature maps yet.</p>`;
    const [h, w, c] = current.tensor.shape;
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
        <span class="hint">Click a tile (or arrows, then Enter) to enlarge a channel.</span>
      </div>
      <div class="views">
        ${
          this.mosaic.value
            ? html`<pw-tensor-view
                .tensor=${this.mosaic.value}
                mode="grey"
                .range=${[0, 1]}
                label=${`${current.name}: all ${c} channels, each ${h}×${w}, normalized per channel`}
                @pw-pixel=${this.onPixel}
                @click=${this.onPick}
                @keydown=${this.onKey}
              ></pw-tensor-view>`
            : nothing
        }
        <pw-tensor-view
          .tensor=${current.tensor}
          mode="diverging"
          .channel=${channel}
          label=${`${current.name}, channel ${channel}`}
        ></pw-tensor-view>
      </div>`;
  }
}

customElements.define('pw-feature-grid', PwFeatureGrid);

declare global {
  interface HTMLElementTagNameMap {
    'pw-feature-grid': PwFeatureGrid;
  }
}
