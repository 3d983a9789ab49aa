/**
 * The tiny FCN's forward pass (FCN-32s / 16s / 8s), returning every intermediate so pages can
 * show each block's activations, each score map and each fused map.
 *
 * Geometry ('same' everywhere, so every crop offset is 0): 3x3 convs keep the size, 2x2/2
 * pools halve it, and a transposed conv with kernel 2s, stride s, padding 'same' maps n to
 * s*n with its bilinear kernel centred on each input cell, so the upsampled coarse scores line
 * up with pool4 / pool3 / the input exactly. (Caffe's FCN pads by 100 and crops 19/27/31.)
 */
import * as tf from '@tensorflow/tfjs-core';
import { invalid, numberInRange, oneOf } from '../validate';
import { FCN_BLOCKS, type FcnWeights } from './weights';

export type FcnVariant = '32s' | '16s' | '8s';

export interface FcnForwardOptions {
  /** Which head: '32s' (score_fr only), '16s' (+ pool4), '8s' (+ pool4 + pool3). Default '8s'. */
  variant?: FcnVariant;
  /**
   * Multipliers on the skip scores before fusion (1 = as trained, 0 = that stream off).
   * Default `{ pool4: 1, pool3: 1 }`; each in -4..4.
   */
  skipWeights?: { pool4?: number; pool3?: number };
}

/**
 * `logits` `[1, H, W, 11]`; `intermediates` maps each stage name to its `[1, h, w, c]`
 * activation, in computation order: conv1_1, pool1, ..., pool5, fc6, fc7, score_fr, then
 * per variant upscore2, score_pool4, fuse_pool4, upscore_pool4, score_pool3, fuse_pool3 and
 * the final fixed upsampling (upscore32 / upscore16 / upscore8, the same tensor as `logits`).
 * The caller owns every tensor: release them with `disposeFcnResult`.
 */
export interface FcnResult {
  logits: tf.Tensor4D;
  intermediates: Map<string, tf.Tensor4D>;
}

/** The fixed final upsampling factor of each variant. */
export const FCN_OUTPUT_STRIDE: Readonly<Record<FcnVariant, number>> = {
  '32s': 32,
  '16s': 16,
  '8s': 8,
};

/**
 * Runs the FCN on `image` `[1, H, W, 3]` (float32 RGB in [0, 1], H and W positive multiples
 * of 32). Throws `invalid image shape: ...` otherwise.
 */
export function fcnForward(
  weights: FcnWeights,
  image: tf.Tensor,
  options: FcnForwardOptions = {},
): FcnResult {
  const variant = oneOf('variant', options.variant ?? '8s', ['32s', '16s', '8s']);
  const w4 = numberInRange('skipWeights.pool4', options.skipWeights?.pool4 ?? 1, -4, 4);
  const w3 = numberInRange('skipWeights.pool3', options.skipWeights?.pool3 ?? 1, -4, 4);
  const [n, h, w, c] = image.shape;
  if (image.rank !== 4 || n !== 1 || c !== 3 || !h || !w || h % 32 !== 0 || w % 32 !== 0) {
    invalid('image shape', `[${image.shape.join(', ')}]`, '[1, H, W, 3], H and W multiples of 32');
  }
  const get = (name: string): tf.Tensor => {
    const t = weights.tensors.get(name);
    if (!t) throw new Error(`FCN weights lack tensor "${name}"`);
    return t;
  };
  const out = tf.tidy(() => {
    const acts: Record<string, tf.Tensor4D> = {};
    const conv = (name: string, x: tf.Tensor4D, relu: boolean): tf.Tensor4D => {
      const y = tf.add<tf.Tensor4D>(
        tf.conv2d(x, get(`${name}/kernel`) as tf.Tensor4D, 1, 'same'),
        get(`${name}/bias`),
      );
      return relu ? tf.relu(y) : y;
    };
    const up2 = (name: string, x: tf.Tensor4D): tf.Tensor4D => {
      const [, xh = 0, xw = 0, xc = 0] = x.shape;
      return tf.conv2dTranspose(
        x,
        get(`${name}/kernel`) as tf.Tensor4D,
        [1, 2 * xh, 2 * xw, xc],
        2,
        'same',
      );
    };

    let x = tf.cast(image, 'float32') as tf.Tensor4D;
    FCN_BLOCKS.forEach((block, b) => {
      for (const name of block) x = acts[name] = conv(name, x, true);
      x = acts[`pool${b + 1}`] = tf.maxPool(x, 2, 2, 'valid');
    });
    acts.fc6 = conv('fc6', x, true);
    acts.fc7 = conv('fc7', acts.fc6, true);
    let score = (acts.score_fr = conv('score_fr', acts.fc7, false));
    if (variant !== '32s') {
      acts.upscore2 = up2('upscore2', score);
      acts.score_pool4 = conv('score_pool4', at(acts, 'pool4'), false);
      score = acts.fuse_pool4 = tf.add(acts.upscore2, tf.mul(acts.score_pool4, w4));
    }
    if (variant === '8s') {
      acts.upscore_pool4 = up2('upscore_pool4', score);
      acts.score_pool3 = conv('score_pool3', at(acts, 'pool3'), false);
      score = acts.fuse_pool3 = tf.add(acts.upscore_pool4, tf.mul(acts.score_pool3, w3));
    }
    const s = FCN_OUTPUT_STRIDE[variant];
    acts[`upscore${s}`] = fixedBilinearUpsample(score, s);
    return acts;
  });
  const intermediates = new Map(Object.entries(out));
  const logits = intermediates.get(`upscore${FCN_OUTPUT_STRIDE[variant]}`);
  if (!logits) throw new Error('unreachable: final upsampling missing');
  return { logits, intermediates };
}

