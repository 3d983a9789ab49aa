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
import {
  CpuMeanField,
  prepareCpuKernels,
  REFERENCE_CRF_PARAMS,
  TUNED_CRF_PARAMS,
  unaryFromLogits,
  type CpuCrfKernels,
  type CrfMethod,
  type CrfParams,
} from '../lib/crf/index';
import {
  candidateLabels,
  cpuFigureTensors,
  cpuProblemData,
  downscaleForCrf,
  labelAgreement,
  labelMapFrom,
  meanFieldFigure,
  type CpuProblemData,
} from '../lib/crf-figure';
import { softwareRenderer } from '../lib/browser/backend';
import { fcnFigure } from './pw-fcn-explorer';
import { type CrfSlider, crfSliderStyles, pauseForInput, renderCrfSlider } from './crf-sliders';
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

type TracePoint = { iteration: number; energy: number; changed: number };

/** Scene, FCN-8s logits and ground truth at the scene's full 128×128. */
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
  /** Side the CRF ran at. */
  side: number;
  /** Which implementation ran. */
  path: CrfPath;
  /** Message passes the typed-array run has made in all (NaN on the tfjs path). */
  passes: number;
}

/**
 * 'typed-array': mean-field-cpu.ts over Float32Arrays, for CPUs (the CPU and WASM backends, or
 * WebGL on a software renderer); 'tfjs': meanField.ts as tfjs ops, for a GPU.
 */
export type CrfPath = 'typed-array' | 'tfjs';

/** The typed-array path on anything but WebGL on a hardware GPU. */
export function crfPathForBackend(): CrfPath {
  return tf.getBackend() === 'webgl' && softwareRenderer() === undefined ? 'tfjs' : 'typed-array';
}

