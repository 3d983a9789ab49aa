import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { emit } from './events';
import {
  classMapView,
  errorAlert,
  progressText,
  rangeControl,
  statusLine,
  indexSelect,
  sceneSelect,
  radioGroup,
} from './templates';
import * as tf from '@tensorflow/tfjs-core';
import { TensorTaskController, retryFailed } from './controllers/tensor-task';
import { labelMapController, photoController } from './controllers/photo';
import { elementStyles } from './shared-styles';
import { compute } from '../lib/browser/compute-client';
import { fromWire } from '../lib/browser/compute-wire';
import type { FcnVariant } from '../lib/fcn';
import { FCN_CLASSES } from '../lib/fcn/classes';
import { segmentationScores } from '../lib/fcn/metrics';
import {
  SKIP_STREAMS,
  SKIP_VARIANTS,
  STREAMS_OF,
  type SkipFusionResult,
  type SkipStream,
} from '../lib/fcn/skip-fusion';
import type { Range } from '../lib/colormap';
import './pw-tensor-view';
import { UrlStateController } from './controllers/url-state';

interface SceneItem {
  readonly id: string;
  readonly title: string;
  readonly src: string;
  readonly label: string;
}

/** What each stream is, for its caption. */
const CAPTIONS: Readonly<Record<SkipStream, string>> = {
  score_fr: 'score_fr: scores from fc7 (stride 32)',
  upscore2: 'upscore2: score_fr, 2× deconvolution',
  score_pool4: 'score_pool4: scores from pool4 (stride 16)',
  fuse_pool4: 'fuse_pool4 = upscore2 + w₄ · score_pool4',
  upscore_pool4: 'upscore_pool4: fuse_pool4, 2× deconvolution',
  score_pool3: 'score_pool3: scores from pool3 (stride 8)',
  fuse_pool3: 'fuse_pool3 = upscore_pool4 + w₃ · score_pool3',
};

/** Numbers read back once per run, committed with its tensors. */
type Readouts = {
  /** Mean IU, pixel accuracy and share of pixels called background, per SKIP_VARIANTS. */
  meanIU: number[];
  pixelAccuracy: number[];
  background: number[];
  /** `[stream][class]` largest |score|, streams in SKIP_STREAMS order. */
  absMax: number[][];
  /** Ground-truth pixels per class. */
  truthCounts: number[];
};

type Result = { figure: SkipFusionResult; readouts: Readouts };

/** The variant switch's choices. */
const VARIANT_OPTIONS = SKIP_VARIANTS.map((v) => ({ value: v, label: `FCN-${v}` }));

/**
 * @summary FCN-32s, 16s and 8s side by side on a test scene with its ground truth and each
 * network's mean IU on it; below, one network's streams for one class on one shared colour
 * scale, with each stream's largest magnitude as a bar; skip-weight sliders.
 *
 * @fires pw-stream - `CustomEvent<{ stream: SkipStream; variant: FcnVariant; src: string }>` when
 *   the reader asks to see a stream in the network diagram (its button, shown when `linked`).
 * @fires pw-computed - `CustomEvent<{ ms: number; meanIU: number; meanIUs: number[] }>` after
 *   each new result: mean IU of `variant`, and of 32s, 16s, 8s in that order.
 */
