import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { channelMosaic, channelMosaicValues, mosaicGrid } from '../../src/lib/fcn/mosaic';
import { prng } from '../reference/ops-golden';

/** Brute-force mosaic with plain loops, the reference for channelMosaic. */
function bruteMosaic(x: number[][][], columns: number, gap: number, gapValue: number): number[][] {
  const h = x.length;
  const w = x[0]?.length ?? 0;
  const c = x[0]?.[0]?.length ?? 0;
  const rows = Math.ceil(c / columns);
  const out = Array.from({ length: rows * (h + gap) - gap }, () =>
    new Array<number>(columns * (w + gap) - gap).fill(gapValue),
  );
  for (let k = 0; k < c; k++) {
    const values = x.flatMap((row) => row.map((px) => px[k] ?? 0));
    const lo = Math.min(...values);
    const hi = Math.max(...values);
    const r0 = Math.floor(k / columns) * (h + gap);
    const c0 = (k % columns) * (w + gap);
    for (let y = 0; y < h; y++) {
      for (let xx = 0; xx < w; xx++) {
        const v = x[y]?.[xx]?.[k] ?? 0;
        const row = out[r0 + y];
        if (row) row[c0 + xx] = hi > lo ? (v - lo) / (hi - lo) : 0.5;
      }
    }
  }
  return out;
}

describe('channelMosaic', () => {
  it('tiles each min-max-normalized channel row by row, matching a brute-force layout', async () => {
    const uniform = prng(7);
    const rand = () => uniform() * 10 - 5;
    for (const [h, w, c, columns, gap] of [
      [3, 4, 5, 2, 1],
      [2, 2, 4, undefined, 0],
      [5, 3, 7, 3, 2],
    ] as const) {
      const data = Array.from({ length: h }, () =>
        Array.from({ length: w }, () => Array.from({ length: c }, rand)),
      );
      const x = tf.tensor3d(data);
      const m = channelMosaic(x, columns === undefined ? { gap } : { columns, gap });
      const expected = bruteMosaic(data, columns ?? mosaicGrid(c).columns, gap, 1);
      const actual = await m.array();
      expect(m.shape).toEqual([expected.length, expected[0]?.length]);
      actual.forEach((row, i) =>
        row.forEach((v, j) => expect(Math.abs(v - (expected[i]?.[j] ?? NaN))).toBeLessThan(1e-5)),
      );
      tf.dispose([x, m]);
    }
  });

  it('shows a flat channel as mid-grey', async () => {
    const x = tf.fill<tf.Rank.R3>([2, 2, 1], 3);
    const m = channelMosaic(x);
    expect(Array.from(await m.data())).toEqual([0.5, 0.5, 0.5, 0.5]);
    tf.dispose([x, m]);
  });

  it('rejects a tensor that is not [H, W, C] and bad options', () => {
    const x = tf.zeros([2, 2]);
    expect(() => channelMosaic(x as unknown as tf.Tensor3D)).toThrow(/invalid x shape: \[2, 2\]/);
    const y = tf.zeros<tf.Rank.R3>([2, 2, 2]);
    expect(() => channelMosaic(y, { gap: -1 })).toThrow(/invalid gap: -1/);
    expect(() => channelMosaic(y, { columns: 0 })).toThrow(/invalid columns: 0/);
    tf.dispose([x, y]);
  });

  it('leaves no tensors behind', () => {
    const x = tf.randomUniform<tf.Rank.R3>([4, 4, 6]);
    const before = tf.memory().numTensors;
    channelMosaic(x).dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});

describe('channelMosaicValues', () => {
  it('lays out the same mosaic as channelMosaic, from plain values', async () => {
    const uniform = prng(9);
    for (const [h, w, c, columns, gap, gapValue] of [
      [3, 4, 5, 2, 1, 1],
      [2, 2, 4, undefined, 0, 1],
      [5, 3, 7, 3, 2, 0.25],
    ] as const) {
      const x = tf.randomUniform<tf.Rank.R3>(
        [h, w, c],
        -5,
        5,
        'float32',
        Math.floor(uniform() * 1e6),
      );
      const options = { gap, gapValue, ...(columns === undefined ? {} : { columns }) };
      const m = channelMosaic(x, options);
      const values = channelMosaicValues({ data: await x.data(), shape: x.shape }, options);
      expect(values.shape).toEqual(m.shape);
      const expected = await m.data();
      values.data.forEach((v, i) => expect(Math.abs(v - (expected[i] ?? NaN))).toBeLessThan(1e-5));
      tf.dispose([x, m]);
    }
    const flat = channelMosaicValues({ data: [3, 3, 3, 3], shape: [2, 2, 1] });
    expect(Array.from(flat.data)).toEqual([0.5, 0.5, 0.5, 0.5]);
  });

  it('rejects values that are not [H, W, C] and bad options', () => {
    expect(() => channelMosaicValues({ data: [1, 2, 3, 4], shape: [2, 2] })).toThrow(
      /invalid x shape: \[2, 2\]/,
    );
    expect(() => channelMosaicValues({ data: [1, 2, 3], shape: [2, 2, 1] })).toThrow(
      /invalid x shape/,
    );
    expect(() =>
      channelMosaicValues({ data: [1, 2, 3, 4], shape: [2, 2, 1] }, { gap: -1 }),
    ).toThrow(/invalid gap: -1/);
  });
});
