/**
 * FCN's bilinear upsampling filter and the transposed convolution built from it, plus a
 * comparison with `tf.image.resizeBilinear` that makes the alignment conventions visible.
 *
 * The filter follows FCN's reference `upsample_filt` (shelhamer/fcn.berkeleyvision.org): for
 * factor f, size `k = 2f - f % 2`, `g = (k + 1) // 2`, centre `c = g - 1` (odd k) or `g - 0.5`
 * (even k), weight `w(i, j) = (1 - |i - c| / g) (1 - |j - c| / g)`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { intInRange } from '../validate';
import { transposedConv2d } from './transposed-conv';

/** Side of the bilinear filter for an integer upsampling factor: `2f - f % 2`. */
export function bilinearKernelSize(factor: number): number {
  const f = intInRange('factor', factor, 1, 32);
  return 2 * f - (f % 2);
}

/** The 1-D profile of the filter (the 2-D filter is its outer product with itself). */
export function bilinearProfile(factor: number): number[] {
  const size = bilinearKernelSize(factor);
  const g = Math.floor((size + 1) / 2);
  const centre = size % 2 === 1 ? g - 1 : g - 0.5;
  return Array.from({ length: size }, (_, i) => 1 - Math.abs(i - centre) / g);
}

/**
 * The 2-D filter for factor f as plain numbers: `data` holds the `[k, k]` outer product of
 * {@link bilinearProfile} with itself, row-major (what {@link bilinearKernel} puts on each
 * channel), for drawing without a tensor.
 */
export function bilinearFilterValues(factor: number): {
  data: Float32Array;
  shape: [number, number];
} {
  const profile = bilinearProfile(factor);
  const k = profile.length;
  const data = new Float32Array(k * k);
  profile.forEach((row, i) => profile.forEach((col, j) => (data[i * k + j] = row * col)));
  return { data, shape: [k, k] };
}

/** One output phase of a stride-f transposed convolution with the 1-D bilinear profile. */
export interface BilinearPhase {
  /** Indices of the profile taps that land on output pixels of this phase (tap ≡ phase mod f). */
  taps: number[];
  /** Their weights, in the same order. */
  weights: number[];
  /** Their sum: 1 for every phase, which is why a flat input stays flat. */
  sum: number;
}

/**
 * The polyphase view of the bilinear profile for factor f: with stride f, output pixel n
 * receives tap u from input i where n = f i + u (before the crop), so the output pixels of
 * phase r = n mod f are made by exactly the taps u ≡ r (mod f). Returns the f phases in order.
 * For odd f the size 2f − 1 is not a multiple of f, so phases get 2 or 1 taps; each sums to 1.
 */
export function bilinearPhases(factor: number): BilinearPhase[] {
  const profile = bilinearProfile(factor);
  return Array.from({ length: factor }, (_, r) => {
    const taps = profile.map((_, u) => u).filter((u) => u % factor === r);
    const weights = taps.map((u) => profile[u] ?? NaN);
    return { taps, weights, sum: weights.reduce((a, b) => a + b, 0) };
  });
}

/**
 * The bilinear filter as a transposed-conv kernel `[k, k, C, C]` (tfjs conv2dTranspose layout
 * `[kh, kw, outC, inC]`): the 2-D filter on the channel diagonal, zeros elsewhere, so each
 * channel (class score) is upsampled on its own.
 * @param factor upsampling factor 1..32
 * @param channels 1..256
 */
export function bilinearKernel(factor: number, channels: number): tf.Tensor4D {
  const profile = bilinearProfile(factor);
  const c = intInRange('channels', channels, 1, 256);
  const k = profile.length;
  return tf.tidy(() => {
    const p = tf.tensor1d(profile);
    const filter2d = tf.reshape(tf.outerProduct(p, p), [k, k, 1, 1]);
    return tf.mul(filter2d, tf.reshape(tf.eye(c), [1, 1, c, c]));
  });
}

