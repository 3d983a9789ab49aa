/**
 * The tensor work of the zero-insertion lesson's figures, one function per figure: a photo and
 * the figure's settings in, everything it draws and reads out as tensors (numbers as scalars).
 * The compute layer runs them off the page (src/lib/browser/figures/zero-insertion.ts).
 *
 * Photos are `[H, W, C]` in [0, 1]; grey versions are the channel mean.
 */
import * as tf from '@tensorflow/tfjs-core';
import { intInRange, invalid } from '../validate';
import { interpolate1d, interpolate2d, scanline, type InterpolationKind } from './interpolation';
import { overlapMap } from './overlap-map';
import {
  logMagnitudeSpectrum2d,
  magnitudeSpectrum,
  spectralImageContrast,
  spectrumFrequencies,
} from './spectrum';
import { transposedConv2d, transposedConvByZeroInsertion } from './transposed-conv';
import { zeroInsert } from './upsampling';

function expectPhoto(photo: tf.Tensor): asserts photo is tf.Tensor3D {
  if (photo.rank !== 3) invalid('photo shape', `[${photo.shape.join(', ')}]`, '[H, W, C]');
}

/**
 * How often each bin of a one-sided spectrum of length-M signal occurs in the two-sided one:
 * once for zero frequency and (M even) the Nyquist bin, twice for the others. Weighted so,
 * the one-sided energies add up to the signal's whole energy (Parseval).
 */
function binWeights(m: number): number[] {
  return spectrumFrequencies(m).map((_, k) => (k === 0 || 2 * k === m ? 1 : 2));
}

/**
 * The part of each weight that lies outside the original band of an L-fold upsampled signal,
 * |f| < 1 / (2L): the two-sided spectrum there is one period of the original's, N = M / L
 * bins. A bin exactly on the band edge (N even) occurs twice, at ±N / 2: one copy belongs to
 * the band, the other to the images (at L = 1 that bin is the Nyquist bin, which occurs once).
 */
function outsideWeights(m: number, factor: number): number[] {
  return binWeights(m).map((w, k) => (2 * k * factor > m ? w : 2 * k * factor === m ? w - 1 : 0));
}

/** Rows of the scanline strip per unit of factor, so the strip keeps one aspect ratio. */
const STRIP_ROWS = 12;

export interface ScanlineSpectrum extends tf.TensorContainerObject {
  /** The photo's middle row upsampled by L with the filter, `[N L]` (grey levels). */
  signal: tf.Tensor1D;
  /** `signal` repeated down `12 L` rows, `[12 L, N L]`: the row drawn as a strip of pixels. */
  strip: tf.Tensor2D;
  /**
   * Magnitude spectrum of the upsampled row with its mean removed first, `[floor(N L / 2) + 1]`
   * (bins at `spectrumFrequencies(N L)`), in the original row's units: a filter's gain L is
   * divided out, the zero-stuffed row keeps its magnitudes.
   */
  spectrum: tf.Tensor1D;
  /** Largest magnitude of the original (mean-removed) row's spectrum: a fixed axis top. */
  peak: tf.Scalar;
  /**
   * Share of the spectral energy outside the original band |f| < 1 / (2L), over the two-sided
   * spectrum: 0..1, exactly (L − 1) / L for zero insertion.
   */
  imageShare: tf.Scalar;
}

/**
 * The scanline figure: the middle row of `photo` as a 1-D signal, zero-inserted by `factor` and
 * filtered by `kind` (see `interpolate1d`), and its magnitude spectrum. The mean is removed
 * before the spectrum, or its zero-frequency peak and that peak's images would dwarf the rest.
 * @param photo `[H, W, C]`
 * @param factor integer 1..32
 */
export function scanlineSpectrum(
  photo: tf.Tensor3D,
  factor: number,
  kind: InterpolationKind,
): ScanlineSpectrum {
  expectPhoto(photo);
  const L = intInRange('factor', factor, 1, 32);
  return tf.tidy(() => {
    const line = scanline(photo, Math.floor(photo.shape[0] / 2));
    const signal = interpolate1d(line, L, kind);
    const centred = tf.sub<tf.Tensor1D>(line, tf.mean(line));
    const raw = magnitudeSpectrum(interpolate1d(centred, L, kind));
    // Filters have gain L in their band; zero insertion keeps the original magnitudes.
    const spectrum = tf.div<tf.Tensor1D>(raw, kind === 'zeros' ? 1 : L);
    const energy = tf.square(raw);
    return {
      signal,
      strip: tf.tile(tf.reshape<tf.Rank.R2>(signal, [1, -1]), [STRIP_ROWS * L, 1]),
      spectrum,
      peak: tf.max(magnitudeSpectrum(centred)),
      imageShare: tf.divNoNan(
        tf.sum(tf.mul(energy, tf.tensor1d(outsideWeights(signal.shape[0], L)))),
        tf.sum(tf.mul(energy, tf.tensor1d(binWeights(signal.shape[0])))),
      ),
    };
  });
}

export interface ZeroInsert2d extends tf.TensorContainerObject {
  /** The photo zero-inserted by L, times L² (so it keeps the photo's mean brightness), clipped to [0, 1]. */
  zeros: tf.Tensor3D;
  /** Centred log-magnitude spectrum of the zero-inserted photo (Hann window), `[H L, W L]`. */
  zerosSpectrum: tf.Tensor2D;
  /** The photo zero-inserted and filtered (`interpolate2d`), clipped to [0, 1]. */
  filtered: tf.Tensor3D;
  /** Its centred log-magnitude spectrum (Hann window). */
  filteredSpectrum: tf.Tensor2D;
  /** `[zeros, filtered]`: how far each spectrum's images stand out (`spectralImageContrast`). */
  contrast: tf.Tensor1D;
}

