/**
 * What the CRF lesson draws: a mean-field run that also keeps the last update's size per pixel,
 * inputs scaled down for the exact path, and how far two label maps agree.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  disposeMeanFieldState,
  initialMeanFieldState,
  meanFieldStep,
  prepareMeanField,
  type CpuMeanField,
  type MeanFieldOptions,
  type MeanFieldTrace,
} from './index';
import { expectRank, intInRange, invalid } from '../validate';

export interface MeanFieldFigure {
  /** `[H, W, L]` marginals after the last iteration. */
  readonly q: tf.Tensor3D;
  /**
   * `[H, W]` how far each pixel's probabilities travelled: the sum over iterations of
   * sum_l |Q_t(l) - Q_{t-1}(l)| (0 when no iteration ran).
   */
  readonly travel: tf.Tensor2D;
  /** `[H, W]` float32: the last iteration at which the pixel's argmax label changed, else 0. */
  readonly settled: tf.Tensor2D;
  /** Iterations 0..t: free energy per pixel (nats) and changed-label counts. */
  readonly trace: MeanFieldTrace[];
}

/**
 * Runs mean-field inference like `runMeanField` and keeps where and when it moved each pixel.
 * @param image `[H, W, 3]` RGB in [0, 1].
 * @param unary `[H, W, L]` in nats.
 * @param options CRF parameters (defaults `DEFAULT_CRF_PARAMS`) and method (default 'fast').
 * @returns tensors owned by the caller.
 */
export function meanFieldFigure(
  image: tf.Tensor3D,
  unary: tf.Tensor3D,
  options: MeanFieldOptions = {},
): MeanFieldFigure {
  const problem = prepareMeanField(image, unary, options);
  try {
    let state = initialMeanFieldState(problem);
    let travel = tf.zeros<tf.Rank.R2>([problem.height, problem.width]);
    let settled = tf.zeros<tf.Rank.R2>([problem.height, problem.width]);
    const trace: MeanFieldTrace[] = [];
    const record = () =>
      trace.push({ iteration: state.iteration, energy: state.energy, changed: state.changed });
    record();
    for (let t = 0; t < problem.params.iterations; t++) {
      const next = meanFieldStep(state);
      const [oldTravel, oldSettled] = [travel, settled];
      [travel, settled] = tf.tidy(() => {
        const moved = tf.sum(tf.abs(tf.sub(next.q, state.q)), -1);
        const flipped = tf.notEqual(tf.argMax(next.q, -1), tf.argMax(state.q, -1));
        return [
          tf.add(oldTravel, moved),
          tf.where(flipped, tf.fill(oldSettled.shape, next.iteration), oldSettled),
        ] as [tf.Tensor2D, tf.Tensor2D];
      });
      tf.dispose([oldTravel, oldSettled]);
      disposeMeanFieldState(state);
      state = next;
      record();
    }
    state.pairwise.dispose();
    return { q: state.q, travel, settled, trace };
  } finally {
    problem.dispose();
  }
}

/**
 * Bilinear downscale of an image and its logits, nearest-neighbour of its label map, to
 * `side x side` (for the exact path, whose cost grows with the square of the pixel count).
 * @param image `[H, W, 3]`, logits `[H, W, L]`, truth `[H, W]` int labels.
 * @param side 2..512.
 */
export function downscaleForCrf(
  image: tf.Tensor3D,
  logits: tf.Tensor3D,
  truth: tf.Tensor2D,
  side: number,
): { image: tf.Tensor3D; logits: tf.Tensor3D; truth: tf.Tensor2D } {
  intInRange('side', side, 2, 512);
  expectRank('image', image.shape, 3, '[H, W, 3]');
  expectRank('logits', logits.shape, 3, '[H, W, L]');
  expectRank('truth', truth.shape, 2, '[H, W]');
  return tf.tidy(() => ({
    image: tf.image.resizeBilinear(image, [side, side], false, true),
    logits: tf.image.resizeBilinear(logits, [side, side], false, true),
    truth: tf.squeeze<tf.Tensor2D>(
      tf.image.resizeNearestNeighbor(
        tf.expandDims<tf.Tensor3D>(truth, -1),
        [side, side],
        false,
        true,
      ),
      [2],
    ),
  }));
}

