/**
 * Measurements for the pooling lesson: how far a window's maximum sits from where an upsampler
 * without switches would put it, and how much a shift changes a pooled map.
 */
import * as tf from '@tensorflow/tfjs-core';
import { maxPoolWithSwitches } from './pooling';
import { maxUnpool } from './unpooling';
import { intInRange, invalid } from '../validate';
import { nearestUpsample } from '../upsampling/upsampling';

/**
 * Each window's switch as its offset inside the window, `dy * size + dx` in 0..size²-1,
 * for `[H, W, C]` input pooled with stride = size. Returns `[outH, outW, C]` int32.
 */
export function switchOffsets(x: tf.Tensor3D, size: number): tf.Tensor3D {
  intInRange('size', size, 1, 16);
  return tf.tidy(() => {
    const [, w, c] = x.shape;
    const { switches } = maxPoolWithSwitches(x, { size });
    const [outH, outW] = switches.shape;
    const pos = tf.floorDiv(switches, c); // y * W + x
    const y = tf.floorDiv(pos, w);
    const xx = tf.mod(pos, w);
    const y0 = tf.mul(tf.reshape(tf.range(0, outH, 1, 'int32'), [outH, 1, 1]), size);
    const x0 = tf.mul(tf.reshape(tf.range(0, outW, 1, 'int32'), [1, outW, 1]), size);
    return tf.add<tf.Tensor3D>(tf.mul(tf.sub(y, y0), size), tf.sub(xx, x0));
  });
}

/**
 * Mean distance in pixels between each window's maximum and the window's centre, the position
 * an upsampler without switches has to assume. `x` is `[H, W, C]`, stride = size. Size 1 gives 0.
 */
export function localizationError(x: tf.Tensor3D, size: number): tf.Scalar {
  return tf.tidy(() => {
    const offsets = switchOffsets(x, size);
    const centre = (size - 1) / 2;
    const dy = tf.sub(tf.cast(tf.floorDiv(offsets, size), 'float32'), centre);
    const dx = tf.sub(tf.cast(tf.mod(offsets, size), 'float32'), centre);
    return tf.mean(tf.sqrt(tf.add(tf.square(dy), tf.square(dx))));
  });
}

/**
 * Share (0..1) of window maxima that sit on the window's rim (its first or last row or
 * column), for `[H, W, C]` pooled with stride = size. The rim holds `1 - ((size - 2) / size)²`
 * of the cells, so a maximum placed at random lands there that often.
 */
export function rimShare(x: tf.Tensor3D, size: number): tf.Scalar {
  return tf.tidy(() => {
    const offsets = switchOffsets(x, size);
    const dy = tf.floorDiv(offsets, size);
    const dx = tf.mod(offsets, size);
    const edge = (d: tf.Tensor) => tf.logicalOr(tf.equal(d, 0), tf.equal(d, size - 1));
    return tf.mean(tf.cast(tf.logicalOr(edge(dy), edge(dx)), 'float32'));
  });
}

/**
 * Shifts `[H, W, C]` right/down by `dx`, `dy` pixels (wrapping around), so a shifted image keeps
 * its size and every pixel.
 */
export function shiftImage(x: tf.Tensor3D, dx: number, dy: number): tf.Tensor3D {
  const [h = 0, w = 0] = x.shape;
  intInRange('dx', dx, 0, w - 1);
  intInRange('dy', dy, 0, h - 1);
  return tf.tidy(() => {
    const rolledY = dy
      ? tf.concat(
          [tf.slice(x, [h - dy, 0, 0], [dy, -1, -1]), tf.slice(x, [0, 0, 0], [h - dy, -1, -1])],
          0,
        )
      : x;
    const rolled = dx
      ? tf.concat(
          [
            tf.slice(rolledY, [0, w - dx, 0], [-1, dx, -1]),
            tf.slice(rolledY, [0, 0, 0], [-1, w - dx, -1]),
          ],
          1,
        )
      : rolledY;
    return tf.clone<tf.Tensor3D>(rolled);
  });
}

/**
 * Fraction of values (0..1) that differ by more than `tolerance` between two same-shaped tensors.
 */
export function fractionChanged(a: tf.Tensor, b: tf.Tensor, tolerance = 1e-6): tf.Scalar {
  if (!tf.util.arraysEqual(a.shape, b.shape))
    invalid('b shape', b.shape, `[${a.shape.join(', ')}]`);
  return tf.tidy(() => tf.mean(tf.cast(tf.greater(tf.abs(tf.sub(a, b)), tolerance), 'float32')));
}

/**
 * Edge strength of an image: the gradient magnitude of its luminance (mean of the channels),
 * from central differences with the border pixels repeated, `sqrt(gx² + gy²) / 2`.
 * `x` is `[H, W, C]` with values in [0, 1]; returns `[H, W]`, 0 where the image is flat.
 */
