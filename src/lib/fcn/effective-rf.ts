/**
 * The effective receptive field of one output cell (Luo et al., "Understanding the Effective
 * Receptive Field in Deep Convolutional Neural Networks", 2016): how strongly each input pixel
 * moves that cell, measured as the gradient of the cell with respect to the image.
 */
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core ships the gradients of its ops separately; tf.grad needs them registered.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { fcnForward, type FcnVariant } from './fcn';
import type { FcnWeights } from './weights';
import { fcnLayers } from './network';
import { expectRank, intInRange, invalid } from '../validate';

export interface EffectiveFieldOptions {
  /** A layer name of `fcnLayers` (conv1_1 ... pool5, fc6, fc7, score_fr, fuse_pool3, ...). */
  layer: string;
  /** The cell, in that layer's own grid. */
  row: number;
  col: number;
}

/**
 * `image` `[H, W, 3]` in [0, 1] (H, W multiples of 32) -> `[H, W]`: per pixel, the L2 norm
 * over RGB of d(cell)/d(pixel), where cell is the sum over channels of `layer` at (`row`,
 * `col`), scaled so its maximum is 1 (all zeros when the cell does not respond, e.g. a relu
 * that is off). Runs the smallest FCN variant that computes `layer`.
 */
export function effectiveReceptiveField(
  weights: FcnWeights,
  image: tf.Tensor3D,
  options: EffectiveFieldOptions,
): tf.Tensor2D {
  expectRank('image', image.shape, 3, '[H, W, 3]');
  const [h = 0, w = 0] = image.shape;
  const layers = fcnLayers(h, w);
  const layer = layers.find((l) => l.name === options.layer);
  if (!layer) invalid('layer', options.layer, `one of ${layers.map((l) => l.name).join(', ')}`);
  const row = intInRange('row', options.row, 0, layer.shape[0] - 1);
  const col = intInRange('col', options.col, 0, layer.shape[1] - 1);
  const variant: FcnVariant = layer.variants[0] ?? '8s';
  return tf.tidy(() => {
    const cell = (x: tf.Tensor): tf.Scalar => {
      const result = fcnForward(weights, tf.expandDims(x, 0), { variant });
      const act = result.intermediates.get(layer.name);
      if (!act) throw new Error(`unreachable: ${layer.name} not computed by FCN-${variant}`);
      return tf.sum(tf.slice(act, [0, row, col, 0], [1, 1, 1, -1]));
    };
    const grad = tf.grad(cell)(image);
    const magnitude = tf.sqrt(tf.sum<tf.Tensor2D>(tf.square(grad), 2));
    const top = tf.max(magnitude);
    return tf.where<tf.Tensor2D>(
      tf.greater(top, 0),
      tf.div<tf.Tensor2D>(magnitude, tf.maximum(top, 1e-30)),
      magnitude,
    );
  });
}

/** The overlay's default heat colour, RGB in [0, 1] (the figure's legend draws the same). */
export const HEAT_COLOR: readonly [number, number, number] = [1, 0.3, 0];

/**
 * The photo `[H, W, 3]` dimmed, with `heat` `[H, W]` (values in [0, 1]) laid over it in
 * `color` (RGB in [0, 1]) on a square-root scale so weak gradients stay visible. `[H, W, 3]`.
 */
export function heatOverlay(
  photo: tf.Tensor3D,
  heat: tf.Tensor2D,
  color: readonly [number, number, number] = HEAT_COLOR,
): tf.Tensor3D {
  expectRank('photo', photo.shape, 3, '[H, W, 3]');
  expectRank('heat', heat.shape, 2, '[H, W]');
  if (photo.shape[0] !== heat.shape[0] || photo.shape[1] !== heat.shape[1]) {
    invalid('heat shape', heat.shape, `[${photo.shape[0]}, ${photo.shape[1]}] like the photo`);
  }
  return tf.tidy(() => {
    const alpha = tf.expandDims(tf.mul(tf.sqrt(tf.clipByValue(heat, 0, 1)), 0.85), 2);
    const dim = tf.mul(photo, 0.55);
    return tf.add(tf.mul(dim, tf.sub(1, alpha)), tf.mul(tf.tensor1d([...color]), alpha));
  });
}

/**
 * Side in pixels of the smallest square centred on (`cy`, `cx`) that holds at least half of
 * `erf`'s total (`erf` `[H, W]`, non-negative): `2 r + 1` for the smallest Chebyshev distance
 * `r` of a pixel from the centre whose square reaches half the mass (odd around a pixel, even
 * around a half-pixel centre).
 */
export function halfMassSide(erf: tf.Tensor2D, cy: number, cx: number): tf.Scalar {
  expectRank('erf', erf.shape, 2, '[H, W]');
  return tf.tidy(() => {
    const [h = 0, w = 0] = erf.shape;
    const ys = tf.reshape(tf.abs(tf.sub(tf.range(0, h), cy)), [h, 1]);
    const xs = tf.reshape(tf.abs(tf.sub(tf.range(0, w), cx)), [1, w]);
    const radius = tf.reshape(tf.maximum(ys, xs), [-1]); // Chebyshev distance: squares
    const mass = tf.reshape(erf, [-1]);
    const order = tf.topk(tf.neg(radius), h * w, true);
    const sorted = tf.gather(mass, order.indices);
    const cumulative = tf.cumsum(sorted);
    const total = tf.sum(mass);
    const inside = tf.sum(tf.cast(tf.less(cumulative, tf.mul(total, 0.5)), 'int32'));
    const last = tf.scalar(h * w - 1, 'int32');
    const r = tf.gather(tf.neg(order.values), tf.minimum(inside, last));
    return tf.add(tf.mul(r, 2), 1);
  });
}

/** Result of {@link effectiveFieldFigure}. */
export interface EffectiveFieldFigure extends tf.TensorContainerObject {
  /** The photo with the effective field laid over it (`heatOverlay`), `[H, W, 3]`. */
  overlay: tf.Tensor3D;
  /** Side of the square around the cell's centre holding half the gradient mass, in pixels. */
  half: number;
}

/**
 * The receptive-field figure: the effective receptive field of one cell of `layer` on `image`
 * (`[H, W, 3]` in [0, 1]) as a heat overlay, and the side of the square around the cell's
 * centre (row · stride + (stride − 1) / 2, likewise for the column) holding half of it.
 */
export async function effectiveFieldFigure(
  weights: FcnWeights,
  image: tf.Tensor3D,
  options: EffectiveFieldOptions,
): Promise<EffectiveFieldFigure> {
  expectRank('image', image.shape, 3, '[H, W, 3]');
  const [h = 0, w = 0] = image.shape;
  const stride = fcnLayers(h, w).find((l) => l.name === options.layer)?.stride ?? 1;
  const centre = (i: number) => i * stride + (stride - 1) / 2;
  const { overlay, half } = tf.tidy(() => {
    const erf = effectiveReceptiveField(weights, image, options);
    return {
      overlay: heatOverlay(image, erf),
      half: halfMassSide(erf, centre(options.row), centre(options.col)),
    };
  });
  try {
    const [side = NaN] = await half.data();
    return { overlay, half: side };
  } catch (error) {
    overlay.dispose();
    throw error;
  } finally {
    half.dispose();
  }
}
