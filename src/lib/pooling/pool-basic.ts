/**
 * Plain max pooling of an image, the operation the pooling lesson's first figure shows (the
 * switch-recording variant lives in pooling.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { intInRange, invalid } from '../validate';

/**
 * Max-pools `[H, W, C]` with a `size`x`size` window and stride `stride` (default `size`),
 * 'valid' padding: windows must fit inside the image. Returns
 * `[floor((H - size) / stride) + 1, floor((W - size) / stride) + 1, C]`.
 */
export function maxPool2d(x: tf.Tensor3D, size: number, stride = size): tf.Tensor3D {
  intInRange('size', size, 1, 16);
  intInRange('stride', stride, 1, 16);
  const [h = 0, w = 0] = x.shape;
  if (size > Math.min(h, w)) invalid('size', size, `at most the image side ${Math.min(h, w)}`);
  return tf.tidy(() => tf.maxPool(x, size, stride, 'valid'));
}
