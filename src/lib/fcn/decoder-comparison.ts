/**
 * Two FCN-8s decoders trained side by side on the same frozen encoder features, one whose 2×
 * kernels start bilinear and one whose 2× kernels start random; everything else (score layers,
 * skip initialisation, seed, Adam settings) is shared. A step advances both by one Adam step; a
 * snapshot shows both on a held-out scene, with their `upscore2` kernels beside their start.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  DecoderAdam,
  decoderLogits,
  decoderLoss,
  disposeDecoder,
  initDecoder,
  type DecoderFeatures,
  type DecoderVariables,
  type SkipInit,
  type UpsampleInit,
} from './decoder-training';
import { confusionTensor } from './confusion';
import { FCN_CLASSES } from './classes';
import { intInRange, numberInRange, oneOf } from '../validate';

/** The two runs, in the order every result lists them. */
export const UPSAMPLE_INITS: readonly UpsampleInit[] = ['bilinear', 'random'];

export interface DecoderComparisonOptions {
  /** How both decoders' skip score layers start. */
  skip: SkipInit;
  /** Seed of every random start (shared by both runs). Default 1. */
  seed?: number;
  /** Adam's learning rate, default 0.01. */
  learningRate?: number;
}

/** One run's view of the held-out scene, tensors the caller owns. */
export interface RunSnapshot extends tf.TensorContainerObject {
  /** `[H, W]` int32: the predicted class of each pixel. */
  mask: tf.Tensor2D;
  /** `[11, 11]` float32: pixel counts, truth by row, prediction by column. */
  confusion: tf.Tensor2D;
  /** `[4, 11·5 − 1]`: `upscore2`'s class-diagonal 4×4 kernels at the start, one tile per class. */
  kernelStart: tf.Tensor2D;
  /** The same tiles now. */
  kernelNow: tf.Tensor2D;
}

/** Both runs on the held-out scene, in UPSAMPLE_INITS order. */
export interface ComparisonSnapshot extends tf.TensorContainerObject {
  bilinear: RunSnapshot;
  random: RunSnapshot;
}

const K = FCN_CLASSES.length;

/**
 * `kernel` `[4, 4, K, K]` (tfjs layout `[kh, kw, out, in]`): each class's own 4×4 kernel (the
 * channel diagonal, class k to class k) side by side, `[4, 5K − 1]`, one zero column between.
 */
export function kernelDiagonalStrip(kernel: tf.Tensor): tf.Tensor2D {
  return tf.tidy(() => {
    const [kh = 0, kw = 0, c = 0] = kernel.shape;
    const eye = tf.reshape(tf.eye(c), [1, 1, c, c]);
    const diagonal = tf.sum(tf.mul(kernel, eye), 3); // [kh, kw, c]
    const gapped = tf.pad(tf.transpose(diagonal, [0, 2, 1]), [
      [0, 0],
      [0, 0],
      [0, 1],
    ]); // [kh, c, kw + 1]
    const strip = tf.reshape(gapped, [kh, c * (kw + 1)]);
    return tf.slice(strip, [0, 0], [kh, c * (kw + 1) - 1]) as tf.Tensor2D;
  });
}

interface Run {
  readonly init: UpsampleInit;
  readonly variables: DecoderVariables;
  readonly optimizer: DecoderAdam;
  readonly kernelStart: tf.Tensor2D;
}

/**
 * The two decoders, their Adam states and their starting kernels. It reads `train` and
 * `heldOut` but does not own them; `dispose()` frees everything it made. Everything is
 * allocated at construction: the tensor count does not change when training starts.
 */
export class DecoderComparison {
  /** Adam steps taken by each run. */
  steps = 0;
  private readonly runs: readonly Run[];
  private disposed = false;

  constructor(
    private readonly train: DecoderFeatures,
    private readonly heldOut: DecoderFeatures,
    options: DecoderComparisonOptions,
  ) {
    const skip = oneOf('skip', options.skip, ['zero', 'random']);
    const seed = intInRange('seed', options.seed ?? 1, 0, 2 ** 31 - 1);
    const learningRate = numberInRange('learningRate', options.learningRate ?? 0.01, 1e-6, 1);
    if (heldOut.labels.shape[0] !== 1) {
      throw new RangeError(
        `invalid heldOut: ${heldOut.labels.shape[0]} scenes (expected exactly 1)`,
      );
    }
    this.runs = UPSAMPLE_INITS.map((init) => {
      const variables = initDecoder({ upsample: init, skip, seed });
      return {
        init,
        variables,
        optimizer: new DecoderAdam(variables, learningRate),
        kernelStart: kernelDiagonalStrip(variables.upscore2),
      };
    });
  }

  /** The training loss of each run now, `[2]` in UPSAMPLE_INITS order (the caller disposes). */
  losses(): tf.Tensor1D {
    this.check();
    return tf.tidy(
      () => tf.stack(this.runs.map((r) => decoderLoss(r.variables, this.train))) as tf.Tensor1D,
    );
  }

  /**
   * One Adam step of each run. Returns each run's loss before its step, `[2]` in
   * UPSAMPLE_INITS order (the caller disposes); nothing else it made outlives the call.
   */
  step(): tf.Tensor1D {
    this.check();
    const losses = this.runs.map((r) =>
      r.optimizer.step(() => decoderLoss(r.variables, this.train)),
    );
    this.steps++;
    const stacked = tf.stack(losses) as tf.Tensor1D;
    tf.dispose(losses);
    return stacked;
  }

  /** Both runs on the held-out scene now (the caller owns the tensors). */
  snapshot(): ComparisonSnapshot {
    this.check();
    return tf.tidy(() => {
      const truth = tf.squeeze<tf.Tensor2D>(this.heldOut.labels, [0]);
      const of = (run: Run): RunSnapshot => {
        const logits = decoderLogits(run.variables, this.heldOut);
        const mask = tf.squeeze<tf.Tensor2D>(tf.argMax(logits, 3), [0]);
        return {
          mask,
          confusion: confusionTensor(mask, truth, K),
          kernelStart: tf.clone(run.kernelStart),
          kernelNow: kernelDiagonalStrip(run.variables.upscore2),
        };
      };
      const [bilinear, random] = this.runs;
      if (!bilinear || !random) throw new Error('DecoderComparison: runs missing');
      return { bilinear: of(bilinear), random: of(random) };
    });
  }

  /** Frees both decoders, their Adam states and their starting kernels. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const run of this.runs) {
      disposeDecoder(run.variables);
      run.optimizer.dispose();
      run.kernelStart.dispose();
    }
  }

  private check(): void {
    if (this.disposed) throw new Error('DecoderComparison used after dispose()');
  }
}
