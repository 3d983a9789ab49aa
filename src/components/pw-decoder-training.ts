import { TABLEAU10, cssRgb } from '../lib/palettes';
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import * as Plot from '@observablehq/plot';
import * as tf from '@tensorflow/tfjs-core';
import { classMapView, errorAlert, radioGroup, statusLine } from './templates';
import { TensorTaskController, retryFailed } from './controllers/tensor-task';
import { UrlStateController } from './controllers/url-state';
import { elementStyles } from './shared-styles';
import { emit } from './events';
import { compute } from '../lib/browser/compute-client';
import { fromWire } from '../lib/browser/compute-wire';
import { imageToTensor, loadImage } from '../lib/browser/image';
import { loadLabelMap } from '../lib/browser/model';
import { intInRange } from '../lib/validate';
import type {
  HeldOutScores,
  TrainingAnswer,
  WireSnapshot,
} from '../lib/browser/figures/decoder-training';
import type { SkipInit, UpsampleInit } from '../lib/fcn/decoder-training';
import type { Range } from '../lib/colormap';
import type { ChartOptions } from './pw-chart';
import './pw-chart';
import './pw-tensor-view';

interface SceneItem {
  readonly id: string;
  readonly title: string;
  readonly src: string;
  readonly label: string;
}

/** The training batch and the held-out scene, as the page loaded them. */
interface Scenes extends tf.TensorContainerObject {
  /** `[B, S, S, 3]` in [0, 1]. */
  images: tf.Tensor4D;
  /** `[B, S, S]` int32 class indices. */
  labels: tf.Tensor3D;
  heldImage: tf.Tensor3D;
  heldLabel: tf.Tensor2D;
}

type PerRun<T> = { bilinear: T; random: T };

/** A snapshot of both runs on the held-out scene, as page tensors. */
interface Snapshot extends tf.TensorContainerObject {
  step: number;
  masks: PerRun<tf.Tensor2D>;
  kernelStart: PerRun<tf.Tensor2D>;
  kernelNow: PerRun<tf.Tensor2D>;
  scores: PerRun<HeldOutScores>;
}

/** A started run: its id, its losses at step 0 and its step-0 snapshot. */
interface Started extends tf.TensorContainerObject {
  run: string;
  losses: [number, number];
  snapshot: Snapshot;
}

/** One point of the loss curves. */
export interface LossPoint {
  readonly step: number;
  readonly run: UpsampleInit;
  readonly loss: number;
}

/** `pw-training-step`'s detail: where training stands after an answer from the worker. */
export interface TrainingProgress {
  readonly step: number;
  /** Training loss of `[bilinear, random]` at the last step taken. */
  readonly losses: readonly [number, number];
  readonly stepsPerSecond: number;
  /** Held-out scores of the latest snapshot (and the step it was taken at). */
  readonly snapshotStep: number;
  readonly heldOut: PerRun<HeldOutScores>;
}

const RUNS: readonly UpsampleInit[] = ['bilinear', 'random'];
const RUN_LABEL: Readonly<Record<UpsampleInit, string>> = {
  bilinear: '2× kernels start bilinear',
  random: '2× kernels start random',
};
/** Tableau 10 blue and orange: one colour per run in the chart, the legend and the captions. */
const RUN_COLOUR: Readonly<Record<UpsampleInit, string>> = {
  bilinear: cssRgb(TABLEAU10[0] ?? [0, 0, 0]),
  random: cssRgb(TABLEAU10[1] ?? [0, 0, 0]),
};
const SKIP_OPTIONS: readonly { value: SkipInit; label: string }[] = [
  { value: 'zero', label: 'zero (as FCN)' },
  { value: 'random', label: 'random' },
];
/** A request's work, ms: short, so a pause, a reset or another figure waits at most this. */
const CHUNK_MS = 250;
/** How often the masks and kernels are refreshed while training, ms. */
const SNAPSHOT_MS = 1500;
/** Kernel views share one scale: the bilinear 2× kernel's largest tap is 0.5625. */
const KERNEL_RANGE: Range = [-0.6, 0.6];
/** Run ids of this page, unique across its elements. */
let nextRun = 0;

