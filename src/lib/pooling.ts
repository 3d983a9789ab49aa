/**
 * Pooling and its partial inverse: max pooling that remembers where each maximum came from
 * (the "switches"), max-unpooling that puts the maxima back there, and average pooling.
 *
 * Images are `[H, W, C]` or batched `[N, H, W, C]`; outputs keep the input's rank. Windows use
 * 'valid' padding (PyTorch's default `padding=0`): a window must fit inside the image, so the
 * output is `floor((H - size) / stride) + 1` rows.
 */
import * as tf from '@tensorflow/tfjs-core';
import { intInRange, invalid } from './validate';
import { zeroInsert } from './upsampling';

/** Window options. */
export interface PoolOptions {
  /** Window side in pixels, 1..16. */
  size: number;
  /** Step between windows in pixels, 1..16; default `size` (non-overlapping windows). */
  stride?: number;
}

/** Result of {@link maxPoolWithSwitches}; both tensors have the pooled shape. */
export interface PooledWithSwitches<T extends tf.Tensor3D | tf.Tensor4D> {
  /** Window maxima, `[outH, outW, C]` (or `[N, outH, outW, C]`), float32. */
  pooled: T;
  /** Flat position of each maximum in its image, `(y * W + x) * C + c` (per batch), int32. */
  switches: T;
}

/** Validates the rank and the window; call inside tf.tidy (it may create a reshaped view). */
function prepare(
  x: tf.Tensor,
  options: PoolOptions,
): { x4: tf.Tensor4D; size: number; stride: number } {
  if (x.rank !== 3 && x.rank !== 4) {
    invalid('x shape', `[${x.shape.join(', ')}]`, '[H, W, C] or [N, H, W, C]');
  }
  const size = intInRange('size', options.size, 1, 16);
  const stride = intInRange('stride', options.stride ?? size, 1, 16);
  const [h = 0, w = 0] = x.shape.slice(-3, -1);
  if (size > h || size > w) invalid('size', size, `at most the image side ${Math.min(h, w)}`);
  const x4: tf.Tensor4D = x.rank === 3 ? tf.expandDims(x, 0) : (x as tf.Tensor4D);
  return { x4, size, stride };
}

/**
 * Switches computed with ordinary ops, for backends without a `MaxPoolWithArgmax` kernel:
 * stack the strided view of every window offset, take the argmax over offsets (first maximum
 * in row-major window order on ties) and convert (window, offset) to a flat position.
 */
export function switchesByOrdinaryOps(x: tf.Tensor4D, size: number, stride: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, h, w, c] = x.shape;
    const outH = Math.floor((h - size) / stride) + 1;
    const outW = Math.floor((w - size) / stride) + 1;
    const views: tf.Tensor4D[] = [];
    for (let dy = 0; dy < size; dy++) {
      for (let dx = 0; dx < size; dx++) {
        const end = [n, dy + (outH - 1) * stride + 1, dx + (outW - 1) * stride + 1, c];
        views.push(tf.stridedSlice(x, [0, dy, dx, 0], end, [1, stride, stride, 1]) as tf.Tensor4D);
      }
    }
    const offset = tf.argMax(tf.stack(views), 0);
    const y = tf.add(
      tf.mul(tf.reshape(tf.range(0, outH, 1, 'int32'), [1, outH, 1, 1]), stride),
      tf.floorDiv(offset, size),
    );
    const xx = tf.add(
      tf.mul(tf.reshape(tf.range(0, outW, 1, 'int32'), [1, 1, outW, 1]), stride),
      tf.mod(offset, size),
    );
    const channel = tf.reshape(tf.range(0, c, 1, 'int32'), [1, 1, 1, c]);
    return tf.add<tf.Tensor4D>(tf.mul(tf.add(tf.mul(y, w), xx), c), channel);
  });
}

/**
 * Max pooling that also returns the argmax "switch" of every window.
 *
 * Uses tfjs `maxPoolWithArgmax` where the active backend has that kernel (it has no gradient,
 * which is fine here) and {@link switchesByOrdinaryOps} elsewhere, so it runs on cpu, webgl and
 * wasm alike. Switch layout matches tfjs: `(y * W + x) * C + c` within each batch item.
 */