export class PwSkipFusion extends LitElement {
  static override properties = {
    items: { type: Array },
    scene: { type: Number },
    variant: { type: String },
    pool4: { type: Number },
    pool3: { type: Number },
    classIndex: { type: Number, attribute: 'class-index' },
    highlight: { type: String },
    linked: { type: Boolean },
  };
  static override styles = [
    elementStyles,
    css`
      .streams-title {
        margin: 1rem 0 0.4rem;
        font-weight: 600;
      }
      :host {
        container-type: inline-size;
      }
      .compare {
        display: grid;
        grid-template-columns: repeat(6, minmax(0, 1fr));
        gap: 0.75rem;
      }
      .compare > .input {
        grid-column: span 3;
      }
      .compare > .net {
        grid-column: span 2;
        border-radius: 0.35rem;
        outline-offset: 3px;
      }
      .compare > .net.shown {
        outline: 2px solid var(--pw-accent, #2456c9);
      }
      @container (min-width: 34rem) {
        .compare {
          grid-template-columns: repeat(5, minmax(0, 1fr));
        }
        .compare > .input,
        .compare > .net {
          grid-column: auto;
        }
      }
      .streams {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(min(100%, 8.5rem), 1fr));
        gap: 0.75rem;
      }
      .stream {
        border-radius: 0.35rem;
        outline-offset: 3px;
      }
      .stream.highlight {
        outline: 2px solid var(--pw-warn, #9a5b00);
      }
      .to-diagram {
        font: inherit;
        font-size: 0.8rem;
        margin-block-start: 0.25rem;
      }
      .magnitudes {
        inline-size: 100%;
        border-collapse: collapse;
        font-size: 0.85rem;
        margin: 0.75rem 0 0;
      }
      .magnitudes caption {
        text-align: start;
        color: var(--pw-muted, #555);
        padding-block-end: 0.25rem;
      }
      .magnitudes th {
        font-family: ui-monospace, 'DejaVu Sans Mono', monospace;
        font-weight: normal;
        text-align: start;
        white-space: nowrap;
        padding-inline-end: 0.5rem;
      }
      .magnitudes .bar-cell {
        inline-size: 100%;
      }
      .magnitudes td:last-child {
        font-variant-numeric: tabular-nums;
        text-align: end;
        padding-inline-start: 0.5rem;
      }
      .magnitudes .bar {
        block-size: 0.7rem;
        background: var(--pw-accent, #2456c9);
        border-radius: 0.15rem;
        min-inline-size: 1px;
      }
    `,
  ];

  /** JSON array of `{ id, title, src, label }` test scenes (label = ground-truth PNG). */
  declare items: SceneItem[];
  /** Index of the scene shown (default 0). */
  declare scene: number;
  /** Whose streams are shown: '32s' | '16s' | '8s' (default '8s'). */
  declare variant: FcnVariant;
  /** Skip weight w₄ on score_pool4 (FCN-16s and 8s), 0..2, default 1 (as trained). */
  declare pool4: number;
  /** Skip weight w₃ on score_pool3 (FCN-8s), 0..2, default 1. */
  declare pool3: number;
  /** Class whose streams are shown; -1 (default) = the scene's largest object. */
  declare classIndex: number;
  /** The stream outlined (a layer name from SKIP_STREAMS, e.g. set from a linked diagram). */
  declare highlight: string;
  /** Whether a network diagram is linked: each stream gets a "show in the diagram" button. */
  declare linked: boolean;

  /** One colour range for every stream shown, kept while its inputs stay (no redraws). */
  private sharedRange: Range | undefined;
  private sharedRangeKey = '';

  private current(): SceneItem | undefined {
    return this.items[this.scene] ?? this.items[0];
  }

  private readonly photo = photoController(this, () => ({
    src: this.current()?.src ?? '',
    side: 128,
  }));
  private readonly truth = labelMapController(this, () => this.current()?.label);
  private readonly figure: TensorTaskController<
    readonly [tf.Tensor3D, tf.Tensor2D, number, number],
    Result
  > = new TensorTaskController(this, {
    announce: () => {
      const r = this.figure.value?.readouts;
      return {
        meanIU: r?.meanIU[SKIP_VARIANTS.indexOf(this.variant)] ?? NaN,
        meanIUs: r?.meanIU ?? [],
      };
    },
    args: () =>
      this.photo.value && this.truth.value
        ? ([this.photo.value, this.truth.value, this.pool4, this.pool3] as const)
        : undefined,
    // The forward pass runs in the compute worker (compute-registry.ts 'skip-fusion').
    task: async ([photo, truth, pool4, pool3], { signal }): Promise<Result> => {
      const wire = await compute(
        'skip-fusion',
        { image: photo, truth },
        { skipWeights: { pool4, pool3 } },
        { signal },
      );
      const figure = await fromWire<SkipFusionResult>(wire);
      try {
        const [confusion, absMax, truthCounts] = await Promise.all([
          figure.confusion.array(),
          figure.streamAbsMax.array(),
          figure.truthCounts.array(),
        ]);
        const scores = confusion.map((counts) => segmentationScores(counts));
        const background = confusion.map((counts) => {
          const total = counts.reduce((a, row) => a + row.reduce((x, y) => x + y, 0), 0);
          return counts.reduce((a, row) => a + (row[0] ?? 0), 0) / total;
        });
        return {
          figure,
          readouts: {
            meanIU: scores.map((s) => s.meanIU),
            pixelAccuracy: scores.map((s) => s.pixelAccuracy),
            background,
            absMax,
            truthCounts,
          },
        };
      } catch (error) {
        // A newer scene may have disposed `truth` meanwhile (this run is then superseded).
        tf.dispose(figure);
        throw error;
      }
    },
  });

