/**
 * @summary The dense CRF on FCN-8s's output for a test scene: the unary (prediction) and ground
 * truth, sliders for every CRF parameter and the iteration count (with a step button), the CRF
 * label map and where the last iteration still moved probability, a per-iteration chart of
 * changed pixels and free energy, this image's mean IU before and after, and an exact (64×64)
 * vs fast (permutohedral lattice) switch with the two paths' label agreement.
 *
 * @attr items - JSON array of `{ id, title, src, label }` test scenes (label = ground-truth PNG).
 * @fires pw-computed - `CustomEvent<{ ms: number; before: number; after: number }>` after each
 *   new CRF result (mean IU of the unary's and the CRF's labels).
 *
 * Needs the weights in public/weights/; if they cannot load, says so where the figure would be.
 */
import { LitElement, css, html, nothing } from 'lit';
import { classMapView, progressText, statusLine } from './templates';
import * as Plot from '@observablehq/plot';
import * as tf from '@tensorflow/tfjs-core';
import { TensorTaskController, errorMessage } from './controllers/tensor-task';
import { photoController } from './controllers/photo';
import { elementStyles } from './shared-styles';
import { loadLabelMap, loadModel } from '../lib/browser/model';
import { FCN_CLASSES } from '../lib/classes';
import { confusionTensor } from '../lib/confusion';
import { segmentationScores } from '../lib/metrics';
import { DEFAULT_CRF_PARAMS, unaryFromLogits, type CrfMethod } from '../lib/crf/index';
import {
  candidateLabels,
  downscaleForCrf,
  labelAgreement,
  labelMapFrom,
  meanFieldFigure,
} from '../lib/crf-figure';
import { fcnFigure } from './pw-fcn-explorer';
import { type CrfSlider, crfSliderStyles, pauseForInput, renderCrfSlider } from './crf-sliders';
import type { ChartOptions } from './pw-chart';
import './pw-tensor-view';
import './pw-chart';

interface SceneItem {
  readonly id: string;
  readonly title: string;
  readonly src: string;
  readonly label: string;
}

/** Side of the scenes the network sees; the CRF's spatial widths are given in its pixels. */
const SCENE_SIDE = 128;

type TracePoint = { iteration: number; energy: number; changed: number };

/** Scene, FCN-8s logits and ground truth at the CRF's working side. */
interface Unaries extends tf.TensorContainerObject {
  image: tf.Tensor3D;
  /** `[h, w, 11]` FCN-8s scores. */
  logits: tf.Tensor3D;
  truth: tf.Tensor2D;
  /** The classes the CRF carries (`candidateLabels`) and their scores `[h, w, K]`. */
  classes: number[];
  kept: tf.Tensor3D;
}

interface CrfResult extends tf.TensorContainerObject {
  /** `[h, w]` class indices after the CRF. */
  labels: tf.Tensor2D;
  /** `[h, w]` total probability travel and last label change (`meanFieldFigure`). */
  travel: tf.Tensor2D;
  settled: tf.Tensor2D;
  settledRange: [number, number];
  trace: TracePoint[];
  before: number;
  after: number;
  /** Exact vs fast label agreement on the small image (exact method only), else NaN. */
  agreement: number;
}

const SLIDERS: readonly CrfSlider[] = [
  { key: 'w1', label: 'Appearance weight w₁', min: 0, max: 30, step: 1 },
  { key: 'thetaAlpha', label: 'θα (position, px)', min: 5, max: 120, step: 5 },
  { key: 'thetaBeta', label: 'θβ (colour, 0–255)', min: 2, max: 60, step: 1 },
  { key: 'w2', label: 'Smoothness weight w₂', min: 0, max: 20, step: 1 },
  { key: 'thetaGamma', label: 'θγ (position, px)', min: 1, max: 10, step: 1 },
  { key: 'iterations', label: 'Iterations', min: 0, max: 20, step: 1 },
];

