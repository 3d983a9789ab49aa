/**
 * Mean-field inference for the fully connected CRF (Kraehenbuehl & Koltun 2011), steppable one
 * iteration at a time so pages can chart it. With Potts compatibility mu(l, l') = [l != l']:
 *
 *   P_i(l)  = sum_m w_m sum_{l'} mu(l, l') M^m_i(l'),  M^m_i = sum_{j != i} k_m(f_i, f_j) Q_j
 *   Q_i(l) <- softmax_l(-U_i(l) - P_i(l))
 *
 * The energy reported per step is the mean-field free energy per pixel,
 *
 *   F(Q) = (1/N) sum_i sum_l Q_i(l) [U_i(l) + P_i(l)/2 + ln Q_i(l)] = (KL(Q || P) - ln Z) / N,
 *
 * in nats. Updating one pixel at a time never raises it only when the pairwise kernel is
 * symmetric, as the paper's raw sums are. Neither holds by default here: per-pixel
 * normalisation (as in densecrf) divides row i of the kernel by its own total, which makes it
 * asymmetric, and all pixels update at once (as in densecrf). So F usually falls but may rise.
 *
 * This is the tfjs implementation (for GPUs); mean-field-cpu.ts computes the same over typed
 * arrays, which is much faster on a CPU.
 */
import * as tf from '@tensorflow/tfjs-core';
import { invalid, oneOf } from '../validate';
import { buildBilateralGrid } from './bilateral-grid';
import { buildPermutohedralLattice } from './permutohedral';
import { type SplatFilter, splatFilterMessages } from './splat-filter';
import {
  exactGaussianKernel,
  exactGaussianMessages,
  MAX_EXACT_KERNEL_PIXELS,
} from './exact-filter';
import { appearanceFeatures, checkImage } from './features';
import { type CrfParams, resolveCrfParams } from './params';
import { exactSpatialGaussianMessages, separableGaussianMessages } from './separable-gaussian';
import { MIN_KERNEL_TOTAL } from './mean-field-cpu';

/**
 * 'exact': appearance messages over all N^2 pairs, smoothness by the untruncated separable sum
 * (ground truth, up to ~64 x 64); 'fast': a lattice filter (permutohedral by default, see
 * `fastFilter`) + truncated separable convolution.
 */
export type CrfMethod = 'exact' | 'fast';

export interface MeanFieldOptions extends Partial<CrfParams> {
  /** Default 'fast'. */
  readonly method?: CrfMethod;
  /**
   * The fast path's appearance filter: 'permutohedral' (default; D + 1 = 6 vertices per
   * pixel) or 'grid' (the bilateral grid, 2^D = 32 per pixel; slower, kept for comparison).
   */
  readonly fastFilter?: SplatFilter['kind'];
  /**
   * Rows per block of the exact path, default 1024. Up to 4096 pixels the exact path keeps the
   * whole N x N appearance kernel (64 MiB) and reuses it every step; beyond, it recomputes
   * blocks each step.
   */
  readonly blockSize?: number;
  /**
   * Divide each kernel's messages by that kernel's total weight at the pixel, so each message
   * is a weighted mean of Q in [0, 1] and w1, w2 mean the same at any image size. Default
   * true, as in the reference densecrf code (`PottsPotential(..., per_pixel_normalization =
   * true)` in Kraehenbuehl's v1 densecrf.cpp). False gives the paper's unnormalised sums,
   * which saturate on large smooth kernels (thetaAlpha 60 on a 128 px image sums thousands
   * of pixels, so the pairwise term swamps any unary).
   */
  readonly normalize?: boolean;
}

/** Everything fixed for one image, unary and parameter set; dispose when done. */
export interface MeanFieldProblem {
  readonly height: number;
  readonly width: number;
  readonly numLabels: number;
  readonly params: CrfParams;
  readonly method: CrfMethod;
  /** Occupied lattice vertices (fast path with w1 > 0), else 0. */
  readonly gridVertices: number;
  /** `[H, W, L]` unary in nats (owned: a copy of the input). */
  readonly unary: tf.Tensor3D;
  /** `[N, L]` -> `[N, L]`: w1 * appearance messages + w2 * smoothness messages. */
  readonly weightedMessages: (q: tf.Tensor3D) => tf.Tensor3D;
  dispose(): void;
}

