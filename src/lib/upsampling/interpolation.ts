/**
 * Interpolation as filtering: zero-insert a signal by a factor L, then convolve with an
 * interpolation filter. The filters here are the textbook approximations of the ideal low-pass
 * (cutoff pi / L, gain L) that removes the spectral images zero insertion creates:
 * - `zeros`: no filter (the zero-stuffed signal itself, taps `[1]`);
 * - `nearest`: a causal box of L ones (each sample repeated L times);
 * - `linear`: a centred triangle `1 - |j| / L`, |j| < L (linear interpolation between samples);
 * - `sinc`: `sinc(j / L)` under a Hann window of half-width 4L (close to the ideal low-pass).
 * All of them pass the original samples through unchanged (they are 1 at offset 0 and 0 at
 * every other multiple of L), so they only differ in what they put between them.
 */
import * as tf from '@tensorflow/tfjs-core';
import { intInRange, invalid, oneOf } from '../validate';
import { zeroInsert } from './upsampling';

export const INTERPOLATION_KINDS = ['zeros', 'nearest', 'linear', 'sinc'] as const;
export type InterpolationKind = (typeof INTERPOLATION_KINDS)[number];

/** Filter taps and the index of the tap at offset 0: `y[n] = sum_i taps[i] z[n - (i - origin)]`. */
export interface InterpolationFilter {
  readonly taps: readonly number[];
  readonly origin: number;
}

/** Half-width of the windowed sinc, in input samples (4 zero crossings either side). */
const SINC_LOBES = 4;

/**
 * The interpolation filter of `kind` for factor L (see the module comment).
 * @param kind 'zeros' | 'nearest' | 'linear' | 'sinc'
 * @param factor integer 1..32
 */
export function interpolationFilter(kind: InterpolationKind, factor: number): InterpolationFilter {
  const k = oneOf('kind', kind, INTERPOLATION_KINDS);
  const L = intInRange('factor', factor, 1, 32);
  if (k === 'zeros' || L === 1) return { taps: [1], origin: 0 };
  if (k === 'nearest') return { taps: Array.from({ length: L }, () => 1), origin: 0 };
  const half = k === 'linear' ? L - 1 : SINC_LOBES * L - 1;
  const taps = Array.from({ length: 2 * half + 1 }, (_, i) => {
    const j = i - half;
    if (k === 'linear') return 1 - Math.abs(j) / L;
    const t = j / L;
    const sinc = j === 0 ? 1 : Math.sin(Math.PI * t) / (Math.PI * t);
    return sinc * 0.5 * (1 + Math.cos((Math.PI * j) / (SINC_LOBES * L)));
  });
  return { taps, origin: half };
}

/**
 * Convolves the last axis of `[B, N]` rows with a filter (zeros outside the signal), keeping
 * the N outputs aligned with the input: `y[n] = sum_i taps[i] z[n - (i - origin)]`.
 */
function filterRows(rows: tf.Tensor2D, filter: InterpolationFilter): tf.Tensor2D {
  const { taps, origin } = filter;
  if (taps.length === 1 && origin === 0 && taps[0] === 1) return rows.clone();
  const [b = 0, n = 0] = rows.shape;
  // conv1d correlates; flipping the taps turns it into the convolution above.
  const kernel = tf.tensor3d([...taps].reverse(), [taps.length, 1, 1]);
  const padded = tf.pad(rows, [
    [0, 0],
    [taps.length - 1 - origin, origin],
  ]);
  return tf.reshape(tf.conv1d(tf.reshape<tf.Rank.R3>(padded, [b, -1, 1]), kernel, 1, 'valid'), [
    b,
    n,
  ]);
}

/**
 * Upsamples a 1-D signal by `factor`: zero insertion (length N * L, see `zeroInsert`), then the
 * interpolation filter of `kind`. With 'linear' the last L - 1 samples fade towards the zero
 * beyond the end (there is no next sample to interpolate towards).
 * @param signal `[N]`
 * @returns `[N * factor]`
 */
export function interpolate1d(
  signal: tf.Tensor1D,
  factor: number,
  kind: InterpolationKind,
): tf.Tensor1D {
  if (signal.rank !== 1) invalid('signal shape', `[${signal.shape.join(', ')}]`, '[N]');
  const filter = interpolationFilter(kind, factor);
  return tf.tidy(() => {
    const z = zeroInsert(tf.cast(signal, 'float32'), factor);
    return tf.reshape(filterRows(tf.reshape(z, [1, -1]), filter), [-1]);
  });
}

/**
 * The same on an image, separably: zero insertion by `factor` along both axes, then the filter
 * along rows and along columns (the 2-D filter is the outer product of the 1-D one).
 * @param image `[H, W]` or `[H, W, C]`
 * @returns `[H * factor, W * factor]` (or `[..., C]`)
 */
export function interpolate2d<T extends tf.Tensor2D | tf.Tensor3D>(
  image: T,
  factor: number,
  kind: InterpolationKind,
): T {
  if (image.rank !== 2 && image.rank !== 3) {
    invalid('image shape', `[${image.shape.join(', ')}]`, '[H, W] or [H, W, C]');
  }
  const filter = interpolationFilter(kind, factor);
  return tf.tidy(() => {
    const z = zeroInsert(tf.cast(image, 'float32'), factor);
    const [h = 0, w = 0, c = 1] = z.shape;
    // Channels first, so that each row (then each column) is one row of filterRows.
    const chw = tf.transpose(tf.reshape(z, [h, w, c]), [2, 0, 1]);
    const alongX = tf.reshape(filterRows(tf.reshape<tf.Rank.R2>(chw, [c * h, w]), filter), [
      c,
      h,
      w,
    ]);
    const cols = tf.reshape<tf.Rank.R2>(tf.transpose(alongX, [0, 2, 1]), [c * w, h]);
    const alongY = tf.transpose(tf.reshape(filterRows(cols, filter), [c, w, h]), [2, 1, 0]);
    return (image.rank === 2 ? tf.reshape(alongY, [h, w]) : alongY) as T;
  });
}

/**
 * One row of an image as a 1-D signal: the channel mean of row `row` (for `[H, W, 3]` in [0, 1]
 * that is the unweighted grey level).
 * @param image `[H, W]` or `[H, W, C]`
 * @param row 0..H-1
 * @returns `[W]`
 */
export function scanline(image: tf.Tensor2D | tf.Tensor3D, row: number): tf.Tensor1D {
  const h = image.shape[0];
  const r = intInRange('row', row, 0, h - 1);
  return tf.tidy(() => {
    const line = tf.squeeze(tf.slice(image, [r], [1]), [0]);
    return (line.rank === 2 ? tf.mean(line, 1) : line) as tf.Tensor1D;
  });
}
