/**
 * What the pooling lesson's figures draw, one function per figure: a photo and options in,
 * tensors and readout numbers out. The compute layer runs them (src/lib/browser/figures/pooling.ts)
 * in the compute worker; each reads back its numbers once and frees everything it does not return.
 */
import * as tf from '@tensorflow/tfjs-core';
import { avgPool } from './pooling';
import { maxPool2d } from './pool-basic';
import {
  fractionChanged,
  localizationError,
  rimShare,
  shiftImage,
  unpoolEdges,
} from './pool-analysis';
import { expectRank, intInRange, oneOf } from '../validate';

export const POOL_MODES = ['max', 'average'] as const;
export type PoolMode = (typeof POOL_MODES)[number];

/**
 * The first figure: `photo` (`[H, W, C]`) max- or average-pooled with `size`×`size` windows
 * every `stride` pixels ('valid' windows). Returns `[outH, outW, C]`.
 */
export function poolFigure(
  photo: tf.Tensor3D,
  options: { size: number; stride: number; mode: PoolMode },
): tf.Tensor3D {
  expectRank('photo', photo.shape, 3, '[H, W, C]');
  const mode = oneOf('mode', options.mode, POOL_MODES);
  return mode === 'average'
    ? avgPool(photo, { size: options.size, stride: options.stride })
    : maxPool2d(photo, options.size, options.stride);
}

/** Result of {@link unpoolFigure}: maps `[H', W']` (H' = floor(H / size) * size). */
export interface UnpoolFigure extends tf.TensorContainerObject {
  /** Edge strength of the photo, in [0, 1]. */
  edges: tf.Tensor2D;
  /** Max-unpooled edge map: each window's maximum back at its switch, zeros elsewhere. */
  unpooled: tf.Tensor2D;
  /** Nearest upsampling of the pooled edge map: each maximum spread over its window. */
  nearest: tf.Tensor2D;
  /** The same `side`×`side` crop of edges, unpooled and nearest, where the edges are strongest. */
  crops: tf.Tensor2D[];
  /** Share (0..1) of each rebuild's brightness on the photo's edge pixels. */
  shares: { unpooled: number; nearest: number };
}

/**
 * The switches figure: {@link unpoolEdges} on `photo` with `size`×`size` windows, and a
 * `crop`×`crop` crop of each map (at most the map's side) at the window-aligned position with
 * the largest mean edge strength, so the crop shows lines. The caller owns the tensors.
 */
export async function unpoolFigure(
  photo: tf.Tensor3D,
  options: { size: number; crop: number },
): Promise<UnpoolFigure> {
  expectRank('photo', photo.shape, 3, '[H, W, C]');
  const size = intInRange('size', options.size, 1, 16);
  const crop = intInRange('crop', options.crop, 1, 4096);
  const { edges, unpooled, nearest, onEdges, shares } = unpoolEdges(photo, size);
  const maps = [edges, unpooled, nearest];
  try {
    const [h = 0, w = 0] = edges.shape;
    const side = Math.min(crop, h, w);
    // Window-aligned positions (stride = pool size), so every window in the crop is whole.
    const best = tf.tidy(() =>
      tf.argMax(
        tf.reshape(tf.avgPool(tf.expandDims<tf.Tensor3D>(edges, 2), side, size, 'valid'), [-1]),
      ),
    );
    const [at, share] = await Promise.all([best.data(), shares.data()]).finally(() =>
      best.dispose(),
    );
    const across = Math.floor((w - side) / size) + 1;
    const index = at[0] ?? 0;
    const [y, x] = [Math.floor(index / across) * size, (index % across) * size];
    const crops = tf.tidy(() => maps.map((m) => tf.slice(m, [y, x], [side, side])));
    return {
      edges,
      unpooled,
      nearest,
      crops,
      shares: { unpooled: share[0] ?? NaN, nearest: share[1] ?? NaN },
    };
  } catch (error) {
    tf.dispose(maps);
    throw error;
  } finally {
    tf.dispose([onEdges, shares]);
  }
}

