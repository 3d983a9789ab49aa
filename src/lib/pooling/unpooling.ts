/**
 * Max-unpooling, the partial inverse of max pooling: each pooled maximum goes back to the
 * position its switch records, every other position is zero. Shapes as in pooling.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import { intInRange, invalid } from '../validate';
import { zeroInsert } from '../upsampling/upsampling';
import type { PoolOptions } from './pooling';

/**
 * Max-unpooling: writes each pooled value at its switch position in a zero tensor of
 * `outShape` (`[H, W, C]` or `[N, H, W, C]`, the shape that was pooled).
 *
 * Overlapping windows (stride < size) can share a switch; the last write wins, as in PyTorch's
 * `max_unpool2d`. For switches from `maxPoolWithSwitches` all writers carry the same input
 * value, so the order does not matter and the result keeps exactly the window maxima.
 *
 * Pass `window` (the options given to `maxPoolWithSwitches`) whenever you have it: it
 * selects a dense path, fast on every backend (stride >= size: one block rearrangement, about
 * a dozen kernels; overlapping windows: one masked placement per window offset); switches
 * outside their own window are then dropped. Without it tfjs's scatter runs; its WebGL
 * shader loops over every switch for every output value, O((H W C)^2 / stride^2): fine on
 * cpu/wasm, minutes for a 256x256x3 image on WebGL.
 */
export function maxUnpool<T extends tf.Tensor3D | tf.Tensor4D>(
  pooled: T,
  switches: T,
  outShape: readonly number[],
  window?: PoolOptions,
): T {
  if (switches.dtype !== 'int32') invalid('switches dtype', switches.dtype, '"int32"');
  if (!tf.util.arraysEqual(pooled.shape, switches.shape)) {
    invalid('switches shape', `[${switches.shape.join(', ')}]`, `[${pooled.shape.join(', ')}]`);
  }
  const shapeOk =
    outShape.length === pooled.rank &&
    outShape.every((d) => Number.isInteger(d) && d > 0) &&
    outShape[outShape.length - 1] === pooled.shape[pooled.rank - 1] &&
    (pooled.rank === 3 || outShape[0] === pooled.shape[0]);
  if (!shapeOk) {
    invalid('outShape', `[${outShape.join(', ')}]`, `rank ${pooled.rank}, same batch and channels`);
  }
  const [h = 0, w = 0, c = 0] = outShape.slice(-3);
  if (window) {
    const size = intInRange('size', window.size, 1, 16);
    const stride = intInRange('stride', window.stride ?? size, 1, 16);
    const [oh = 0, ow = 0] = pooled.shape.slice(-3, -1);
    if ((oh - 1) * stride + size > h || (ow - 1) * stride + size > w) {
      invalid(
        'window',
        `${size}/${stride}`,
        `windows that fit in outShape [${outShape.join(', ')}]`,
      );
    }
    return tf.tidy(() => {
      const p4: tf.Tensor4D =
        pooled.rank === 3 ? tf.expandDims(pooled, 0) : (pooled as tf.Tensor4D);
      const s4: tf.Tensor4D =
        switches.rank === 3 ? tf.expandDims(switches, 0) : (switches as tf.Tensor4D);
      const out = (stride >= size ? unpoolBlocks : unpoolByOffsets)(
        p4,
        s4,
        [h, w, c],
        size,
        stride,
      );
      return (pooled.rank === 3 ? tf.squeeze(out, [0]) : out) as T;
    });
  }
  return tf.tidy(() => {
    const n = pooled.rank === 4 ? (pooled.shape[0] ?? 1) : 1;
    const values = tf.reshape(pooled, [-1]);
    const m = values.size / n;
    const batchIndex = tf.tile(tf.reshape(tf.range(0, n, 1, 'int32'), [n, 1]), [1, m]);
    const indices = tf.stack([tf.reshape(batchIndex, [-1]), tf.reshape(switches, [-1])], 1);
    const flat = tf.tensorScatterUpdate(tf.zeros([n, h * w * c]), indices, values);
    return tf.reshape<tf.Rank>(flat, [...outShape]) as T;
  });
}

