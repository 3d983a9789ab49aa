/**
 * Frequency content of signals and images via tfjs FFT ops, to show the spectral images that
 * zero insertion creates and an interpolation filter removes.
 *
 * The FFT kernels exist on the cpu and webgl backends; where a backend has none (wasm), the
 * same transforms run as DFT matrix products (dft.ts), slower but exact. Magnitudes are unnormalised
 * (`|sum_n x[n] e^{-2 pi i k n / N}|`, PyTorch's default `norm='backward'`).
 */
import * as tf from '@tensorflow/tfjs-core';
import { invalid } from '../validate';
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

/** Options of {@link logMagnitudeSpectrum2d}. */
export interface Spectrum2dOptions {
  /**
   * 'hann' multiplies the image by a 2-D (periodic) Hann window first, so the jump between
   * opposite borders of the DFT's periodic extension does not paint a bright cross through
   * zero frequency; 'none' (default) transforms the image as it is.
   */
  window?: 'none' | 'hann';
}

/** Periodic Hann window of length n: `0.5 - 0.5 cos(2 pi k / n)`, `[n]`. */
export function hannWindow(n: number): tf.Tensor1D {
  if (!Number.isInteger(n) || n < 1) invalid('n', n, 'an integer >= 1');
  return tf.tidy(() => tf.sub(0.5, tf.mul(0.5, tf.cos(tf.mul(tf.range(0, n), (2 * Math.PI) / n)))));
}

/**
 * Centred log-magnitude spectrum of an image: `log(1 + |F[u, v]|)` of the 2-D DFT, shifted so
 * the zero frequency sits at `[floor(H/2), floor(W/2)]` (numpy/PyTorch `fftshift`), natural log.
 * A colour image `[H, W, C]` is averaged over channels first (one spectrum per image).
 * @param image `[H, W]` or `[H, W, C]`
 * @returns `[H, W]` float32
 */
export function logMagnitudeSpectrum2d(
  image: tf.Tensor2D | tf.Tensor3D,
  options: Spectrum2dOptions = {},
): tf.Tensor2D {
  if (image.rank !== 2 && image.rank !== 3) {
    invalid('image shape', `[${image.shape.join(', ')}]`, '[H, W] or [H, W, C]');
  }
  const window = options.window ?? 'none';
  if (window !== 'none' && window !== 'hann') invalid('window', window, "'none' or 'hann'");
  return tf.tidy(() => {
    let gray = (image.rank === 3 ? tf.mean(image, 2) : tf.cast(image, 'float32')) as tf.Tensor2D;
    if (window === 'hann') {
      const [h = 1, w = 1] = gray.shape;
      gray = tf.mul(gray, tf.outerProduct(hannWindow(h), hannWindow(w)));
    }
    const { re, im } = hasFft() ? fft2(gray) : realDft2d(gray);
    const magnitude = tf.sqrt(tf.add(tf.square(re), tf.square(im))) as tf.Tensor2D;
    const centred = tf.transpose(shiftRows(tf.transpose(shiftRows(magnitude))));
    return tf.log1p(centred);
  });
}

/**
 * How far the spectral images of an L-fold zero insertion stand out in a centred spectrum
 * from {@link logMagnitudeSpectrum2d} (`[N, N]`, N a multiple of L): the mean value at the
 * L² − 1 image centres (zero frequency moved by multiples of N / L, excluding zero frequency
 * itself) minus the spectrum's mean, in natural-log units (e^value is the ratio of magnitudes).
 * 0 for L = 1 (there are no images).
 */
export function spectralImageContrast(spectrum: tf.Tensor2D, factor: number): tf.Scalar {
  const [h = 0, w = 0] = spectrum.shape;
  if (!Number.isInteger(factor) || factor < 1 || h % factor !== 0 || w % factor !== 0) {
    invalid('factor', factor, `an integer >= 1 dividing the spectrum's sides ${h} and ${w}`);
  }
  if (factor === 1) return tf.scalar(0);
  return tf.tidy(() => {
    const [cy, cx] = [Math.floor(h / 2), Math.floor(w / 2)];
    const flat: number[] = [];
    for (let a = 0; a < factor; a++) {
      for (let b = 0; b < factor; b++) {
        if (a === 0 && b === 0) continue;
        const y = (cy + (a * h) / factor) % h;
        const x = (cx + (b * w) / factor) % w;
        flat.push(y * w + x);
      }
    }
    const peaks = tf.gather(tf.reshape(spectrum, [-1]), tf.tensor1d(flat, 'int32'));
    return tf.sub(tf.mean(peaks), tf.mean(spectrum));
  });
}
