/**
 * The bilinear-resize figure's tensors: FCN's bilinear transposed convolution next to
 * `tf.image.resizeBilinear` under one of its three conventions, and their difference.
 */
import * as tf from '@tensorflow/tfjs-core';
import { expectRank, intInRange, oneOf } from '../validate';
import { bilinearUpsample, compareWithResizeBilinear, type ConventionDifference } from './bilinear';

export const RESIZE_CONVENTIONS = ['halfPixel', 'asymmetric', 'alignCorners'] as const;
export type ResizeConvention = (typeof RESIZE_CONVENTIONS)[number];

/** `tf.image.resizeBilinear`'s `[alignCorners, halfPixelCenters]` for each convention. */
export const RESIZE_FLAGS: Readonly<Record<ResizeConvention, readonly [boolean, boolean]>> = {
  halfPixel: [false, true],
  asymmetric: [false, false],
  alignCorners: [true, false],
};

export type ResizeComparison = {
  /** The transposed convolution, clipped to [0, 1]: `[H f, W f, C]`. */
  deconv: tf.Tensor3D;
  /** `tf.image.resizeBilinear` to the same size under the convention: `[H f, W f, C]`. */
  resized: tf.Tensor3D;
  /** Channel mean of deconvolution − resize (unclipped): `[H f, W f, 1]`. */
  difference: tf.Tensor3D;
};

export type ResizeComparisonFigure = ResizeComparison & {
  /** Largest differences inside the image and along its border, for every convention. */
  table: Record<ResizeConvention, ConventionDifference>;
};

/**
 * Upsamples `x` (`[H, W, C]`, values in [0, 1]) by `factor` (1..8) both ways and returns both
 * outputs and their signed difference. The caller owns the result.
 */
export function resizeComparison(
  x: tf.Tensor3D,
  factor: number,
  convention: ResizeConvention,
): ResizeComparison {
  expectRank('x', x.shape, 3, '[H, W, C]');
  const f = intInRange('factor', factor, 1, 8);
  const [alignCorners, halfPixel] =
    RESIZE_FLAGS[oneOf('convention', convention, RESIZE_CONVENTIONS)];
  return tf.tidy(() => {
    const [h, w] = x.shape;
    const deconv = bilinearUpsample(x, f);
    const resized = tf.image.resizeBilinear(x, [h * f, w * f], alignCorners, halfPixel);
    // One map, red where the deconvolution is brighter.
    const difference = tf.mean<tf.Tensor3D>(tf.sub(deconv, resized), 2, true);
    return { deconv: tf.clipByValue(deconv, 0, 1), resized, difference };
  });
}

/** {@link resizeComparison} with the table of all three conventions (`compareWithResizeBilinear`). */
export async function resizeComparisonFigure(
  x: tf.Tensor3D,
  factor: number,
  convention: ResizeConvention,
): Promise<ResizeComparisonFigure> {
  const table = await compareWithResizeBilinear(x, intInRange('factor', factor, 1, 8));
  return { ...resizeComparison(x, factor, convention), table };
}
