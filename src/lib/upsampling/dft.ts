/**
 * The discrete Fourier transform as matrix products, for backends without FFT kernels
 * (tfjs-backend-wasm). O(N²) per axis instead of O(N log N), but built from matMul, which
 * every backend has; fine at the sizes the lessons use (signals up to a few thousand samples,
 * images up to 256×256).
 */
import * as tf from '@tensorflow/tfjs-core';

/**
 * `[N, N]` cosine and sine matrices, `C[k, n] = cos(2πkn/N)`, `S[k, n] = sin(2πkn/N)`. The
 * angle uses `kn mod N` in float64 so large N keeps full float32 accuracy.
 */
export function dftMatrices(n: number): { cos: tf.Tensor2D; sin: tf.Tensor2D } {
  const c = new Float32Array(n * n);
  const s = new Float32Array(n * n);
  for (let k = 0; k < n; k++) {
    for (let j = 0; j < n; j++) {
      const angle = (2 * Math.PI * ((k * j) % n)) / n;
      c[k * n + j] = Math.cos(angle);
      s[k * n + j] = Math.sin(angle);
    }
  }
  return { cos: tf.tensor2d(c, [n, n]), sin: tf.tensor2d(s, [n, n]) };
}

/**
 * Real and imaginary parts of the DFT of real `[N]` `x`, bins 0..floor(N/2) (as `rfft`):
 * `X[k] = Σ x[n] e^{-2πikn/N}`, so `re = C x`, `im = -S x`.
 */
export function realDft1d(x: tf.Tensor1D): { re: tf.Tensor1D; im: tf.Tensor1D } {
  return tf.tidy(() => {
    const n = x.shape[0];
    const bins = Math.floor(n / 2) + 1;
    const { cos, sin } = dftMatrices(n);
    const column = tf.reshape(tf.cast(x, 'float32'), [n, 1]);
    const re = tf.reshape(tf.matMul(tf.slice(cos, [0, 0], [bins, n]), column), [bins]);
    const im = tf.neg(tf.reshape(tf.matMul(tf.slice(sin, [0, 0], [bins, n]), column), [bins]));
    return { re: re as tf.Tensor1D, im: im as tf.Tensor1D };
  });
}

/**
 * The 2-D DFT of a real `[H, W]` image: `F = W_H X W_Wᵀ` with `W = C - iS`, so
 * `re = C_H X C_W - S_H X S_W` and `im = -(S_H X C_W + C_H X S_W)` (C and S are symmetric).
 */
export function realDft2d(x: tf.Tensor2D): { re: tf.Tensor2D; im: tf.Tensor2D } {
  return tf.tidy(() => {
    const [h, w] = x.shape;
    const rows = dftMatrices(h);
    const cols = w === h ? rows : dftMatrices(w);
    const xf = tf.cast(x, 'float32');
    const cx = tf.matMul(rows.cos, xf);
    const sx = tf.matMul(rows.sin, xf);
    const re = tf.sub(tf.matMul(cx, cols.cos), tf.matMul(sx, cols.sin));
    const im = tf.neg(tf.add(tf.matMul(sx, cols.cos), tf.matMul(cx, cols.sin)));
    return { re: re as tf.Tensor2D, im: im as tf.Tensor2D };
  });
}
