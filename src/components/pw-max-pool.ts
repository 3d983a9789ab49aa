import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { emit } from './events';
import { errorAlert, progressText, rangeControl, statusLine, radioGroup } from './templates';
import type * as tf from '@tensorflow/tfjs-core';
import { TensorTaskController, retryFailed } from './controllers/tensor-task';
import { elementStyles } from './shared-styles';
import { drawTensor } from '../lib/browser/image';
import { compute } from '../lib/browser/compute-client';
import { fromWire } from '../lib/browser/compute-wire';
import type { PoolMode } from '../lib/pooling/index';
import { photoController } from './controllers/photo';
import { UrlStateController } from './controllers/url-state';

export interface ComputedDetail {
  readonly ms: number;
  readonly outShape: readonly number[];
}

/** A pooled map and the settings it was computed with. */
interface Pooled extends tf.TensorContainerObject {
  map: tf.Tensor3D;
  mode: PoolMode;
  size: number;
  stride: number;
}

/** The pooling switch's choices. */
const MODE_OPTIONS = [
  { value: 'max', label: 'max' },
  { value: 'average', label: 'average' },
] as const;

/**
 * @summary Pools a real photo live: pool size and stride sliders (1..8) and a max/average
 * switch redraw the pooled output next to the input, once at its true size (one screen pixel
 * per value, so the shrinkage shows) and once magnified to the input's size (so the loss of
 * detail shows).
 *
 * @fires pw-computed - `CustomEvent<{ ms: number; outShape: number[] }>` after each redraw.
 * @csspart canvas - the input and output canvases. The output canvas carries `data-shown`
 *   (`mode size stride`) once drawn; its width and height are the pooled map's.
 *
 * Children are the static fallback (an image and caption); they show until the element
 * upgrades, and stay the whole story for readers without scripts.
 */
export class PwMaxPool extends LitElement {
  static override properties = {
    src: { type: String },
    workingSize: { type: Number, attribute: 'working-size' },
    size: { type: Number },
    stride: { type: Number },
    mode: { type: String },
  };
  static override styles = [
    elementStyles,
    css`
      .panels {
        display: flex;
        flex-wrap: wrap;
        align-items: flex-end;
        gap: 0.75rem;
      }
      figure {
        inline-size: var(--side);
        max-inline-size: 100%;
      }
      /* One CSS pixel per value: the pooled map's true size beside the input's. */
      canvas.true-size {
        inline-size: auto;
        max-inline-size: 100%;
        aspect-ratio: auto;
      }
      canvas.magnified {
        inline-size: var(--side);
        max-inline-size: 100%;
      }
      figure.small {
        inline-size: 5.5rem;
      }
    `,
  ];

  /** URL of the photo (any size; centre-cropped and resized to `working-size`). */
  declare src: string;
  /** Side of the square input in pixels (default 256). */
  declare workingSize: number;
  /** Initial pool size (default 4). */
  declare size: number;
  /** Initial stride (default 4). */
  declare stride: number;
  /** 'max' or 'average' (default 'max'). */
  declare mode: PoolMode;

  private drawnPhoto: tf.Tensor | undefined;
  private drawnResult: Pooled | undefined;

  private readonly photo = photoController(this, () => ({ src: this.src, side: this.workingSize }));

  private readonly pooled = new TensorTaskController(this, {
    args: () =>
      this.photo.value
        ? ([this.photo.value, this.size, this.stride, this.mode] as const)
        : undefined,
    // The pooling runs in the compute worker (figures/pooling.ts 'max-pool').
    task: async ([photo, size, stride, mode], { signal }): Promise<Pooled> => {
      const wire = await compute('max-pool', { image: photo }, { size, stride, mode }, { signal });
      return { map: await fromWire<tf.Tensor3D>(wire), mode, size, stride };
    },
  });

  private readonly onRetry = (): void => {
    retryFailed(this.photo, this.pooled);
  };

