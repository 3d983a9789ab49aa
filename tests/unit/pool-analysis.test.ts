import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import {
  fractionChanged,
  localizationError,
  shiftImage,
  switchOffsets,
} from '../../src/lib/pool-analysis';

function seeded(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 16807) % 2147483647) / 2147483647;
}

/** [H][W][C] random values with no ties (ties make the argmax ambiguous). */
function randomImage(h: number, w: number, c: number, seed: number): number[][][] {
  const rand = seeded(seed);
  return Array.from({ length: h }, () =>
    Array.from({ length: w }, () => Array.from({ length: c }, rand)),
  );
}

/** Brute force: offset dy*size+dx of each window's maximum (first in row-major order). */
function bruteOffsets(x: number[][][], size: number): number[][][] {
  const h = x.length;
  const w = x[0]?.length ?? 0;
  const c = x[0]?.[0]?.length ?? 0;
  const out: number[][][] = [];
  for (let oy = 0; oy + size <= h; oy += size) {
    const row: number[][] = [];
    for (let ox = 0; ox + size <= w; ox += size) {
      const px: number[] = [];
      for (let k = 0; k < c; k++) {
        let best = -Infinity;
        let at = 0;
        for (let dy = 0; dy < size; dy++) {
          for (let dx = 0; dx < size; dx++) {
            const v = x[oy + dy]?.[ox + dx]?.[k] ?? -Infinity;
            if (v > best) [best, at] = [v, dy * size + dx];
          }
        }
        px.push(at);
      }
      row.push(px);
    }
    out.push(row);
  }
  return out;
}

describe('switchOffsets', () => {
  it('gives the in-window offset of each maximum, matching a brute-force search', async () => {
    for (const [h, w, c, size] of [
      [8, 8, 3, 2],
      [9, 7, 2, 3],
      [16, 12, 1, 4],
    ] as const) {
      const data = randomImage(h, w, c, h * 31 + size);
      const x = tf.tensor3d(data);
      const offsets = switchOffsets(x, size);
      expect(await offsets.array()).toEqual(bruteOffsets(data, size));
      tf.dispose([x, offsets]);
    }
  });
});

describe('localizationError', () => {
  it('is the mean distance from each maximum to its window centre (brute force, 1e-5)', async () => {
    const data = randomImage(12, 12, 2, 5);
    const x = tf.tensor3d(data);
    for (const size of [1, 2, 3, 4]) {
      const offsets = bruteOffsets(data, size).flat(2);
      const centre = (size - 1) / 2;
      const expected =
        offsets.reduce(
          (sum, o) => sum + Math.hypot(Math.floor(o / size) - centre, (o % size) - centre),
          0,
        ) / offsets.length;
      const e = localizationError(x, size);
      const [got = NaN] = await e.data();
      expect(Math.abs(got - expected)).toBeLessThan(1e-5);
      e.dispose();
    }
    x.dispose();
  });

  it('is zero for 1x1 windows and grows with the window for a random image', async () => {
    const x = tf.tensor3d(randomImage(48, 48, 1, 9));
    const errors: number[] = [];
    for (const size of [1, 2, 4, 8]) {
      const e = localizationError(x, size);
      const [got = NaN] = await e.data();
      errors.push(got);
      e.dispose();
    }
    expect(errors[0]).toBe(0);
    errors.slice(1).forEach((e, i) => expect(e).toBeGreaterThan(errors[i] ?? Infinity));
    x.dispose();
  });
});

describe('shiftImage', () => {
  it('rolls the image right and down with wrap-around', async () => {
    const x = tf.tensor3d([
      [[1], [2], [3]],
      [[4], [5], [6]],
    ]);
    const y = shiftImage(x, 1, 1);
    expect(await y.array()).toEqual([
      [[6], [4], [5]],
      [[3], [1], [2]],
    ]);
    const same = shiftImage(x, 0, 0);
    expect(await same.array()).toEqual(await x.array());
    tf.dispose([x, y, same]);
  });

  it('rejects shifts outside the image', () => {
    const x = tf.zeros<tf.Rank.R3>([2, 3, 1]);
    expect(() => shiftImage(x, 3, 0)).toThrow(/invalid dx: 3/);
    expect(() => shiftImage(x, 0, -1)).toThrow(/invalid dy: -1/);
    x.dispose();
  });
});

describe('fractionChanged', () => {
  it('counts the share of values that differ beyond the tolerance', async () => {
    const a = tf.tensor1d([0, 1, 2, 3]);
    const b = tf.tensor1d([0, 1.5, 2, 2]);
    const f = fractionChanged(a, b);
    expect((await f.data())[0]).toBe(0.5);
    expect(() => fractionChanged(a, tf.zeros([3]))).toThrow(/invalid b shape/);
    tf.dispose([a, b, f]);
  });
});

describe('pool-analysis leaks', () => {
  it('every function leaves no tensors behind', () => {
    const x = tf.randomUniform<tf.Rank.R3>([8, 8, 3]);
    const before = tf.memory().numTensors;
    tf.dispose([
      switchOffsets(x, 2),
      localizationError(x, 4),
      shiftImage(x, 3, 2),
      fractionChanged(x, x),
    ]);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
