/**
 * Train FCN-8s's decoder on frozen encoder features: the three score layers (`score_fr` on fc7,
 * `score_pool4`, `score_pool3`, 1×1 convolutions) and the two 2× transposed convolutions
 * (`upscore2`, `upscore_pool4`, 4×4 kernels, stride 2), with the final 8× upsampling fixed
 * bilinear, as in the paper. The encoder's pool3, pool4 and fc7 activations are computed once
 * (`decoderFeatures`), so a step is cheap. Two runs that differ only in how the 2× kernels start
 * (bilinear on the class diagonal, or random) share the score layers' seeded start.
 *
 * The layers are written with matrix products (`score1x1`, `upscore2x`) rather than conv2d and
 * conv2dTranspose: the same arithmetic, but its gradients need only MatMul, Slice, Pad, Concat
 * and Transpose, which every backend has (the WASM backend has no Conv2DBackpropFilter).
 */
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core leaves gradients unregistered unless asked: training needs them.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { bilinearKernel } from '../upsampling/bilinear';
import { fcnForward, fixedBilinearUpsample } from './fcn';
import { FCN_CLASSES } from './classes';
import { intInRange, invalid, numberInRange, oneOf } from '../validate';
import type { FcnWeights } from './weights';

const K = FCN_CLASSES.length;

/** The frozen encoder's outputs for a batch of N scenes, and their label maps. */
export interface DecoderFeatures extends tf.TensorContainerObject {
  /** `[N, H/8, W/8, 64]` */
  pool3: tf.Tensor4D;
  /** `[N, H/16, W/16, 96]` */
  pool4: tf.Tensor4D;
  /** `[N, H/32, W/32, 192]` */
  fc7: tf.Tensor4D;
  /** `[N, H, W]` int32 class indices. */
  labels: tf.Tensor3D;
}

/**
 * Runs the trained encoder once per scene (`images` `[1, H, W, 3]` each, `labels` `[H, W]`
 * class indices each) and stacks pool3, pool4 and fc7. The caller owns the result.
 */
export function decoderFeatures(
  weights: FcnWeights,
  images: readonly tf.Tensor4D[],
  labels: readonly tf.Tensor2D[],
): DecoderFeatures {
  if (images.length === 0 || images.length !== labels.length) {
    throw new RangeError(
      `invalid images/labels: ${images.length} images, ${labels.length} label maps (expected the same number, at least 1)`,
    );
  }
  return tf.tidy(() => {
    const per = images.map((image) => {
      const r = fcnForward(weights, image, { variant: '32s' });
      const keep = ['pool3', 'pool4', 'fc7'].map((n) => {
        const t = r.intermediates.get(n);
        if (!t) throw new Error(`fcnForward returned no ${n}`);
        return t;
      });
      return keep;
    });
    const stack = (i: number) => tf.concat<tf.Tensor4D>(per.map((p) => p[i] as tf.Tensor4D));
    return {
      pool3: stack(0),
      pool4: stack(1),
      fc7: stack(2),
      labels: tf.stack<tf.Tensor2D>(labels.map((l) => tf.cast(l, 'int32'))) as tf.Tensor3D,
    };
  });
}

export type UpsampleInit = 'bilinear' | 'random';

export type SkipInit = 'zero' | 'random';

export interface DecoderInitOptions {
  /** How the two 2× kernels start. */
  upsample: UpsampleInit;
  /**
   * How the skip score layers (`score_pool4`, `score_pool3`) start: seeded random like
   * `score_fr` (default), or zero, as FCN starts each new skip layer.
   */
  skip?: SkipInit;
  /** Seed of every random start (score layers and, if random, the 2× kernels). Default 1. */
  seed?: number;
}

/** The decoder's trainable variables, by the paper's layer names. */
export interface DecoderVariables {
  score_fr: tf.Variable;
  score_fr_bias: tf.Variable;
  score_pool4: tf.Variable;
  score_pool4_bias: tf.Variable;
  score_pool3: tf.Variable;
  score_pool3_bias: tf.Variable;
  upscore2: tf.Variable;
  upscore_pool4: tf.Variable;
}

/**
 * A fresh decoder. Score layers: seeded normal weights with standard deviation 1/sqrt(C_in)
 * (unit-variance scores for unit-variance features), zero biases; the skip layers zero instead
 * if `skip` is 'zero'. 2× kernels `[4, 4, 11, 11]`: bilinear on the class diagonal (FCN's start)
 * or seeded normal with the same total energy.
 */
