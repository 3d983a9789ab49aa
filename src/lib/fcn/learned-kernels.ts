/**
 * The trained FCN's 2× upsampling kernels against the bilinear kernel they started from: each
 * class's own kernel (the channel diagonal), tiled, its change from bilinear, and how much
 * weight training moved off the diagonal.
 */
import * as tf from '@tensorflow/tfjs-core';
import { bilinearKernel } from '../upsampling/bilinear';
import { expectRank, intInRange, invalid, numberInRange } from '../validate';

export interface LearnedKernelsOptions {
  /** Tiles per row (default 4). */
  columns?: number;
  /** Rows of blank band above each tile, room for a label (default 1). */
  band?: number;
  /** Value of the gaps and bands in the `learned` mosaic (default 0.6; `change`'s are 0). */
  gapValue?: number;
}

export interface LearnedKernels extends tf.TensorContainerObject {
  /** The bilinear start, the same for every class: `[k, k]`. */
  start: tf.Tensor2D;
  /** Each class's learned `[k, k]` kernel, tiled row by row (see `tileKernels`). */
  learned: tf.Tensor2D;
  /** Learned − bilinear, tiled the same way; gaps 0. */
  change: tf.Tensor2D;
  /** `[mean |change| on the diagonal, mean bilinear tap, max |off-diagonal weight|]`. */
  stats: tf.Tensor1D;
}

/**
 * `[C, k, k]` tiles in rows of `columns`, each cell `band + k + 1` high and `k + 1` wide (the
 * band above the tile, a one-pixel gap right and below), padding filled with `gap`:
 * `[rows (band + k + 1), columns (k + 1)]` with `rows = ceil(C / columns)`.
 */
export function tileKernels(
  tiles: tf.Tensor3D,
  { columns, band, gap }: { columns: number; band: number; gap: number },
): tf.Tensor2D {
  const [c = 0, k = 0] = tiles.shape;
  const rows = Math.ceil(c / columns);
  return tf.tidy(() => {
    const padded = tf.pad(
      tiles,
      [
        [0, rows * columns - c],
        [band, 1],
        [0, 1],
      ],
      gap,
    );
    const h = band + k + 1;
    const grid = tf.transpose(tf.reshape(padded, [rows, columns, h, k + 1]), [0, 2, 1, 3]);
    return tf.reshape<tf.Rank.R2>(grid, [rows * h, columns * (k + 1)]);
  });
}

/**
 * Compares a trained 2× transposed-conv kernel `[k, k, C, C]` (tfjs layout
 * `[kh, kw, outC, inC]`, k = 4 for FCN's) with the bilinear kernel of factor k / 2. The caller
 * owns the result.
 */
export function learnedKernels(
  kernel: tf.Tensor,
  options: LearnedKernelsOptions = {},
): LearnedKernels {
  expectRank('kernel', kernel.shape, 4, '[k, k, C, C]');
  const [k = 0, kw, c = 0, cIn] = kernel.shape;
  // The bilinear kernel of an even factor f has side 2f = k.
  if (k !== kw || c !== cIn || k % 4 !== 0) {
    invalid('kernel shape', kernel.shape, '[k, k, C, C] with k a multiple of 4');
  }
  const columns = intInRange('columns', options.columns ?? 4, 1, 64);
  const band = intInRange('band', options.band ?? 1, 0, 16);
  const gapValue = numberInRange('gapValue', options.gapValue ?? 0.6, -1e6, 1e6);
  return tf.tidy(() => {
    const eye = tf.reshape(tf.eye(c), [1, 1, c, c]);
    // The diagonal is class c -> class c.
    const diagonal = tf.transpose(tf.sum(tf.mul(kernel, eye), 3), [2, 0, 1]) as tf.Tensor3D;
    const bilinear = tf.reshape<tf.Rank.R2>(bilinearKernel(k / 2, 1), [k, k]);
    const change = tf.sub<tf.Tensor3D>(diagonal, bilinear);
    return {
      start: bilinear,
      learned: tileKernels(diagonal, { columns, band, gap: gapValue }),
      change: tileKernels(change, { columns, band, gap: 0 }),
      stats: tf.stack([
        tf.mean(tf.abs(change)),
        tf.mean(bilinear),
        tf.max(tf.abs(tf.mul(kernel, tf.sub(1, eye)))),
      ]) as tf.Tensor1D,
    };
  });
}