  /** Settings shared by URL (`?id=...`), copy-link and PNG controls. */
  readonly share = new UrlStateController(this, [
    'src',
    'size:int:1..8',
    'stride:int:1..8',
    'mode:max|average',
  ]);

  constructor() {
    super();
    this.src = '';
    this.workingSize = 256;
    this.size = 4;
    this.stride = 4;
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
    const magnified = this.renderRoot.querySelector<HTMLCanvasElement>('canvas.magnified');
    const photo = this.photo.value;
    if (input && photo && photo !== this.drawnPhoto) {
      this.drawnPhoto = photo;
      await drawTensor(photo, input);
    }
    const result = this.pooled.value;
    if (output && result && this.pooled.status === 'complete' && result !== this.drawnResult) {
      this.drawnResult = result;
      const shown = `${result.mode} ${result.size} ${result.stride}`;
      // drawTensor copies the tensor synchronously, so a newer result may dispose this one.
      await Promise.all([
        drawTensor(result.map, output),
        magnified ? drawTensor(result.map, magnified) : Promise.resolve(),
      ]);
      output.dataset['shown'] = shown;
      emit<ComputedDetail>(this, 'pw-computed', {
        ms: this.pooled.lastMs,
        outShape: result.map.shape,
      });
    }
  }

  private readonly onMode = (mode: PoolMode): void => {
    this.mode = mode;
  };

  override render() {
    const out = this.pooled.value?.map.shape;
    const error = this.photo.error ?? this.pooled.error;
    // The captions describe the map on screen, which may trail the controls by one run.
    const { mode, size, stride } = this.pooled.value ?? this;
    const window = `${size}×${size}`;
    const what =
      mode === 'average'
        ? `Each value is the mean of its ${window} window`
        : `Each value is the largest in its ${window} window`;
    const [oh = 0, ow = 0] = out ?? [];
    const share = (oh * ow) / (this.workingSize * this.workingSize);
    const kept =
      share >= 0.5
        ? `${(share * 100).toFixed(0)} % of the values kept`
        : `1 value in ${Math.round(1 / share)} kept`;
    const cell =
      mode === 'average'
        ? 'Edges and fine texture blur into the block’s mean.'
        : 'Bright details survive and grow; where in the block they were is gone.';
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
        ${radioGroup({
          legend: 'Pooling',
          name: 'mode',
          options: MODE_OPTIONS,
          value: this.mode,
          onChange: this.onMode,
        })}
      </div>
      <div class="panels" style=${`--side: ${this.workingSize}px`}>
        <figure>
          <canvas
            class="input true-size"
            part="canvas"
            role="img"
            aria-label="Input photo"
          ></canvas>
          <figcaption>Input, ${this.workingSize}×${this.workingSize}</figcaption>
        </figure>
        <figure class="small">
          <canvas
            class="output true-size"
            part="canvas"
            role="img"
            aria-label="Pooled photo at its true size"
          ></canvas>
          <figcaption>
            ${mode === 'average' ? 'Average' : 'Max'}-pooled${out ? html`, ${out[0]}×${out[1]} at true size: ${kept}` : ''}
          </figcaption>
        </figure>
        <figure>
          <canvas
            class="magnified"
            part="canvas"
            role="img"
            aria-label="Pooled photo magnified to the input's size"
          ></canvas>
          <figcaption>
            The same map stretched to the input’s size. ${what}, and fills a ${stride}×${stride}
            block here. ${cell}
          </figcaption>
        </figure>
      </div>
      ${error ? errorAlert('Could not compute this figure', error, this.onRetry) : nothing}
      ${statusLine(undefined, error ? '' : progressText(this.pooled))}
    `;
  }
}

customElements.define('pw-max-pool', PwMaxPool);

declare global {
  interface HTMLElementTagNameMap {
    'pw-max-pool': PwMaxPool;
  }
}