  private readonly onRetry = (): void => {
    retryFailed(this.photo, this.truth, this.figure);
  };

  /** Settings shared by URL (`?id=...`), copy-link and PNG controls. */
  readonly share = new UrlStateController(this, [
    'scene:int:0..11',
    'variant:32s|16s|8s',
    'pool4:num:0..2',
    'pool3:num:0..2',
  ]);

  constructor() {
    super();
    this.items = [];
    this.scene = 0;
    this.variant = '8s';
    this.pool4 = 1;
    this.pool3 = 1;
    this.classIndex = -1;
    this.highlight = '';
    this.linked = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.setAttribute('data-needs-weights', '');
  }

  /** The class whose streams are shown: the chosen one, else the scene's largest object. */
  private shownClass(): number {
    if (this.classIndex >= 0) return this.classIndex;
    const counts = this.figure.value?.readouts.truthCounts ?? [];
    let best = 0;
    let most = 0;
    counts.forEach((n, k) => {
      if (k > 0 && n > most) [best, most] = [k, n];
    });
    return best;
  }

  protected override willUpdate(changed: PropertyValues): void {
    super.willUpdate(changed);
    const r = this.figure.value?.readouts;
    const c = this.shownClass();
    const key = `${String(this.figure.value?.figure.confusion.id)}/${c}/${this.variant}`;
    if (!r || key === this.sharedRangeKey) return;
    const m = Math.max(
      1e-6,
      ...STREAMS_OF[this.variant].map((s) => r.absMax[SKIP_STREAMS.indexOf(s)]?.[c] ?? 0),
    );
    this.sharedRange = [-m, m];
    this.sharedRangeKey = key;
  }

  private readonly onScene = (index: number) => {
    this.scene = index;
    this.classIndex = -1;
  };
  private readonly onVariant = (variant: FcnVariant) => {
    this.variant = variant;
  };
  private readonly onClass = (index: number) => {
    this.classIndex = index;
  };

  private showInDiagram(stream: SkipStream): void {
    this.highlight = stream;
    emit(this, 'pw-stream', { stream, variant: this.variant, src: this.current()?.src ?? '' });
  }

  private renderControls() {
    const shown = this.shownClass();
    return html`<div class="controls">
      ${sceneSelect(this.items, this.scene, this.onScene)}
      ${rangeControl({
        label: html`<span>pool4 skip weight <var>w</var>₄</span>`,
        name: 'pool4',
        min: 0,
        max: 2,
        step: 0.25,
        value: this.pool4,
        readout: this.pool4.toFixed(2),
        onInput: (v) => (this.pool4 = v),
      })}
      ${rangeControl({
        label: html`<span>pool3 skip weight <var>w</var>₃</span>`,
        name: 'pool3',
        min: 0,
        max: 2,
        step: 0.25,
        value: this.pool3,
        readout: this.pool3.toFixed(2),
        onInput: (v) => (this.pool3 = v),
      })}
      ${radioGroup({
        legend: 'Streams of',
        name: 'variant',
        options: VARIANT_OPTIONS,
        value: this.variant,
        onChange: this.onVariant,
      })}
      ${indexSelect({
        label: 'for class',
        name: 'class',
        options: FCN_CLASSES,
        value: shown,
        onChange: this.onClass,
      })}
    </div>`;
  }

