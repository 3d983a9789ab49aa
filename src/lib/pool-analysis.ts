/**
 * Measurements for the pooling lesson: how far a window's maximum sits from where an upsampler
 * without switches would put it, and how much a shift changes a pooled map.
 */
import * as tf from '@tensorflow/tfjs-core';
import { maxPoolWithSwitches } from './pooling';
import { intInRange, invalid } from './validate';

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
