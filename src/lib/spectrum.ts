/**
 * Frequency content of signals and images via tfjs FFT ops, to show the spectral images that
 * zero insertion creates and an interpolation filter removes.
 *
 * The FFT kernels exist on the cpu and webgl backends; where a backend has none (wasm), the
 * same transforms run as DFT matrix products (dft.ts), slower but exact. Magnitudes are unnormalised
 * (`|sum_n x[n] e^{-2 pi i k n / N}|`, PyTorch's default `norm='backward'`).
 */
import * as tf from '@tensorflow/tfjs-core';
import { invalid } from './validate';
import { realDft1d, realDft2d } from './dft';

/**
 * Magnitude spectrum of a real 1-D signal: `|X[k]|` for k = 0..floor(N/2) (the non-negative
 * frequencies of `rfft`), shape `[floor(N/2) + 1]`. Bin k is k/N cycles per sample
 * (see {@link spectrumFrequencies}).
 * @param signal `[N]`, N >= 1
 */
export function magnitudeSpectrum(signal: tf.Tensor1D): tf.Tensor1D {
  if (signal.rank !== 1 || signal.size < 1) {
    invalid('signal shape', `[${signal.shape.join(', ')}]`, '[N] with N >= 1');
  }
  return tf.tidy(() => {
    if (hasFft()) return tf.abs(tf.spectral.rfft(tf.cast(signal, 'float32'))) as tf.Tensor1D;
    const { re, im } = realDft1d(signal);
    return tf.sqrt(tf.add(tf.square(re), tf.square(im))) as tf.Tensor1D;
  });
}

/** Whether the active backend has the FFT kernels (tfjs-backend-wasm does not). */
function hasFft(): boolean {
  const backend = tf.getBackend();
  return Boolean(tf.getKernel('FFT', backend) && tf.getKernel('Complex', backend));
}

/** Frequencies of the bins of {@link magnitudeSpectrum} for length n, in cycles per sample. */
export function spectrumFrequencies(n: number): number[] {
  if (!Number.isInteger(n) || n < 1) invalid('n', n, 'an integer >= 1');
  return Array.from({ length: Math.floor(n / 2) + 1 }, (_, k) => k / n);
}

/** fftshift along axis 0: row 0 (the zero frequency) moves to row floor(n/2). */
function shiftRows(x: tf.Tensor2D): tf.Tensor2D {
  const n = x.shape[0];
  const half = n - Math.floor(n / 2);
  return tf.concat([tf.slice(x, [half, 0], [n - half, -1]), tf.slice(x, [0, 0], [half, -1])], 0);
}

/** 2-D DFT of a real `[H, W]` image as separate real and imaginary parts. */
function fft2(image: tf.Tensor2D): { re: tf.Tensor2D; im: tf.Tensor2D } {
  const rows = tf.spectral.fft(tf.complex(image, tf.zerosLike(image)));
  const cols = tf.spectral.fft(tf.transpose(rows));
  return {
    re: tf.transpose(tf.real(cols)) as tf.Tensor2D,
    im: tf.transpose(tf.imag(cols)) as tf.Tensor2D,
  };
}

/**
 * Centred log-magnitude spectrum of an image: `log(1 + |F[u, v]|)` of the 2-D DFT, shifted so
 * the zero frequency sits at `[floor(H/2), floor(W/2)]` (numpy/PyTorch `fftshift`), natural log.
 * A colour image `[H, W, C]` is averaged over channels first (one spectrum per image).
 * @param image `[H, W]` or `[H, W, C]`
 * @returns `[H, W]` float32
 */
export function logMagnitudeSpectrum2d(image: tf.Tensor2D | tf.Tensor3D): tf.Tensor2D {
  if (image.rank !== 2 && image.rank !== 3) {
    invalid('image shape', `[${image.shape.join(', ')}]`, '[H, W] or [H, W, C]');
  }
  return tf.tidy(() => {
    const gray = (image.rank === 3 ? tf.mean(image, 2) : tf.cast(image, 'float32')) as tf.Tensor2D;
    const { re, im } = hasFft() ? fft2(gray) : realDft2d(gray);
    const magnitude = tf.sqrt(tf.add(tf.square(re), tf.square(im))) as tf.Tensor2D;
    const centred = tf.transpose(shiftRows(tf.transpose(shiftRows(magnitude))));
    return tf.log1p(centred);
  });
}
