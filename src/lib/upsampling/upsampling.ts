/**
 * Raising the sampling rate by an integer factor, before any filtering: zero insertion (the
 * multirate "expander") and nearest-neighbour repetition.
 *
 * Ranks: `[L]` is a 1-D signal; `[H, W]`, `[H, W, C]` and `[N, H, W, C]` are images whose two
 * spatial axes are upsampled. Factors are integers 1..32, one for all spatial axes or one per
 * axis (`[fy, fx]` for images).
 */
import * as tf from '@tensorflow/tfjs-core';
import { intInRange, invalid } from '../validate';

/** One factor for every spatial axis, or one per spatial axis (`[fy, fx]` for images). */
export type UpsampleFactor = number | readonly number[];

/** Indices of the axes that are upsampled for a tensor of this rank. */
function spatialAxes(rank: number, shape: readonly number[]): number[] {
  if (rank === 1) return [0];
  if (rank === 2 || rank === 3) return [0, 1];
  if (rank === 4) return [1, 2];
  return invalid('x shape', `[${shape.join(', ')}]`, '[L], [H, W], [H, W, C] or [N, H, W, C]');
}

function factorsFor(factor: UpsampleFactor, axes: readonly number[]): number[] {
  const list = typeof factor === 'number' ? axes.map(() => factor) : [...factor];
  if (list.length !== axes.length) {
    invalid('factor', `[${list.join(', ')}]`, `one integer or ${axes.length} integers`);
  }
  return list.map((f) => intInRange('factor', f, 1, 32));
}

/**
 * Views the tensor as `[before, L, after]` around each spatial axis, adds a new slot axis
 * `[before, L, f, after]` filled with zeros or copies, and merges back to L * f. Collapsing to
 * rank 4 keeps WebGL happy: its packed pad shader fails to compile for rank 5.
 */
function expandAxes(x: tf.Tensor, factor: UpsampleFactor, fill: 'zeros' | 'repeat'): tf.Tensor {
  const axes = spatialAxes(x.rank, x.shape);
  const factors = factorsFor(factor, axes);
  return tf.tidy(() => {
    let y = x;
    axes.forEach((axis, i) => {
      const f = factors[i] ?? 1;
      if (f === 1) return;
      const before = y.shape.slice(0, axis).reduce((a, b) => a * b, 1);
      const length = y.shape[axis] ?? 0;
      const split = tf.reshape(y, [before, length, 1, -1]);
      const widened =
        fill === 'zeros'
          ? tf.pad(split, [
              [0, 0],
              [0, 0],
              [0, f - 1],
              [0, 0],
            ])
          : tf.tile(split, [1, 1, f, 1]);
      const merged = [...y.shape];
      merged[axis] = length * f;
      y = tf.reshape(widened, merged);
    });
    return y === x ? tf.clone(x) : y;
  });
}

/**
 * Zero insertion: `y[n] = x[n / f]` where f divides n, else 0, along each spatial axis.
 *
 * Output length convention: `L * f`, i.e. f - 1 zeros after every sample *including the last*
 * (the multirate expander). With this length the DFT of y is exactly the DFT of x repeated f
 * times (the spectral images). PyTorch's `conv_transpose` with a one-tap kernel gives
 * `(L - 1) * f + 1`: the same samples without the trailing zeros.
 * @param x `[L]`, `[H, W]`, `[H, W, C]` or `[N, H, W, C]`
 * @param factor integer 1..32, or `[fy, fx]` for images
 */
export function zeroInsert<T extends tf.Tensor>(x: T, factor: UpsampleFactor): T {
  return expandAxes(x, factor, 'zeros') as T;
}

/**
 * Nearest-neighbour upsampling: each sample repeated f times along each spatial axis, output
 * `L * f` (same as PyTorch `F.interpolate(mode='nearest', scale_factor=f)` for integer f).
 * @param x `[L]`, `[H, W]`, `[H, W, C]` or `[N, H, W, C]`
 * @param factor integer 1..32, or `[fy, fx]` for images
 */
export function nearestUpsample<T extends tf.Tensor>(x: T, factor: UpsampleFactor): T {
  return expandAxes(x, factor, 'repeat') as T;
}