/**
 * The 2-D figure: `photo` zero-inserted by `factor` and interpolated with `kind`, each with its
 * centred log-magnitude spectrum, taken through a Hann window so the DFT's periodic-extension
 * border adds no bright cross.
 * @param photo `[H, W, C]`
 * @param factor integer 1..32
 */
export function zeroInsert2d(
  photo: tf.Tensor3D,
  factor: number,
  kind: InterpolationKind,
): ZeroInsert2d {
  expectPhoto(photo);
  const L = intInRange('factor', factor, 1, 32);
  return tf.tidy(() => {
    const stuffed = zeroInsert(photo, L);
    const interpolated = interpolate2d(photo, L, kind);
    const hann = { window: 'hann' } as const;
    const zerosSpectrum = logMagnitudeSpectrum2d(stuffed, hann);
    const filteredSpectrum = logMagnitudeSpectrum2d(interpolated, hann);
    return {
      zeros: tf.clipByValue(tf.mul<tf.Tensor3D>(stuffed, L * L), 0, 1),
      zerosSpectrum,
      filtered: tf.clipByValue(interpolated, 0, 1),
      filteredSpectrum,
      contrast: tf.stack([
        spectralImageContrast(zerosSpectrum, L),
        spectralImageContrast(filteredSpectrum, L),
      ]) as tf.Tensor1D,
    };
  });
}

/** Side of the flat input whose tap counts the checkerboard figure draws. */
export const CHECKERBOARD_FLAT_SIDE = 8;

export interface Checkerboard extends tf.TensorContainerObject {
  /** Kernel taps on each output pixel for an 8×8 input, `[7 s + k, 7 s + k]` (`overlapMap`). */
  counts: tf.Tensor2D;
  /** The grey photo through the same layer with a flat kernel of weight s²/k², clipped to [0, 1]. */
  photoOut: tf.Tensor3D;
}

/**
 * The checkerboard figure: how many taps of a `kernelSize`² kernel at `stride` land on each
 * output pixel of a transposed convolution, and the grey photo through that layer with every
 * tap weighing s²/k² (an evenly covered pixel keeps the input's brightness).
 * @param photo `[H, W, C]`
 * @param kernelSize integer 1..64
 * @param stride integer 1..16
 */
export function checkerboard(photo: tf.Tensor3D, kernelSize: number, stride: number): Checkerboard {
  expectPhoto(photo);
  const k = intInRange('kernelSize', kernelSize, 1, 64);
  const s = intInRange('stride', stride, 1, 16);
  const side = CHECKERBOARD_FLAT_SIDE;
  return tf.tidy(() => {
    const grey = tf.mean<tf.Tensor3D>(photo, 2, true);
    const box = tf.fill<tf.Rank.R4>([k, k, 1, 1], (s * s) / (k * k));
    return {
      counts: tf.tensor2d(overlapMap(k, s, [side, side])),
      photoOut: tf.clipByValue(transposedConv2d(grey, box, { stride: s }), 0, 1),
    };
  });
}

export interface TransposedConvProof extends tf.TensorContainerObject {
  /** The seeded random kernel, `[k, k]`. */
  kernel: tf.Tensor2D;
  /** The grey photo with s − 1 zeros after each pixel along both axes, `[H s, W s]`. */
  stuffed: tf.Tensor2D;
  /** `conv2dTranspose` of the grey photo, `[(H − 1) s + k, (W − 1) s + k, 1]`. */
  direct: tf.Tensor3D;
  /** The same from zero insertion, padding by k − 1 and `conv2d` with the flipped kernel. */
  decomposed: tf.Tensor3D;
  /** `direct − decomposed`. */
  difference: tf.Tensor3D;
  /** Largest |difference|. */
  maxDifference: tf.Scalar;
}

/**
 * The transposed-convolution check: the grey photo through a transposed convolution with a
 * seeded normal kernel (standard deviation 1/k), computed by the tfjs op and by zero insertion
 * plus an ordinary convolution (`transposedConvByZeroInsertion`), and their difference.
 * @param photo `[H, W, C]`
 * @param stride integer 1..16
 * @param kernelSize integer 1..64
 * @param seed integer 0..2³¹ − 1 (the same seed gives the same kernel on every backend)
 */
export function transposedConvProof(
  photo: tf.Tensor3D,
  stride: number,
  kernelSize: number,
  seed: number,
): TransposedConvProof {
  expectPhoto(photo);
  const s = intInRange('stride', stride, 1, 16);
  const k = intInRange('kernelSize', kernelSize, 1, 64);
  const r = intInRange('seed', seed, 0, 2 ** 31 - 1);
  return tf.tidy(() => {
    const grey = tf.mean<tf.Tensor3D>(photo, 2, true);
    const kernel = tf.randomNormal<tf.Rank.R4>([k, k, 1, 1], 0, 1 / k, 'float32', r);
    const direct = transposedConv2d(grey, kernel, { stride: s });
    const decomposed = transposedConvByZeroInsertion(grey, kernel, { stride: s });
    const difference = tf.sub<tf.Tensor3D>(direct, decomposed);
    return {
      kernel: tf.reshape<tf.Rank.R2>(kernel, [k, k]),
      stuffed: tf.reshape<tf.Rank.R2>(zeroInsert(grey, s), [-1, grey.shape[1] * s]),
      direct,
      decomposed,
      difference,
      maxDifference: tf.max(tf.abs(difference)),
    };
  });
}
