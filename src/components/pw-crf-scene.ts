import { LitElement, css, html, nothing } from 'lit';
import { emit } from './events';
import { classMapView, errorAlert, progressText, statusLine, sceneSelect } from './templates';
import * as Plot from '@observablehq/plot';
import * as tf from '@tensorflow/tfjs-core';
import { TensorTaskController, retryFailed } from './controllers/tensor-task';
import { labelMapController, photoController } from './controllers/photo';
import { elementStyles } from './shared-styles';
import { compute } from '../lib/browser/compute-client';
import { FCN_CLASSES } from '../lib/fcn/classes';
import {
  REFERENCE_CRF_PARAMS,
  TUNED_CRF_PARAMS,
  type CrfMethod,
  type CrfParams,
} from '../lib/crf/index';
import type { CrfPath, CrfSceneResult, CrfTracePoint } from '../lib/crf/crf-scene';
import { type CrfSlider, crfSliderStyles, renderCrfSlider } from './crf-sliders';
import type { ChartOptions } from './pw-chart';
import './pw-tensor-view';
import './pw-chart';
import { UrlStateController } from './controllers/url-state';

interface SceneItem {
  readonly id: string;
  readonly title: string;
  readonly src: string;
  readonly label: string;
}

/** Side of the scenes the network sees; the CRF's spatial widths are given in its pixels. */
const SCENE_SIDE = 128;

type TracePoint = CrfTracePoint;

interface CrfResult extends tf.TensorContainerObject {
  /** `[128, 128, 11]` FCN-8s scores (the unary). */
  logits: tf.Tensor3D;
  /** `[h, w]` class indices after the CRF. */
  labels: tf.Tensor2D;
  /** `[h, w]` total probability travel and last label change. */
  travel: tf.Tensor2D;
  settled: tf.Tensor2D;
  settledRange: [number, number];
  trace: TracePoint[];
  before: number;
  after: number;
  /** Exact vs fast label agreement on the small image (exact method only), else NaN. */
  agreement: number;
  /** Side the CRF ran at. */
  side: number;
  /** Which implementation ran. */
  path: CrfPath;
  /** Message passes the typed-array run has made in all (NaN on the tfjs path). */
  passes: number;
  /** Lattices the typed-array path has built since the element started (NaN on tfjs). */
  latticeBuilds: number;
}

/** The setting presets: the page's default (tuned on validation scenes) and densecrf's. */
const PRESETS: readonly { name: string; params: CrfParams }[] = [
  { name: 'tuned (validation scenes)', params: TUNED_CRF_PARAMS },
  { name: 'reference defaults (densecrf)', params: REFERENCE_CRF_PARAMS },
];

const SLIDERS: readonly CrfSlider[] = [
  { key: 'w1', label: 'Appearance weight w₁', min: 0, max: 30, step: 1 },
  { key: 'thetaAlpha', label: 'θα (position, px)', min: 5, max: 120, step: 5 },
  { key: 'thetaBeta', label: 'θβ (colour, 0–255)', min: 2, max: 60, step: 1 },
  { key: 'w2', label: 'Smoothness weight w₂', min: 0, max: 20, step: 1 },
  { key: 'thetaGamma', label: 'θγ (position, px)', min: 1, max: 10, step: 1 },
  { key: 'iterations', label: 'Iterations', min: 0, max: 20, step: 1 },
];

/**
 * @summary The dense CRF on FCN-8s's output for a test scene: the unary (prediction) and ground
 * truth, sliders for every CRF parameter and the iteration count (with a step button), the CRF
 * label map and where the last iteration still moved probability, a per-iteration chart of
 * changed pixels and free energy, this image's mean IU before and after, and an exact (64×64)
 * vs fast (permutohedral lattice) switch with the two paths' label agreement.
 *
 * @fires pw-computed - `CustomEvent<{ ms: number; before: number; after: number }>` after each
 *   new CRF result (mean IU of the unary's and the CRF's labels).
 *
 * Needs the weights in public/weights/; if they cannot load, says so where the figure would be.
 */