  private renderScores(r: Readouts) {
    return html`<p class="readout scores">
      Mean IU on this scene:
      ${SKIP_VARIANTS.map(
        (v, k) =>
          html`${k ? ' · ' : ''}FCN-${v}
            <strong data-variant=${v}>${((r.meanIU[k] ?? NaN) * 100).toFixed(1)}</strong>`,
      )}
    </p>`;
  }

  private renderMagnitudes(r: Readouts, c: number) {
    const streams = STREAMS_OF[this.variant];
    const values = streams.map((s) => r.absMax[SKIP_STREAMS.indexOf(s)]?.[c] ?? 0);
    const top = Math.max(1e-6, ...values);
    return html`<table class="magnitudes">
      <caption>
        Largest |score| of each stream for “${FCN_CLASSES[c] ?? ''}” on this scene
      </caption>
      <tbody>
        ${streams.map(
          (s, k) =>
            html`<tr>
              <th scope="row">${s}</th>
              <td class="bar-cell" aria-hidden="true">
                <div class="bar" style=${`inline-size: ${(100 * (values[k] ?? 0)) / top}%`}></div>
              </td>
              <td data-stream=${s}>${(values[k] ?? 0).toFixed(2)}</td>
            </tr>`,
        )}
      </tbody>
    </table>`;
  }

  override render() {
    const value = this.figure.value;
    const error = this.photo.error ?? this.truth.error ?? this.figure.error;
    const c = this.shownClass();
    return html`${this.renderControls()}
    ${error ? errorAlert('Could not run the network', error, this.onRetry) : nothing}
    ${
      value && this.photo.value && this.truth.value
        ? html`${this.renderScores(value.readouts)}
            <div class="compare">
              <pw-tensor-view
                class="input"
                .tensor=${this.photo.value}
                mode="rgb"
                label="Test scene"
              ></pw-tensor-view>
              <div class="input">${classMapView(this.truth.value, 'Ground truth')}</div>
              ${SKIP_VARIANTS.map(
                (v, k) =>
                  html`<div class="net ${v === this.variant ? 'shown' : ''}" data-variant=${v}>
                    ${classMapView(
                      value.figure.logits[v],
                      `FCN-${v}: mean IU ${((value.readouts.meanIU[k] ?? NaN) * 100).toFixed(1)}`,
                      { legend: false },
                    )}
                  </div>`,
              )}
            </div>
            <p class="streams-title">
              FCN-${this.variant}’s streams for “${FCN_CLASSES[c] ?? ''}”, one colour scale
            </p>
            <div class="streams">
              ${STREAMS_OF[this.variant].map(
                (name) =>
                  html`<div class="stream ${name === this.highlight ? 'highlight' : ''}">
                    <pw-tensor-view
                      data-stream=${name}
                      .tensor=${value.figure.streams[name]}
                      mode="diverging"
                      .channel=${c}
                      .range=${this.sharedRange}
                      label=${`${CAPTIONS[name]}, ${value.figure.streams[name].shape[0]}×${value.figure.streams[name].shape[1]}`}
                    ></pw-tensor-view>
                    ${
                      this.linked
                        ? html`<button
                            type="button"
                            class="to-diagram"
                            @click=${() => this.showInDiagram(name)}
                          >
                            Show ${name} in the network diagram <span aria-hidden="true">↓</span>
                          </button>`
                        : nothing
                    }
                  </div>`,
              )}
            </div>
            ${this.renderMagnitudes(value.readouts, c)}`
        : nothing
    }
    ${statusLine(
      undefined,
      error
        ? ''
        : progressText(
            this.figure,
            (ms) => `FCN-32s, 16s and 8s in ${ms.toFixed(1)} ms`,
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