/**
 * @summary Train FCN-8s's decoder live: two runs side by side on frozen encoder features, whose
 * 2× transposed convolutions start as bilinear interpolation or at random; both loss curves,
 * both masks on a held-out scene, the `upscore2` kernels beside their start and the steps per
 * second. Start, Pause and Reset buttons; the skip layers can start at zero or at random.
 *
 * Training runs in the compute worker, a few steps per request (`decoder-training` in
 * src/lib/browser/figures/decoder-training.ts), so the page never waits on it. The figure
 * computes its step-0 state (masks, kernels, losses) when it comes near the viewport and trains
 * only after Start. It pauses while the tab is hidden and resumes when it is shown again;
 * Reset (or a new skip setting) frees the run and starts a new one at step 0; leaving the page
 * frees it.
 *
 * @fires pw-computed - `CustomEvent<{ ms: number }>` when a run's step-0 state is shown.
 * @fires pw-training-step - `CustomEvent<TrainingProgress>` after each answer while training.
 */
export class PwDecoderTraining extends LitElement {
  static override properties = {
    items: { type: Array },
    trainScenes: { type: Number, attribute: 'train-scenes' },
    heldOut: { type: Number, attribute: 'held-out' },
    skip: { type: String },
    seed: { type: Number },
    maxSteps: { type: Number, attribute: 'max-steps' },
    running: { state: true },
    hidden: { state: true },
    history: { state: true },
    stepsTaken: { state: true },
    latest: { state: true },
    stepsPerSecond: { state: true },
    trainError: { state: true },
  };
  static override styles = [
    elementStyles,
    css`
      :host {
        container-type: inline-size;
      }
      .buttons {
        display: inline-flex;
        gap: 0.5rem;
      }
      .buttons button {
        font: inherit;
        padding: 0.3rem 0.9rem;
      }
      .buttons button.start {
        font-weight: 600;
      }
      .prompt {
        margin: 0 0 0.75rem;
        font-weight: 600;
      }
      .scene {
        display: grid;
        grid-template-columns: repeat(2, minmax(0, 1fr));
        gap: 0.75rem;
      }
      @container (min-width: 36rem) {
        .scene {
          grid-template-columns: repeat(4, minmax(0, 1fr));
        }
      }
      .run-title {
        border-inline-start: 0.4rem solid;
        padding-inline-start: 0.4rem;
        font-size: 0.875rem;
        margin: 0.25rem 0;
      }
      .kernels {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(min(100%, 16rem), 1fr));
        gap: 0.75rem 1.5rem;
        margin-top: 0.75rem;
      }
      .kernels pw-tensor-view {
        display: block;
      }
    `,
  ];

  /** JSON array of `{ id, title, src, label }` test scenes (label = ground-truth PNG). */
  declare items: SceneItem[];
  /** How many of `items`, from the first, make the training batch (1..8, default 4). */
  declare trainScenes: number;
  /** Index in `items` of the held-out scene the masks are shown on, after the batch (default 8). */
  declare heldOut: number;
  /** How the skip score layers (pool4, pool3) start in both runs: 'zero' (default) | 'random'. */
  declare skip: SkipInit;
  /** Seed of the random starts shared by both runs (default 1). */
  declare seed: number;
  /** Training stops after this many steps (1..100000, default 1000). */
  declare maxSteps: number;
  declare running: boolean;
  declare hidden: boolean;
  declare history: readonly LossPoint[];
  declare stepsTaken: number;
  declare latest: Snapshot | undefined;
  declare stepsPerSecond: number;
  declare trainError: unknown;

  /** Settings shared by URL (`?id=...`), copy-link and PNG controls. */
  readonly share = new UrlStateController(this, ['skip:zero|random']);

  /** Bumped by Reset: a new run even though nothing else changed. */
  private resets = 0;
  /**
   * Runs started in the worker and not yet known to be freed: the next start frees them, as
   * does leaving the page. Bookkeeping of worker memory, not element state.
   */
  private readonly unfreed = new Set<string>();
  /** The run the curves and `latest` belong to. */
  private shownRun: string | undefined;
  /** The request in flight while training, aborted by Reset and by leaving the page. */
  private chunk: AbortController | undefined;
  private looping = false;
  private lastSnapshotAt = 0;
  private stepsPerRequest = 1;
  private readonly onVisibility = (): void => {
    this.hidden = document.visibilityState === 'hidden';
    if (!this.hidden) void this.train();
  };

