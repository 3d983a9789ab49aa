import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { CATEGORICAL, colorize, labelColors, type ColorMapName } from '../../src/lib/colormap';
import { gridDims, paintValues, valuesAt, type ValueGrid } from '../../src/lib/colormap-values';
import { prng } from '../reference/ops-golden';

/** What tf.browser.toPixels writes for a `[H, W, 3]` float image in [0, 1]: RGBA bytes. */
async function toPixelBytes(rgb: tf.Tensor3D): Promise<Uint8ClampedArray> {
  const values = await rgb.data();
  const out = new Uint8ClampedArray((values.length / 3) * 4);
  for (let p = 0; p < values.length / 3; p++) {
    for (let k = 0; k < 3; k++) out[p * 4 + k] = Math.round((values[p * 3 + k] ?? 0) * 255);
    out[p * 4 + 3] = 255;
  }
  return out;
}

/** Largest byte difference, and how many bytes differ at all. */
function compare(a: Uint8ClampedArray, b: Uint8ClampedArray): { max: number; differing: number } {
  expect(a.length).toBe(b.length);
  let max = 0;
  let differing = 0;
  a.forEach((v, i) => {
    const d = Math.abs(v - (b[i] ?? NaN));
    if (d > 0) differing++;
    max = Math.max(max, d);
  });
  return { max, differing };
}

function grid(rand: () => number, shape: number[], lo: number, hi: number): ValueGrid {
  const n = shape.reduce((a, b) => a * b, 1);
  return { data: Float32Array.from({ length: n }, () => lo + (hi - lo) * rand()), shape };
}

describe('paintValues draws what the tensor path draws', () => {
  const rand = prng(7);
  const signed = grid(rand, [9, 13, 3], -2, 5);
  const positive = grid(rand, [9, 13, 3], 0.5, 4);

  const cases: [string, ValueGrid, ColorMapName, number][] = [
    ['grey', signed, 'grey', 1],
    ['sequential', positive, 'sequential', 2],
    ['diverging', signed, 'diverging', 0],
    ['auto, signed', signed, 'auto', 2],
    ['auto, one sign', positive, 'auto', 1],
  ];
  for (const [name, g, map, channel] of cases) {
    it(`${name}: the same bytes (to one rounding step) and the same range`, async () => {
      const plane = tf.tidy(() =>
        tf.squeeze<tf.Tensor2D>(
          tf.slice(tf.tensor(g.data, g.shape), [0, 0, channel], [-1, -1, 1]),
          [2],
        ),
      );
      const rgb = colorize(plane, map);
      const expected = await toPixelBytes(rgb);
      const painted = paintValues(g, { mode: map, channel });
      expect([painted.width, painted.height]).toEqual([13, 9]);
      const { max, differing } = compare(painted.rgba, expected);
      // The tensor path rounds in float32 (and tf.round halves to even): a table step at most.
      expect(max).toBeLessThanOrEqual(3);
      expect(differing).toBeLessThan(expected.length / 100);
      const values = Array.from(await plane.data());
      const lo = Math.min(...values);
      const hi = Math.max(...values);
      const m = Math.max(...values.map(Math.abs));
      const symmetric = map === 'diverging' || (map === 'auto' && lo < 0);
      const [blo, bhi] = painted.bounds;
      expect(blo).toBeCloseTo(symmetric ? -m : lo, 5);
      expect(bhi).toBeCloseTo(symmetric ? m : hi, 5);
      tf.dispose([plane, rgb]);
    });
  }

  it('a fixed range clips, and a flat range shows the middle of the map', async () => {
    const g: ValueGrid = { data: Float32Array.from([-1, 0, 0.25, 0.5, 2]), shape: [1, 5] };
    const rgb = colorize(tf.tensor2d(g.data, [1, 5]), 'grey', [0, 0.5]);
    const expected = await toPixelBytes(rgb);
    expect(compare(paintValues(g, { mode: 'grey', range: [0, 0.5] }).rgba, expected).max).toBe(0);
    const flat = paintValues(
      { data: new Float32Array(4).fill(3), shape: [2, 2] },
      { mode: 'grey' },
    );
    expect(Array.from(flat.rgba.subarray(0, 4))).toEqual([128, 128, 128, 255]);
    tf.dispose(rgb);
  });

  it('rgb clips to [0, 1]; labels take the largest score, or the index, in the palette', async () => {
    const rgbGrid = grid(prng(3), [4, 5, 3], -0.3, 1.3);
    const rgbTensor = tf.clipByValue<tf.Tensor3D>(tf.tensor3d(rgbGrid.data, [4, 5, 3]), 0, 1);
    const painted = paintValues(rgbGrid, { mode: 'rgb' });
    expect(compare(painted.rgba, await toPixelBytes(rgbTensor)).max).toBe(0);
    expect(painted.bounds).toEqual([0, 1]);

    const scores = grid(prng(4), [6, 7, 11], -3, 3);
    const labels = tf.argMax<tf.Tensor2D>(tf.tensor3d(scores.data, [6, 7, 11]), 2);
    const coloured = labelColors(labels, CATEGORICAL);
    const byScores = paintValues(scores, { mode: 'labels', palette: CATEGORICAL });
    expect(compare(byScores.rgba, await toPixelBytes(coloured)).max).toBe(0);
    const indices: ValueGrid = { data: Int32Array.from(await labels.data()), shape: [6, 7] };
    expect(
      compare(paintValues(indices, { mode: 'labels', palette: CATEGORICAL }).rgba, byScores.rgba)
        .max,
    ).toBe(0);
    tf.dispose([rgbTensor, labels, coloured]);
  });

  it('a channel past the end shows the last one', () => {
    const g = grid(prng(5), [3, 3, 2], 0, 1);
    const last = paintValues(g, { mode: 'grey', channel: 1 });
    expect(paintValues(g, { mode: 'grey', channel: 9 }).rgba).toEqual(last.rgba);
  });
});

describe('valuesAt and gridDims', () => {
  it('valuesAt reads one value per channel at (x, y), nothing outside', () => {
    const g: ValueGrid = { data: Float32Array.from({ length: 24 }, (_, i) => i), shape: [2, 4, 3] };
    expect(valuesAt(g, 3, 1)).toEqual([21, 22, 23]);
    expect(valuesAt(g, 0, 0)).toEqual([0, 1, 2]);
    expect(valuesAt(g, 4, 0)).toBeUndefined();
    expect(valuesAt(g, 0, -1)).toBeUndefined();
    expect(valuesAt(g, 0.5, 0)).toBeUndefined();
    expect(valuesAt({ data: Float32Array.from([5, 6]), shape: [1, 2] }, 1, 0)).toEqual([6]);
  });

  it('rejects bad grids and options with their names', () => {
    expect(() => gridDims({ data: new Float32Array(5), shape: [2, 3] })).toThrow(
      /invalid grid shape: \[2, 3\]/,
    );
    expect(() => gridDims({ data: new Float32Array(4), shape: [4] })).toThrow(/rank 2 or 3/);
    const g: ValueGrid = { data: new Float32Array(4), shape: [2, 2] };
    expect(() => paintValues(g, { mode: 'hot' as 'grey' })).toThrow(/invalid mode: "hot"/);
    expect(() => paintValues(g, { mode: 'grey', range: [1, 0] })).toThrow(/invalid range/);
    expect(() => paintValues(g, { mode: 'labels', palette: [] })).toThrow(/invalid palette/);
  });
});
