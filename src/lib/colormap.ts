/**
 * Colour maps that turn a single-channel map or a label map into an RGB image, on whatever
 * backend runs (on WebGL the work stays on the GPU until the image is drawn). The sequential
 * and diverging schemes are d3-scale-chromatic's viridis and RdBu, sampled into lookup tables.
 */
import * as tf from '@tensorflow/tfjs-core';
import { interpolateRdBu, interpolateViridis } from 'd3-scale-chromatic';
import { invalid, oneOf } from './validate';
import { CATEGORY10, parseColor, type Rgb } from './palettes';

/**
 * 'grey': black..white over min..max. 'sequential': viridis over min..max, for maps with one
 * sign (post-ReLU activations). 'diverging': blue..white..red over -m..0..m, for signed maps.
 * 'auto': 'sequential' when the map has no negative value, else 'diverging'.
 */
export type ColorMapName = 'grey' | 'sequential' | 'diverging' | 'auto';

const MAPS: readonly ColorMapName[] = ['grey', 'sequential', 'diverging', 'auto'];

/** A value range; values outside it are clipped. */
export type Range = readonly [min: number, max: number];

export interface ColorizeOptions {
  map?: ColorMapName;
  /**
   * Range shown; default: the data's min..max for 'grey' and 'sequential', and the symmetric
   * -m..m with m = max |x| for 'diverging' (so zero is always white).
   */
  range?: Range;
}

/** Entries of each lookup table (odd, so that t = 0.5, zero in a diverging map, is one). */
export const TABLE_SIZE = 257;

function sample(interpolate: (t: number) => string): readonly Rgb[] {
  return Array.from({ length: TABLE_SIZE }, (_, i) =>
    parseColor(interpolate(i / (TABLE_SIZE - 1))),
  );
}

/** Viridis, dark purple (low) to yellow (high): `[TABLE_SIZE]` colours, 0..255. */
export const SEQUENTIAL_TABLE: readonly Rgb[] = sample(interpolateViridis);
/** RdBu reversed: blue (negative) through near-white (zero) to red (positive), 0..255. */
export const DIVERGING_TABLE: readonly Rgb[] = sample((t) => interpolateRdBu(1 - t));

/** A CSS `linear-gradient` (left to right) of a map, from the same tables, for legends. */
export function cssGradient(map: 'grey' | 'sequential' | 'diverging', stops = 9): string {
  const colors = Array.from({ length: stops }, (_, i) => {
    const t = i / (stops - 1);
    if (map === 'grey') return `rgb(${[0, 0, 0].map(() => Math.round(t * 255)).join(', ')})`;
    const table = map === 'sequential' ? SEQUENTIAL_TABLE : DIVERGING_TABLE;
    return `rgb(${(table[Math.round(t * (TABLE_SIZE - 1))] ?? [0, 0, 0]).join(', ')})`;
  });
  return `linear-gradient(to right, ${colors.join(', ')})`;
}

/**
 * The default range of `x` under `map` as a `[2]` tensor `[min, max]`, computed on the device:
 * min..max for 'grey' and 'sequential', the symmetric -m..m with m = max |x| for 'diverging';
 * for 'auto', whichever of the two the sign of `x` selects (so `min < 0` means diverging).
 */
export function rangeTensor(x: tf.Tensor, map: ColorMapName): tf.Tensor1D {
  oneOf('map', map, MAPS);
  return tf.tidy(() => {
    const lo = tf.min(x);
    const minMax = tf.stack([lo, tf.max(x)]) as tf.Tensor1D;
    if (map === 'grey' || map === 'sequential') return minMax;
    const m = tf.max(tf.abs(x));
    const symmetric = tf.stack([tf.neg(m), m]) as tf.Tensor1D;
    return map === 'diverging' ? symmetric : tf.where(tf.greaterEqual(lo, 0), minMax, symmetric);
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

/** The map 'auto' resolves to for a range: diverging when it reaches below zero. */
export function autoMap(range: Range): 'sequential' | 'diverging' {
  return range[0] < 0 ? 'diverging' : 'sequential';
}

function validRange(range: Range): Range {
  const [lo, hi] = range;
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi) {
    invalid('range', [lo, hi], 'finite [min, max] with min <= max');
  }
  return range;
}

/** Looks `t` (`[H, W]` in [0, 1]) up in `table`: `[H, W, 3]` in [0, 1]. */
function lookup(t: tf.Tensor2D, table: readonly Rgb[]): tf.Tensor3D {
  return tf.tidy(() => {
    const colors = tf.div(
      tf.tensor2d(
        table.map((c) => [...c]),
        [table.length, 3],
      ),
      255,
    );
    const index = tf.cast(tf.round(tf.mul(t, table.length - 1)), 'int32');
    return tf.gather(colors, index) as tf.Tensor3D;
  });
}

/**
 * Colours a `[H, W]` map: returns `[H, W, 3]` float32 RGB in [0, 1]. Without `range`, the
 * default range (see `rangeTensor`) is computed on the device, so nothing is read back.
 * A flat range shows the middle of the map (mid-grey, or white for 'diverging') rather than
 * dividing by zero. 'auto' with a `range` picks the map from the range (see `autoMap`).
 */
export function colorize(x: tf.Tensor2D, map: ColorMapName, range?: Range): tf.Tensor3D {
  oneOf('map', map, MAPS);
  if (range) validRange(range);
  if (x.rank !== 2) invalid('x shape', x.shape, 'rank 2: [H, W]');
  if (map === 'auto' && range) return colorize(x, autoMap(range), range);
  return tf.tidy(() => {
    const bounds = range ? tf.tensor1d([range[0], range[1]]) : rangeTensor(x, map);
    const lo = tf.slice(bounds, 0, 1);
    const span = tf.sub(tf.slice(bounds, 1, 1), lo);
    // t in [0, 1] across the range.
    const t = tf.where(
      tf.greater(span, 0),
      tf.clipByValue(tf.div(tf.sub(x, lo), tf.maximum(span, 1e-30)), 0, 1),
      tf.fill(x.shape, 0.5),
    ) as tf.Tensor2D;
    if (map === 'grey') return tf.stack([t, t, t], 2) as tf.Tensor3D;
    if (map === 'sequential') return lookup(t, SEQUENTIAL_TABLE);
    if (map === 'diverging') return lookup(t, DIVERGING_TABLE);
    // 'auto' without a range: both lookups, blended by the sign of the minimum (0 or 1).
    const sequential = tf.cast(tf.greaterEqual(lo, 0), 'float32');
    return tf.add(
      tf.mul(lookup(t, SEQUENTIAL_TABLE), sequential),
      tf.mul(lookup(t, DIVERGING_TABLE), tf.sub(1, sequential)),
    );
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

/**
 * The default label palette (0..255 RGB): a neutral near-black for "background", then d3's
 * Category 10.
 */
export const CATEGORICAL: readonly Rgb[] = [[40, 40, 48], ...CATEGORY10];
