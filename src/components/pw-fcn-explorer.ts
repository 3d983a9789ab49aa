/**
 * @summary Runs the trained FCN live on a scene or photo: the input, the predicted label map
 * (hover or use the arrow keys to read a pixel's class probabilities), for a test scene its
 * ground truth and mean IU beside the prediction, and the feature maps of every layer.
 *
 * @attr src - URL of the image (centre-cropped and resized to `size`).
 * @attr size - working side in pixels, a multiple of 32 (default 128).
 * @attr variant - '32s' | '16s' | '8s' (default '8s').
 * @attr layers - 'all' (default) or 'encoder' (conv blocks, pools, fc6/fc7 and the coarse score).
 * @attr items - JSON array of `{ src, label? }` (the picker's items): an image whose item has a
 *   `label` (a ground-truth PNG, pixel value = class index) is scored against it.
 * @fires pw-computed - `CustomEvent<{ ms: number; meanIU: number | null }>` after each new
 *   result (`meanIU` in [0, 1], null without ground truth).
 *
 * Needs the weights in public/weights/; if they cannot load, says so where the figure would
 * be, with a button to try again, and the rest of the page keeps working.
 */
import { LitElement, css, html, nothing } from 'lit';
import { classMapView, progressText, statusLine } from './templates';
import * as tf from '@tensorflow/tfjs-core';
import { TensorTaskController, errorMessage } from './controllers/tensor-task';
import { elementStyles } from './shared-styles';
import { loadLabelMap, loadModel } from '../lib/browser/model';
import { imageToTensor, loadImage } from '../lib/browser/image';
import { disposeFcnResult, fcnForward, type FcnVariant } from '../lib/fcn';
import { FCN_CLASSES } from '../lib/classes';
import { confusionTensor } from '../lib/confusion';
import { segmentationScores } from '../lib/metrics';
import type { FcnWeights } from '../lib/weights';
import type { FeatureLayer } from './pw-feature-grid';
import './pw-tensor-view';
import './pw-feature-grid';
import { UrlStateController } from './controllers/url-state';

export interface FcnFigure extends tf.TensorContainerObject {
  /** `[H, W, 11]` class scores at input resolution. */
  logits: tf.Tensor3D;
  /** Every intermediate, batch dimension dropped, in computation order. */
  layers: Record<string, tf.Tensor3D>;
}

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

/** Runs the FCN on `[H, W, 3]` and keeps the intermediates as `[h, w, c]` tensors. */
export function fcnFigure(
  weights: FcnWeights,
  image: tf.Tensor3D,
  variant: FcnVariant,
  skipWeights?: { pool4: number; pool3: number },
): FcnFigure {
  return tf.tidy(() => {
    const result = fcnForward(
      weights,
      tf.expandDims(image, 0),
      skipWeights ? { variant, skipWeights } : { variant },
    );
    const layers: Record<string, tf.Tensor3D> = {};
    for (const [name, t] of result.intermediates) layers[name] = tf.squeeze(t, [0]);
    const logits = tf.squeeze<tf.Tensor3D>(result.logits, [0]);
    disposeFcnResult(result);
    return { logits, layers };
  });
}

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

  declare src: string;
  declare size: number;
  declare variant: FcnVariant;
  declare layers: 'all' | 'encoder';
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
      task: async ([{ photo, truth }, variant]): Promise<Scored> => {
        const figure = fcnFigure(await loadModel(), photo, variant);
        if (!truth) return { figure, meanIU: undefined, pixelAccuracy: undefined };
        try {
          const confusion = tf.tidy(() =>
            confusionTensor(tf.argMax(figure.logits, 2), truth, FCN_CLASSES.length),
          );
          const counts = await confusion.array();
          confusion.dispose();
          const scores = segmentationScores(counts);
          return { figure, meanIU: scores.meanIU, pixelAccuracy: scores.pixelAccuracy };
        } catch (error) {
          tf.dispose(figure);
          throw error;
        }
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
    return html`${
      error
        ? html`<p class="error" role="alert">
            Could not run the network: ${errorMessage(error)}<button
              type="button"
              @click=${this.onRetry}
            >
              Try again
            </button>
          </p>`
        : nothing
    }
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