/**
 * Bilinear upsampling by an integer factor as FCN does it: a transposed convolution with
 * {@link bilinearKernel}, stride f and padding `floor(f / 2)`, which gives exactly `f` times the
 * size (`(H - 1) f - 2 floor(f/2) + 2f - f % 2 = H f`; the same crop as tfjs padding 'same').
 *
 * Interior pixels equal half-pixel-centre bilinear interpolation (PyTorch
 * `align_corners=False`, tfjs `halfPixelCenters: true`); within about f/2 pixels of the border
 * the missing neighbours count as zeros, so the values fade (see {@link compareWithResizeBilinear}).
 * @param x `[H, W, C]` or `[N, H, W, C]`
 * @returns `[H f, W f, C]` (or batched)
 */
export function bilinearUpsample<T extends tf.Tensor3D | tf.Tensor4D>(x: T, factor: number): T {
  const f = intInRange('factor', factor, 1, 32);
  return tf.tidy(() => {
    const kernel = bilinearKernel(f, x.shape[x.rank - 1] ?? 1);
    return transposedConv2d(x, kernel, { stride: f, padding: Math.floor(f / 2) });
  });
}

/** Max abs differences of {@link bilinearUpsample} from one resize convention. */
export interface ConventionDifference {
  /** Over pixels whose half-pixel source coordinate lies inside the input grid. */
  interior: number;
  /** Over the remaining band (about f/2 pixels wide) along the image border. */
  border: number;
}

/**
 * Compares {@link bilinearUpsample} with `tf.image.resizeBilinear` to the same size under its
 * three conventions. What the tests establish (tests/unit/bilinear.test.ts):
 * - `halfPixel` (alignCorners false, halfPixelCenters true): interior equal to float32
 *   rounding (< 1e-5 for data in [0, 1]; tested); the border differs because resize clamps to the edge
 *   while the transposed conv fades through zeros (a constant image c keeps `c (f + 1) / (2f)`
 *   on the outermost row/column and `c ((f + 1) / (2f))^2` at the corners).
 * - `asymmetric` (both false, the tfjs default, source = dst / f): shifted by (f - 1) / (2f)
 *   input pixels, so the interior differs by about that times the local gradient.
 * - `alignCorners` (alignCorners true): the grid is stretched by (H - 1) / (H f - 1), so the
 *   interior differs except where the data are linear.
 * @param x `[H, W, C]`
 */
export async function compareWithResizeBilinear(
  x: tf.Tensor3D,
  factor: number,
): Promise<Record<'halfPixel' | 'asymmetric' | 'alignCorners', ConventionDifference>> {
  const f = intInRange('factor', factor, 1, 32);
  const [h, w] = x.shape;
  const stats = tf.tidy(() => {
    const up = bilinearUpsample(x, f);
    const inside = (n: number) =>
      tf.logicalAnd(
        tf.greaterEqual(tf.range(0, n * f), Math.ceil((f - 1) / 2)),
        tf.lessEqual(tf.range(0, n * f), (n - 1) * f + Math.floor((f - 1) / 2)),
      );
    const rows = tf.reshape(inside(h), [h * f, 1, 1]);
    const interior = tf.cast(tf.logicalAnd(rows, tf.reshape(inside(w), [1, w * f, 1])), 'float32');
    const size: [number, number] = [h * f, w * f];
    const maxima = [
      [false, true],
      [false, false],
      [true, false],
    ].flatMap(([alignCorners = false, halfPixelCenters = false]) => {
      const diff = tf.abs(
        tf.sub(up, tf.image.resizeBilinear(x, size, alignCorners, halfPixelCenters)),
      );
      return [tf.max(tf.mul(diff, interior)), tf.max(tf.mul(diff, tf.sub(1, interior)))];
    });
    return tf.stack(maxima);
  });
  const v = Array.from(await stats.data());
  stats.dispose();
  const pair = (i: number): ConventionDifference => ({
    interior: v[i] ?? NaN,
    border: v[i + 1] ?? NaN,
  });
  return { halfPixel: pair(0), asymmetric: pair(2), alignCorners: pair(4) };
}
