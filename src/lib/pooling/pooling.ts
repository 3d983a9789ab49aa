/**
 * Pooling: max pooling that remembers where each maximum came from (the "switches"; see
 * unpooling.ts for putting the maxima back) and average pooling.
 *
 * Images are `[H, W, C]` or batched `[N, H, W, C]`; outputs keep the input's rank. Windows use
 * 'valid' padding (PyTorch's default `padding=0`): a window must fit inside the image, so the
 * output is `floor((H - size) / stride) + 1` rows.
 */
import * as tf from '@tensorflow/tfjs-core';
import { intInRange, invalid } from '../validate';

/** Backends whose `MaxPoolWithArgmax` kernel is checked against PyTorch (tests, bench:ops). */
const TRUSTED_ARGMAX = ['cpu', 'webgl'];

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
    // Arithmetic with JS numbers promotes to float32; switches are int32 on every path.
    return tf.cast(tf.add<tf.Tensor4D>(tf.mul(tf.add(tf.mul(y, w), xx), c), channel), 'int32');
  });
}

/**
 * Max pooling that also returns the argmax "switch" of every window.
 *
 * Uses tfjs `maxPoolWithArgmax` on cpu and webgl (it has no gradient, which is fine here) and
 * {@link switchesByOrdinaryOps} on every other backend, so it runs on cpu, webgl and wasm
 * alike. wasm is deliberately excluded: tfjs-backend-wasm 4.22 registers the kernel, but its
 * maxima and indexes disagree with the CPU kernel (tests/unit/pooling.test.ts shows it). Switch layout matches tfjs: `(y * W + x) * C + c` within each batch item.
 *
 * Ties: the CPU kernel and the ordinary-ops path take the first maximum in row-major window
 * order (as PyTorch's CPU kernel). tfjs's WebGL kernel may pick another of the tied maxima:
 * 254 of 49,152 switches on a 256x256x3 photo (`npm run bench:ops`), each still a maximum.
 */
export function maxPoolWithSwitches<T extends tf.Tensor3D | tf.Tensor4D>(
  x: T,
  options: PoolOptions,
): PooledWithSwitches<T> {
  const backend = tf.getBackend();
  const hasKernel =
    TRUSTED_ARGMAX.includes(backend) && tf.getKernel('MaxPoolWithArgmax', backend) !== undefined;
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

/** Average pooling of `[H, W, C]` or `[N, H, W, C]` ('valid' windows, see the module note). */
export function avgPool<T extends tf.Tensor3D | tf.Tensor4D>(x: T, options: PoolOptions): T {
  return tf.tidy(() => {
    const { x4, size, stride } = prepare(x, options);
    const p = tf.avgPool(x4, size, stride, 'valid');
    return (x.rank === 3 ? tf.squeeze(p, [0]) : p) as T;
  });
}
