/**
 * Train FCN-8s's decoder on frozen encoder features: the three score layers (`score_fr` on fc7,
 * `score_pool4`, `score_pool3`, 1×1 convolutions) and the two 2× transposed convolutions
 * (`upscore2`, `upscore_pool4`, 4×4 kernels, stride 2), with the final 8× upsampling fixed
 * bilinear, as in the paper. The encoder's pool3, pool4 and fc7 activations are computed once
 * (`decoderFeatures`), so a step is cheap. Two runs that differ only in how the 2× kernels start
 * (bilinear on the class diagonal, or random) share the score layers' seeded start.
 */
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core leaves gradients unregistered unless asked: training needs them.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { bilinearKernel } from '../upsampling/bilinear';
import { fcnForward, fixedBilinearUpsample } from './fcn';
import { FCN_CLASSES } from './classes';
import { intInRange, numberInRange, oneOf } from '../validate';
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

export interface DecoderInitOptions {
  /** How the two 2× kernels start. */
  upsample: UpsampleInit;
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
 * (unit-variance scores for unit-variance features), zero biases. 2× kernels `[4, 4, 11, 11]`:
 * bilinear on the class diagonal (FCN's start) or seeded normal with the same total energy.
 */
export function initDecoder(options: DecoderInitOptions): DecoderVariables {
  const upsample = oneOf('upsample', options.upsample, ['bilinear', 'random']);
  const seed = intInRange('seed', options.seed ?? 1, 0, 2 ** 31 - 1);
  return tf.tidy(() => {
    const score = (cin: number, s: number) =>
      tf.variable(tf.randomNormal([1, 1, cin, K], 0, 1 / Math.sqrt(cin), 'float32', seed + s));
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
      score_pool4: score(96, 12),
      score_pool4_bias: bias(),
      score_pool3: score(64, 13),
      score_pool3_bias: bias(),
      upscore2: kernel(21),
      upscore_pool4: kernel(22),
    };
  });
}

/** FCN-8s's decoder on `features`: logits `[N, H, W, 11]` (fixed 8× bilinear at the end). */
export function decoderLogits(v: DecoderVariables, f: DecoderFeatures): tf.Tensor4D {
  return tf.tidy(() => {
    const conv1 = (x: tf.Tensor4D, w: tf.Variable, b: tf.Variable) =>
      tf.add<tf.Tensor4D>(tf.conv2d(x, w as tf.Tensor4D, 1, 'same'), b);
    const up2 = (x: tf.Tensor4D, w: tf.Variable) => {
      const [n = 0, h = 0, wd = 0] = x.shape;
      return tf.conv2dTranspose(x, w as tf.Tensor4D, [n, 2 * h, 2 * wd, K], 2, 'same');
    };
    const fuse4 = tf.add<tf.Tensor4D>(
      up2(conv1(f.fc7, v.score_fr, v.score_fr_bias), v.upscore2),
      conv1(f.pool4, v.score_pool4, v.score_pool4_bias),
    );
    const fuse3 = tf.add<tf.Tensor4D>(
      up2(fuse4, v.upscore_pool4),
      conv1(f.pool3, v.score_pool3, v.score_pool3_bias),
    );
    // fixedBilinearUpsample works on one image; the batch goes through it one at a time.
    const n = fuse3.shape[0];
    const parts = tf.split<tf.Tensor4D>(fuse3, n, 0).map((p) => fixedBilinearUpsample(p, 8));
    return tf.concat<tf.Tensor4D>(parts);
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

/** Disposes every variable of the decoder. */
export function disposeDecoder(v: DecoderVariables): void {
  for (const t of Object.values(v) as tf.Variable[]) t.dispose();
}
