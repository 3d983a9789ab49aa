/**
 * Scaled feature vectors for the two CRF kernels, so that each kernel becomes the unit
 * Gaussian exp(-|f_i - f_j|^2 / 2) of its features.
 */
import * as tf from '@tensorflow/tfjs-core';
import { expectRank, invalid } from '../validate';

/** Pixel positions `[H*W, 2]` as (x, y) in pixels, row-major like a reshaped `[H, W, C]`. */
function positions(height: number, width: number): tf.Tensor2D {
  const xs = tf.tile(tf.reshape(tf.range(0, width, 1, 'float32'), [1, width]), [height, 1]);
  const ys = tf.tile(tf.reshape(tf.range(0, height, 1, 'float32'), [height, 1]), [1, width]);
  return tf.stack([tf.reshape(xs, [-1]), tf.reshape(ys, [-1])], 1) as tf.Tensor2D;
}

/** Checks an image is `[H, W, 3]`. */
export function checkImage(image: tf.Tensor3D): void {
  expectRank('image', image.shape, 3, '[H, W, 3] RGB in [0, 1]');
  if (image.shape[2] !== 3) invalid('image channels', image.shape[2], '3 (RGB)');
}

/**
 * Appearance features (x/thetaAlpha, y/thetaAlpha, R/thetaBeta, G/thetaBeta, B/thetaBeta).
 * @param image `[H, W, 3]` RGB in [0, 1]; converted to 0..255 here, the units of thetaBeta.
 * @returns `[H*W, 5]` float32.
 */
export function appearanceFeatures(
  image: tf.Tensor3D,
  thetaAlpha: number,
  thetaBeta: number,
): tf.Tensor2D {
  checkImage(image);
  const [h, w] = image.shape;
  return tf.tidy(() => {
    const p = tf.div(positions(h, w), thetaAlpha);
    const c = tf.div(tf.mul(tf.reshape(tf.cast(image, 'float32'), [h * w, 3]), 255), thetaBeta);
    return tf.concat([p, c], 1) as tf.Tensor2D;
  });
}

/** Smoothness features (x/thetaGamma, y/thetaGamma), `[H*W, 2]` float32. */
export function smoothnessFeatures(height: number, width: number, thetaGamma: number): tf.Tensor2D {
  return tf.tidy(() => tf.div(positions(height, width), thetaGamma));
}
