/**
 * The CRF lesson's scene figure as one computation: FCN-8s's scores for a test scene, then the
 * dense CRF on them, stepped one iteration at a time so a newer slider position can stop an
 * older run between iterations. Everything it returns is plain typed arrays and numbers (it can
 * cross to and from a worker); every tensor it makes is freed before it returns or throws.
 */
import * as tf from '@tensorflow/tfjs-core';
import { FCN_CLASSES } from '../fcn/classes';
import { confusionTensor } from '../fcn/confusion';
import {
  CpuMeanField,
  prepareCpuKernels,
  unaryFromLogits,
  type CpuCrfKernels,
  type CrfMethod,
  type CrfParams,
} from './index';
import {
  candidateLabels,
  downscaleForCrf,
  labelAgreement,
  labelMapFrom,
  meanFieldFigure,
} from './crf-figure';
import { fcnFigure } from '../fcn/fcn-figure';
import { segmentationScores } from '../fcn/metrics';
import { intInRange, oneOf } from '../validate';
import type { FcnWeights } from '../fcn/weights';

/**
 * 'typed-array': crf/mean-field-cpu.ts over Float32Arrays, for CPUs (the CPU and WASM backends,
 * or WebGL on a software renderer); 'tfjs': crf/mean-field.ts as tfjs ops, for a GPU.
 */
export type CrfPath = 'typed-array' | 'tfjs';

/** Side of the copy the exact path runs on (its cost grows with the square of the pixels). */
export const EXACT_SIDE = 64;

/** A scene and the network's view of it, read back: what every CRF run starts from. */
export interface CrfSceneData {
  /** Side of the (square) scene in pixels. */
  readonly side: number;
  /** `[side * side * 3]` RGB in [0, 1]. */
  readonly rgb: Float32Array;
  /** `[side * side * 11]` FCN-8s scores. */
  readonly logits: Float32Array;
  /** `[side * side]` ground-truth class indices. */
  readonly truth: Int32Array;
  /** The classes the CRF carries (`candidateLabels`), sorted. */
  readonly classes: readonly number[];
}

/** One iteration's free energy per pixel (nats) and changed-label count. */
// A type alias, not an interface: results carrying it must fit tf.TensorContainer.
export type CrfTracePoint = { iteration: number; energy: number; changed: number };

/** One CRF run's figure: label map, where and when it moved, and its readouts. */
export interface CrfSceneResult {
  /** Side the CRF ran at (the scene's, or `EXACT_SIDE` for the exact path). */
  readonly side: number;
  /** `[side * side]` class indices after the CRF. */
  readonly labels: Int32Array;
  /** `[side * side]` total probability travel over all iterations (Σ|ΔQ|). */
  readonly travel: Float32Array;
  /** `[side * side]` last iteration that changed the pixel's label, else 0. */
  readonly settled: Float32Array;
  readonly trace: CrfTracePoint[];
  /** This image's mean IU (in [0, 1]) of the unary's labels and of the CRF's. */
  readonly before: number;
  readonly after: number;
  /** Exact vs fast label agreement on the small image (exact method only), else NaN. */
  readonly agreement: number;
  readonly path: CrfPath;
  /** Message passes the typed-array run has made in all (NaN on the tfjs path). */
  readonly passes: number;
  /** Lattices this scene's typed-array path has built so far (NaN on the tfjs path). */
  readonly latticeBuilds: number;
}

/**
 * Runs FCN-8s on `image` (`[S, S, 3]` in [0, 1], S a multiple of 32) and reads back what the
 * CRF needs, with `truth` (`[h, w]` class indices, resized nearest-neighbour to S x S).
 */
export async function crfSceneData(
  weights: FcnWeights,
  image: tf.Tensor3D,
  truth: tf.Tensor2D,
): Promise<CrfSceneData> {
  const side = image.shape[0];
  const small = tf.tidy(() => {
    const f = fcnFigure(weights, image, '8s');
    return downscaleForCrf(image, f.logits, truth, side);
  });
  try {
    const classes = await candidateLabels(small.logits);
    const [rgb, logits, labels] = await Promise.all([
      small.image.data(),
      small.logits.data(),
      small.truth.data(),
    ]);
    return {
      side,
      rgb: Float32Array.from(rgb),
      logits: Float32Array.from(logits),
      truth: Int32Array.from(labels),
      classes,
    };
  } finally {
    tf.dispose(small);
  }
}

