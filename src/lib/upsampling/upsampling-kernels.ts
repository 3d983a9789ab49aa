/**
 * Kernels a stride-f transposed convolution can start from, to compare with FCN's bilinear
 * initialization: a box (nearest-neighbour repetition) and a seeded random kernel (what an
 * untrained layer would do). Each is paired with the padding that makes the output exactly
 * f times the input, like `bilinearUpsample`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { bilinearKernel } from './bilinear';
import { intInRange, oneOf } from '../validate';
import { transposedConv2d } from './transposed-conv';

export const UPSAMPLING_KERNELS = ['bilinear', 'nearest', 'random'] as const;
export type UpsamplingKernelKind = (typeof UPSAMPLING_KERNELS)[number];

/** A transposed-conv kernel `[k, k, C, C]` and the padding that gives `f` times the size. */
export interface UpsamplingKernel {
  kernel: tf.Tensor4D;
  padding: number;
}

/**
 * The kernel of `kind` for factor f, on the channel diagonal (each channel upsampled alone):
 * - 'bilinear': FCN's filter, size `2f - f % 2`, padding `floor(f / 2)`;
 * - 'nearest': f×f ones, padding 0 (every input pixel copied onto its f×f block);
 * - 'random': size `2f - f % 2` like bilinear, uniform [0, 1) taps from `seed`, scaled so they
 *   sum to f² (the same average gain as the others), padding `floor(f / 2)`.
 * The caller disposes `kernel`.
 * @param factor 1..16
 * @param channels 1..256
 * @param seed integer seed for 'random' (default 1)
 */
export function upsamplingKernel(
  kind: UpsamplingKernelKind,
  factor: number,
  channels: number,
  seed = 1,
): UpsamplingKernel {
  const k = oneOf('kind', kind, UPSAMPLING_KERNELS);
  const f = intInRange('factor', factor, 1, 16);
  const c = intInRange('channels', channels, 1, 256);
  if (k === 'bilinear') return { kernel: bilinearKernel(f, c), padding: Math.floor(f / 2) };
  const size = k === 'nearest' ? f : 2 * f - (f % 2);
  const kernel = tf.tidy((): tf.Tensor4D => {
    let taps: tf.Tensor2D = tf.ones([size, size]);
    if (k === 'random') {
      const u = tf.randomUniform([size, size], 0, 1, 'float32', seed);
      taps = tf.mul(u, tf.div(f * f, tf.sum(u)));
    }
    // Outer product with the identity puts the 2-D taps on the channel diagonal.
    return tf.mul(tf.reshape(taps, [size, size, 1, 1]), tf.reshape(tf.eye(c), [1, 1, c, c]));
  });
  return { kernel, padding: k === 'nearest' ? 0 : Math.floor(f / 2) };
}

/**
 * Upsamples `x` by a transposed convolution with stride f and the kernel of `kind`.
 * @param x `[H, W, C]`
 * @returns `[H f, W f, C]`
 */
export function upsampleWithKernel(
  x: tf.Tensor3D,
  kind: UpsamplingKernelKind,
  factor: number,
  seed = 1,
): tf.Tensor3D {
  const { kernel, padding } = upsamplingKernel(kind, factor, x.shape[2], seed);
  try {
    return transposedConv2d(x, kernel, { stride: factor, padding });
  } finally {
    kernel.dispose();
  }
}

/** What the upsampling-kernels figure shows for one kernel. */
export interface UpsamplingKernelFigure extends tf.TensorContainerObject {
  /** The 2-D taps of one channel: `[k, k]`. */
  taps: tf.Tensor2D;
  /** The transposed convolution of `x`, clipped to [0, 1]: `[H f, W f, C]`. */
  output: tf.Tensor3D;
}

/**
 * The kernel of `kind` for factor f (1..16) and what a stride-f transposed convolution with it
 * makes of `x` (`[H, W, C]`, values in [0, 1]). The caller owns the result.
 */
export function upsamplingKernelFigure(
  x: tf.Tensor3D,
  kind: UpsamplingKernelKind,
  factor: number,
  seed = 1,
): UpsamplingKernelFigure {
  const { kernel, padding } = upsamplingKernel(kind, factor, x.shape[2], seed);
  try {
    return tf.tidy(() => {
      const k = kernel.shape[0];
      return {
        taps: tf.reshape<tf.Rank.R2>(tf.slice(kernel, [0, 0, 0, 0], [k, k, 1, 1]), [k, k]),
        output: tf.clipByValue(transposedConv2d(x, kernel, { stride: factor, padding }), 0, 1),
      };
    });
  } finally {
    kernel.dispose();
  }
}