export class PwCrfScene extends LitElement {
  static override properties = {
    items: { type: Array },
    scene: { type: Number },
    method: { type: String },
    w1: { type: Number },
    thetaAlpha: { type: Number, attribute: 'theta-alpha' },
    thetaBeta: { type: Number, attribute: 'theta-beta' },
    w2: { type: Number },
    thetaGamma: { type: Number, attribute: 'theta-gamma' },
    iterations: { type: Number },
  };
  static override styles = [
    elementStyles,
    crfSliderStyles,
    css`
      button[aria-pressed='true'] {
        background: var(--pw-accent, #2456c9);
        color: var(--pw-surface, #fff);
      }
      select,
      button {
        font: inherit;
        background: var(--pw-surface, #fff);
        color: var(--pw-text, #111);
        border: 1px solid var(--pw-border, #ccc);
        border-radius: 0.25rem;
      }
      select {
        max-inline-size: 100%;
      }
      .pair {
        display: grid;
        grid-template-columns: 1fr 1fr;
        gap: 0.75rem;
        margin-bottom: 1rem;
      }
      .charts {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(min(100%, 16rem), 1fr));
        gap: 1rem;
      }
    `,
  ];

  /** JSON array of `{ id, title, src, label }` test scenes (label = ground-truth PNG). */
  declare items: SceneItem[];
  /** Index into `items` of the scene shown (default 0). */
  declare scene: number;
  /** 'exact' (brute force on a 64×64 copy) or 'fast' (permutohedral lattice; default). */
  declare method: CrfMethod;
  /** Appearance (bilateral) kernel weight w₁ (default: the tuned setting). */
  declare w1: number;
  /** Appearance kernel spatial width θα, in pixels of the 128×128 scene (default: tuned). */
  declare thetaAlpha: number;
  /** Appearance kernel colour width θβ, in 0..255 units (default: tuned). */
  declare thetaBeta: number;
  /** Smoothness kernel weight w₂ (default: tuned). */
  declare w2: number;
  /** Smoothness kernel spatial width θγ, in pixels of the 128×128 scene (default: tuned). */
  declare thetaGamma: number;
  /** Mean-field iterations, 0..20 (default: tuned). */
  declare iterations: number;
  private announced: unknown;

  private current(): SceneItem | undefined {
    return this.items[this.scene] ?? this.items[0];
  }

  private readonly photo = photoController(this, () => ({
    src: this.current()?.src ?? '',
    side: SCENE_SIDE,
  }));
  private readonly truth = labelMapController(this, () => this.current()?.label);
  private crfArgs() {
    return this.photo.value && this.truth.value
      ? ([
          this.photo.value,
          this.truth.value,
          this.method,
          this.w1,
          this.thetaAlpha,
          this.thetaBeta,
          this.w2,
          this.thetaGamma,
          this.iterations,
        ] as const)
      : undefined;
  }

  /**
   * FCN-8s and the CRF in the compute worker (crf-scene.ts): the network runs once per scene,
   * and a newer setting stops an older run between iterations.
   */
  private readonly crf = new TensorTaskController(this, {
    args: () => this.crfArgs(),
    task: async (args, { signal }): Promise<CrfResult> => {
      const [photo, truth, method, w1, thetaAlpha, thetaBeta, w2, thetaGamma, iterations] = args;
      const params: CrfParams = { w1, thetaAlpha, thetaBeta, w2, thetaGamma, iterations };
      const r = (await compute(
        'crf-scene',
        { image: photo, truth },
        { params, method },
        { signal },
      )) as CrfSceneResult & { logits: Float32Array; sceneSide: number };
      const { side, sceneSide } = r;
      return {
        logits: tf.tensor3d(r.logits, [sceneSide, sceneSide, FCN_CLASSES.length]),
        labels: tf.tensor2d(r.labels, [side, side], 'int32'),
        travel: tf.tensor2d(r.travel, [side, side]),
        settled: tf.tensor2d(r.settled, [side, side]),
        settledRange: [0, Math.max(1, iterations)],
        trace: r.trace,
        before: r.before,
        after: r.after,
        agreement: r.agreement,
        side,
        path: r.path,
        passes: r.passes,
        latticeBuilds: r.latticeBuilds,
      };
    },
  });