/** Options of `CrfScene.run`. */
export interface CrfRunOptions {
  /** Stops the run between iterations (it then rejects with the signal's reason). */
  readonly signal?: AbortSignal;
  /** Called after each iteration the run steps, with the iteration reached. */
  readonly onIteration?: (iteration: number) => void;
}

/** Lets queued messages (an abort) in between two steps of a long computation. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof MessageChannel === 'undefined') {
      setTimeout(resolve, 0);
      return;
    }
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

async function meanIU(labels: tf.Tensor, truth: tf.Tensor): Promise<number> {
  const confusion = tf.tidy(() => confusionTensor(labels, truth, FCN_CLASSES.length));
  try {
    return segmentationScores(await confusion.array()).meanIU;
  } finally {
    confusion.dispose();
  }
}

/** One resolution of the scene as the typed-array path needs it. */
interface Level {
  readonly side: number;
  readonly image: tf.Tensor3D;
  readonly logits: tf.Tensor3D;
  readonly truth: tf.Tensor2D;
  readonly kept: tf.Tensor3D;
}

/**
 * One scene's CRF, run again for each new setting. Keeps the typed-array path's prepared
 * kernels and run between calls, so moving only the iteration slider continues (or recalls)
 * the last run instead of starting over. Holds no tensors between calls.
 */
export class CrfScene {
  private cpu:
    | {
        side: number;
        rgb: Float32Array;
        unary: Float32Array;
        labels: number;
        kernels: CpuCrfKernels;
        latticeKey: string;
        kernelKey: string;
        run: CpuMeanField;
        runKey: string;
      }
    | undefined;

  /** Lattices built so far (θγ, w1 and w2 reuse the lattice; a test reads it). */
  private latticeBuilds = 0;

  constructor(readonly data: CrfSceneData) {}

  /** The scene (or its exact-path copy) as tensors; the caller disposes them. */
  private level(exact: boolean): Level {
    const { side, classes } = this.data;
    return tf.tidy(() => {
      const image = tf.tensor3d(this.data.rgb, [side, side, 3]);
      const logits = tf.tensor3d(this.data.logits, [side, side, FCN_CLASSES.length]);
      const truth = tf.tensor2d(this.data.truth, [side, side], 'int32');
      const s = exact
        ? downscaleForCrf(image, logits, truth, EXACT_SIDE)
        : { image, logits, truth };
      const kept = tf.gather<tf.Tensor3D>(s.logits, [...classes], 2);
      return { side: s.image.shape[0], ...s, kept };
    });
  }

  /** The typed-array run for these settings: reused, re-weighted or rebuilt. */
  private async cpuRun(level: Level, params: CrfParams, method: CrfMethod): Promise<CpuMeanField> {
    const { side } = level;
    const latticeKey = `${method} ${side} ${params.thetaAlpha} ${params.thetaBeta}`;
    const kernelKey = `${latticeKey} ${params.thetaGamma}`;
    const runKey = `${kernelKey} ${params.w1} ${params.w2}`;
    let c = this.cpu;
    if (!c || c.side !== side) {
      const unaryT = unaryFromLogits(level.kept);
      const [rgb, unary] = await Promise.all([level.image.data(), unaryT.data()]).finally(() =>
        unaryT.dispose(),
      );
      const labels = level.kept.shape[2];
      const kernels = prepareCpuKernels(rgb, side, side, params, true, method);
      this.latticeBuilds++;
      const run = new CpuMeanField(kernels, unary, labels, params, true);
      c = {
        side,
        rgb: Float32Array.from(rgb),
        unary: Float32Array.from(unary),
        labels,
        kernels,
        latticeKey,
        kernelKey,
        run,
        runKey,
      };
    } else if (c.latticeKey !== latticeKey) {
      const kernels = prepareCpuKernels(c.rgb, side, side, params, true, method);
      this.latticeBuilds++;
      const run = new CpuMeanField(kernels, c.unary, c.labels, params, true);
      c = { ...c, kernels, latticeKey, kernelKey, run, runKey };
    } else if (c.kernelKey !== kernelKey) {
      // θγ only: the same lattice, a new smoothness kernel.
      const kernels = c.kernels.withThetaGamma(params.thetaGamma);
      const run = new CpuMeanField(kernels, c.unary, c.labels, params, true);
      c = { ...c, kernels, kernelKey, run, runKey };
    } else if (c.runKey !== runKey) {
      const run = new CpuMeanField(c.kernels, c.unary, c.labels, params, true);
      c = { ...c, run, runKey };
    }
    this.cpu = c;
    return c.run;
  }

