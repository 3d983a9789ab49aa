import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { overlapMap, transposedConv2d } from '../../src/lib';

/** Brute force: every input sample i writes taps t = 0..k-1 at output i * s + t - p. */
function bruteOverlap(k: number, s: number, n: number, p: number): number[] {
  const out = new Array<number>((n - 1) * s + k - 2 * p).fill(0);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < k; t++) {
      const o = i * s + t - p;
      if (o >= 0 && o < out.length) out[o] = (out[o] ?? 0) + 1;
    }
  }
  return out;
}

describe('overlapMap', () => {
  it('counts the kernel taps per output pixel like a brute-force loop', () => {
    for (let k = 1; k <= 9; k++) {
      for (let s = 1; s <= 5; s++) {
        for (const n of [1, 2, 5, 8]) {
          for (let p = 0; p < k; p++) {
            if ((n - 1) * s + k - 2 * p < 1) continue;
            expect(overlapMap(k, s, n, p)).toEqual(bruteOverlap(k, s, n, p));
          }
        }
      }
    }
  });

  it('shows the checkerboard when k % s != 0 and even coverage when s divides k', () => {
    expect(overlapMap(3, 2, 4)).toEqual([1, 1, 2, 1, 2, 1, 2, 1, 1]);
    expect(overlapMap(4, 2, 4, 1)).toEqual([1, 2, 2, 2, 2, 2, 2, 1]);
    const interior = overlapMap(3, 2, [4, 4])
      .slice(2, 7)
      .map((row) => row.slice(2, 7));
    expect(interior).toEqual([
      [4, 2, 4, 2, 4],
      [2, 1, 2, 1, 2],
      [4, 2, 4, 2, 4],
      [2, 1, 2, 1, 2],
      [4, 2, 4, 2, 4],
    ]);
  });

  it('equals a transposed conv of ones with a kernel of ones (2-D, with padding)', () => {
    for (const [k, s, p] of [
      [3, 2, 0],
      [5, 3, 1],
      [4, 2, 1],
    ] as const) {
      const y = transposedConv2d(tf.ones<tf.Rank.R3>([4, 3, 1]), tf.ones([k, k, 1, 1]), {
        stride: s,
        padding: p,
      });
      const counts = overlapMap(k, s, [4, 3], p);
      expect(tf.squeeze(y, [2]).arraySync()).toEqual(counts);
    }
  });

  it('rejects bad arguments', () => {
    expect(() => overlapMap(0, 2, 4)).toThrow(
      'invalid kernelSize: 0 (expected an integer in 1..64)',
    );
    expect(() => overlapMap(3, 2, 4, 3)).toThrow(
      'invalid padding: 3 (expected an integer in 0..2)',
    );
    expect(() => overlapMap(3, 2, [4, 0])).toThrow(
      'invalid size[1]: 0 (expected an integer in 1..4096)',
    );
  });
});