  private readonly scenes = new TensorTaskController(this, {
    args: () => {
      const batch = this.items.slice(0, this.trainScenes);
      const held = this.items[this.heldOut];
      if (batch.length === 0 || !held) return undefined;
      // One string, so the scenes load again only when one of them changes.
      return [[...batch, held].map((s) => `${s.src}\t${s.label}`).join('\n')] as const;
    },
    task: async ([key]): Promise<Scenes> => {
      intInRange('train-scenes', this.trainScenes, 1, 8);
      intInRange('held-out', this.heldOut, this.trainScenes, this.items.length - 1);
      const side = 128;
      const loaded = await Promise.all(
        key.split('\n').map(async (line) => {
          const [src = '', label = ''] = line.split('\t');
          const [image, truth] = await Promise.all([loadImage(src), loadLabelMap(label)]);
          return { image: imageToTensor(image, side), label: truth };
        }),
      );
      const images = loaded.map((l) => l.image);
      const labels = loaded.map((l) => l.label);
      try {
        return tf.tidy(() => ({
          images: tf.stack<tf.Tensor3D>(images.slice(0, -1)) as tf.Tensor4D,
          labels: tf.stack<tf.Tensor2D>(labels.slice(0, -1)) as tf.Tensor3D,
          heldImage: tf.clone(images[images.length - 1] as tf.Tensor3D),
          heldLabel: tf.clone(labels[labels.length - 1] as tf.Tensor2D),
        }));
      } finally {
        tf.dispose([images, labels]);
      }
    },
  });

  private readonly start: TensorTaskController<
    readonly [Scenes, SkipInit, number, number],
    Started
  > = new TensorTaskController(this, {
    announce: true,
    args: () =>
      this.scenes.value
        ? ([this.scenes.value, this.skip, this.seed, this.resets] as const)
        : undefined,
    task: async ([scenes, skip, seed], { signal }): Promise<Started> => {
      const run = `decoder-${++nextRun}-${Date.now().toString(36)}`;
      const free = [...this.unfreed];
      this.unfreed.add(run);
      const answer = (await compute(
        'decoder-training',
        {
          images: scenes.images,
          labels: scenes.labels,
          heldImage: scenes.heldImage,
          heldLabel: scenes.heldLabel,
        },
        { action: 'start', run, skip, seed, free },
        { signal },
      )) as TrainingAnswer;
      for (const id of free) this.unfreed.delete(id);
      if (!answer.snapshot) throw new Error('decoder-training start returned no snapshot');
      const [losses = [NaN, NaN]] = answer.losses;
      return {
        run,
        losses: [losses[0], losses[1]],
        snapshot: await snapshotFromWire(answer.snapshot),
      };
    },
  });

  private readonly onRetry = (): void => {
    this.trainError = undefined;
    retryFailed(this.scenes, this.start);
  };

  constructor() {
    super();
    this.items = [];
    this.trainScenes = 4;
    this.heldOut = 8;
    this.skip = 'zero';
    this.seed = 1;
    this.maxSteps = 1000;
    this.running = false;
    this.hidden = false;
    this.history = [];
    this.stepsTaken = 0;
    this.latest = undefined;
    this.stepsPerSecond = 0;
    this.trainError = undefined;
  }

  /** Adam steps taken by each of the two runs shown. */
  get step(): number {
    return this.stepsTaken;
  }

  /** Whether a training request is in flight (after Pause, until its answer is in). */
  get training(): boolean {
    return this.looping;
  }

  /** The snapshot shown: the newest one of the current run. */
  private snapshot(): Snapshot | undefined {
    return this.latest ?? this.start.value?.snapshot;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.setAttribute('data-needs-weights', '');
    this.hidden = document.visibilityState === 'hidden';
    document.addEventListener('visibilitychange', this.onVisibility);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('visibilitychange', this.onVisibility);
    this.running = false;
    this.chunk?.abort();
    this.chunk = undefined;
    this.freeRuns();
    this.forgetRun();
  }