  /** Settings shared by URL (`?id=...`), copy-link and PNG controls. */
  readonly share = new UrlStateController(this, [
    'scene:int:0..11',
    'method:fast|exact',
    'w1:num:0..30',
    'thetaAlpha:num:5..120',
    'thetaBeta:num:2..60',
    'w2:num:0..20',
    'thetaGamma:num:1..10',
    'iterations:int:0..20',
  ]);

  constructor() {
    super();
    this.items = [];
    this.scene = 0;
    this.method = 'fast';
    this.w1 = TUNED_CRF_PARAMS.w1;
    this.thetaAlpha = TUNED_CRF_PARAMS.thetaAlpha;
    this.thetaBeta = TUNED_CRF_PARAMS.thetaBeta;
    this.w2 = TUNED_CRF_PARAMS.w2;
    this.thetaGamma = TUNED_CRF_PARAMS.thetaGamma;
    this.iterations = TUNED_CRF_PARAMS.iterations;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.setAttribute('data-needs-weights', '');
  }

  protected override updated(): void {
    const r = this.crf.value;
    if (this.crf.status === 'complete' && r && r !== this.announced) {
      this.announced = r;
      // For tests and the curious: which path ran, its message passes so far (one per
      // iteration, plus one for iteration 0, on the typed-array path) and lattices built.
      this.dataset['crfPath'] = r.path;
      this.dataset['messagePasses'] = String(r.passes);
      this.dataset['latticeBuilds'] = String(r.latticeBuilds);
      this.dataset['meanIuBefore'] = String(r.before);
      this.dataset['meanIuAfter'] = String(r.after);
      emit(this, 'pw-computed', { ms: this.crf.lastMs, before: r.before, after: r.after });
    }
  }

  private readonly onScene = (index: number) => {
    this.scene = index;
  };
  private readonly onSlider = (key: CrfSlider['key'], value: number) => {
    this[key] = value;
  };
  private readonly onRetry = (): void => {
    retryFailed(this.photo, this.truth, this.crf);
  };
  private readonly onStep = () => {
    this.iterations = Math.min(20, this.iterations + 1);
  };
  private readonly onReset = () => {
    this.iterations = 0;
  };
  private preset(params: CrfParams) {
    this.w1 = params.w1;
    this.thetaAlpha = params.thetaAlpha;
    this.thetaBeta = params.thetaBeta;
    this.w2 = params.w2;
    this.thetaGamma = params.thetaGamma;
    this.iterations = params.iterations;
  }
  private isPreset(params: CrfParams): boolean {
    return SLIDERS.every((s) => this[s.key] === params[s.key]);
  }

  private renderControls() {
    return html`<div class="controls">
        ${sceneSelect(this.items, this.scene, this.onScene)}
        <span id="method-label">Inference</span>
        <span role="group" aria-labelledby="method-label">
          ${(['fast', 'exact'] as const).map(
            (m) =>
              html`<button
                type="button"
                class="method"
                aria-pressed=${this.method === m ? 'true' : 'false'}
                @click=${() => (this.method = m)}
              >
                ${m === 'fast' ? 'fast (permutohedral lattice)' : 'exact (all pairs)'}
              </button>`,
          )}
        </span>
      </div>
      <div class="controls">
        <span id="preset-label">Setting</span>
        <span role="group" aria-labelledby="preset-label">
          ${PRESETS.map(
            (p) =>
              html`<button
                type="button"
                class="preset"
                aria-pressed=${this.isPreset(p.params) ? 'true' : 'false'}
                @click=${() => this.preset(p.params)}
              >
                ${p.name}
              </button>`,
          )}
        </span>
      </div>
      <div class="sliders">
        ${SLIDERS.map((s) => renderCrfSlider(s, this[s.key], this.onSlider))}
      </div>
      <div class="controls">
        <button type="button" @click=${this.onReset}>Back to iteration 0</button>
        <button type="button" @click=${this.onStep} ?disabled=${this.iterations >= 20}>
          Step one iteration
        </button>
      </div>`;
  }

