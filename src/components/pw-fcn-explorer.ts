import { LitElement, css, html, nothing } from 'lit';
import { classMapView, errorLine, progressText, statusLine } from './templates';
import * as tf from '@tensorflow/tfjs-core';
import { TensorTaskController } from './controllers/tensor-task';
import { elementStyles } from './shared-styles';
import { loadLabelMap } from '../lib/browser/model';
import { imageToTensor, loadImage } from '../lib/browser/image';
import { compute } from '../lib/browser/compute-client';
import { fromWire } from '../lib/browser/compute-wire';
import type { FcnVariant } from '../lib/fcn';
import type { FcnFigure } from '../lib/fcn/fcn-figure';
import { segmentationScores } from '../lib/fcn/metrics';
import type { FeatureLayer } from './pw-feature-grid';
import './pw-tensor-view';
import './pw-feature-grid';
import { UrlStateController } from './controllers/url-state';

const ENCODER = /^(conv|pool|fc|score_fr)/;

/** An item of the picker: an image, and for a test scene its ground-truth label PNG. */
export interface ExplorerItem {
  readonly src: string;
  readonly label?: string;
}

/** The input photo and, for a test scene, its ground truth at the same size. */
interface Input extends tf.TensorContainerObject {
  photo: tf.Tensor3D;
  /** `[size, size]` int32 class indices; undefined for an image without ground truth. */
  truth: tf.Tensor2D | undefined;
}

interface Scored extends tf.TensorContainerObject {
  figure: FcnFigure;
  /** Of the prediction against the ground truth, in [0, 1]; undefined without ground truth. */
  meanIU: number | undefined;
  pixelAccuracy: number | undefined;
}

/** Loads the image (and its label map, if any) as one input, so the two always match. */
async function loadInput(src: string, side: number, label: string | undefined): Promise<Input> {
  const photo = imageToTensor(await loadImage(src), side);
  if (!label) return { photo, truth: undefined };
  try {
    const labels = await loadLabelMap(label);
    const truth = tf.tidy(() =>
      labels.shape[0] === side && labels.shape[1] === side
        ? labels.clone()
        : (tf.cast(
            tf.squeeze(
              tf.image.resizeNearestNeighbor(tf.expandDims<tf.Tensor3D>(labels, 2), [side, side]),
              [2],
            ),
            'int32',
          ) as tf.Tensor2D),
    );
    labels.dispose();
    return { photo, truth };
  } catch (error) {
    photo.dispose();
    throw error;
  }
}

/**
 * @summary Runs the trained FCN live on a scene or photo: the input, the predicted label map
 * (hover or use the arrow keys to read a pixel's class probabilities), for a test scene its
 * ground truth and mean IU beside the prediction, and the feature maps of every layer.
 *
 * @fires pw-computed - `CustomEvent<{ ms: number; meanIU: number | null }>` after each new
 *   result (`meanIU` in [0, 1], null without ground truth).
 *
 * Needs the weights in public/weights/; if they cannot load, says so where the figure would
 * be, with a button to try again, and the rest of the page keeps working.
 */
export class PwFcnExplorer extends LitElement {
  static override properties = {
    src: { type: String },
    size: { type: Number },
    variant: { type: String },
    layers: { type: String },
    items: { type: Array },
  };
  static override styles = [
    elementStyles,
    css`
      .score strong {
        font-variant-numeric: tabular-nums;
      }
      button {
        font: inherit;
        margin-inline-start: 0.5rem;
      }
      /* Prediction and ground truth side by side at every width; the input above them on
         narrow screens. */
      .panels.with-truth {
        grid-template-columns: 1fr 1fr;
      }
      .panels.with-truth > .input {
        grid-column: 1 / -1;
        justify-self: center;
        inline-size: min(100%, 16rem);
      }
      @media (min-width: 48rem) {
        .panels.with-truth {
          grid-template-columns: repeat(3, 1fr);
        }
        .panels.with-truth > .input {
          grid-column: auto;
          inline-size: 100%;
        }
      }
    `,
  ];

