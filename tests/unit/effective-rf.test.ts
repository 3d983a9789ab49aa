import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  effectiveFieldFigure,
  effectiveReceptiveField,
  halfMassSide,
  heatOverlay,
} from '../../src/lib/fcn/effective-rf';
import { cellField } from '../../src/lib/fcn/network';
import { disposeFcnWeights, loadFcnWeights, type FcnWeights } from '../../src/lib/fcn/weights';
import { fileFetch } from '../../scripts/lib/file-fetch';

let weights: FcnWeights;
let image: tf.Tensor3D;

beforeAll(async () => {
  weights = await loadFcnWeights('public/weights/model.json', { fetch: fileFetch });
  image = tf.randomUniform([64, 64, 3], 0, 1, 'float32', 7);
});
afterAll(() => {
  disposeFcnWeights(weights);
  image.dispose();
});

/** Bounding box of the pixels with a nonzero gradient. */
function support(erf: tf.Tensor2D) {
  const rows = erf.arraySync();
  let top = Infinity;
  let bottom = -Infinity;
  let left = Infinity;
  let right = -Infinity;
  rows.forEach((r, y) =>
    r.forEach((v, x) => {
      if (v > 0) {
        top = Math.min(top, y);
        bottom = Math.max(bottom, y);
        left = Math.min(left, x);
        right = Math.max(right, x);
      }
    }),
  );
  return { top, bottom, left, right };
}

