/**
 * The bilinear-deconvolution page's live training (pw-decoder-training): two FCN-8s decoders,
 * 2× kernels starting bilinear and random, trained side by side on frozen encoder features.
 *
 * Training is a conversation of short requests, so the compute layer never blocks for long:
 * `start` computes the training batch's features once and keeps a `DecoderComparison` under the
 * element's run id; each `step` request advances that run a few Adam steps and answers with
 * the losses (and, when asked, both masks on the held-out scene and the current kernels); `free`
 * disposes a run. The element pauses by not asking, resets by starting a new run id (freeing
 * the old one in the same request) and frees its runs when it leaves the page. At most
 * SESSION_LIMIT runs live at once (the oldest goes first), so a page that never frees cannot
 * grow the worker's memory.
 */
import * as tf from '@tensorflow/tfjs-core';
import { loadModel } from '../model';
import { decoderFeatures, type DecoderFeatures, type SkipInit } from '../../fcn/decoder-training';
import { DecoderComparison, type ComparisonSnapshot } from '../../fcn/decoder-comparison';
import { segmentationScores } from '../../fcn/metrics';
import { intInRange, invalid, oneOf } from '../../validate';
import type { WireTensor } from '../compute-wire';
import type { Figure, Inputs } from './figure';

/** Most training runs kept at once, across every element of the page. */
const SESSION_LIMIT = 2;
/** Most Adam steps one `step` request may ask for. */
export const MAX_STEPS_PER_REQUEST = 100;
/** A step request gives other requests a turn after this much work, ms. */
const TURN_MS = 50;

/** The frozen encoder's features of one set of scenes, shared by the runs that use them. */
interface Features {
  readonly train: DecoderFeatures;
  readonly heldOut: DecoderFeatures;
  readonly users: Set<string>;
}

interface Session {
  readonly comparison: DecoderComparison;
  readonly featuresKey: string;
}

const features = new Map<string, Promise<Features>>();
const sessions = new Map<string, Session>();

/** One run's numbers on the held-out scene. */
export type HeldOutScores = {
  readonly meanIU: number;
  readonly pixelAccuracy: number;
};

/** What the page gets back of a snapshot: both runs' mask and kernels, and their scores. */
export interface WireSnapshot {
  readonly step: number;
  readonly masks: Readonly<Record<'bilinear' | 'random', WireTensor>>;
  readonly kernelStart: Readonly<Record<'bilinear' | 'random', WireTensor>>;
  readonly kernelNow: Readonly<Record<'bilinear' | 'random', WireTensor>>;
  readonly scores: Readonly<Record<'bilinear' | 'random', HeldOutScores>>;
}

/** Answer to `start` and `step`: the losses of the steps taken, in UPSAMPLE_INITS order. */
export interface TrainingAnswer {
  readonly run: string;
  /** Steps taken by the run so far. */
  readonly step: number;
  /** `[bilinear, random]` training loss before each step this request took (`start`: now). */
  readonly losses: readonly (readonly [number, number])[];
  /** Milliseconds per step of this request (both runs' steps); 0 for `start`. */
  readonly msPerStep: number;
  readonly snapshot?: WireSnapshot;
}

/** A tensor read back at once: a training request is one unit for whoever counts tensors. */
function wireNow(tensor: tf.Tensor): WireTensor {
  return {
    wire: 'tensor',
    dtype: tensor.dtype === 'int32' || tensor.dtype === 'bool' ? tensor.dtype : 'float32',
    shape: tensor.shape.slice(),
    // Read synchronously (this runs in the worker, or on a page without one, where the whole
    // request is synchronous work anyway): no other request sees a step or snapshot half done.
    data: tensor.dataSync().slice(),
  };
}

function snapshotOf(session: Session): WireSnapshot {
  const snap: ComparisonSnapshot = session.comparison.snapshot();
  try {
    const pick = (f: (r: ComparisonSnapshot['bilinear']) => tf.Tensor) => ({
      bilinear: wireNow(f(snap.bilinear)),
      random: wireNow(f(snap.random)),
    });
    const score = (r: ComparisonSnapshot['bilinear']): HeldOutScores => {
      const s = segmentationScores(r.confusion.arraySync());
      return { meanIU: s.meanIU, pixelAccuracy: s.pixelAccuracy };
    };
    return {
      step: session.comparison.steps,
      masks: pick((r) => r.mask),
      kernelStart: pick((r) => r.kernelStart),
      kernelNow: pick((r) => r.kernelNow),
      scores: { bilinear: score(snap.bilinear), random: score(snap.random) },
    };
  } finally {
    tf.dispose(snap);
  }
}

function lossesNow(compute: () => tf.Tensor1D): [number, number] {
  const t = compute();
  try {
    const [b = NaN, r = NaN] = t.dataSync();
    return [b, r];
  } finally {
    t.dispose();
  }
}

function runId(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 64) {
    invalid('run', value, 'a run id of 1 to 64 characters');
  }
  return value;
}

