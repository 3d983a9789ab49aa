import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { interpolateRdBu, interpolateViridis } from 'd3-scale-chromatic';
import { colorRange, colorize, cssGradient, labelColors } from '../../src/lib/colormap';

const TOL = 1e-6;

/** A d3 colour string as RGB in [0, 1]. */
function d3rgb(css: string): number[] {
  const hex = /^#(..)(..)(..)$/.exec(css);
  const parts = hex
    ? hex.slice(1).map((h) => parseInt(h, 16))
    : (css.match(/\d+/g) ?? []).map(Number);
  return parts.map((v) => v / 255);
}
const BLUE = d3rgb(interpolateRdBu(1));
const CENTRE = d3rgb(interpolateRdBu(0.5));
const RED = d3rgb(interpolateRdBu(0));

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

  it('diverging maps zero to the centre of RdBu, the range ends to its blue and red ends', async () => {
    const x = tf.tensor2d([[-4, 0, 4, -2]]);
    const rgb = colorize(x, 'diverging', [-4, 4]);
    const d = Array.from(await rgb.data());
    close(d.slice(0, 3), BLUE);
    close(d.slice(3, 6), CENTRE);
    close(d.slice(6, 9), RED);
    // Halfway to the low end: the scheme at 3/4 (RdBu runs red to blue, the map blue to red).
    close(d.slice(9, 12), d3rgb(interpolateRdBu(0.75)));
    tf.dispose([x, rgb]);
  });

  it('sequential maps min..max to viridis from dark purple to yellow', async () => {
    const x = tf.tensor2d([[0, 5, 10]]);
    const rgb = colorize(x, 'sequential');
    const d = Array.from(await rgb.data());
    close(d.slice(0, 3), d3rgb(interpolateViridis(0)));
    close(d.slice(3, 6), d3rgb(interpolateViridis(0.5)));
    close(d.slice(6, 9), d3rgb(interpolateViridis(1)));
    tf.dispose([x, rgb]);
  });

  it('auto picks sequential for a map without negatives and diverging for a signed one', async () => {
    const relu = tf.tensor2d([[0, 3, 6]]);
    const signed = tf.tensor2d([[-2, 0, 1]]);
    const a = colorize(relu, 'auto');
    const b = colorize(signed, 'auto');
    const fixed = colorize(signed, 'auto', [-2, 2]);
    const [da, db, df] = await Promise.all([a.data(), b.data(), fixed.data()]);
    close(Array.from(da).slice(0, 3), d3rgb(interpolateViridis(0)));
    close(Array.from(da).slice(6, 9), d3rgb(interpolateViridis(1)));
    close(Array.from(db).slice(0, 3), BLUE);
    close(Array.from(db).slice(3, 6), CENTRE);
    // With a fixed range, the range's sign decides.
    close(Array.from(df).slice(0, 3), BLUE);
    expect(await colorRange(relu, { map: 'auto' })).toEqual([0, 6]);
    expect(await colorRange(signed, { map: 'auto' })).toEqual([-2, 2]);
    tf.dispose([relu, signed, a, b, fixed]);
  });

  it('legend gradients come from the same tables', () => {
    expect(cssGradient('sequential', 2)).toBe(
      'linear-gradient(to right, rgb(68, 1, 84), rgb(253, 231, 37))',
    );
    expect(cssGradient('grey', 2)).toBe(
      'linear-gradient(to right, rgb(0, 0, 0), rgb(255, 255, 255))',
    );
  });

  it('without a range, uses the data range computed on the device', async () => {
    const x = tf.tensor2d([[2, 4, 6]]);
    const grey = colorize(x, 'grey');
    close(await grey.data(), [0, 0, 0, 0.5, 0.5, 0.5, 1, 1, 1]);
    const signed = tf.tensor2d([[-1, 0, 2]]);
    const div = colorize(signed, 'diverging');
    const d = Array.from(await div.data());
    close(d.slice(3, 6), CENTRE);
    close(d.slice(6, 9), RED);
    // -1 on -2..2 is t = 1/4: the scheme (reversed) at 3/4.
    close(d.slice(0, 3), d3rgb(interpolateRdBu(0.75)));
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
      colorize(x, 'sequential'),
      colorize(x, 'auto'),
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