export function maxPoolWithSwitches<T extends tf.Tensor3D | tf.Tensor4D>(
  x: T,
  options: PoolOptions,
): PooledWithSwitches<T> {
  const hasKernel = tf.getKernel('MaxPoolWithArgmax', tf.getBackend()) !== undefined;
  const [pooled, switches] = tf.tidy((): [tf.Tensor, tf.Tensor] => {
    const { x4, size, stride } = prepare(x, options);
    let p: tf.Tensor4D;
    let s: tf.Tensor4D;
    if (hasKernel) {
      const r = tf.maxPoolWithArgmax(x4, size, stride, 'valid', false);
      // The WebGL kernel returns its indexes as float32; switches are int32 everywhere.
      [p, s] = [r.result as tf.Tensor4D, tf.cast(r.indexes as tf.Tensor4D, 'int32')];
    } else {
      [p, s] = [tf.maxPool(x4, size, stride, 'valid'), switchesByOrdinaryOps(x4, size, stride)];
    }
    return x.rank === 3 ? [tf.squeeze(p, [0]), tf.squeeze(s, [0])] : [p, s];
  });
  return { pooled: pooled as T, switches: switches as T };
}

/**
 * Max-unpooling: writes each pooled value at its switch position in a zero tensor of
 * `outShape` (`[H, W, C]` or `[N, H, W, C]`, the shape that was pooled).
 *
 * Overlapping windows (stride < size) can share a switch; the last write wins, as in PyTorch's
 * `max_unpool2d`. For switches from {@link maxPoolWithSwitches} all writers carry the same input
 * value, so the order does not matter and the result keeps exactly the window maxima.
 *
 * Pass `window` (the options given to {@link maxPoolWithSwitches}) whenever you have it: it
 * selects a dense path of `size^2` masked placements, O(size^2 H W C), fast on every backend;
 * switches outside their own window are then dropped. Without it tfjs's scatter runs; its WebGL
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
    return tf.tidy(() => unpoolDense(pooled, switches, [h, w, c], size, stride) as T);
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

/**
 * Dense unpooling: for each window offset (a, b), the windows whose switch sits at that offset
 * write their value to (oy * stride + a, ox * stride + b), placed by zero insertion and a shift.
 */
function unpoolDense(
  pooled: tf.Tensor,
  switches: tf.Tensor,
  [h, w, c]: [number, number, number],
  size: number,
  stride: number,
): tf.Tensor {
  const [oh = 0, ow = 0] = pooled.shape.slice(-3, -1);
  const rowOf = tf.floorDiv(switches, w * c);
  const colOf = tf.floorDiv(tf.mod(switches, w * c), c);
  const origin = (n: number, shape: number[]) =>
    tf.reshape(tf.mul(tf.range(0, n, 1, 'int32'), stride), shape);
  const lead = pooled.rank === 4 ? [1] : [];
  const dy = tf.sub(rowOf, origin(oh, [...lead, oh, 1, 1]));
  const dx = tf.sub(colOf, origin(ow, [...lead, 1, ow, 1]));
  const axis = pooled.rank - 3;
  const place = (t: tf.Tensor, a: number, b: number) => {
    const grid = zeroInsert(t, stride);
    const pads = grid.shape.map((_, i): [number, number] => {
      if (i === axis) return [a, Math.max(0, h - a - oh * stride)];
      if (i === axis + 1) return [b, Math.max(0, w - b - ow * stride)];
      return [0, 0];
    });
    const begin = grid.shape.map(() => 0);
    const sizes = grid.shape.map((d, i) => (i === axis ? h : i === axis + 1 ? w : d));
    return tf.slice(tf.pad(grid, pads), begin, sizes);
  };
  let out: tf.Tensor = tf.zeros([...pooled.shape.slice(0, -3), h, w, c]);
  for (let a = 0; a < size; a++) {
    for (let b = 0; b < size; b++) {
      const here = tf.logicalAnd(tf.equal(dy, a), tf.equal(dx, b));
      const mask = place(tf.cast(here, 'float32'), a, b);
      const values = place(tf.where(here, pooled, tf.zerosLike(pooled)), a, b);
      out = tf.where(tf.greater(mask, 0), values, out);
    }
  }
  return out;
}

/** Average pooling of `[H, W, C]` or `[N, H, W, C]` ('valid' windows, see the module note). */
export function avgPool<T extends tf.Tensor3D | tf.Tensor4D>(x: T, options: PoolOptions): T {
  return tf.tidy(() => {
    const { x4, size, stride } = prepare(x, options);
    const p = tf.avgPool(x4, size, stride, 'valid');
    return (x.rank === 3 ? tf.squeeze(p, [0]) : p) as T;
  });
}
