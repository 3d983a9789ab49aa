/**
 * Exact dense-CRF message passing: sum_{j != i} exp(-|f_i - f_j|^2 / 2) v_j over every pixel
 * pair, O(N^2). Rows are processed in blocks so memory stays at blockSize x N floats. It is
 * the ground truth the fast filters are measured against (images up to ~64 x 64).
 */
import * as tf from '@tensorflow/tfjs-core';
import { intInRange, invalid } from '../validate';

/** One block of rows of exp(-|f_i - f_j|^2 / 2) from centred features `f` and their |f|^2. */
function kernelRows(f: tf.Tensor2D, sq: tf.Tensor1D, start: number, size: number): tf.Tensor2D {
  const n = f.shape[0];
  const fb = tf.slice(f, [start, 0], [size, -1]);
  const rowSq = tf.reshape(tf.slice(sq, [start], [size]), [size, 1]);
  const d2 = tf.sub<tf.Tensor2D>(
    tf.add(rowSq, tf.reshape(sq, [1, n])),
    tf.mul(2, tf.matMul(fb, f, false, true)),
  );
  return tf.exp(tf.mul<tf.Tensor2D>(tf.relu(d2), -0.5));
}

/** Centring keeps |f|^2 small, so the expansion |a|^2 + |b|^2 - 2ab loses less to rounding. */
function centred(features: tf.Tensor2D): [tf.Tensor2D, tf.Tensor1D] {
  const f = tf.sub<tf.Tensor2D>(features, tf.mean(features, 0, true));
  return [f, tf.sum(tf.square(f), 1)];
}

/** Largest N for which `exactGaussianKernel` builds the matrix (4096^2 floats = 64 MiB). */
export const MAX_EXACT_KERNEL_PIXELS = 4096;

/**
 * The full kernel matrix K_ij = exp(-|f_i - f_j|^2 / 2) with K_ii = 0 (no self term), built in
 * row blocks. Mean field reuses it every iteration, so each step is one matrix product.
 * @param features `[N, D]` scaled features, N <= 4096.
 * @returns `[N, N]` float32.
 */
export function exactGaussianKernel(features: tf.Tensor2D, blockSize = 1024): tf.Tensor2D {
  const n = features.shape[0];
  intInRange('kernel pixels', n, 1, MAX_EXACT_KERNEL_PIXELS);
  intInRange('blockSize', blockSize, 1, 8192);
  return tf.tidy(() => {
    const [f, sq] = centred(features);
    const blocks: tf.Tensor2D[] = [];
    for (let start = 0; start < n; start += blockSize) {
      blocks.push(tf.tidy(() => kernelRows(f, sq, start, Math.min(blockSize, n - start))));
    }
    const k = blocks.length === 1 ? (blocks[0] as tf.Tensor2D) : tf.concat(blocks, 0);
    return tf.mul(k, tf.sub(1, tf.eye(n)));
  });
}

/**
 * Gaussian message passing without the self term.
 * @param features `[N, D]` scaled features (see features.ts), unitless.
 * @param values `[N, C]` values to pass (the current Q).
 * @param blockSize rows per block, 1..8192 (default 1024): memory is blockSize x N floats.
 * @returns `[N, C]` messages m_i = sum_{j != i} exp(-|f_i - f_j|^2 / 2) v_j.
 */
export function exactGaussianMessages(
  features: tf.Tensor2D,
  values: tf.Tensor2D,
  blockSize = 1024,
): tf.Tensor2D {
  const n = features.shape[0];
  if (values.shape[0] !== n) invalid('values rows', values.shape[0], `${n} (one per feature row)`);
  intInRange('blockSize', blockSize, 1, 8192);
  return tf.tidy(() => {
    const [f, sq] = centred(features);
    const blocks: tf.Tensor2D[] = [];
    for (let start = 0; start < n; start += blockSize) {
      const size = Math.min(blockSize, n - start);
      blocks.push(tf.tidy(() => tf.matMul(kernelRows(f, sq, start, size), values)));
    }
    const all = blocks.length === 1 ? (blocks[0] as tf.Tensor2D) : tf.concat(blocks, 0);
    // k(f_i, f_i) = 1 exactly, so removing the self term is removing v_i itself.
    return tf.sub(all, values);
  });
}
