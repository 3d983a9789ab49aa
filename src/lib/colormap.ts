/**
 * Colour maps that turn a single-channel map or a label map into an RGB image, on whatever
 * backend runs (on WebGL the work stays on the GPU until the image is drawn).
 */
import * as tf from '@tensorflow/tfjs-core';
import { invalid, oneOf } from './validate';

export type ColorMapName = 'grey' | 'diverging';

/** A value range; values outside it are clipped. */
export type Range = readonly [min: number, max: number];

export interface ColorizeOptions {
  /** 'grey' maps min..max to black..white; 'diverging' maps -m..0..m to blue..white..red. */
  map?: ColorMapName;
  /**
   * Range shown; default: the data's min..max for 'grey', and the symmetric -m..m with
   * m = max |x| for 'diverging' (so zero is always white).
   */
  range?: Range;
}

const DIVERGING_LOW = [0.13, 0.4, 0.75] as const;
const DIVERGING_HIGH = [0.8, 0.15, 0.15] as const;

/**
 * The default range of `x` under `map` as a `[2]` tensor `[min, max]`, computed on the device:
 * min..max for 'grey', the symmetric -m..m with m = max |x| for 'diverging'.
 */
export function rangeTensor(x: tf.Tensor, map: ColorMapName): tf.Tensor1D {
  oneOf('map', map, ['grey', 'diverging']);
  return tf.tidy(() => {
    if (map === 'grey') return tf.stack([tf.min(x), tf.max(x)]) as tf.Tensor1D;
    const m = tf.max(tf.abs(x));
    return tf.stack([tf.neg(m), m]) as tf.Tensor1D;
  });
}

/** The range `colorize` uses for `x` under `options` (reads two numbers back). */
export async function colorRange(x: tf.Tensor, options: ColorizeOptions = {}): Promise<Range> {
  if (options.range) return validRange(options.range);
  const stats = rangeTensor(x, options.map ?? 'grey');
  const [lo = 0, hi = 0] = await stats.data();
  stats.dispose();
  return [lo, hi];
}

function validRange(range: Range): Range {
  const [lo, hi] = range;
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi) {
    invalid('range', [lo, hi], 'finite [min, max] with min <= max');
  }
  return range;
}

/**
 * Colours a `[H, W]` map: returns `[H, W, 3]` float32 RGB in [0, 1]. Without `range`, the
 * default range (see `rangeTensor`) is computed on the device, so nothing is read back.
 * A flat range shows mid-grey (or white for 'diverging') rather than dividing by zero.
 */
export function colorize(x: tf.Tensor2D, map: ColorMapName, range?: Range): tf.Tensor3D {
  oneOf('map', map, ['grey', 'diverging']);
  if (range) validRange(range);
  if (x.rank !== 2) invalid('x shape', x.shape, 'rank 2: [H, W]');
  return tf.tidy(() => {
    const bounds = range ? tf.tensor1d([range[0], range[1]]) : rangeTensor(x, map);
    const lo = tf.slice(bounds, 0, 1);
    const span = tf.sub(tf.slice(bounds, 1, 1), lo);
    // t in [0, 1] across the range.
    const t = tf.where(
      tf.greater(span, 0),
      tf.clipByValue(tf.div(tf.sub(x, lo), tf.maximum(span, 1e-30)), 0, 1),
      tf.fill(x.shape, 0.5),
    );
    if (map === 'grey') return tf.stack([t, t, t], 2) as tf.Tensor3D;
    // Diverging: 0 -> low colour, 0.5 -> white, 1 -> high colour, linear in between.
    const low = tf.clipByValue(tf.mul(tf.sub(0.5, t), 2), 0, 1); // weight of the low colour
    const high = tf.clipByValue(tf.mul(tf.sub(t, 0.5), 2), 0, 1);
    const channel = (c: 0 | 1 | 2) =>
      tf.sub(tf.sub(1, tf.mul(low, 1 - DIVERGING_LOW[c])), tf.mul(high, 1 - DIVERGING_HIGH[c]));
    return tf.stack([channel(0), channel(1), channel(2)], 2) as tf.Tensor3D;
  });
}

/**
 * Colours a label map `[H, W]` (int32 class indices 0..P-1) with `palette` (P colours as
 * `[r, g, b]` in 0..255). Returns `[H, W, 3]` float32 RGB in [0, 1].
 */
export function labelColors(
  labels: tf.Tensor2D,
  palette: readonly (readonly number[])[],
): tf.Tensor3D {
  if (palette.length === 0) invalid('palette', '[]', 'at least one [r, g, b] colour');
  return tf.tidy(() => {
    const table = tf.div(tf.tensor2d(palette.map((c) => [c[0] ?? 0, c[1] ?? 0, c[2] ?? 0])), 255);
    const index = tf.clipByValue(tf.cast(labels, 'int32'), 0, palette.length - 1);
    return tf.gather(table, index) as tf.Tensor3D;
  });
}

/** A categorical palette (0..255 RGB) with a neutral first entry for "background". */
export const CATEGORICAL: readonly (readonly [number, number, number])[] = [
  [40, 40, 48],
  [230, 159, 0],
  [86, 180, 233],
  [0, 158, 115],
  [240, 228, 66],
  [0, 114, 178],
  [213, 94, 0],
  [204, 121, 167],
  [148, 103, 189],
  [140, 86, 75],
  [188, 189, 34],
  [23, 190, 207],
];