  /** URL of the image (centre-cropped and resized to `size`). */
  declare src: string;
  /** Working side in pixels, a multiple of 32 (default 128). */
  declare size: number;
  /** '32s' | '16s' | '8s' (default '8s'). */
  declare variant: FcnVariant;
  /** 'all' (default) or 'encoder' (conv blocks, pools, fc6/fc7 and the coarse score). */
  declare layers: 'all' | 'encoder';
  /**
   * JSON array of `{ src, label? }` (the picker's items): an image whose item has a `label` (a
   * ground-truth PNG, pixel value = class index) is scored against it.
   */
  declare items: readonly ExplorerItem[];

  private readonly input = new TensorTaskController(this, {
    args: () =>
      this.src
        ? ([this.src, this.size, this.items.find((i) => i.src === this.src)?.label] as const)
        : undefined,
    task: ([src, side, label]) => loadInput(src, side, label),
  });
  private readonly figure: TensorTaskController<readonly [Input, FcnVariant], Scored> =
    new TensorTaskController(this, {
      announce: () => ({ meanIU: this.figure.value?.meanIU ?? null }),
      args: () => (this.input.value ? ([this.input.value, this.variant] as const) : undefined),
      // The forward pass runs in the compute worker (compute-registry.ts 'fcn'); the maps come
      // back as arrays and become tensors here only for drawing.
      task: async ([{ photo, truth }, variant], { signal }): Promise<Scored> => {
        const wire = await compute('fcn', { image: photo, truth }, { variant }, { signal });
        const { confusion, ...maps } = wire as { confusion: number[][] | undefined };
        const figure = await fromWire<FcnFigure>(maps);
        if (!confusion) return { figure, meanIU: undefined, pixelAccuracy: undefined };
        const scores = segmentationScores(confusion);
        return { figure, meanIU: scores.meanIU, pixelAccuracy: scores.pixelAccuracy };
      },
    });

  /** Settings shared by URL (`?id=...`), copy-link and PNG controls. */
  readonly share = new UrlStateController(this, ['src', 'variant:32s|16s|8s']);

  constructor() {
    super();
    this.src = '';
    this.size = 128;
    this.variant = '8s';
    this.layers = 'all';
    this.items = [];
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.setAttribute('data-needs-weights', '');
  }

  private featureLayers(f: FcnFigure): FeatureLayer[] {
    return Object.entries(f.layers)
      .filter(([name]) => this.layers === 'all' || ENCODER.test(name))
      .map(([name, tensor]) => ({ name, tensor }));
  }

  private readonly onRetry = (): void => {
    if (this.input.status === 'error') this.input.retry();
    if (this.figure.status === 'error') this.figure.retry();
  };

  private renderScore(s: Scored) {
    if (s.meanIU === undefined) return nothing;
    return html`<p class="score readout">
      Against the ground truth, FCN-${this.variant} scores a mean IU of
      <strong>${(s.meanIU * 100).toFixed(1)}%</strong> on this scene (per class, the pixels both
      maps give it divided by the pixels either gives it, averaged over the classes present) and a
      pixel accuracy of <strong>${((s.pixelAccuracy ?? NaN) * 100).toFixed(1)}%</strong>.
    </p>`;
  }

  override render() {
    const scored = this.figure.value;
    const input = this.input.value;
    const error = this.input.error ?? this.figure.error;
    return html`${errorLine(
      error,
      'Could not run the network',
      html`<button type="button" @click=${this.onRetry}>Try again</button>`,
    )}
    ${
      scored && input
        ? html`<div class="panels ${input.truth ? 'with-truth' : ''}">
              <pw-tensor-view
                class="input"
                .tensor=${input.photo}
                mode="rgb"
                label="Input"
              ></pw-tensor-view>
              ${classMapView(scored.figure.logits, `FCN-${this.variant} prediction: hover or use arrow keys for class probabilities`)}
              ${input.truth ? classMapView(input.truth, 'Ground truth: the labels the scene was made with') : nothing}
            </div>
            ${this.renderScore(scored)}
            <h3>Feature maps</h3>
            <pw-feature-grid .layers=${this.featureLayers(scored.figure)}></pw-feature-grid>`
        : nothing
    }
    ${statusLine(
      undefined,
      error
        ? ''
        : progressText(
            this.figure,
            (ms) => `FCN-${this.variant} forward pass in ${ms.toFixed(1)} ms`,
            'Loading the network and computing…',
          ),
    )}`;
  }
}

customElements.define('pw-fcn-explorer', PwFcnExplorer);

declare global {
  interface HTMLElementTagNameMap {
    'pw-fcn-explorer': PwFcnExplorer;
  }
}
