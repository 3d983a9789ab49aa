/**
 * @summary FCN-32s, 16s and 8s side by side on test scenes with ground truth: every stream's
 * score map and the fused sums for one class, skip-weight sliders, and this image's IU live.
 *
 * @attr items - JSON array of `{ id, title, src, label }` test scenes (label = ground-truth PNG).
 * @attr variant - '32s' | '16s' | '8s' (default '8s').
 * @fires pw-computed - `CustomEvent<{ ms: number; meanIU: number }>` after each new result.
 */
import { LitElement, css, html, nothing } from 'lit';
import { classMapView, progressText, rangeControl, statusLine } from './templates';
import * as tf from '@tensorflow/tfjs-core';
import { TensorTaskController, errorMessage } from './controllers/tensor-task';
import { photoController } from './controllers/photo';
import { elementStyles } from './shared-styles';
import { loadLabelMap, loadModel } from '../lib/browser/model';
import type { FcnVariant } from '../lib/fcn';
import { FCN_CLASSES } from '../lib/classes';
import { confusionTensor } from '../lib/confusion';
import { segmentationScores, type SegmentationScores } from '../lib/metrics';
import { fcnFigure } from './pw-fcn-explorer';
import './pw-tensor-view';

interface SceneItem {
  readonly id: string;
  readonly title: string;
  readonly src: string;
  readonly label: string;
}

/** Stages shown as streams, in the order the data flows, with what each one is. */
const STREAMS: readonly (readonly [string, string])[] = [
  ['score_fr', 'score_fr: coarse scores from fc7 (stride 32)'],
  ['upscore2', 'upscore2: coarse scores, 2× deconvolution'],
  ['score_pool4', 'score_pool4: 1×1 scores from pool4 (stride 16)'],
  ['fuse_pool4', 'fuse_pool4 = upscore2 + w₄ · score_pool4'],
  ['upscore_pool4', 'upscore_pool4: fused, 2× deconvolution'],
  ['score_pool3', 'score_pool3: 1×1 scores from pool3 (stride 8)'],
  ['fuse_pool3', 'fuse_pool3 = upscore_pool4 + w₃ · score_pool3'],
];

export class PwSkipFusion extends LitElement {
  static override properties = {
    items: { type: Array },
    scene: { type: Number },
    variant: { type: String },
    pool4: { type: Number },
    pool3: { type: Number },
    classIndex: { type: Number, attribute: 'class-index' },
    scores: { state: true },
  };
  static override styles = [
    elementStyles,
    css`
      .streams {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(min(100%, 9rem), 1fr));
        gap: 0.75rem;
      }
      select {
        font: inherit;
        background: var(--pw-surface, #fff);
        color: var(--pw-text, #111);
        border: 1px solid var(--pw-border, #ccc);
        border-radius: 0.25rem;
      }
    `,
  ];

  declare items: SceneItem[];
  declare scene: number;
  declare variant: FcnVariant;
  declare pool4: number;
  declare pool3: number;
  declare classIndex: number;
  declare scores: SegmentationScores | undefined;

  private current(): SceneItem | undefined {
    return this.items[this.scene] ?? this.items[0];
  }

  private readonly photo = photoController(this, () => ({
    src: this.current()?.src ?? '',
    side: 128,
  }));
  private readonly truth = new TensorTaskController(this, {
    args: () => {
      const label = this.current()?.label;
      return label ? ([label] as const) : undefined;
    },
    task: ([url]) => loadLabelMap(url),
  });
  private readonly figure = new TensorTaskController(this, {
    announce: () => ({ meanIU: this.scores?.meanIU ?? NaN }),
    args: () =>
      this.photo.value && this.truth.value
        ? ([this.photo.value, this.truth.value, this.variant, this.pool4, this.pool3] as const)
        : undefined,
    task: async ([photo, truth, variant, pool4, pool3]) => {
      const f = fcnFigure(await loadModel(), photo, variant, { pool4, pool3 });
      try {
        const confusion = tf.tidy(() =>
          confusionTensor(tf.argMax(f.logits, 2), truth, FCN_CLASSES.length),
        );
        const counts = await confusion.array();
        confusion.dispose();
        this.scores = segmentationScores(counts);
        return f;
      } catch (error) {
        // A newer scene may have disposed `truth` meanwhile (this run is then superseded).
        tf.dispose(f);
        throw error;
      }
    },
  });

