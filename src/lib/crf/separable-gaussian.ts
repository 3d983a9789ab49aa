/**
 * The smoothness kernel's messages by separable convolution: exp(-(dx^2 + dy^2) / 2 theta^2)
 * = exp(-dx^2 / 2 theta^2) exp(-dy^2 / 2 theta^2), so two 1-D passes replace the N^2 sum.
 * Taps stop at 3 theta (each dropped tap weighs < exp(-4.5) = 1.1% of the centre; together
 * they are ~0.3% of the kernel's mass per axis).
 */
import * as tf from '@tensorflow/tfjs-core';
import { expectRank, numberInRange } from '../validate';

/** Unnormalised 1-D Gaussian taps exp(-d^2 / 2 theta^2), d = -r..r, r = min(ceil(3 theta), maxRadius). */
export function gaussianTaps(theta: number, maxRadius: number): Float32Array {
  numberInRange('theta', theta, 1e-3, 1e4);
  const r = Math.max(0, Math.min(Math.ceil(3 * theta), maxRadius));
  const taps = new Float32Array(2 * r + 1);
  for (let d = -r; d <= r; d++) taps[d + r] = Math.exp(-(d * d) / (2 * theta * theta));
  return taps;
}

/**
 * Spatial Gaussian messages without the self term.
 * @param values `[H, W, C]` (the current Q).
 * @param theta standard deviation in pixels (thetaGamma).
 * @returns `[H, W, C]` m_i = sum_{j != i, |dx|,|dy| <= 3 theta} exp(-|p_i - p_j|^2 / 2 theta^2) v_j.
 */
export function separableGaussianMessages(values: tf.Tensor3D, theta: number): tf.Tensor3D {
  expectRank('values', values.shape, 3, '[H, W, C]');
  const [h, w, c] = values.shape;
  const taps = gaussianTaps(theta, Math.max(h, w) - 1);
  const k = taps.length;
  return tf.tidy(() => {
    // Channels become the batch so a single-channel conv filters every label alike.
    const x = tf.reshape<tf.Rank.R4>(tf.transpose(values, [2, 0, 1]), [c, h, w, 1]);
    const vertical = tf.tensor4d(taps, [k, 1, 1, 1]);
    const horizontal = tf.tensor4d(taps, [1, k, 1, 1]);
    const blurred = tf.conv2d(tf.conv2d(x, vertical, 1, 'same'), horizontal, 1, 'same');
    const out = tf.transpose(tf.reshape(blurred, [c, h, w]), [1, 2, 0]);
    return tf.sub(out, values);
  });
}

/** The full `[n, n]` matrix exp(-(a - b)^2 / 2 theta^2), no truncation. */
function gaussianMatrix(n: number, theta: number): tf.Tensor2D {
  const m = new Float32Array(n * n);
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) m[a * n + b] = Math.exp(-((a - b) ** 2) / (2 * theta * theta));
  }
  return tf.tensor2d(m, [n, n]);
}

/**
 * Spatial Gaussian messages summed over every pixel pair, without truncation: the same sum as
 * the O(N^2) definition (the kernel factorises over x and y), in O(N (H + W)) as two matrix
 * products. The exact path uses it.
 * @param values `[H, W, C]`.
 * @param theta standard deviation in pixels.
 * @returns `[H, W, C]` m_i = sum_{j != i} exp(-|p_i - p_j|^2 / 2 theta^2) v_j.
 */
export function exactSpatialGaussianMessages(values: tf.Tensor3D, theta: number): tf.Tensor3D {
  expectRank('values', values.shape, 3, '[H, W, C]');
  numberInRange('theta', theta, 1e-3, 1e4);
  const [h, w, c] = values.shape;
  return tf.tidy(() => {
    // A copy, not a reshape of the caller's data: tfjs-backend-wasm caches its matrix-product
    // operator by the right-hand operand's data, so data the caller also multiplies in another
    // shape (mean field: Q as [N, L] for the appearance kernel) gives NaN here
    // (tests/unit/crf-wasm.test.ts).
    const rows = tf.mul<tf.Tensor2D>(tf.reshape(values, [h, w * c]), 1);
    const alongY = tf.matMul(gaussianMatrix(h, theta), rows);
    const xFirst = tf.reshape(tf.transpose(tf.reshape(alongY, [h, w, c]), [1, 0, 2]), [w, h * c]);
    const alongX = tf.matMul(gaussianMatrix(w, theta), xFirst);
    const out = tf.transpose(tf.reshape(alongX, [w, h, c]), [1, 0, 2]);
    return tf.sub<tf.Tensor3D>(out, values);
  });
}
