import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { colorRange, colorize, labelColors } from '../../src/lib/colormap';

const TOL = 1e-6;

function close(actual: ArrayLike<number>, expected: number[], tol = TOL): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => expect(Math.abs((actual[i] ?? NaN) - e)).toBeLessThanOrEqual(tol));
}

describe('colorize', () => {
  it('grey maps min..max linearly to black..white and clips outside the range', async () => {
    const x = tf.tensor2d([[0, 5, 10, 20]]);
    const rgb = colorize(x, 'grey', [0, 10]);
    expect(rgb.shape).toEqual([1, 4, 3]);
    close(await rgb.data(), [0, 0, 0, 0.5, 0.5, 0.5, 1, 1, 1, 1, 1, 1]);
    tf.dispose([x, rgb]);
  });

  it('diverging maps zero to white and the range ends to the two end colours', async () => {
    const x = tf.tensor2d([[-4, 0, 4, -2]]);
    const rgb = colorize(x, 'diverging', [-4, 4]);
    const d = Array.from(await rgb.data());
    close(d.slice(0, 3), [0.13, 0.4, 0.75]);
    close(d.slice(3, 6), [1, 1, 1]);
    close(d.slice(6, 9), [0.8, 0.15, 0.15]);
    // Halfway to the low end: halfway between white and the low colour, per channel.
    close(d.slice(9, 12), [(1 + 0.13) / 2, (1 + 0.4) / 2, (1 + 0.75) / 2]);
    tf.dispose([x, rgb]);
  });

  it('without a range, uses the data range computed on the device', async () => {
    const x = tf.tensor2d([[2, 4, 6]]);
    const grey = colorize(x, 'grey');
    close(await grey.data(), [0, 0, 0, 0.5, 0.5, 0.5, 1, 1, 1]);
    const signed = tf.tensor2d([[-1, 0, 2]]);
    const div = colorize(signed, 'diverging');
    const d = Array.from(await div.data());
    close(d.slice(3, 6), [1, 1, 1]);
    close(d.slice(6, 9), [0.8, 0.15, 0.15]);
    close(d.slice(0, 3), [1 - 0.5 * (1 - 0.13), 1 - 0.5 * (1 - 0.4), 1 - 0.5 * (1 - 0.75)]);
    tf.dispose([x, grey, signed, div]);
  });

  it('a flat range shows mid-grey instead of dividing by zero', async () => {
    const x = tf.tensor2d([[3, 3]]);
    const rgb = colorize(x, 'grey', [3, 3]);
    close(await rgb.data(), [0.5, 0.5, 0.5, 0.5, 0.5, 0.5]);
    tf.dispose([x, rgb]);
  });

  it('rejects bad maps, ranges and shapes with the option name', () => {
    const x = tf.tensor2d([[1]]);
    // @ts-expect-error: testing a bad map name from untyped callers
    expect(() => colorize(x, 'jet', [0, 1])).toThrow(/invalid map: "jet"/);
    expect(() => colorize(x, 'grey', [1, 0])).toThrow(/invalid range: \[1, 0\]/);
    const x3 = tf.zeros([1, 1, 1]);
    expect(() => colorize(x3 as tf.Tensor2D, 'grey', [0, 1])).toThrow(/invalid x shape/);
    tf.dispose([x, x3]);
  });
});

describe('colorRange', () => {
  it('is min..max for grey and symmetric about zero for diverging', async () => {
    const x = tf.tensor2d([[-1, 3, 2]]);
    expect(await colorRange(x)).toEqual([-1, 3]);
    expect(await colorRange(x, { map: 'diverging' })).toEqual([-3, 3]);
    expect(await colorRange(x, { range: [0, 1] })).toEqual([0, 1]);
    x.dispose();
  });
});

describe('labelColors', () => {
  it('looks each label up in the palette, scaled to [0, 1]', async () => {
    const labels = tf.tensor2d([[0, 2, 1]], undefined, 'int32');
    const rgb = labelColors(labels, [
      [0, 0, 0],
      [255, 0, 0],
      [0, 51, 255],
    ]);
    close(await rgb.data(), [0, 0, 0, 0, 0.2, 1, 1, 0, 0]);
    tf.dispose([labels, rgb]);
  });
});

describe('colormap leaks', () => {
  it('colorize, colorRange and labelColors leave no tensors behind', async () => {
    const x = tf.tensor2d([[-1, 0.5]]);
    const labels = tf.tensor2d([[0, 1]], undefined, 'int32');
    const before = tf.memory().numTensors;
    tf.dispose([
      colorize(x, 'grey', [0, 1]),
      colorize(x, 'diverging', [-1, 1]),
      colorize(x, 'diverging'),
      labelColors(labels, [
        [1, 2, 3],
        [4, 5, 6],
      ]),
    ]);
    await colorRange(x, { map: 'diverging' });
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, labels]);
  });
});