/** Result of {@link shiftFigure}. */
export interface ShiftFigure extends tf.TensorContainerObject {
  /** The photo max-pooled, `[outH, outW, C]`. */
  pooled: tf.Tensor3D;
  /** The shifted photo max-pooled, same shape. */
  pooledShifted: tf.Tensor3D;
  /** Luminance (channel mean) of `pooledShifted` minus that of `pooled`, `[outH, outW]`. */
  difference: tf.Tensor2D;
  /** Shares (0..1) of the input pixels and of the pooled values the shift changed. */
  changed: { input: number; pooled: number };
}

/**
 * The shift figure: `photo` shifted right by `shift` pixels (wrapping around), both versions
 * max-pooled with `size`×`size` windows (stride = size), and how many values each step changed.
 */
export async function shiftFigure(
  photo: tf.Tensor3D,
  options: { size: number; shift: number },
): Promise<ShiftFigure> {
  expectRank('photo', photo.shape, 3, '[H, W, C]');
  const { size, shift } = options;
  const [figure, fractions] = tf.tidy(() => {
    const shifted = shiftImage(photo, shift, 0);
    const pooled = maxPool2d(photo, size);
    const pooledShifted = maxPool2d(shifted, size);
    const lum = (x: tf.Tensor3D) => tf.mean(x, 2);
    const difference = tf.sub<tf.Tensor2D>(lum(pooledShifted), lum(pooled));
    const changed = tf.stack([
      fractionChanged(photo, shifted),
      fractionChanged(pooled, pooledShifted),
    ]);
    return [{ pooled, pooledShifted, difference }, changed] as const;
  });
  try {
    const [input = NaN, pooled = NaN] = await fractions.data();
    return { ...figure, changed: { input, pooled } };
  } catch (error) {
    tf.dispose(figure);
    throw error;
  } finally {
    fractions.dispose();
  }
}

/** Mean distance from the centre of a size×size window to a uniformly random cell of it. */
export function uniformLocalizationError(size: number): number {
  const centre = (size - 1) / 2;
  let total = 0;
  for (let dy = 0; dy < size; dy++)
    for (let dx = 0; dx < size; dx++) total += Math.hypot(dy - centre, dx - centre);
  return total / (size * size);
}

/** Share of a size×size window's cells on its rim (first or last row or column). */
export function rimCellShare(size: number): number {
  const inner = Math.max(0, size - 2) / size;
  return 1 - inner * inner;
}

/** Result of {@link localizationFigure}: one entry per pool size 1..maxSize. */
export interface LocalizationFigure extends tf.TensorContainerObject {
  sizes: number[];
  /** Mean distance (px) from each window's maximum to its centre, on the photo. */
  photo: number[];
  /** The same for a maximum placed uniformly at random. */
  random: number[];
  /** Share (0..1) of the photo's window maxima on the window's rim. */
  rim: number[];
  /** Share of a window's cells on its rim (where a random maximum lands that often). */
  rimRandom: number[];
}

/**
 * The localization chart: for every pool size 1..`maxSize` (stride = size), how far the
 * photo's window maxima sit from their window centres and how many sit on the rim, beside the
 * same for a maximum placed at random. Plain numbers; every tensor is freed.
 */
export async function localizationFigure(
  photo: tf.Tensor3D,
  options: { maxSize: number },
): Promise<LocalizationFigure> {
  expectRank('photo', photo.shape, 3, '[H, W, C]');
  const [h = 0, w = 0] = photo.shape;
  const maxSize = intInRange('maxSize', options.maxSize, 1, Math.min(16, h, w));
  const sizes = Array.from({ length: maxSize }, (_, i) => i + 1);
  const all = tf.tidy(() =>
    tf.stack([
      ...sizes.map((s) => localizationError(photo, s)),
      ...sizes.map((s) => rimShare(photo, s)),
    ]),
  );
  const values = await all.data().finally(() => all.dispose());
  return {
    sizes,
    photo: sizes.map((_, i) => values[i] ?? NaN),
    random: sizes.map(uniformLocalizationError),
    rim: sizes.map((_, i) => values[maxSize + i] ?? NaN),
    rimRandom: sizes.map(rimCellShare),
  };
}