export function initDecoder(options: DecoderInitOptions): DecoderVariables {
  const upsample = oneOf('upsample', options.upsample, ['bilinear', 'random']);
  const skip = oneOf('skip', options.skip ?? 'random', ['zero', 'random']);
  const seed = intInRange('seed', options.seed ?? 1, 0, 2 ** 31 - 1);
  return tf.tidy(() => {
    const random = (cin: number, s: number) =>
      tf.randomNormal([1, 1, cin, K], 0, 1 / Math.sqrt(cin), 'float32', seed + s);
    const score = (cin: number, s: number) => tf.variable(random(cin, s));
    const skipScore = (cin: number, s: number) =>
      tf.variable(skip === 'zero' ? tf.zeros([1, 1, cin, K]) : random(cin, s));
    const bias = () => tf.variable(tf.zeros([K]));
    const kernel = (s: number) => {
      const bilinear = bilinearKernel(2, K);
      if (upsample === 'bilinear') return tf.variable(bilinear);
      // Same sum of squares as the bilinear kernel, spread over every tap and class pair.
      const std = Math.sqrt(tf.sum(tf.square(bilinear)).dataSync()[0] ?? 0) / Math.sqrt(16 * K * K);
      return tf.variable(tf.randomNormal([4, 4, K, K], 0, std, 'float32', seed + s));
    };
    return {
      score_fr: score(192, 11),
      score_fr_bias: bias(),
      score_pool4: skipScore(96, 12),
      score_pool4_bias: bias(),
      score_pool3: skipScore(64, 13),
      score_pool3_bias: bias(),
      upscore2: kernel(21),
      upscore_pool4: kernel(22),
    };
  });
}

/**
 * A 1×1 convolution as a matrix product: `x` `[N, H, W, C_in]`, `w` `[1, 1, C_in, C_out]`,
 * `b` `[C_out]`; returns `[N, H, W, C_out]`.
 */
export function score1x1(x: tf.Tensor4D, w: tf.Tensor, b: tf.Tensor): tf.Tensor4D {
  return tf.tidy(() => {
    const [n = 0, h = 0, wd = 0, cin = 0] = x.shape;
    const cout = w.shape[3] ?? 0;
    const y = tf.matMul(tf.reshape(x, [n * h * wd, cin]), tf.reshape(w, [cin, cout]));
    return tf.reshape<tf.Rank.R4>(tf.add(y, b), [n, h, wd, cout]);
  });
}

/**
 * FCN's 2× transposed convolution: `x` `[N, H, W, C_in]`, `kernel` `[4, 4, C_out, C_in]`
 * (tfjs's conv2dTranspose layout), stride 2, cropped as tfjs's padding 'same' crops it; returns
 * `[N, 2H, 2W, C_out]`, equal to `tf.conv2dTranspose(x, kernel, [N, 2H, 2W, C_out], 2, 'same')`.
 *
 * Written by output phase: output row `2m + p` takes input rows `m - 1 + p` and `m + p` through
 * kernel rows `3 - p` and `1 - p` (the same for columns), so each of the four phases is one
 * matrix product of four shifted copies of `x` with four of the kernel's taps; the phases are
 * then interleaved.
 */
export function upscore2x(x: tf.Tensor4D, kernel: tf.Tensor): tf.Tensor4D {
  return tf.tidy(() => {
    const [n = 0, h = 0, w = 0, cin = 0] = x.shape;
    if (kernel.shape[0] !== 4 || kernel.shape[1] !== 4 || kernel.shape[3] !== cin) {
      invalid('kernel shape', kernel.shape, `[4, 4, C_out, ${cin}]`);
    }
    const cout = kernel.shape[2] ?? 0;
    const padded = tf.pad(x, [
      [0, 0],
      [1, 1],
      [1, 1],
      [0, 0],
    ]);
    const shifted = (r: number, c: number) => tf.slice(padded, [0, r, c, 0], [n, h, w, cin]);
    // Tap (ky, kx) as the [C_in, C_out] matrix that maps input channels to output channels.
    const tap = (ky: number, kx: number) =>
      tf.transpose(tf.reshape(tf.slice(kernel, [ky, kx, 0, 0], [1, 1, cout, cin]), [cout, cin]));
    const phase = (py: number, px: number) => {
      const offsets = [
        [py, px],
        [py, px + 1],
        [py + 1, px],
        [py + 1, px + 1],
      ] as const;
      const inputs = tf.concat(
        offsets.map(([r, c]) => shifted(r, c)),
        3,
      );
      const taps = tf.concat(
        offsets.map(([r, c]) => tap(3 + py - 2 * r, 3 + px - 2 * c)),
        0,
      );
      const y = tf.matMul(tf.reshape(inputs, [n * h * w, 4 * cin]), taps);
      return tf.reshape(y, [n, h, w, cout]);
    };
    // Rows first: [N, H, 2, W, C] -> [N, 2H, W, C]; then columns: [N, 2H, W, 2, C] -> [N, 2H, 2W, C].
    const column = (px: number) =>
      tf.reshape(tf.stack([phase(0, px), phase(1, px)], 2), [n, 2 * h, w, cout]);
    return tf.reshape<tf.Rank.R4>(tf.stack([column(0), column(1)], 3), [n, 2 * h, 2 * w, cout]);
  });
}