  constructor() {
    super();
    this.items = [];
    this.scene = 0;
    this.variant = '8s';
    this.pool4 = 1;
    this.pool3 = 1;
    this.classIndex = 0;
    this.scores = undefined;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.setAttribute('data-needs-weights', '');
  }

  private readonly onScene = (e: Event) => {
    this.scene = Number((e.target as HTMLSelectElement).value);
  };
  private readonly onVariant = (e: Event) => {
    this.variant = (e.target as HTMLInputElement).value as FcnVariant;
  };
  private readonly onClass = (e: Event) => {
    this.classIndex = Number((e.target as HTMLSelectElement).value);
  };

  private renderControls() {
    return html`<div class="controls">
      <label
        >Scene
        <select @change=${this.onScene} .value=${String(this.scene)}>
          ${this.items.map((s, i) => html`<option value=${i} ?selected=${i === this.scene}>${s.title}</option>`)}
        </select></label
      >
      <fieldset>
        <legend>Network</legend>
        ${(['32s', '16s', '8s'] as const).map(
          (v) =>
            html`<label
              ><input
                type="radio"
                name="variant"
                value=${v}
                .checked=${this.variant === v}
                @change=${this.onVariant}
              />FCN-${v}</label
            >`,
        )}
      </fieldset>
      ${rangeControl({
        label: 'pool4 skip weight w₄',
        name: 'pool4',
        min: 0,
        max: 2,
        step: 0.25,
        value: this.pool4,
        readout: this.pool4.toFixed(2),
        disabled: this.variant === '32s',
        onInput: (v) => (this.pool4 = v),
      })}
      ${rangeControl({
        label: 'pool3 skip weight w₃',
        name: 'pool3',
        min: 0,
        max: 2,
        step: 0.25,
        value: this.pool3,
        readout: this.pool3.toFixed(2),
        disabled: this.variant !== '8s',
        onInput: (v) => (this.pool3 = v),
      })}
      <label
        >Stream maps for class
        <select @change=${this.onClass} .value=${String(this.classIndex)}>
          ${FCN_CLASSES.map((name, k) => html`<option value=${k} ?selected=${k === this.classIndex}>${name}</option>`)}
        </select></label
      >
    </div>`;
  }

  override render() {
    const f = this.figure.value;
    const error = this.photo.error ?? this.truth.error ?? this.figure.error;
    const s = this.scores;
    return html`${this.renderControls()}
    ${error ? html`<p class="error" role="alert">Could not run the network: ${errorMessage(error)}</p>` : nothing}
    ${
      s
        ? html`<p class="readout">
            This image, FCN-${this.variant}: mean IU
            <strong>${(s.meanIU * 100).toFixed(1)}</strong> · pixel accuracy
            <strong>${(s.pixelAccuracy * 100).toFixed(1)}%</strong>
          </p>`
        : nothing
    }
    ${
      f && this.photo.value && this.truth.value
        ? html`<div class="panels">
              <pw-tensor-view
                .tensor=${this.photo.value}
                mode="rgb"
                label="Test scene"
              ></pw-tensor-view>
              ${classMapView(this.truth.value, 'Ground truth')}
              ${classMapView(f.logits, `FCN-${this.variant} prediction`)}
            </div>
            <h3>Streams for “${FCN_CLASSES[this.classIndex] ?? ''}”</h3>
            <div class="streams">
              ${STREAMS.filter(([name]) => f.layers[name]).map(
                ([name, caption]) =>
                  html`<pw-tensor-view
                    .tensor=${f.layers[name]}
                    mode="diverging"
                    .channel=${this.classIndex}
                    label=${`${caption}, ${f.layers[name]?.shape[0] ?? 0}×${f.layers[name]?.shape[1] ?? 0}`}
                  ></pw-tensor-view>`,
              )}
            </div>`
        : nothing
    }
    ${statusLine(
      undefined,
      error
        ? ''
        : progressText(
            this.figure,
            (ms) => `Forward pass in ${ms.toFixed(1)} ms`,
            'Loading the network and computing…',
          ),
    )}`;
  }
}

customElements.define('pw-skip-fusion', PwSkipFusion);

declare global {
  interface HTMLElementTagNameMap {
    'pw-skip-fusion': PwSkipFusion;
  }
}