/** Disposes the logits and every intermediate of `result`. */
export function disposeFcnResult(result: FcnResult): void {
  result.logits.dispose();
  result.intermediates.forEach((t) => t.dispose());
}

/**
 * FCN's fixed final upsampling: a transposed conv (kernel 2f, stride f, 'same') whose kernel
 * holds the bilinear filter `upsample_filt(2f)` once per class on the channel diagonal, so
 * classes never mix. `x` `[1, h, w, C]` -> `[1, f*h, f*w, C]`.
 *
 * The kernel is diagonal in the channels and separable (k(i, j) = k1(i) k1(j)), so the same
 * result is computed as U_h X U_w^T per channel with two small interpolation matrices: a
 * literal [2f, 2f, C, C] transposed conv would loop over 64 x 64 x 11 x 11 taps per output
 * pixel on WebGL for f = 32.
 */
export function fixedBilinearUpsample(x: tf.Tensor4D, factor: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [, h = 0, w = 0, c = 0] = x.shape;
    const uh = tf.tensor2d(upsampleMatrix(h, factor), [factor * h, h]);
    const uw = tf.tensor2d(upsampleMatrix(w, factor), [factor * w, w]);
    const rows = tf.matMul(uh, tf.reshape(x, [h, w * c])); // [f*h, w*c]
    const byColumn = tf.reshape(tf.transpose(tf.reshape(rows, [factor * h, w, c]), [1, 0, 2]), [
      w,
      factor * h * c,
    ]);
    const cols = tf.matMul(uw, byColumn); // [f*w, f*h*c]
    return tf.expandDims<tf.Tensor4D>(
      tf.transpose(tf.reshape(cols, [factor * w, factor * h, c]), [1, 0, 2]),
      0,
    );
  });
}

/**
 * The 1-D transposed conv as a matrix `[f*n, n]`: out[o] = sum_i in[i] k1[o + f/2 - i*f], with
 * k1 = FCN's `upsample_filt(2f)` profile (the 'same' padding of a kernel-2f, stride-f deconv).
 */
function upsampleMatrix(n: number, factor: number): Float32Array {
  const size = 2 * factor;
  const f = Math.floor((size + 1) / 2);
  const center = size % 2 === 1 ? f - 1 : f - 0.5;
  const pad = Math.floor(factor / 2);
  const m = new Float32Array(factor * n * n);
  for (let o = 0; o < factor * n; o++) {
    for (let i = 0; i < n; i++) {
      const k = o + pad - i * factor;
      if (k >= 0 && k < size) m[o * n + i] = 1 - Math.abs(k - center) / f;
    }
  }
  return m;
}

function at(acts: Record<string, tf.Tensor4D>, name: string): tf.Tensor4D {
  const t = acts[name];
  if (!t) throw new Error(`unreachable: stage ${name} missing`);
  return t;
}
