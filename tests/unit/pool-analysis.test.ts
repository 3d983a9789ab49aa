import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import {
  edgeMap,
  fractionChanged,
  shareOnMask,
  strongestMask,
  unpoolEdges,
  localizationError,
  rimShare,
  shiftImage,
  switchOffsets,
} from '../../src/lib/pooling/pool-analysis';
import { prng } from '../reference/ops-golden';

/** [H][W][C] random values with no ties (ties make the argmax ambiguous). */
function randomImage(h: number, w: number, c: number, seed: number): number[][][] {
  const rand = prng(seed);
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

describe('rimShare', () => {
  it('counts maxima on the first or last row or column of their window', async () => {
    // 4x4 windows; channel 0 peaks at the window centre (1, 1), channel 1 at its corner (3, 3).
    const img = Array.from({ length: 4 }, (_, y) =>
      Array.from({ length: 8 }, (_, x) => [
        y === 1 && x % 4 === 1 ? 1 : 0,
        y === 3 && x % 4 === 3 ? 1 : 0,
      ]),
    );
    const x = tf.tensor3d(img);
    const r = rimShare(x, 4);
    expect((await r.data())[0]).toBeCloseTo(0.5, 6);
    tf.dispose([x, r]);
  });
});

describe('edgeMap', () => {
  it('is half the central-difference gradient magnitude of the luminance (brute force, 1e-6)', async () => {
    const img = randomImage(6, 5, 3, 7);
    const lum = img.map((row) => row.map((px) => px.reduce((a, b) => a + b, 0) / 3));
    const at = (y: number, x: number) =>
      lum[Math.min(5, Math.max(0, y))]?.[Math.min(4, Math.max(0, x))] ?? NaN;
    const want = lum.map((row, y) =>
      row.map((_, x) => Math.hypot(at(y, x + 1) - at(y, x - 1), at(y + 1, x) - at(y - 1, x)) / 2),
    );
    const x = tf.tensor3d(img);
    const e = edgeMap(x);
    const got = await e.array();
    got.forEach((row, y) => row.forEach((v, i) => expect(v).toBeCloseTo(want[y]?.[i] ?? NaN, 6)));
    tf.dispose([x, e]);
  });
});

describe('strongestMask and shareOnMask', () => {
  it('marks the strongest fraction and measures the share of brightness on a mask', async () => {
    const m = tf.tensor2d([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
    ]);
    const mask = strongestMask(m, 0.25);
    expect(await mask.array()).toEqual([
      [0, 0, 0, 0],
      [0, 0, 1, 1],
    ]);
    const share = shareOnMask(m, mask);
    expect((await share.data())[0]).toBeCloseTo(13 / 28, 6);
    const none = shareOnMask(tf.zeros([2, 4]), mask);
    expect((await none.data())[0]).toBe(0);
    expect(() => strongestMask(m, 0)).toThrow(/invalid fraction: 0/);
    expect(() => shareOnMask(m, tf.zeros([4]))).toThrow(/invalid mask shape/);
    tf.dispose([m, mask, share, none]);
  });
});

describe('unpoolEdges', () => {
  it('puts each window maximum of the edge map back in place, and nearest spreads it', async () => {
    const x = tf.tensor3d(randomImage(16, 16, 3, 11));
    const r = unpoolEdges(x, 4);
    const [edges, unpooled, nearest] = await Promise.all(
      [r.edges, r.unpooled, r.nearest].map((t) => t.array()),
    );
    if (!edges || !unpooled || !nearest) throw new Error('missing maps');
    for (let oy = 0; oy < 16; oy += 4) {
      for (let ox = 0; ox < 16; ox += 4) {
        let best = -1;
        let nonzero = 0;
        for (let dy = 0; dy < 4; dy++) {
          for (let dx = 0; dx < 4; dx++) {
            best = Math.max(best, edges[oy + dy]?.[ox + dx] ?? -1);
            const u = unpooled[oy + dy]?.[ox + dx] ?? NaN;
            if (u !== 0) {
              nonzero++;
              expect(u).toBe(edges[oy + dy]?.[ox + dx]);
            }
            expect(nearest[oy + dy]?.[ox + dx]).toBe(best === -1 ? NaN : nearest[oy]?.[ox]);
          }
        }
        expect(nonzero).toBeLessThanOrEqual(1);
        expect(nearest[oy]?.[ox]).toBe(best);
      }
    }
    const [onUnpooled = 0, onNearest = 0] = await r.shares.data();
    expect(onUnpooled).toBeGreaterThan(onNearest);
    tf.dispose([x, ...Object.values(r)]);
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
      edgeMap(x),
      rimShare(x, 4),
      strongestMask(x, 0.1),
      shareOnMask(x, x),
      ...Object.values(unpoolEdges(x, 2)),
    ]);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