  /** Asks the worker to free every run this element started (fire and forget). */
  private freeRuns(): void {
    const runs = [...this.unfreed];
    if (runs.length === 0) return;
    compute('decoder-training', {}, { action: 'free', runs }).then(
      () => runs.forEach((id) => this.unfreed.delete(id)),
      // A worker that has gone took its runs with it; a live one frees them at the next start.
      () => undefined,
    );
  }

  /** Drops the curves and the latest snapshot (a new run, or the element leaving). */
  private forgetRun(): void {
    if (this.latest) tf.dispose(this.latest);
    this.latest = undefined;
    this.history = [];
    this.stepsTaken = 0;
    this.shownRun = undefined;
    this.stepsPerSecond = 0;
  }

  protected override willUpdate(changed: PropertyValues): void {
    super.willUpdate(changed);
    const started = this.start.value;
    if (started && started.run !== this.shownRun && this.start.status === 'complete') {
      // A new run is in (Reset, a new skip setting, or the first one): its curves start here.
      this.chunk?.abort();
      this.chunk = undefined;
      this.forgetRun();
      this.shownRun = started.run;
      this.history = RUNS.map((run, k) => ({ step: 0, run, loss: started.losses[k] ?? NaN }));
      this.chartOptions = this.chart();
    } else if (changed.has('history')) {
      this.chartOptions = this.chart();
    }
  }

  private readonly onStart = (): void => {
    try {
      intInRange('max-steps', this.maxSteps, 1, 100_000);
    } catch (error) {
      this.trainError = error;
      return;
    }
    this.trainError = undefined;
    this.running = true;
    void this.train();
  };

  private readonly onPause = (): void => {
    this.running = false;
  };

  private readonly onReset = (): void => {
    this.running = false;
    this.chunk?.abort();
    this.resets++;
    this.requestUpdate();
  };

  private readonly onSkip = (skip: SkipInit): void => {
    this.running = false;
    this.skip = skip;
  };

  private canStep(run: string): boolean {
    return (
      this.running &&
      !this.hidden &&
      this.isConnected &&
      this.trainError === undefined &&
      this.start.status === 'complete' &&
      this.start.value?.run === run &&
      this.shownRun === run &&
      this.step < this.maxSteps
    );
  }

  /** Asks the worker for steps, a request at a time, while training may go on. */
  private async train(): Promise<void> {
    if (this.looping) return;
    this.looping = true;
    try {
      for (;;) {
        const run = this.start.value?.run;
        if (run === undefined || !this.canStep(run)) break;
        const steps = Math.max(1, Math.min(this.stepsPerRequest, this.maxSteps - this.step));
        const snapshot =
          performance.now() - this.lastSnapshotAt > SNAPSHOT_MS ||
          this.step + steps >= this.maxSteps;
        const controller = new AbortController();
        this.chunk = controller;
        let answer: TrainingAnswer;
        let fresh: Snapshot | undefined;
        try {
          answer = (await compute(
            'decoder-training',
            {},
            { action: 'step', run, steps, snapshot },
            { signal: controller.signal },
          )) as TrainingAnswer;
          fresh = answer.snapshot ? await snapshotFromWire(answer.snapshot) : undefined;
        } catch (error) {
          if (!controller.signal.aborted && this.shownRun === run) {
            this.trainError = error;
            this.running = false;
          }
          break;
        } finally {
          if (this.chunk === controller) this.chunk = undefined;
        }
        if (this.shownRun !== run || !this.isConnected) {
          if (fresh) tf.dispose(fresh);
          continue;
        }
        this.commit(answer, fresh);
      }
    } finally {
      this.looping = false;
    }
  }