/** Row and column offset of each switch inside its own window, `[N, oh, ow, C]` int32. */
function windowOffsets(switches: tf.Tensor4D, w: number, c: number, stride: number) {
  const [, oh = 0, ow = 0] = switches.shape;
  const origin = (n: number, shape: number[]) =>
    tf.reshape(tf.mul(tf.range(0, n, 1, 'int32'), stride), shape);
  const dy = tf.sub(tf.floorDiv(switches, w * c), origin(oh, [1, oh, 1, 1]));
  const dx = tf.sub(tf.floorDiv(tf.mod(switches, w * c), c), origin(ow, [1, 1, ow, 1]));
  return { dy, dx };
}

/**
 * stride >= size: every window owns a disjoint stride x stride block. One-hot each value into
 * its block slot, then rearrange blocks into the image (a depth-to-space), all at rank <= 4.
 */
function unpoolBlocks(
  pooled: tf.Tensor4D,
  switches: tf.Tensor4D,
  [h, w, c]: [number, number, number],
  size: number,
  s: number,
): tf.Tensor4D {
  const [n = 1, oh = 0, ow = 0] = pooled.shape;
  const m = n * oh * ow;
  const { dy, dx } = windowOffsets(switches, w, c, s);
  const inside = tf.logicalAnd(
    tf.logicalAnd(tf.greaterEqual(dy, 0), tf.less(dy, size)),
    tf.logicalAnd(tf.greaterEqual(dx, 0), tf.less(dx, size)),
  );
  const slot = tf.where(inside, tf.add(tf.mul(dy, s), dx), tf.fill(dy.shape, -1, 'int32'));
  const hot = tf.equal(tf.reshape(slot, [m, c, 1]), tf.range(0, s * s, 1, 'int32'));
  // where, not a product with the one-hot: 0 * (negative) would leave -0 in empty slots.
  const values = tf.broadcastTo(tf.reshape(pooled, [m, c, 1]), [m, c, s * s]);
  const blocks = tf.where(hot, values, tf.zerosLike(values));
  const perWindow = tf.transpose(tf.reshape(blocks, [m, c, s, s]), [0, 2, 3, 1]);
  const rows = tf.transpose(tf.reshape(perWindow, [n * oh, ow, s, s * c]), [0, 2, 1, 3]);
  const image = tf.reshape<tf.Rank.R4>(rows, [n, oh * s, ow * s, c]);
  const padded = tf.pad(image, [
    [0, 0],
    [0, Math.max(0, h - oh * s)],
    [0, Math.max(0, w - ow * s)],
    [0, 0],
  ]);
  return tf.slice(padded, [0, 0, 0, 0], [n, h, w, c]);
}

/**
 * Overlapping windows: for each window offset (a, b), the windows whose switch sits there write
 * their value to (oy * stride + a, ox * stride + b), placed by zero insertion and a shift.
 */
function unpoolByOffsets(
  pooled: tf.Tensor4D,
  switches: tf.Tensor4D,
  [h, w, c]: [number, number, number],
  size: number,
  stride: number,
): tf.Tensor4D {
  const [n = 1, oh = 0, ow = 0] = pooled.shape;
  const { dy, dx } = windowOffsets(switches, w, c, stride);
  const place = (t: tf.Tensor4D, a: number, b: number) => {
    const grid = tf.pad(zeroInsert(t, stride), [
      [0, 0],
      [a, Math.max(0, h - a - oh * stride)],
      [b, Math.max(0, w - b - ow * stride)],
      [0, 0],
    ]);
    return tf.slice(grid, [0, 0, 0, 0], [n, h, w, c]);
  };
  let out = tf.zeros<tf.Rank.R4>([n, h, w, c]);
  for (let a = 0; a < size; a++) {
    for (let b = 0; b < size; b++) {
      const here = tf.logicalAnd<tf.Tensor4D>(tf.equal(dy, a), tf.equal(dx, b));
      const mask = place(tf.cast(here, 'float32'), a, b);
      const values = place(tf.where(here, pooled, tf.zerosLike(pooled)), a, b);
      out = tf.where(tf.greater(mask, 0), values, out);
    }
  }
  return out;
}