/**
 * Fraction of pixels, in [0, 1], whose most probable label is the same in `a` and `b`
 * (`[H, W, L]` each). Returns a scalar tensor (caller disposes) so it can stay on the device.
 */
export function labelAgreement(a: tf.Tensor3D, b: tf.Tensor3D): tf.Scalar {
  if (!tf.util.arraysEqual(a.shape, b.shape)) {
    invalid('b shape', `[${b.shape.join(', ')}]`, `[${a.shape.join(', ')}] like a`);
  }
  return tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.argMax(a, -1), tf.argMax(b, -1)), 'float32')));
}

/**
 * The labels worth carrying through the CRF: those among the `k` (default 2) highest scores of
 * at least one pixel, sorted. Mean-field cost is linear in the label count, and a label that
 * is nowhere in the top two carries almost no probability mass, so its messages barely count.
 * @param logits `[H, W, L]` scores.
 */
export async function candidateLabels(logits: tf.Tensor3D, k = 2): Promise<number[]> {
  expectRank('logits', logits.shape, 3, '[H, W, L]');
  intInRange('k', k, 1, logits.shape[2]);
  const top = tf.tidy(() => tf.topk(logits, k).indices);
  const values = await top.data();
  top.dispose();
  return [...new Set(values)].sort((a, b) => a - b);
}

/**
 * Class indices `[H, W]` int32 of the most probable label of `q` (`[H, W, K]`), where channel
 * c of `q` is class `labels[c]`.
 */
export function labelMapFrom(q: tf.Tensor3D, labels: readonly number[]): tf.Tensor2D {
  if (labels.length !== q.shape[2]) invalid('labels length', labels.length, `${q.shape[2]}`);
  return tf.tidy(() => {
    const classes: tf.Tensor = tf.tensor1d([...labels], 'int32');
    return tf.gather(classes, tf.argMax(q, -1)) as tf.Tensor2D;
  });
}

/** An image and unary read back for the typed-array path (crf/mean-field-cpu.ts). */
export interface CpuProblemData {
  /** `[H * W * 3]` RGB in [0, 1]. */
  readonly rgb: Float32Array;
  /** `[H * W * L]` nats. */
  readonly unary: Float32Array;
  readonly height: number;
  readonly width: number;
  readonly labels: number;
}

/**
 * Reads `image` (`[H, W, 3]`) and `unary` (`[H, W, L]`) back to JavaScript (asynchronously, so
 * a GPU backend does not stall) for the typed-array mean field. The inputs stay the caller's.
 */
export async function cpuProblemData(
  image: tf.Tensor3D,
  unary: tf.Tensor3D,
): Promise<CpuProblemData> {
  expectRank('image', image.shape, 3, '[H, W, 3]');
  expectRank('unary', unary.shape, 3, '[H, W, L]');
  const [height, width] = image.shape;
  if (unary.shape[0] !== height || unary.shape[1] !== width) {
    invalid(
      'unary shape',
      `[${unary.shape.join(', ')}]`,
      `[${height}, ${width}, L] like the image`,
    );
  }
  const [rgb, u] = await Promise.all([image.data(), unary.data()]);
  return {
    rgb: Float32Array.from(rgb),
    unary: Float32Array.from(u),
    height,
    width,
    labels: unary.shape[2],
  };
}

/**
 * The typed-array run's current state as the figure's tensors (caller disposes): marginals
 * `[H, W, L]`, probability travel and last label change `[H, W]`.
 */
export function cpuFigureTensors(run: CpuMeanField): {
  q: tf.Tensor3D;
  travel: tf.Tensor2D;
  settled: tf.Tensor2D;
} {
  const { height: h, width: w } = run.kernels;
  return {
    q: tf.tensor3d(run.q.slice(), [h, w, run.numLabels]),
    travel: tf.tensor2d(run.travel.slice(), [h, w]),
    settled: tf.tensor2d(run.settled.slice(), [h, w]),
  };
}
