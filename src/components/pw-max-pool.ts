/**
 * @summary Pools a real photo live: pool size and stride sliders (1..8) and a max/average
 * switch redraw the pooled output next to the input.
 *
 * @attr src - URL of the photo (any size; centre-cropped and resized to `working-size`).
 * @attr working-size - side of the square input in pixels (default 256).
 * @attr size - initial pool size (default 2).
 * @attr stride - initial stride (default 2).
 * @attr mode - 'max' or 'average' (default 'max').
 * @fires pw-computed - `CustomEvent<{ ms: number; outShape: number[] }>` after each redraw.
 * @csspart canvas - the input and output canvases.
 *
 * Children are the static fallback (an image and caption); they show until the element
 * upgrades, and stay the whole story for readers without scripts.
 */
import { LitElement, html, type PropertyValues } from 'lit';
import { progressText, rangeControl, statusLine } from './templates';
import * as tf from '@tensorflow/tfjs-core';
import { TensorTaskController } from './controllers/tensor-task';
import { elementStyles } from './shared-styles';
import { drawTensor } from '../lib/browser/image';
import { maxPool2d } from '../lib/pool-basic';
import { avgPool } from '../lib/pooling';
import { photoController } from './controllers/photo';

export interface ComputedDetail {
  readonly ms: number;
  readonly outShape: readonly number[];
}

export class PwMaxPool extends LitElement {
  static override properties = {
    src: { type: String },
    workingSize: { type: Number, attribute: 'working-size' },
    size: { type: Number },
    stride: { type: Number },
    mode: { type: String },
  };
  static override styles = elementStyles;

  declare src: string;
  declare workingSize: number;
  declare size: number;
  declare stride: number;
  declare mode: 'max' | 'average';

  private drawnPhoto: tf.Tensor | undefined;
  private drawnResult: tf.Tensor | undefined;

  private readonly photo = photoController(this, () => ({ src: this.src, side: this.workingSize }));

  private readonly pooled = new TensorTaskController(this, {
    args: () =>
      this.photo.value
        ? ([this.photo.value, this.size, this.stride, this.mode] as const)
        : undefined,
    task: ([photo, size, stride, mode]) =>
      mode === 'average' ? avgPool(photo, { size, stride }) : maxPool2d(photo, size, stride),
  });

  constructor() {
    super();
    this.src = '';
    this.workingSize = 256;
    this.size = 2;
    this.stride = 2;
    this.mode = 'max';
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
      const shown = `${this.mode} ${this.size} ${this.stride}`;
      // drawTensor copies the tensor synchronously, so a newer result may dispose this one.
      await drawTensor(result, output);
      output.dataset['shown'] = shown;
      this.dispatchEvent(
        new CustomEvent<ComputedDetail>('pw-computed', {
          detail: { ms: this.pooled.lastMs, outShape: result.shape },
          bubbles: true,
          composed: true,
        }),
      );
    }
  }

  private readonly onMode = (event: Event): void => {
    this.mode = (event.target as HTMLInputElement).value === 'average' ? 'average' : 'max';
  };

  override render() {
    const out = this.pooled.value?.shape;
    const error = this.photo.error ?? this.pooled.error;
    return html`
      <div class="controls">
        ${rangeControl({
          label: 'Pool size',
          name: 'size',
          min: 1,
          max: 8,
          value: this.size,
          readout: `${this.size}×${this.size}`,
          valueText: `${this.size} by ${this.size}`,
          onInput: (v) => (this.size = v),
        })}
        ${rangeControl({
          label: 'Stride',
          name: 'stride',
          min: 1,
          max: 8,
          value: this.stride,
          onInput: (v) => (this.stride = v),
        })}
        <fieldset class="mode">
          <legend>Pooling</legend>
          ${(['max', 'average'] as const).map(
            (m) =>
              html`<label
                ><input
                  type="radio"
                  name="mode"
                  value=${m}
                  .checked=${this.mode === m}
                  @change=${this.onMode}
                />${m}</label
              >`,
          )}
        </fieldset>
      </div>
      <div class="panels">
        <figure>
          <canvas class="input" part="canvas" role="img" aria-label="Input photo"></canvas>
          <figcaption>Input, ${this.workingSize}×${this.workingSize}</figcaption>
        </figure>
        <figure>
          <canvas class="output" part="canvas" role="img" aria-label="Pooled photo"></canvas>
          <figcaption>
            Max-pooled${out ? html`, ${out[0]}×${out[1]}` : ''}: each pixel is the largest value in
            its ${this.size}×${this.size} window
          </figcaption>
        </figure>
      </div>
      ${statusLine(error, progressText(this.pooled))}
    `;
  }
}

customElements.define('pw-max-pool', PwMaxPool);

declare global {
  interface HTMLElementTagNameMap {
    'pw-max-pool': PwMaxPool;
  }
}
