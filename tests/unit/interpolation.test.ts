import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  INTERPOLATION_KINDS,
  interpolate1d,
  interpolate2d,
  interpolationFilter,
  scanline,
} from '../../src/lib/upsampling/interpolation';
import { expectNoLeak, maxAbsDiff, prng, randomTensor } from '../reference/ops-golden';

/** Brute force: y[n] = sum_j h(j) x[(n - j) / L] over j with L | n - j, 0 <= (n - j) / L < N. */
function bruteInterpolate(
  x: number[],
  L: number,
  h: (j: number) => number,
  span: number,
): number[] {
  return Array.from({ length: x.length * L }, (_, n) => {
    let sum = 0;
    for (let j = -span; j <= span; j++) {
      const m = n - j;
      if (m % L === 0 && m >= 0 && m / L < x.length) sum += h(j) * (x[m / L] ?? NaN);
    }
    return sum;
  });
}

const FILTERS = {
  zeros: (j: number) => (j === 0 ? 1 : 0),
  nearest: (L: number) => (j: number) => (j >= 0 && j < L ? 1 : 0),
  linear: (L: number) => (j: number) => Math.max(0, 1 - Math.abs(j) / L),
  sinc: (L: number) => (j: number) => {
    if (Math.abs(j) >= 4 * L) return 0;
    const t = j / L;
    const s = j === 0 ? 1 : Math.sin(Math.PI * t) / (Math.PI * t);
    return s * 0.5 * (1 + Math.cos((Math.PI * j) / (4 * L)));
  },
};

describe('interpolate1d', () => {
  const rand = prng(7);
  const x = Array.from({ length: 13 }, () => rand());
  for (const L of [1, 2, 3, 5, 8]) {
    it(`matches the brute-force convolution of the zero-stuffed signal for every kind, L = ${L}`, () => {
      const refs = {
        zeros: FILTERS.zeros,
        nearest: FILTERS.nearest(L),
        linear: FILTERS.linear(L),
        sinc: FILTERS.sinc(L),
      };
      for (const kind of INTERPOLATION_KINDS) {
        const y = interpolate1d(tf.tensor1d(x), L, kind);
        const want = bruteInterpolate(x, L, refs[kind], 4 * L);
        const got = Array.from(y.dataSync());
        expect(got.length).toBe(want.length);
        got.forEach((v, i) => expect(Math.abs(v - (want[i] ?? NaN))).toBeLessThan(1e-5));
        y.dispose();
      }
    });
  }

  it('keeps the original samples at every L-th output for every kind', () => {
    const signal = tf.tensor1d(x);
    for (const kind of INTERPOLATION_KINDS) {
      const y = interpolate1d(signal, 4, kind).dataSync();
      x.forEach((v, i) => expect(Math.abs((y[4 * i] ?? NaN) - v)).toBeLessThan(1e-5));
    }
  });

  it('nearest repeats each sample L times; linear lies on the straight line between samples', () => {
    const n = Array.from(interpolate1d(tf.tensor1d([1, 3]), 3, 'nearest').dataSync());
    expect(n).toEqual([1, 1, 1, 3, 3, 3]);
    const l = Array.from(interpolate1d(tf.tensor1d([0, 3, 6]), 3, 'linear').dataSync());
    l.slice(0, 7).forEach((v, i) => expect(v).toBeCloseTo(i, 5));
  });

  it('rejects a bad factor or kind with its name', () => {
    expect(() => interpolate1d(tf.tensor1d([1]), 0, 'linear')).toThrow(/invalid factor: 0/);
    expect(() => interpolationFilter('cubic' as 'linear', 2)).toThrow(/invalid kind: "cubic"/);
  });

  it('leaks no tensors', async () => {
    const s = tf.tensor1d(x);
    for (const kind of INTERPOLATION_KINDS) await expectNoLeak(() => interpolate1d(s, 3, kind));
    s.dispose();
  });
});

describe('interpolate2d', () => {
  it('equals interpolate1d along every row, then along every column (separable)', () => {
    const rand = prng(3);
    const img = randomTensor(rand, [5, 6, 2]) as tf.Tensor3D;
    for (const kind of INTERPOLATION_KINDS) {
      const L = 3;
      const got = interpolate2d(img, L, kind);
      expect(got.shape).toEqual([15, 18, 2]);
      const want = tf.tidy(() => {
        const channels = tf.unstack(img, 2).map((ch) => {
          const rows = tf.stack(
            tf.unstack(ch, 0).map((r) => interpolate1d(r as tf.Tensor1D, L, kind)),
          );
          return tf.stack(
            tf.unstack(rows, 1).map((col) => interpolate1d(col as tf.Tensor1D, L, kind)),
            1,
          );
        });
        return tf.stack(channels, 2);
      });
      expect(maxAbsDiff(got, want)).toBeLessThan(1e-5);
      tf.dispose([got, want]);
    }
  });

  it('accepts [H, W] and leaks no tensors', async () => {
    const img = tf.ones<tf.Rank.R2>([4, 4]);
    const y = interpolate2d(img, 2, 'nearest');
    expect(y.shape).toEqual([8, 8]);
    expect(Array.from(y.dataSync()).every((v) => v === 1)).toBe(true);
    y.dispose();
    for (const kind of INTERPOLATION_KINDS) await expectNoLeak(() => interpolate2d(img, 2, kind));
    img.dispose();
  });
});

describe('scanline', () => {
  it('is the channel mean of one row', () => {
    const img = tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [2, 2, 3]);
    expect(Array.from(scanline(img, 1).dataSync())).toEqual([8, 11]);
    expect(Array.from(scanline(tf.tensor2d([1, 2, 3, 4], [2, 2]), 0).dataSync())).toEqual([1, 2]);
    expect(() => scanline(img, 2)).toThrow(/invalid row: 2/);
  });

  it('leaks no tensors', async () => {
    const img = tf.ones<tf.Rank.R3>([3, 3, 3]);
    await expectNoLeak(() => scanline(img, 1));
    img.dispose();
  });
});