async function meanIU(labels: tf.Tensor, truth: tf.Tensor2D): Promise<number> {
  const confusion = tf.tidy(() => confusionTensor(labels, truth, FCN_CLASSES.length));
  const counts = await confusion.array();
  confusion.dispose();
  return segmentationScores(counts).meanIU;
}

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
    side: { type: Number },
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
      .charts {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(min(100%, 16rem), 1fr));
        gap: 1rem;
      }
    `,
  ];

  declare items: SceneItem[];
  declare scene: number;
  declare method: CrfMethod;
  declare w1: number;
  declare thetaAlpha: number;
  declare thetaBeta: number;
  declare w2: number;
  declare thetaGamma: number;
  declare iterations: number;
  declare side: number;
  private announced: unknown;

  private current(): SceneItem | undefined {
    return this.items[this.scene] ?? this.items[0];
  }

  private readonly photo = photoController(this, () => ({
    src: this.current()?.src ?? '',
    side: SCENE_SIDE,
  }));
  private readonly truth = new TensorTaskController(this, {
    args: () => {
      const label = this.current()?.label;
      return label ? ([label] as const) : undefined;
    },
    task: ([url]) => loadLabelMap(url),
  });
  /** FCN-8s logits, scene and truth at the CRF's working side. */
  private readonly unaries = new TensorTaskController(this, {
    args: () =>
      this.photo.value && this.truth.value
        ? ([this.photo.value, this.truth.value, this.side] as const)
        : undefined,
    task: async ([photo, truth, side]): Promise<Unaries> => {
      const f = fcnFigure(await loadModel(), photo, '8s');
      const small = downscaleForCrf(photo, f.logits, truth, side);
      tf.dispose(f);
      try {
        const classes = await candidateLabels(small.logits);
        const kept = tf.gather<tf.Tensor3D>(small.logits, classes, 2);
        return { ...small, classes, kept };
      } catch (error) {
        tf.dispose(small);
        throw error;
      }
    },
  });
  private crfArgs() {
    return this.unaries.value
      ? ([
          this.unaries.value,
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
  private readonly crf = new TensorTaskController(this, {
    args: () => this.crfArgs(),
    task: async (args) => {
      await pauseForInput(args, () => this.crfArgs());
      const [u, method, w1, thetaAlpha, thetaBeta, w2, thetaGamma, iterations] = args;
      const exact = method === 'exact';
      // Spatial widths are given in pixels of the 128×128 scene the network saw.
      const scale = u.image.shape[0] / SCENE_SIDE;
      const params = {
        w1,
        thetaAlpha: thetaAlpha * scale,
        thetaBeta,
        w2,
        thetaGamma: thetaGamma * scale,
        iterations,
      };
      const { image, logits, truth: labels } = u;
      const unary = unaryFromLogits(u.kept);
      // Everything made below, freed if the run fails: an await lets a newer scene replace (and
      // dispose) `u`, and this run, superseded, then fails on its disposed tensors.
      const made: tf.Tensor[] = [];
      try {
        const fig = meanFieldFigure(image, unary, { ...params, method });
        made.push(fig.q, fig.travel, fig.settled);
        let agreement = NaN;
        if (exact) {
          const fast = meanFieldFigure(image, unary, { ...params, method: 'fast' });
          const agree = labelAgreement(fig.q, fast.q);
          agreement = (await agree.data())[0] ?? NaN;
          tf.dispose([agree, fast.q, fast.travel, fast.settled]);
        }
        const predicted = tf.tidy(() => tf.argMax(logits, -1));
        const crfLabels = labelMapFrom(fig.q, u.classes);
        made.push(predicted, crfLabels);
        const before = await meanIU(predicted, labels);
        const after = await meanIU(crfLabels, labels);
        tf.dispose([predicted, fig.q]);
        const result: CrfResult = {
          labels: crfLabels,
          travel: fig.travel,
          settled: fig.settled,
          settledRange: [0, Math.max(1, iterations)],
          trace: fig.trace.map((t) => ({ ...t })),
          before,
          after,
          agreement,
        };
        return result;
      } catch (error) {
        tf.dispose(made.filter((t) => !t.isDisposed));
        throw error;
      } finally {
        unary.dispose();
      }
    },
  });

  constructor() {
    super();
    this.items = [];
    this.scene = 0;
    this.method = 'fast';
    this.w1 = DEFAULT_CRF_PARAMS.w1;
    this.thetaAlpha = DEFAULT_CRF_PARAMS.thetaAlpha;
    this.thetaBeta = DEFAULT_CRF_PARAMS.thetaBeta;
    this.w2 = DEFAULT_CRF_PARAMS.w2;
    this.thetaGamma = DEFAULT_CRF_PARAMS.thetaGamma;
    this.iterations = DEFAULT_CRF_PARAMS.iterations;
    this.side = 64;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.setAttribute('data-needs-weights', '');
  }

  protected override updated(): void {
    const r = this.crf.value;
    if (this.crf.status === 'complete' && r && r !== this.announced) {
      this.announced = r;
      this.dispatchEvent(
        new CustomEvent('pw-computed', {
          detail: { ms: this.crf.lastMs, before: r.before, after: r.after },
          bubbles: true,
          composed: true,
        }),
      );
    }
  }

  private readonly onScene = (e: Event) => {
    this.scene = Number((e.target as HTMLSelectElement).value);
  };
  private readonly onSlider = (key: CrfSlider['key'], value: number) => {
    this[key] = value;
  };
  private readonly onStep = () => {
    this.iterations = Math.min(20, this.iterations + 1);
  };
  private readonly onReset = () => {
    this.iterations = 0;
  };

  private renderControls() {
    return html`<div class="controls">
        <label
          >Scene
          <select @change=${this.onScene} .value=${String(this.scene)}>
            ${this.items.map(
              (s, i) => html`<option value=${i} ?selected=${i === this.scene}>${s.title}</option>`,
            )}
          </select></label
        >
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
      y: { label: 'free energy per pixel (nats, symlog)', grid: true, type: 'symlog' },
      marks: [
        Plot.line(trace, { x: 'iteration', y: 'energy', stroke: '#c0392b' }),
        Plot.dot(trace, { x: 'iteration', y: 'energy', fill: '#c0392b', r: 2.5 }),
      ],
    });
    return [changed, energy];
  }

  override render() {
    const u = this.unaries.value;
    const r = this.crf.value;
    const exact = this.method === 'exact';
    const error = this.photo.error ?? this.truth.error ?? this.unaries.error ?? this.crf.error;
    const [changedChart, energyChart] = r ? this.charts(r.trace) : [undefined, undefined];
    const last = r?.trace[r.trace.length - 1];
    return html`${this.renderControls()}
    ${
      error
        ? html`<p class="error" role="alert">Could not run the CRF: ${errorMessage(error)}</p>`
        : nothing
    }
    ${
      r
        ? html`<p class="readout">
            This image (${this.side}×${this.side}), mean IU: FCN-8s
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
      u && r
        ? html`<div class="panels">
              <pw-tensor-view .tensor=${u.image} mode="rgb" label="Test scene"></pw-tensor-view>
              ${classMapView(u.truth, 'Ground truth')}
              ${classMapView(u.logits, 'FCN-8s prediction (the unary)')}
              ${classMapView(r.labels, `CRF after ${this.iterations} iteration${this.iterations === 1 ? '' : 's'}`)}
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
                label="Mean-field free energy per pixel at each iteration"
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
              `${this.iterations} iteration${this.iterations === 1 ? '' : 's'} (${this.method}) in ${ms.toFixed(0)} ms${last ? `, ${last.changed} pixels changed at the last` : ''}`,
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