  /** Adds an answer's losses to the curves and shows its snapshot (in one synchronous step). */
  private commit(answer: TrainingAnswer, fresh: Snapshot | undefined): void {
    // Each loss is the one before its step: the chunk's first is the loss after `first` steps,
    // which for the first chunk is step 0's, already drawn from the start.
    const first = answer.step - answer.losses.length;
    const drawn = this.history.at(-1)?.step ?? -1;
    const points = answer.losses.flatMap(([b, r], i) =>
      first + i > drawn
        ? [
            { step: first + i, run: 'bilinear' as const, loss: b },
            { step: first + i, run: 'random' as const, loss: r },
          ]
        : [],
    );
    this.history = [...this.history, ...points];
    this.stepsTaken = answer.step;
    if (answer.msPerStep > 0) {
      this.stepsPerSecond = 1000 / answer.msPerStep;
      this.stepsPerRequest = Math.max(1, Math.min(25, Math.round(CHUNK_MS / answer.msPerStep)));
    }
    if (fresh) {
      // The step-0 snapshot goes too (its owner's later dispose is a no-op): the page holds one
      // snapshot at any step, so its tensor count does not change when training starts.
      tf.dispose(this.latest ?? this.start.value?.snapshot);
      this.latest = fresh;
      this.lastSnapshotAt = performance.now();
    }
    const shown = this.snapshot();
    const last = answer.losses.at(-1) ?? [NaN, NaN];
    emit<TrainingProgress>(this, 'pw-training-step', {
      step: this.step,
      losses: [last[0], last[1]],
      stepsPerSecond: this.stepsPerSecond,
      snapshotStep: shown?.step ?? 0,
      heldOut: shown?.scores ?? {
        bilinear: { meanIU: NaN, pixelAccuracy: NaN },
        random: { meanIU: NaN, pixelAccuracy: NaN },
      },
    });
  }

  /** The chart's options, rebuilt when the curves change (pw-chart redraws on a new one). */
  private chartOptions: ChartOptions | undefined;

  private chart(): ChartOptions | undefined {
    const points = this.history;
    if (points.length === 0) return undefined;
    const last = Math.max(10, points.at(-1)?.step ?? 0);
    const losses = points.map((p) => p.loss).filter((l) => l > 0);
    // Padded, so the first points sit inside the frame rather than on its edges.
    const domain =
      losses.length > 0 ? [Math.min(...losses) / 1.25, Math.max(...losses) * 1.25] : undefined;
    return (width) => ({
      width,
      height: Math.min(280, Math.max(180, width * 0.4)),
      marginLeft: 50,
      x: { label: 'step', domain: [0, last] },
      y: {
        label: 'training loss (cross-entropy)',
        type: 'log',
        ...(domain ? { domain } : {}),
        grid: true,
        tickFormat: '~g',
      },
      color: {
        legend: true,
        domain: RUNS.map((r) => RUN_LABEL[r]),
        range: RUNS.map((r) => RUN_COLOUR[r]),
      },
      marks: [
        Plot.line(points, { x: 'step', y: 'loss', stroke: (d: LossPoint) => RUN_LABEL[d.run] }),
        Plot.dot(
          points.filter((p) => p.step === 0),
          { x: 'step', y: 'loss', fill: (d: LossPoint) => RUN_LABEL[d.run] },
        ),
      ],
    });
  }

  private renderControls() {
    const started = this.start.status === 'complete' && !!this.start.value;
    const done = this.step >= this.maxSteps;
    return html`<div class="controls">
      <div class="buttons" role="group" aria-label="Training">
        <button
          type="button"
          class="start"
          ?disabled=${!started || this.running || done}
          @click=${this.onStart}
        >
          ${this.step > 0 ? 'Resume' : 'Start'} training
        </button>
        <button type="button" class="pause" ?disabled=${!this.running} @click=${this.onPause}>
          Pause
        </button>
        <button
          type="button"
          class="reset"
          ?disabled=${!started || this.step === 0}
          @click=${this.onReset}
        >
          Reset
        </button>
      </div>
      ${radioGroup({
        legend: 'Skip layers start at',
        name: 'skip',
        options: SKIP_OPTIONS,
        value: this.skip,
        onChange: this.onSkip,
      })}
    </div>`;
  }

  private renderRunMask(snap: Snapshot, run: UpsampleInit) {
    const s = snap.scores[run];
    return html`<div data-run=${run}>
      ${classMapView(
        snap.masks[run],
        `${RUN_LABEL[run]}: mean IU ${(s.meanIU * 100).toFixed(1)} %, pixel accuracy ${(s.pixelAccuracy * 100).toFixed(1)} % (step ${snap.step})`,
        { legend: false },
      )}
    </div>`;
  }