  /**
   * Runs the CRF with `params` (spatial widths in pixels of the scene; the exact path runs on
   * an `EXACT_SIDE` copy with the widths scaled to it) by `method` along `path`.
   */
  async run(
    params: CrfParams,
    method: CrfMethod,
    path: CrfPath,
    { signal, onIteration }: CrfRunOptions = {},
  ): Promise<CrfSceneResult> {
    oneOf('method', method, ['exact', 'fast'] as const);
    oneOf('path', path, ['typed-array', 'tfjs'] as const);
    intInRange('iterations', params.iterations, 0, 100);
    signal?.throwIfAborted();
    const exact = method === 'exact';
    const level = this.level(exact);
    const made: tf.Tensor[] = [level.image, level.logits, level.truth, level.kept];
    try {
      const { side } = level;
      const scale = side / this.data.side;
      const scaled: CrfParams = {
        ...params,
        thetaAlpha: params.thetaAlpha * scale,
        thetaGamma: params.thetaGamma * scale,
      };
      let q: tf.Tensor3D;
      let travel: Float32Array;
      let settled: Float32Array;
      let trace: CrfTracePoint[];
      let passes = NaN;
      let latticeBuilds = NaN;
      if (path === 'typed-array') {
        const run = await this.cpuRun(level, scaled, method);
        // Forward one iteration at a time, looking for an abort in between; back at once
        // (earlier iterations are kept).
        if (run.iteration > params.iterations) run.goTo(params.iterations);
        while (run.iteration < params.iterations) {
          run.goTo(run.iteration + 1);
          onIteration?.(run.iteration);
          if (run.iteration < params.iterations) {
            await yieldToEventLoop();
            signal?.throwIfAborted();
          }
        }
        q = tf.tensor3d(run.q.slice(), [side, side, run.numLabels]);
        made.push(q);
        travel = run.travel.slice();
        settled = run.settled.slice();
        trace = run.trace.map((t) => ({ ...t }));
        passes = run.messagePasses;
        latticeBuilds = this.latticeBuilds;
      } else {
        const unary = unaryFromLogits(level.kept);
        made.push(unary);
        const f = meanFieldFigure(level.image, unary, { ...scaled, method });
        made.push(f.q, f.travel, f.settled);
        q = f.q;
        const [t, l] = await Promise.all([f.travel.data(), f.settled.data()]);
        travel = Float32Array.from(t);
        settled = Float32Array.from(l);
        trace = f.trace.map((t) => ({ ...t }));
        onIteration?.(params.iterations);
      }
      signal?.throwIfAborted();
      let agreement = NaN;
      if (exact) {
        const unary = unaryFromLogits(level.kept);
        made.push(unary);
        const fast = meanFieldFigure(level.image, unary, { ...scaled, method: 'fast' });
        made.push(fast.q, fast.travel, fast.settled);
        const agree = labelAgreement(q, fast.q);
        made.push(agree);
        agreement = (await agree.data())[0] ?? NaN;
      }
      const predicted = tf.tidy(() => tf.argMax(level.logits, -1));
      const labelMap = labelMapFrom(q, this.data.classes);
      made.push(predicted, labelMap);
      const before = await meanIU(predicted, level.truth);
      const after = await meanIU(labelMap, level.truth);
      const labels = Int32Array.from(await labelMap.data());
      return {
        side,
        labels,
        travel: Float32Array.from(travel),
        settled: Float32Array.from(settled),
        trace,
        before,
        after,
        agreement,
        path,
        passes,
        latticeBuilds,
      };
    } finally {
      tf.dispose(made);
    }
  }
}