/** One point of the iteration: Q and what pages chart. Tensors owned by the caller. */
export interface MeanFieldState {
  readonly problem: MeanFieldProblem;
  readonly iteration: number;
  /** `[H, W, L]` marginals. */
  readonly q: tf.Tensor3D;
  /** `[H, W, L]` pairwise potential P(Q) of this Q (input of the next step). */
  readonly pairwise: tf.Tensor3D;
  /** Free energy per pixel F(Q), nats. */
  readonly energy: number;
  /** Pixels whose argmax label differs from the previous state's (0 at iteration 0). */
  readonly changed: number;
}

/**
 * Prepares inference: validates parameters and shapes, builds features / the bilateral grid.
 * @param image `[H, W, 3]` RGB in [0, 1].
 * @param unary `[H, W, L]` in nats (e.g. `unaryFromLogits`).
 */
export function prepareMeanField(
  image: tf.Tensor3D,
  unary: tf.Tensor3D,
  options: MeanFieldOptions = {},
): MeanFieldProblem {
  const {
    method = 'fast',
    fastFilter = 'permutohedral',
    blockSize = 1024,
    normalize = true,
    ...rest
  } = options;
  const params = resolveCrfParams(rest);
  oneOf('method', method, ['exact', 'fast'] as const);
  oneOf('fastFilter', fastFilter, ['permutohedral', 'grid'] as const);
  checkImage(image);
  if (unary.rank !== 3) invalid('unary shape', `[${unary.shape.join(', ')}]`, 'rank 3: [H, W, L]');
  const [h, w] = image.shape;
  const labels = unary.shape[2];
  if (unary.shape[0] !== h || unary.shape[1] !== w) {
    invalid('unary shape', `[${unary.shape.join(', ')}]`, `[${h}, ${w}, L] like the image`);
  }
  if (labels < 2) invalid('unary labels', labels, 'at least 2');
  const n = h * w;
  const owned: tf.Tensor[] = [];
  let grid: SplatFilter | undefined;
  let appearance: tf.Tensor2D | undefined;
  let kernel: tf.Tensor2D | undefined;
  if (params.w1 > 0) {
    appearance = appearanceFeatures(image, params.thetaAlpha, params.thetaBeta);
    owned.push(appearance);
    if (method === 'fast') {
      grid =
        fastFilter === 'grid'
          ? buildBilateralGrid(appearance)
          : buildPermutohedralLattice(appearance);
    } else if (n <= MAX_EXACT_KERNEL_PIXELS) {
      kernel = exactGaussianKernel(appearance, blockSize);
      owned.push(kernel);
    }
  }
  const unaryCopy = tf.clone(unary);
  owned.push(unaryCopy);

  const appearanceMessages = (q: tf.Tensor3D): tf.Tensor3D => {
    const c = q.shape[2];
    const flat = tf.reshape<tf.Rank.R2>(q, [n, c]);
    const m = grid
      ? splatFilterMessages(grid, flat)
      : kernel
        ? tf.matMul(kernel, flat)
        : exactGaussianMessages(appearance ?? flat, flat, blockSize);
    return tf.reshape<tf.Rank.R3>(m, [h, w, c]);
  };
  const smoothnessMessages = (q: tf.Tensor3D): tf.Tensor3D =>
    method === 'exact'
      ? exactSpatialGaussianMessages(q, params.thetaGamma)
      : separableGaussianMessages(q, params.thetaGamma);
  // Per-pixel normalisation divides each message by the kernel's own total weight (the
  // message a field of ones receives), so it is a weighted mean of Q in [0, 1].
  let appearanceNorm: tf.Tensor3D | undefined;
  let smoothnessNorm: tf.Tensor3D | undefined;
  if (normalize) {
    const ones = tf.ones<tf.Rank.R3>([h, w, 1]);
    // A total below MIN_KERNEL_TOTAL is rounding noise (no similar neighbour; the self term is
    // excluded): dividing by Infinity sends such a pixel no message, as mean-field-cpu.ts does.
    const safe = (t: tf.Tensor3D) =>
      tf.where<tf.Tensor3D>(
        tf.greater(t, MIN_KERNEL_TOTAL),
        t,
        tf.fill<tf.Rank.R3>(t.shape, Infinity),
      );
    if (appearance) appearanceNorm = tf.tidy(() => safe(appearanceMessages(ones)));
    if (params.w2 > 0) smoothnessNorm = tf.tidy(() => safe(smoothnessMessages(ones)));
    ones.dispose();
    [appearanceNorm, smoothnessNorm].forEach((t) => t && owned.push(t));
  }

  const weightedMessages = (q: tf.Tensor3D): tf.Tensor3D =>
    tf.tidy(() => {
      let total: tf.Tensor = tf.zerosLike(q);
      if (appearance) {
        const m = appearanceMessages(q);
        const scaled = appearanceNorm ? tf.div(m, appearanceNorm) : m;
        total = tf.add(total, tf.mul(scaled, params.w1));
      }
      if (params.w2 > 0) {
        const m = smoothnessMessages(q);
        const scaled = smoothnessNorm ? tf.div(m, smoothnessNorm) : m;
        total = tf.add(total, tf.mul(scaled, params.w2));
      }
      return total as tf.Tensor3D;
    });

  return {
    height: h,
    width: w,
    numLabels: labels,
    params,
    method,
    gridVertices: grid?.numVertices ?? 0,
    unary: unaryCopy,
    weightedMessages,
    dispose: () => {
      grid?.dispose();
      owned.forEach((t) => t.dispose());
    },
  };
}