  private renderKernels(snap: Snapshot) {
    return html`<div class="kernels">
      ${RUNS.map(
        (run) =>
          html`<div data-run=${run}>
            <p class="run-title" style=${`border-color: ${RUN_COLOUR[run]}`}>
              ${RUN_LABEL[run]}: upscore2, one 4×4 tile per class
            </p>
            <pw-tensor-view
              .tensor=${snap.kernelStart[run]}
              mode="diverging"
              .range=${KERNEL_RANGE}
              no-legend
              label="At step 0"
            ></pw-tensor-view>
            <pw-tensor-view
              .tensor=${snap.kernelNow[run]}
              mode="diverging"
              .range=${KERNEL_RANGE}
              label=${`At step ${snap.step}`}
            ></pw-tensor-view>
          </div>`,
      )}
    </div>`;
  }

  private statusText(): string {
    if (this.start.status !== 'complete' || !this.start.value) {
      return 'Loading the network and computing the training batch’s features…';
    }
    const rate =
      this.stepsPerSecond > 0 ? ` · ${this.stepsPerSecond.toFixed(1)} steps per second` : '';
    if (this.step >= this.maxSteps)
      return `Stopped after ${this.step} steps${rate}. Reset to train again.`;
    if (this.running && this.hidden) return `Paused at step ${this.step} while the tab is hidden.`;
    if (this.running) return `Training: step ${this.step}${rate} (each step updates both runs).`;
    return this.step > 0 ? `Paused at step ${this.step}${rate}.` : 'Step 0: press Start training.';
  }

  override render() {
    const snap = this.snapshot();
    const scenes = this.scenes.value;
    const error = this.scenes.error ?? this.start.error ?? this.trainError;
    const [b = NaN, r = NaN] = RUNS.map(
      (run) => this.history.findLast((p) => p.run === run)?.loss ?? NaN,
    );
    const lossStep = this.history.at(-1)?.step ?? 0;
    return html`${this.renderControls()}
      ${error ? errorAlert('Could not train the decoder', error, this.onRetry) : nothing}
      ${
        snap && this.step === 0 && !this.running
          ? html`<p class="prompt">
              Both decoders are untrained: press Start training and watch which loss falls faster.
            </p>`
          : nothing
      }
      <pw-chart
        .options=${this.chartOptions}
        label=${`Training loss against step for both runs (log scale). At step ${lossStep}: bilinear start ${b.toFixed(3)}, random start ${r.toFixed(3)}.`}
      ></pw-chart>
      <p class="readout losses" aria-live="off">
        Loss at step ${lossStep}:
        <strong data-run="bilinear">${Number.isFinite(b) ? b.toFixed(3) : '–'}</strong> (bilinear
        start) ·
        <strong data-run="random">${Number.isFinite(r) ? r.toFixed(3) : '–'}</strong> (random start)
      </p>
      ${
        snap && scenes
          ? html`<div class="scene">
                <pw-tensor-view
                  .tensor=${scenes.heldImage}
                  mode="rgb"
                  label="Held-out scene (never trained on)"
                ></pw-tensor-view>
                <div>${classMapView(scenes.heldLabel, 'Ground truth', { legend: false })}</div>
                ${this.renderRunMask(snap, 'bilinear')} ${this.renderRunMask(snap, 'random')}
              </div>
              ${this.renderKernels(snap)}`
          : nothing
      }
      ${statusLine(undefined, error ? '' : this.statusText())}`;
  }

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    // A run just shown, or the tab back while the reader wants training: go on.
    if (this.running) void this.train();
  }
}

/** A snapshot's wire tensors as page tensors (the caller owns them). */
async function snapshotFromWire(wire: WireSnapshot): Promise<Snapshot> {
  return fromWire<Snapshot>(wire);
}

customElements.define('pw-decoder-training', PwDecoderTraining);

declare global {
  interface HTMLElementTagNameMap {
    'pw-decoder-training': PwDecoderTraining;
  }
  interface HTMLElementEventMap {
    'pw-training-step': CustomEvent<TrainingProgress>;
  }
}
