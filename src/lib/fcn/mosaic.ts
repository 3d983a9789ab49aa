/**
 * Lays out every channel of a feature map as one image, so a whole layer draws in one pass.
 */
import * as tf from '@tensorflow/tfjs-core';
import { intInRange, invalid } from '../validate';

export interface MosaicOptions {
  /** Tiles per row (default: ceil(sqrt(C))). */
  columns?: number;
  /** Gap between tiles in pixels, filled with `gapValue` (default 1). */
  gap?: number;
  /** Value of the gap pixels after normalization (default 1: white in grey maps). */
  gapValue?: number;
}

/** The grid `channelMosaic` uses for `channels` channels. */
export function mosaicGrid(channels: number, columns?: number): { rows: number; columns: number } {
  const cols = columns ?? Math.ceil(Math.sqrt(channels));
  intInRange('columns', cols, 1, 4096);
  return { rows: Math.ceil(channels / cols), columns: cols };
}

/**
 * Normalizes each channel of `x` (`[H, W, C]`) to [0, 1] by its own min..max (a flat channel
 * becomes 0.5) and tiles the channels row by row: returns
 * `[rows*(H+gap) - gap, columns*(W+gap) - gap]`. Channel k sits at row floor(k/columns),
 * column k % columns; missing tiles in the last row are filled with `gapValue`.
 */
export function channelMosaic(x: tf.Tensor3D, options: MosaicOptions = {}): tf.Tensor2D {
  if (x.rank !== 3) invalid('x shape', x.shape, 'rank 3: [H, W, C]');
  const [h = 0, w = 0, c = 0] = x.shape;
  const gap = intInRange('gap', options.gap ?? 1, 0, 64);
  const gapValue = options.gapValue ?? 1;
  const { rows, columns } = mosaicGrid(c, options.columns);
  return tf.tidy(() => {
    const lo = tf.min(x, [0, 1], true);
    const span = tf.sub(tf.max(x, [0, 1], true), lo);
    const norm = tf.where(
      tf.greater(span, 0),
      tf.div(tf.sub(x, lo), tf.maximum(span, 1e-30)),
      tf.fill(x.shape, 0.5),
    );
    // [H, W, C] -> [C, H, W], pad the channel count to rows*columns, add the gaps.
    let tiles = tf.transpose(norm, [2, 0, 1]);
    const missing = rows * columns - c;
    if (missing > 0) tiles = tf.concat([tiles, tf.fill([missing, h, w], gapValue)], 0);
    tiles = tf.pad(
      tiles,
      [
        [0, 0],
        [0, gap],
        [0, gap],
      ],
      gapValue,
    );
    const grid = tf.reshape(tiles, [rows, columns, h + gap, w + gap]);
    const image = tf.reshape(tf.transpose(grid, [0, 2, 1, 3]), [
      rows * (h + gap),
      columns * (w + gap),
    ]);
    return tf.slice(
      image,
      [0, 0],
      [rows * (h + gap) - gap, columns * (w + gap) - gap],
    ) as tf.Tensor2D;
  });
}

/**
 * {@link channelMosaic} of values already on the page (`{ data, shape: [H, W, C] }`, row-major),
 * in a plain loop: the same layout and normalization, as a `Float32Array` with its shape. For a
 * view that reads a layer once and must not run tensor ops on every layer change.
 */
export function channelMosaicValues(
  x: { readonly data: ArrayLike<number>; readonly shape: readonly number[] },
  options: MosaicOptions = {},
): { data: Float32Array; shape: [number, number] } {
  if (x.shape.length !== 3) invalid('x shape', x.shape, 'rank 3: [H, W, C]');
  const [h = 0, w = 0, c = 0] = x.shape;
  if (h * w * c !== x.data.length) {
    invalid('x shape', x.shape, `dimensions whose product is the data length ${x.data.length}`);
  }
  const gap = intInRange('gap', options.gap ?? 1, 0, 64);
  const gapValue = options.gapValue ?? 1;
  const { rows, columns } = mosaicGrid(c, options.columns);
  const height = Math.max(0, rows * (h + gap) - gap);
  const width = Math.max(0, columns * (w + gap) - gap);
  const out = new Float32Array(height * width).fill(gapValue);
  const { data } = x;
  for (let k = 0; k < c; k++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = k; i < data.length; i += c) {
      const v = data[i] ?? 0;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const span = hi - lo;
    const top = Math.floor(k / columns) * (h + gap);
    const left = (k % columns) * (w + gap);
    for (let y = 0; y < h; y++) {
      for (let xx = 0; xx < w; xx++) {
        const v = data[(y * w + xx) * c + k] ?? 0;
        out[(top + y) * width + left + xx] = span > 0 ? (v - lo) / span : 0.5;
      }
    }
  }
  return { data: out, shape: [height, width] };
}