  private charts(trace: readonly TracePoint[]): [ChartOptions, ChartOptions] {
    const x = { label: 'iteration', ticks: Math.min(trace.length, 10), tickFormat: 'd' };
    const changed: ChartOptions = () => ({
      height: 180,
      marginLeft: 50,
      x,
      y: { label: 'pixels changed', grid: true },
      color: { domain: ['changed'], range: ['#2456c9'] },
      marks: [
        // Fill as a channel: a constant fill lands on the mark's <g>, where axe then names
        // pw-chart's known aria-label issue by a selector the a11y test does not recognise.
        Plot.barY(trace.slice(1), { x: 'iteration', y: 'changed', fill: () => 'changed' }),
        Plot.ruleY([0]),
      ],
    });
    const energy: ChartOptions = () => ({
      height: 180,
      marginLeft: 50,
      x,
      y: { label: 'free energy per pixel', grid: true },
      marks: [
        Plot.line(trace, { x: 'iteration', y: 'energy', stroke: '#c0392b' }),
        Plot.dot(trace, { x: 'iteration', y: 'energy', fill: '#c0392b', r: 2.5 }),
      ],
    });
    return [changed, energy];
  }

  /** The result the trace charts were built for, and their options (rebuilt only for a new one). */
  private chartedResult: CrfResult | undefined;
  private traceCharts: readonly [ChartOptions, ChartOptions] | undefined;

  override willUpdate(): void {
    const r = this.crf.value;
    if (r !== this.chartedResult) {
      this.chartedResult = r;
      this.traceCharts = r && this.charts(r.trace);
    }
  }

  override render() {
    const photo = this.photo.value;
    const truth = this.truth.value;
    const r = this.crf.value;
    const exact = this.method === 'exact';
    const error = this.photo.error ?? this.truth.error ?? this.crf.error;
    const [changedChart, energyChart] = this.traceCharts ?? [undefined, undefined];
    const last = r?.trace[r.trace.length - 1];
    return html`${this.renderControls()}
    ${error ? errorAlert('Could not run the CRF', error, this.onRetry) : nothing}
    ${
      r
        ? html`<p class="readout">
            This image (${r.side}×${r.side}), mean IU: FCN-8s
            <strong>${(r.before * 100).toFixed(1)}</strong> → with the CRF
            <strong>${(r.after * 100).toFixed(1)}</strong>
            (${r.after >= r.before ? '+' : ''}${((r.after - r.before) * 100).toFixed(1)})
            ${
              exact
                ? html` · exact and fast agree on
                    <strong>${(r.agreement * 100).toFixed(1)}%</strong> of pixels`
                : nothing
            }
          </p>`
        : nothing
    }
    ${
      photo && truth && r
        ? html`<div class="pair">
              ${classMapView(r.logits, 'FCN-8s prediction (the unary)')}
              ${classMapView(r.labels, `CRF after ${this.iterations} iteration${this.iterations === 1 ? '' : 's'}`)}
            </div>
            <div class="panels">
              <pw-tensor-view .tensor=${photo} mode="rgb" label="Test scene"></pw-tensor-view>
              ${classMapView(truth, 'Ground truth')}
              <pw-tensor-view
                .tensor=${r.travel}
                mode="grey"
                label="How far each pixel’s probabilities moved over all iterations (Σ|ΔQ|)"
              ></pw-tensor-view>
              <pw-tensor-view
                .tensor=${r.settled}
                mode="grey"
                .range=${r.settledRange}
                label="When each pixel settled: the last iteration that changed its label (black: never)"
              ></pw-tensor-view>
            </div>
            <div class="charts">
              <pw-chart
                .options=${changedChart}
                label="Pixels whose label changed at each iteration"
              ></pw-chart>
              <pw-chart
                .options=${energyChart}
                label="Mean-field free energy per pixel at each iteration (lower: Q fits the CRF better)"
              ></pw-chart>
            </div>`
        : nothing
    }
    ${statusLine(
      undefined,
      error
        ? ''
        : progressText(
            this.crf,
            (ms) =>
              `${this.iterations} iteration${this.iterations === 1 ? '' : 's'} (${this.method}, ${r?.path === 'typed-array' ? 'typed arrays on the CPU' : 'tfjs on the GPU'}) in ${ms.toFixed(0)} ms${last ? `, ${last.changed} pixels changed at the last` : ''}`,
            'Loading the network and computing…',
          ),
    )}`;
  }
}

customElements.define('pw-crf-scene', PwCrfScene);

declare global {
  interface HTMLElementTagNameMap {
    'pw-crf-scene': PwCrfScene;
  }
}
