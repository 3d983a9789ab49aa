/**
 * Plain max pooling of an image, the operation the pooling lesson's first figure shows.
 */
import * as tf from '@tensorflow/tfjs-core';
import { intInRange } from './validate';

/**
 * Max-pools `[H, W, C]` with a `size`x`size` window and stride `size` ('valid' padding: the
 * last partial row/column of windows is dropped). Returns `[floor(H/size), floor(W/size), C]`.
 */
export function maxPool2d(x: tf.Tensor3D, size: number): tf.Tensor3D {
  intInRange('poolSize', size, 1, 16);
  return tf.tidy(() => tf.maxPool(x, size, size, 'valid'));
}