/** Potts pairwise potential P(l) = sum_{l' != l} M(l') from weighted messages M. */
function pottsPotential(messages: tf.Tensor3D): tf.Tensor3D {
  return tf.sub(tf.sum(messages, -1, true), messages);
}

function stateFor(
  problem: MeanFieldProblem,
  q: tf.Tensor3D,
  iteration: number,
  changed: number,
): MeanFieldState {
  const pairwise = tf.tidy(() => pottsPotential(problem.weightedMessages(q)));
  const energy = tf.tidy(() => {
    const perLabel = tf.add(
      tf.add(problem.unary, tf.mul(pairwise, 0.5)),
      tf.log(tf.maximum(q, 1e-30)),
    );
    return tf.div(tf.sum(tf.mul(q, perLabel)), problem.height * problem.width);
  });
  const value = energy.dataSync()[0] ?? NaN;
  energy.dispose();
  return { problem, iteration, q, pairwise, energy: value, changed };
}

/** Iteration 0: Q0 = softmax(-U), the classifier's own probabilities. */
export function initialMeanFieldState(problem: MeanFieldProblem): MeanFieldState {
  const q = tf.tidy(() => tf.softmax<tf.Tensor3D>(tf.neg(problem.unary), -1));
  return stateFor(problem, q, 0, 0);
}

/**
 * One parallel mean-field update Q <- softmax(-U - P(Q)). Returns a new state; the input state
 * stays valid (dispose it with `disposeMeanFieldState` when no longer shown).
 */
export function meanFieldStep(state: MeanFieldState): MeanFieldState {
  const { problem } = state;
  const q = tf.tidy(() =>
    tf.softmax(tf.sub<tf.Tensor3D>(tf.neg(problem.unary), state.pairwise), -1),
  );
  const changed = tf.tidy(() =>
    tf.sum(tf.cast(tf.notEqual(tf.argMax(q, -1), tf.argMax(state.q, -1)), 'int32')),
  );
  const count = changed.dataSync()[0] ?? 0;
  changed.dispose();
  return stateFor(problem, q, state.iteration + 1, count);
}

/** Frees a state's tensors (not its problem's). */
export function disposeMeanFieldState(state: MeanFieldState): void {
  state.q.dispose();
  state.pairwise.dispose();
}

/** Per-iteration figures for charts. */
export interface MeanFieldTrace {
  readonly iteration: number;
  readonly energy: number;
  readonly changed: number;
}

/**
 * Runs `iterations` mean-field steps (default 10) and returns the final marginals.
 * @param image `[H, W, 3]` RGB in [0, 1].
 * @param unary `[H, W, L]` nats.
 * @returns q `[H, W, L]` (caller disposes) and the trace of iterations 0..iterations.
 */
export function runMeanField(
  image: tf.Tensor3D,
  unary: tf.Tensor3D,
  options: MeanFieldOptions = {},
): { q: tf.Tensor3D; trace: MeanFieldTrace[] } {
  const problem = prepareMeanField(image, unary, options);
  try {
    let state = initialMeanFieldState(problem);
    const trace: MeanFieldTrace[] = [];
    const record = (s: MeanFieldState) =>
      trace.push({ iteration: s.iteration, energy: s.energy, changed: s.changed });
    record(state);
    for (let t = 0; t < problem.params.iterations; t++) {
      const next = meanFieldStep(state);
      disposeMeanFieldState(state);
      state = next;
      record(state);
    }
    state.pairwise.dispose();
    return { q: state.q, trace };
  } finally {
    problem.dispose();
  }
}