describe('effectiveReceptiveField', () => {
  for (const [layer, row, col] of [
    ['conv1_1', 10, 20],
    ['pool3', 3, 4],
    ['pool5', 1, 1],
    ['score_fr', 0, 1],
    ['fuse_pool4', 2, 1],
    ['fuse_pool3', 5, 2],
    ['upscore8', 30, 40],
  ] as const) {
    it(`${layer} (${row}, ${col}): every pixel it responds to lies in its traced field; no leak`, () => {
      const before = tf.memory().numTensors;
      const erf = effectiveReceptiveField(weights, image, { layer, row, col });
      expect(erf.shape).toEqual([64, 64]);
      const box = support(erf);
      expect(Number.isFinite(box.top), 'the cell responds to some pixel').toBe(true);
      const field = cellField(layer, row, col);
      expect(box.top).toBeGreaterThanOrEqual(field.rows.lo);
      expect(box.bottom).toBeLessThanOrEqual(field.rows.hi);
      expect(box.left).toBeGreaterThanOrEqual(field.cols.lo);
      expect(box.right).toBeLessThanOrEqual(field.cols.hi);
      expect(Math.max(...erf.dataSync())).toBeCloseTo(1, 6);
      erf.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('a first-layer cell responds to exactly its 3x3 field', () => {
    const erf = effectiveReceptiveField(weights, image, { layer: 'conv1_1', row: 10, col: 20 });
    expect(support(erf)).toEqual({ top: 9, bottom: 11, left: 19, right: 21 });
    erf.dispose();
  });

  it('rejects an unknown layer or a cell outside the map, naming it', () => {
    expect(() =>
      effectiveReceptiveField(weights, image, { layer: 'pool6', row: 0, col: 0 }),
    ).toThrow(/invalid layer: "pool6"/);
    expect(() =>
      effectiveReceptiveField(weights, image, { layer: 'pool5', row: 2, col: 0 }),
    ).toThrow(/invalid row: 2 \(expected an integer in 0..1\)/);
  });
});

describe('heatOverlay', () => {
  it('keeps the dimmed photo where the heat is 0 and reaches the colour where it is 1', () => {
    const before = tf.memory().numTensors;
    const photo = tf.fill<tf.Rank.R3>([2, 2, 3], 1);
    const heat = tf.tensor2d([0, 1, 0.25, 0], [2, 2]);
    const out = heatOverlay(photo, heat, [1, 0, 0]);
    const v = out.arraySync();
    expect(v[0]?.[0]).toEqual([0.55, 0.55, 0.55].map((x) => Math.fround(x)));
    expect(v[0]?.[1]?.[1]).toBeCloseTo(0.55 * 0.15, 5);
    expect(v[1]?.[0]?.[0]).toBeCloseTo(0.55 * (1 - 0.425) + 0.425, 5);
    tf.dispose([photo, heat, out]);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => heatOverlay(tf.zeros([2, 2, 3]), tf.zeros([3, 2]))).toThrow(/invalid heat shape/);
  });
});

/**
 * Brute force: `2 r + 1` for the smallest Chebyshev radius r around (cy, cx) (a pixel's
 * distance, so a half-pixel centre gives even sides) whose square holds half the mass.
 */
function bruteHalfSide(m: number[][], cy: number, cx: number): number {
  const total = m.flat().reduce((a, b) => a + b, 0);
  const dist = (y: number, x: number) => Math.max(Math.abs(y - cy), Math.abs(x - cx));
  const radii = [...new Set(m.flatMap((row, y) => row.map((_, x) => dist(y, x))))].sort(
    (a, b) => a - b,
  );
  for (const r of radii) {
    let inside = 0;
    m.forEach((row, y) => row.forEach((v, x) => (inside += dist(y, x) <= r ? v : 0)));
    if (inside >= total / 2) return 2 * r + 1;
  }
  return NaN;
}

describe('halfMassSide', () => {
  it('is 1 for all mass on the centre, 5 for a uniform 5×5 block around it', async () => {
    const delta = tf.tensor2d(
      Array.from({ length: 49 }, (_, i) => (i === 24 ? 1 : 0)),
      [7, 7],
    );
    const block = tf.tensor2d(
      Array.from({ length: 49 }, (_, i) =>
        Math.abs((i % 7) - 3) <= 2 && Math.abs(Math.floor(i / 7) - 3) <= 2 ? 1 : 0,
      ),
      [7, 7],
    );
    const before = tf.memory().numTensors;
    const a = halfMassSide(delta, 3, 3);
    const b = halfMassSide(block, 3, 3);
    expect([(await a.data())[0], (await b.data())[0]]).toEqual([1, 5]);
    tf.dispose([a, b]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([delta, block]);
  });

  it('matches a brute-force search on random maps, with half-pixel centres', async () => {
    for (const [seed, cy, cx] of [
      [1, 5, 7],
      [2, 3.5, 3.5],
      [3, 0, 11],
    ] as const) {
      const m = tf.randomUniform<tf.Rank.R2>([12, 12], 0, 1, 'float32', seed);
      const side = halfMassSide(m, cy, cx);
      expect((await side.data())[0]).toBe(bruteHalfSide(await m.array(), cy, cx));
      tf.dispose([m, side]);
    }
  });
});

describe('effectiveFieldFigure', () => {
  it('is heatOverlay of the effective field and its half-mass side around the cell centre; no leak', async () => {
    const before = tf.memory().numTensors;
    const f = await effectiveFieldFigure(weights, image, { layer: 'pool4', row: 1, col: 2 });
    expect(tf.memory().numTensors).toBe(before + 1);
    const erf = effectiveReceptiveField(weights, image, { layer: 'pool4', row: 1, col: 2 });
    const overlay = heatOverlay(image, erf);
    // pool4: stride 16, so cell (1, 2) is centred on pixel (23.5, 39.5).
    const half = halfMassSide(erf, 23.5, 39.5);
    expect(f.overlay.shape).toEqual([64, 64, 3]);
    const [got, want] = [await f.overlay.data(), await overlay.data()];
    expect(Math.max(...got.map((v, i) => Math.abs(v - (want[i] ?? NaN))))).toBeLessThan(1e-5);
    expect(f.half).toBe((await half.data())[0]);
    expect(f.half).toBeGreaterThanOrEqual(1);
    tf.dispose([f.overlay, erf, overlay, half]);
    expect(tf.memory().numTensors).toBe(before);
    await expect(
      effectiveFieldFigure(weights, image, { layer: 'pool4', row: 9, col: 0 }),
    ).rejects.toThrow(/invalid row: 9/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