/** Run `id` no longer uses the features under `key`: freed when no other run does. */
async function release(key: string, id: string): Promise<void> {
  const entry = features.get(key);
  const f = await entry;
  if (!f) return;
  f.users.delete(id);
  if (f.users.size === 0 && features.get(key) === entry) {
    features.delete(key);
    tf.dispose([f.train, f.heldOut]);
  }
}

/** Frees run `id` and, when no other run uses them, its features. */
async function freeRun(id: string): Promise<void> {
  const session = sessions.get(id);
  if (!session) return;
  sessions.delete(id);
  session.comparison.dispose();
  await release(session.featuresKey, id);
}

/** The features of the scenes in `tensors` (computed once per set of page tensors). */
function featuresOf(tensors: Inputs, key: string): Promise<Features> {
  let entry = features.get(key);
  if (!entry) {
    const { images, labels, heldImage, heldLabel } = tensors;
    if (!images || !labels || !heldImage || !heldLabel) {
      throw new Error('decoder-training start needs images, labels, heldImage and heldLabel');
    }
    entry = loadModel().then((weights) => {
      const batch = tf.tidy(() => ({
        images: tf.split<tf.Tensor4D>(images, images.shape[0] ?? 1, 0),
        labels: tf.unstack(labels) as tf.Tensor2D[],
      }));
      const held = tf.tidy(() => ({
        image: tf.expandDims<tf.Tensor4D>(heldImage, 0),
        label: heldLabel.clone() as tf.Tensor2D,
      }));
      try {
        return {
          train: decoderFeatures(weights, batch.images, batch.labels),
          heldOut: decoderFeatures(weights, [held.image], [held.label]),
          users: new Set<string>(),
        };
      } finally {
        tf.dispose([batch.images, batch.labels, held.image, held.label]);
      }
    });
    features.set(key, entry);
    entry.catch(() => features.delete(key));
  }
  return entry;
}

const nextTurn = () => new Promise((resolve) => setTimeout(resolve, 0));

export const DECODER_TRAINING_FIGURES: Record<string, Figure> = {
  /** pw-decoder-training: start, step or free a training run (options.action). */
  'decoder-training': {
    async run(tensors, options, ctx, ids): Promise<TrainingAnswer | { freed: number }> {
      const action = oneOf('action', options['action'], ['start', 'step', 'free']);
      if (action === 'free') {
        const runs = Array.isArray(options['runs']) ? options['runs'].map(runId) : [];
        for (const id of runs) await freeRun(id);
        return { freed: runs.length };
      }
      const run = runId(options['run']);
      if (action === 'start') {
        const skip = oneOf<SkipInit>('skip', options['skip'], ['zero', 'random']);
        const seed = intInRange('seed', options['seed'] ?? 1, 0, 2 ** 31 - 1);
        const old = Array.isArray(options['free']) ? options['free'].map(runId) : [];
        await freeRun(run);
        const key = ['images', 'labels', 'heldImage', 'heldLabel'].map((k) => ids[k]).join(' ');
        const f = await featuresOf(tensors, key);
        // Claimed before the old runs go, so a reset keeps the features it shares with them.
        f.users.add(run);
        if (ctx.signal.aborted) await release(key, run);
        ctx.signal.throwIfAborted();
        for (const id of old) await freeRun(id);
        const session: Session = {
          comparison: new DecoderComparison(f.train, f.heldOut, { skip, seed }),
          featuresKey: key,
        };
        sessions.set(run, session);
        while (sessions.size > SESSION_LIMIT) await freeRun(sessions.keys().next().value as string);
        return {
          run,
          step: 0,
          losses: [lossesNow(() => session.comparison.losses())],
          msPerStep: 0,
          snapshot: snapshotOf(session),
        };
      }
      const session = sessions.get(run);
      if (!session) throw new Error(`decoder-training: no run ${JSON.stringify(run)} here`);
      const steps = intInRange('steps', options['steps'], 1, MAX_STEPS_PER_REQUEST);
      const losses: [number, number][] = [];
      const started = performance.now();
      let turn = started;
      for (let i = 0; i < steps; i++) {
        ctx.signal.throwIfAborted();
        losses.push(lossesNow(() => session.comparison.step()));
        if (performance.now() - turn > TURN_MS) {
          await nextTurn();
          turn = performance.now();
          // The run may have been freed (a reset, the element leaving) while others had a turn.
          if (sessions.get(run) !== session) throw new Error(`decoder-training: run ${run} freed`);
        }
      }
      const msPerStep = (performance.now() - started) / steps;
      return {
        run,
        step: session.comparison.steps,
        losses,
        msPerStep,
        ...(options['snapshot'] === true ? { snapshot: snapshotOf(session) } : {}),
      };
    },
  },
};

/** Live training runs and feature sets (for tests). */
export function decoderTrainingStats(): { runs: number; featureSets: number } {
  return { runs: sessions.size, featureSets: features.size };
}
