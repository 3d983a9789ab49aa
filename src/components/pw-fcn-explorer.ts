/**
 * @summary Runs the trained FCN live on a scene or photo: the input, the predicted label map
 * (hover or use the arrow keys to read a pixel's class probabilities), and the feature maps
 * of every layer.
 *
 * @attr src - URL of the image (centre-cropped and resized to `size`).
 * @attr size - working side in pixels, a multiple of 32 (default 128).
 * @attr variant - '32s' | '16s' | '8s' (default '8s').
 * @attr layers - 'all' (default) or 'encoder' (conv blocks, pools, fc6/fc7 and the coarse score).
 * @fires pw-computed - `CustomEvent<{ ms: number }>` after each new result.
 *
 * Needs the weights in public/weights/; if they cannot load, says so where the figure would
 * be, and the rest of the page keeps working.
 */
import { LitElement, html, nothing } from 'lit';
import { classMapView, progressText, statusLine } from './templates';
import * as tf from '@tensorflow/tfjs-core';
import { TensorTaskController, errorMessage } from './controllers/tensor-task';
import { photoController } from './controllers/photo';
import { elementStyles } from './shared-styles';
import { loadModel } from '../lib/browser/model';
import { disposeFcnResult, fcnForward, type FcnVariant } from '../lib/fcn';
import type { FcnWeights } from '../lib/weights';
import type { FeatureLayer } from './pw-feature-grid';
import './pw-tensor-view';
import './pw-feature-grid';

export interface FcnFigure extends tf.TensorContainerObject {
  /** `[H, W, 11]` class scores at input resolution. */
  logits: tf.Tensor3D;
  /** Every intermediate, batch dimension dropped, in computation order. */
  layers: Record<string, tf.Tensor3D>;
}

const ENCODER = /^(conv|pool|fc|score_fr)/;

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
  };
  static override styles = elementStyles;

  declare src: string;
  declare size: number;
  declare variant: FcnVariant;
  declare layers: 'all' | 'encoder';

  private readonly photo = photoController(this, () => ({ src: this.src, side: this.size }));
  private readonly figure = new TensorTaskController(this, {
    announce: true,
    args: () => (this.photo.value ? ([this.photo.value, this.variant] as const) : undefined),
    task: async ([photo, variant]) => fcnFigure(await loadModel(), photo, variant),
  });

  constructor() {
    super();
    this.src = '';
    this.size = 128;
    this.variant = '8s';
    this.layers = 'all';
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

  override render() {
    const f = this.figure.value;
    const error = this.photo.error ?? this.figure.error;
    return html`${
      error
        ? html`<p class="error" role="alert">Could not run the network: ${errorMessage(error)}</p>`
        : nothing
    }
    ${
      f && this.photo.value
        ? html`<div class="panels">
              <pw-tensor-view .tensor=${this.photo.value} mode="rgb" label="Input"></pw-tensor-view>
              ${classMapView(f.logits, `FCN-${this.variant} prediction: hover or use arrow keys for class probabilities`)}
            </div>
            <h3>Feature maps</h3>
            <pw-feature-grid .layers=${this.featureLayers(f)} layer="pool5"></pw-feature-grid>`
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