/** FCN-8s's decoder on `features`: logits `[N, H, W, 11]` (fixed 8× bilinear at the end). */
export function decoderLogits(v: DecoderVariables, f: DecoderFeatures): tf.Tensor4D {
  return tf.tidy(() => {
    const fuse4 = tf.add<tf.Tensor4D>(
      upscore2x(score1x1(f.fc7, v.score_fr, v.score_fr_bias), v.upscore2),
      score1x1(f.pool4, v.score_pool4, v.score_pool4_bias),
    );
    const fuse3 = tf.add<tf.Tensor4D>(
      upscore2x(fuse4, v.upscore_pool4),
      score1x1(f.pool3, v.score_pool3, v.score_pool3_bias),
    );
    // fixedBilinearUpsample works on one image; the batch goes through it one at a time (by
    // slices: the gradient of a one-way tf.split fails).
    const [n = 0, h = 0, w = 0] = fuse3.shape;
    const parts = Array.from({ length: n }, (_, i) =>
      fixedBilinearUpsample(tf.slice(fuse3, [i, 0, 0, 0], [1, h, w, K]), 8),
    );
    return parts.length === 1 ? (parts[0] as tf.Tensor4D) : tf.concat<tf.Tensor4D>(parts);
  });
}

/** Mean per-pixel softmax cross-entropy of the decoder on `features` (a scalar). */
export function decoderLoss(v: DecoderVariables, f: DecoderFeatures): tf.Scalar {
  return tf.tidy(() => {
    const logits = decoderLogits(v, f);
    const onehot = tf.oneHot(f.labels, K);
    return tf.losses.softmaxCrossEntropy(onehot, logits);
  });
}

/** Adam as the training uses it (learning rate default 0.01, in (0, 1]). */
export function decoderOptimizer(learningRate = 0.01): tf.Optimizer {
  return tf.train.adam(numberInRange('learningRate', learningRate, 1e-6, 1));
}

/**
 * One Adam step on every decoder variable; returns the loss before the step (a scalar the
 * caller disposes). No other tensor outlives the call.
 */
export function decoderTrainStep(
  optimizer: tf.Optimizer,
  v: DecoderVariables,
  f: DecoderFeatures,
): tf.Scalar {
  const loss = optimizer.minimize(() => decoderLoss(v, f), true, Object.values(v));
  if (!loss) throw new Error('optimizer.minimize returned no loss');
  return loss;
}

/**
 * Adam (Kingma and Ba 2015, as tf.train.adam computes it: beta1 0.9, beta2 0.999, epsilon 1e-7)
 * with its moment estimates allocated up front, so the tensor count is the same before the
 * first step as after any number of them (tf.train.adam creates its moments at the first step).
 */
export class DecoderAdam {
  private readonly names: readonly (keyof DecoderVariables)[];
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
  private t = 0;
  private readonly learningRate: number;

  constructor(
    private readonly variables: DecoderVariables,
    learningRate = 0.01,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly epsilon = 1e-7,
  ) {
    this.learningRate = numberInRange('learningRate', learningRate, 1e-6, 1);
    this.names = Object.keys(variables) as (keyof DecoderVariables)[];
    // Variables outlive tidy; the zeros they are made from do not.
    const zeros = () =>
      tf.tidy(() => this.names.map((n) => tf.variable(tf.zerosLike(variables[n]), false)));
    this.m = zeros();
    this.v = zeros();
  }

  /** One step on `loss`; returns the loss before the step (the caller disposes). */
  step(loss: () => tf.Scalar): tf.Scalar {
    const list = this.names.map((n) => this.variables[n]);
    const { value, grads } = tf.variableGrads(loss, list);
    this.t++;
    const c1 = 1 - this.beta1 ** this.t;
    const c2 = 1 - this.beta2 ** this.t;
    tf.tidy(() => {
      this.names.forEach((name, i) => {
        const g = grads[this.variables[name].name];
        const m = this.m[i];
        const v = this.v[i];
        if (!g || !m || !v) return;
        m.assign(tf.add(tf.mul(m, this.beta1), tf.mul(g, 1 - this.beta1)));
        v.assign(tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2)));
        const update = tf.div(tf.div(m, c1), tf.add(tf.sqrt(tf.div(v, c2)), this.epsilon));
        this.variables[name].assign(
          tf.sub(this.variables[name], tf.mul(update, this.learningRate)),
        );
      });
    });
    tf.dispose(grads);
    return value;
  }

  /** Frees the moment estimates. */
  dispose(): void {
    tf.dispose([...this.m, ...this.v]);
  }
}

/** Disposes every variable of the decoder. */
export function disposeDecoder(v: DecoderVariables): void {
  for (const t of Object.values(v) as tf.Variable[]) t.dispose();
}
