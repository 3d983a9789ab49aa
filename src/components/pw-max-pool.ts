/**
 * @summary Max-pools a real photo live: a pool-size slider (1..8, stride = size) redraws the
 * pooled output next to the input.
 *
 * @attr src - URL of the photo (any size; centre-cropped and resized to `working-size`).
 * @attr working-size - side of the square input in pixels (default 256).
 * @attr size - initial pool size (default 2).
 * @fires pw-computed - `CustomEvent<{ ms: number; outShape: number[] }>` after each redraw.
 * @csspart canvas - the input and output canvases.
 *
 * Children are the static fallback (an image and caption); they show until the element
 * upgrades, and stay the whole story for readers without scripts.
 */
import { LitElement, html, type PropertyValues } from 'lit';
import * as tf from '@tensorflow/tfjs-core';
import { TensorTaskController } from './controllers/tensor-task';
import { elementStyles } from './shared-styles';
import { drawTensor, imageToTensor, loadImage } from '../lib/browser/image';
import { maxPool2d } from '../lib/pool-basic';
import { errorMessage } from './controllers/tensor-task';

export interface ComputedDetail {
  readonly ms: number;
  readonly outShape: readonly number[];
}

export class PwMaxPool extends LitElement {
  static override properties = {
    src: { type: String },
    workingSize: { type: Number, attribute: 'working-size' },
    size: { type: Number },
  };
  static override styles = elementStyles;

  declare src: string;
  declare workingSize: number;
  declare size: number;

  private drawnPhoto: tf.Tensor | undefined;
  private drawnResult: tf.Tensor | undefined;

  private readonly photo = new TensorTaskController(this, {
    args: () => (this.src ? ([this.src, this.workingSize] as const) : undefined),
    task: async ([src, side]) => imageToTensor(await loadImage(src), side),
  });

  private readonly pooled = new TensorTaskController(this, {
    args: () => (this.photo.value ? ([this.photo.value, this.size] as const) : undefined),
    task: ([photo, size]) => maxPool2d(photo, size),
  });

  constructor() {
    super();
    this.src = '';
    this.workingSize = 256;
    this.size = 2;
  }

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    void this.draw();
  }

  /** Draws whichever input/output is newer than what the canvases show. */
  private async draw(): Promise<void> {
    const input = this.renderRoot.querySelector<HTMLCanvasElement>('canvas.input');
    const output = this.renderRoot.querySelector<HTMLCanvasElement>('canvas.output');
    const photo = this.photo.value;
    if (input && photo && photo !== this.drawnPhoto) {
      this.drawnPhoto = photo;
      await drawTensor(photo, input);
    }
    const result = this.pooled.value;
    if (output && result && this.pooled.status === 'complete' && result !== this.drawnResult) {
      this.drawnResult = result;
      const size = this.size;
      // drawTensor copies the tensor synchronously, so a newer result may dispose this one.
      await drawTensor(result, output);
      output.dataset['shown'] = String(size);
      this.dispatchEvent(
        new CustomEvent<ComputedDetail>('pw-computed', {
          detail: { ms: this.pooled.lastMs, outShape: result.shape },
          bubbles: true,
          composed: true,
        }),
      );
    }
  }

  private readonly onInput = (event: Event): void => {
    this.size = Number((event.target as HTMLInputElement).value);
  };

  override render() {
    const out = this.pooled.value?.shape;
    const error = this.photo.error ?? this.pooled.error;
    return html`
      <div class="controls">
        <label>
          Pool size (stride = size)
          <input
            type="range"
            min="1"
            max="8"
            step="1"
            .value=${String(this.size)}
            aria-valuetext=${`${this.size} by ${this.size}`}
            @input=${this.onInput}
          />
          <output>${this.size}×${this.size}</output>
        </label>
      </div>
      <div class="panels">
        <figure>
          <canvas class="input" part="canvas" role="img" aria-label="Input photo"></canvas>
          <figcaption>Input, ${this.workingSize}×${this.workingSize}</figcaption>
        </figure>
        <figure>
          <canvas class="output" part="canvas" role="img" aria-label="Max-pooled photo"></canvas>
          <figcaption>
            Max-pooled${out ? html`, ${out[0]}×${out[1]}` : ''}: each pixel is the largest value in
            its ${this.size}×${this.size} window
          </figcaption>
        </figure>
      </div>
      <p class="status ${error ? 'error' : ''}" role="status" aria-live="polite">
        ${
          error
            ? `Could not compute this figure: ${errorMessage(error)}`
            : this.pooled.status === 'complete'
              ? `Computed in ${this.pooled.lastMs.toFixed(1)} ms`
              : 'Computing…'
        }
      </p>
    `;
  }
}

customElements.define('pw-max-pool', PwMaxPool);

declare global {
  interface HTMLElementTagNameMap {
    'pw-max-pool': PwMaxPool;
  }
}