/** Side of the copy the exact path runs on (its cost grows with the square of the pixels). */
const EXACT_SIDE = 64;

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

  declare items: SceneItem[];
  declare scene: number;
  declare method: CrfMethod;
  declare w1: number;
  declare thetaAlpha: number;
  declare thetaBeta: number;
  declare w2: number;
  declare thetaGamma: number;
  declare iterations: number;
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
  /** FCN-8s logits, scene and truth (copies this controller owns) at 128×128. */
  private readonly unaries = new TensorTaskController(this, {
    args: () =>
      this.photo.value && this.truth.value
        ? ([this.photo.value, this.truth.value] as const)
        : undefined,
    task: async ([photo, truth]): Promise<Unaries> => {
      const f = fcnFigure(await loadModel(), photo, '8s');
      const small = downscaleForCrf(photo, f.logits, truth, SCENE_SIDE);
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
  /** The typed-array path's prepared problem, kept while only the iteration count changes. */
  private cpu:
    | {
        unaries: Unaries;
        side: number;
        data: CpuProblemData;
        kernels: CpuCrfKernels;
        kernelKey: string;
        run: CpuMeanField;
        runKey: string;
      }
    | undefined;

  /** Reads back, builds or reuses the typed-array problem and goes to `iterations`. */
  private async cpuRun(
    u: Unaries,
    image: tf.Tensor3D,
    kept: tf.Tensor3D,
    params: CrfParams,
    method: CrfMethod,
  ): Promise<CpuMeanField> {
    const side = image.shape[0];
    const kernelKey = `${method} ${params.thetaAlpha} ${params.thetaBeta} ${params.thetaGamma}`;
    const runKey = `${kernelKey} ${params.w1} ${params.w2}`;
    let c = this.cpu;
    if (!c || c.unaries !== u || c.side !== side) {
      const unary = unaryFromLogits(kept);
      const data = await cpuProblemData(image, unary).finally(() => unary.dispose());
      const kernels = prepareCpuKernels(data.rgb, side, side, params, true, method);
      const run = new CpuMeanField(kernels, data.unary, data.labels, params, true);
      c = { unaries: u, side, data, kernels, kernelKey, run, runKey };
    } else if (c.kernelKey !== kernelKey) {
      const kernels = prepareCpuKernels(c.data.rgb, side, side, params, true, method);
      const run = new CpuMeanField(kernels, c.data.unary, c.data.labels, params, true);
      c = { ...c, kernels, kernelKey, run, runKey };
    } else if (c.runKey !== runKey) {
      const run = new CpuMeanField(c.kernels, c.data.unary, c.data.labels, params, true);
      c = { ...c, run, runKey };
    }
    this.cpu = c;
    c.run.goTo(params.iterations);
    return c.run;
  }

  private readonly crf = new TensorTaskController(this, {
    args: () => this.crfArgs(),
    task: async (args) => {
      const path = crfPathForBackend();
      // The typed-array path answers in a fraction of a second: no need to wait out a drag.
      await pauseForInput(args, () => this.crfArgs(), path === 'typed-array' ? 0 : 250);
      const [u, method, w1, thetaAlpha, thetaBeta, w2, thetaGamma, iterations] = args;
      const exact = method === 'exact';
      const params: CrfParams = { w1, thetaAlpha, thetaBeta, w2, thetaGamma, iterations };
      // Everything made below, freed if the run fails: an await lets a newer scene replace (and
      // dispose) `u`, and this run, superseded, then fails on its disposed tensors.
      const made: tf.Tensor[] = [];
      try {
        // The exact path runs on a 64×64 copy; spatial widths stay in pixels of the 128×128
        // scene and are scaled with it.
        const small = exact
          ? downscaleForCrf(u.image, u.logits, u.truth, EXACT_SIDE)
          : { image: u.image, logits: u.logits, truth: u.truth };
        if (exact) made.push(small.image, small.logits, small.truth);
        const kept = exact ? tf.gather<tf.Tensor3D>(small.logits, u.classes, 2) : u.kept;
        if (exact) made.push(kept);
        const side = small.image.shape[0];
        const scale = side / SCENE_SIDE;
        const scaled = {
          ...params,
          thetaAlpha: thetaAlpha * scale,
          thetaGamma: thetaGamma * scale,
        };
        let fig: { q: tf.Tensor3D; travel: tf.Tensor2D; settled: tf.Tensor2D };
        let trace: TracePoint[];
        let passes = NaN;
        if (path === 'typed-array') {
          const run = await this.cpuRun(u, small.image, kept, scaled, method);
          fig = cpuFigureTensors(run);
          trace = run.trace.map((t) => ({ ...t }));
          passes = run.messagePasses;
        } else {
          const unary = unaryFromLogits(kept);
          try {
            const f = meanFieldFigure(small.image, unary, { ...scaled, method });
            fig = f;
            trace = f.trace.map((t) => ({ ...t }));
          } finally {
            unary.dispose();
          }
        }
        made.push(fig.q, fig.travel, fig.settled);
        let agreement = NaN;
        if (exact) {
          const unary = unaryFromLogits(kept);
          const fast = meanFieldFigure(small.image, unary, { ...scaled, method: 'fast' });
          unary.dispose();
          const agree = labelAgreement(fig.q, fast.q);
          agreement = (await agree.data())[0] ?? NaN;
          tf.dispose([agree, fast.q, fast.travel, fast.settled]);
        }
        const predicted = tf.tidy(() => tf.argMax(small.logits, -1));
        const crfLabels = labelMapFrom(fig.q, u.classes);
        made.push(predicted, crfLabels);
        const before = await meanIU(predicted, small.truth);
        const after = await meanIU(crfLabels, small.truth);
        tf.dispose([predicted, fig.q]);
        if (exact) tf.dispose([small.image, small.logits, small.truth, kept]);
        const result: CrfResult = {
          labels: crfLabels,
          travel: fig.travel,
          settled: fig.settled,
          settledRange: [0, Math.max(1, iterations)],
          trace,
          before,
          after,
          agreement,
          side,
          path,
          passes,
        };
        return result;
      } catch (error) {
        tf.dispose(made.filter((t) => !t.isDisposed));
        throw error;
      }
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
      // For tests and the curious: which path ran, and its message passes so far (one per
      // iteration, plus one for iteration 0, on the typed-array path).
      this.dataset['crfPath'] = r.path;
      this.dataset['messagePasses'] = String(r.passes);
      this.dataset['meanIuBefore'] = String(r.before);
      this.dataset['meanIuAfter'] = String(r.after);
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
      u && r
        ? html`<div class="pair">
              ${classMapView(u.logits, 'FCN-8s prediction (the unary)')}
              ${classMapView(r.labels, `CRF after ${this.iterations} iteration${this.iterations === 1 ? '' : 's'}`)}
            </div>
            <div class="panels">
              <pw-tensor-view .tensor=${u.image} mode="rgb" label="Test scene"></pw-tensor-view>
              ${classMapView(u.truth, 'Ground truth')}
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