export function edgeMap(x: tf.Tensor3D): tf.Tensor2D {
  return tf.tidy(() => {
    const [h = 0, w = 0] = x.shape;
    const lum = tf.mean(x, 2);
    // A symmetric 1-pixel mirror pad repeats the border pixel.
    const p = tf.mirrorPad(
      lum as tf.Tensor2D,
      [
        [1, 1],
        [1, 1],
      ],
      'symmetric',
    );
    const gx = tf.sub(tf.slice(p, [1, 2], [h, w]), tf.slice(p, [1, 0], [h, w]));
    const gy = tf.sub(tf.slice(p, [2, 1], [h, w]), tf.slice(p, [0, 1], [h, w]));
    return tf.div<tf.Tensor2D>(tf.sqrt(tf.add(tf.square(gx), tf.square(gy))), 2);
  });
}

/**
 * Share (0..1) of a non-negative map's total brightness that lies on `mask` (1 on the pixels
 * that count, 0 elsewhere): how much of a reconstruction lands where it should. 0 for an
 * all-zero map.
 */
export function shareOnMask(map: tf.Tensor, mask: tf.Tensor): tf.Scalar {
  if (!tf.util.arraysEqual(map.shape, mask.shape))
    invalid('mask shape', mask.shape, `[${map.shape.join(', ')}]`);
  return tf.tidy(() => {
    const total = tf.sum<tf.Scalar>(map);
    return tf.where<tf.Scalar>(
      tf.greater(total, 0),
      tf.div<tf.Scalar>(tf.sum(tf.mul(map, mask)), tf.maximum(total, 1e-12)),
      tf.scalar(0),
    );
  });
}

/**
 * Mask of the strongest pixels of a map: 1 where the value is at least the value ranked
 * `ceil(fraction * size)` from the top (ties included), else 0. `fraction` in (0, 1].
 */
export function strongestMask(map: tf.Tensor, fraction: number): tf.Tensor {
  if (!(fraction > 0 && fraction <= 1)) invalid('fraction', fraction, 'a number in (0, 1]');
  return tf.tidy(() => {
    const k = Math.max(1, Math.ceil(fraction * map.size));
    const threshold = tf.min(tf.topk(tf.reshape(map, [-1]), k).values);
    return tf.cast(tf.greaterEqual(map, threshold), 'float32');
  });
}

/** Result of {@link unpoolEdges}: maps `[H', W']` (H' = floor(H / size) * size) and shares. */
export interface UnpooledEdges extends tf.TensorContainerObject {
  /** Edge strength of the photo, scaled so its 99th percentile is 1, clipped to [0, 1]. */
  edges: tf.Tensor2D;
  /** Max-unpooled edge map: each window's maximum back at its switch, zeros elsewhere. */
  unpooled: tf.Tensor2D;
  /** Nearest-neighbour upsampling of the pooled edge map: each maximum over its window. */
  nearest: tf.Tensor2D;
  /** 1 on the edge pixels (the strongest `edgeFraction` of `edges`), else 0. */
  onEdges: tf.Tensor2D;
  /** `[unpooled, nearest]`: share of each reconstruction's brightness on the edge pixels. */
  shares: tf.Tensor1D;
}

/**
 * Max-pools the edge map of `photo` (`[H, W, C]`, [0, 1]) with `size`×`size` windows
 * (stride = size), then rebuilds it twice: max-unpooling with the switches and nearest
 * upsampling without them, and measures how much of each rebuild lands on the photo's edge
 * pixels (the strongest `edgeFraction` of the edge map, default 0.1).
 */
export function unpoolEdges(photo: tf.Tensor3D, size: number, edgeFraction = 0.1): UnpooledEdges {
  intInRange('size', size, 1, 16);
  return tf.tidy(() => {
    const [h = 0, w = 0] = photo.shape;
    const [ch, cw] = [Math.floor(h / size) * size, Math.floor(w / size) * size];
    const raw = tf.slice(edgeMap(photo), [0, 0], [ch, cw]);
    const p99 = tf.min(
      tf.topk(tf.reshape(raw, [-1]), Math.max(1, Math.ceil(0.01 * raw.size))).values,
    );
    const edges = tf.clipByValue(tf.div(raw, tf.maximum(p99, 1e-6)), 0, 1) as tf.Tensor2D;
    const e3 = tf.expandDims<tf.Tensor3D>(edges, 2);
    const { pooled, switches } = maxPoolWithSwitches(e3, { size });
    const unpooled = tf.squeeze<tf.Tensor2D>(
      maxUnpool(pooled, switches, [ch, cw, 1], { size }),
      [2],
    );
    const nearest = tf.squeeze<tf.Tensor2D>(nearestUpsample(pooled, size), [2]);
    const onEdges = strongestMask(edges, edgeFraction) as tf.Tensor2D;
    return {
      edges,
      unpooled,
      nearest,
      onEdges,
      shares: tf.stack([
        shareOnMask(unpooled, onEdges),
        shareOnMask(nearest, onEdges),
      ]) as tf.Tensor1D,
    };
  });
}
