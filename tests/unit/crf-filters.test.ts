import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import jpeg from 'jpeg-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { disposeFcnResult, fcnForward } from '../../src/lib/fcn/fcn';
import { disposeFcnWeights, loadFcnWeights, type FcnWeights } from '../../src/lib/fcn/weights';
import { downscaleForCrf } from '../../src/lib/crf/crf-figure';
import {
  appearanceFeatures,
  bilateralGridMessages,
  buildBilateralGrid,
  buildPermutohedralLattice,
  permutohedralMessages,
  exactGaussianKernel,
  exactGaussianMessages,
  exactSpatialGaussianMessages,
  runMeanField,
  separableGaussianMessages,
  smoothnessFeatures,
  unaryFromLogits,
  type MeanFieldOptions,
} from '../../src/lib/crf/index';
import { fileFetch } from '../../scripts/lib/file-fetch';

/** A committed photo, resized to `[size, size, 3]` in [0, 1]. */
function photo(name: string, size: number): tf.Tensor3D {
  const raw = jpeg.decode(readFileSync(`public/images/photos/${name}.jpg`), { useTArray: true });
  return tf.tidy(() => {
    const rgba = tf.tensor3d(raw.data, [raw.height, raw.width, 4], 'int32');
    const rgb = tf.cast(tf.slice(rgba, [0, 0, 0], [-1, -1, 3]), 'float32');
    return tf.div<tf.Tensor3D>(tf.image.resizeBilinear(rgb, [size, size]), 255);
  });
}

/**
 * A stand-in for a segmenter's unary on a photo: classes from luminance bands (4 of 11 labels)
 * plus Gaussian noise on the logits, so about a third of the raw argmax labels are wrong.
 */
function noisyUnary(image: tf.Tensor3D, labels: number, seed: number): tf.Tensor3D {
  const [h, w] = image.shape;
  return tf.tidy(() => {
    const bands = tf.cast(tf.minimum(tf.floor(tf.mul(tf.mean(image, -1), 4)), 3), 'int32');
    const logits = tf.add<tf.Tensor3D>(
      tf.mul(tf.oneHot(bands, labels), 2),
      tf.randomNormal([h, w, labels], 0, 1.5, 'float32', seed),
    );
    return tf.neg(tf.logSoftmax(logits, -1));
  });
}

const relativeError = (approx: tf.Tensor, exact: tf.Tensor) =>
  tf.tidy(() => {
    const diff = tf.abs(tf.sub(approx, exact));
    return {
      mean: (tf.sum(diff).dataSync()[0] ?? NaN) / (tf.sum(tf.abs(exact)).dataSync()[0] ?? NaN),
      max: (tf.max(diff).dataSync()[0] ?? NaN) / (tf.max(tf.abs(exact)).dataSync()[0] ?? NaN),
    };
  });

describe('smoothness kernel', () => {
  it('the untruncated separable sum equals the O(N^2) sum over pixel pairs', () => {
    const values = tf.randomUniform<tf.Rank.R3>([12, 10, 3], 0, 1, 'float32', 1);
    const f = smoothnessFeatures(12, 10, 2.5);
    const brute = exactGaussianMessages(f, tf.reshape(values, [120, 3]));
    const separable = exactSpatialGaussianMessages(values, 2.5);
    // float32 sums of ~100 terms of size <= 1: 1e-5 absolute.
    expect(
      tf.max(tf.abs(tf.sub(tf.reshape(separable, [120, 3]), brute))).dataSync()[0],
    ).toBeLessThan(1e-5);
    tf.dispose([values, f, brute, separable]);
  });

  it('the 3-sigma truncated convolution is within 1% of the full sum', () => {
    const values = tf.randomUniform<tf.Rank.R3>([40, 36, 2], 0, 1, 'float32', 2);
    const conv = separableGaussianMessages(values, 3);
    const full = exactSpatialGaussianMessages(values, 3);
    const err = relativeError(conv, full);
    expect(err.mean).toBeLessThan(0.01);
    expect(err.max).toBeLessThan(0.02);
    tf.dispose([values, conv, full]);
  });
});

describe('appearance kernel', () => {
  it('the cached kernel matrix gives the same messages as the tiled pass', () => {
    const image = photo('coffee', 24);
    const f = appearanceFeatures(image, 60, 20);
    const q = tf.tidy(() => tf.softmax(tf.randomNormal<tf.Rank.R2>([576, 5], 0, 1, 'float32', 3)));
    const k = exactGaussianKernel(f, 100);
    const a = tf.matMul(k, q);
    const b = exactGaussianMessages(f, q, 64);
    expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]).toBeLessThan(1e-3);
    // Zero diagonal: the self term is excluded exactly.
    expect(tf.tidy(() => tf.sum(tf.mul(k, tf.eye(576)))).dataSync()[0]).toBe(0);
    tf.dispose([image, f, q, k, a, b]);
  });

  it.each(['chelsea', 'coffee'])(
    'the bilateral grid is within 10 percent (mean) of the exact messages on %s at 64x64',
    (name) => {
      const image = photo(name, 64);
      const f = appearanceFeatures(image, 60, 20);
      const q = tf.tidy(() =>
        tf.softmax(tf.reshape<tf.Rank.R2>(tf.neg(noisyUnary(image, 11, 4)), [4096, 11])),
      );
      const grid = buildBilateralGrid(f);
      const fast = bilateralGridMessages(grid, q);
      const exact = exactGaussianMessages(f, q);
      const err = relativeError(fast, exact);
      console.log(
        `${name}: grid vertices ${grid.numVertices}, message error mean ${err.mean.toFixed(4)}, max ${err.max.toFixed(4)}`,
      );
      expect(err.mean).toBeLessThan(0.1);
      expect(err.max).toBeLessThan(0.3);
      grid.dispose();
      tf.dispose([image, f, q, fast, exact]);
    },
    120_000,
  );
  it.each(['chelsea', 'coffee'])(
    'the permutohedral lattice is within 10 percent (mean) of the exact messages on %s at 64x64',
    (name) => {
      const image = photo(name, 64);
      const f = appearanceFeatures(image, 60, 20);
      const q = tf.tidy(() =>
        tf.softmax(tf.reshape<tf.Rank.R2>(tf.neg(noisyUnary(image, 11, 4)), [4096, 11])),
      );
      const grid = buildPermutohedralLattice(f);
      const fast = permutohedralMessages(grid, q);
      const exact = exactGaussianMessages(f, q);
      const err = relativeError(fast, exact);
      console.log(
        `${name}: lattice vertices ${grid.numVertices}, message error mean ${err.mean.toFixed(4)}, max ${err.max.toFixed(4)}`,
      );
      expect(err.mean).toBeLessThan(0.1);
      expect(err.max).toBeLessThan(0.3);
      grid.dispose();
      tf.dispose([image, f, q, fast, exact]);
    },
    120_000,
  );
});

/** Scene `k` of the committed held-out scenes, its FCN-8s unary, both resized to 64 x 64. */
function sceneProblem(k: number, weights: FcnWeights) {
  const img = PNG.sync.read(
    readFileSync(`public/images/scenes/scene-${String(k).padStart(2, '0')}.png`),
  );
  const full = tf.tidy(() => {
    const rgba = tf.tensor3d(Uint8Array.from(img.data), [img.height, img.width, 4], 'int32');
    return tf.div<tf.Tensor3D>(tf.cast(tf.slice(rgba, [0, 0, 0], [-1, -1, 3]), 'float32'), 255);
  });
  const result = fcnForward(weights, tf.expandDims(full, 0));
  const logits = tf.squeeze<tf.Tensor3D>(result.logits, [0]);
  disposeFcnResult(result);
  const truth = tf.zeros<tf.Rank.R2>([img.height, img.width]);
  const small = downscaleForCrf(full, logits, truth, 64);
  const unary = unaryFromLogits(small.logits);
  tf.dispose([full, logits, truth, small.logits, small.truth]);
  return { image: small.image, unary };
}

function compareFastExact(image: tf.Tensor3D, unary: tf.Tensor3D, options: MeanFieldOptions) {
  const exact = runMeanField(image, unary, { ...options, method: 'exact' });
  const fast = runMeanField(image, unary, { ...options, method: 'fast' });
  const [agree, moved, meanDq, maxDq] = tf
    .tidy(() => [
      tf.mean(tf.cast(tf.equal(tf.argMax(exact.q, -1), tf.argMax(fast.q, -1)), 'float32')),
      tf.mean(tf.cast(tf.notEqual(tf.argMax(exact.q, -1), tf.argMin(unary, -1)), 'float32')),
      tf.mean(tf.abs(tf.sub(exact.q, fast.q))),
      tf.max(tf.abs(tf.sub(exact.q, fast.q))),
    ])
    .map((t) => t.dataSync()[0] ?? NaN);
  tf.dispose([exact.q, fast.q]);
  return { agree: agree ?? NaN, moved: moved ?? NaN, meanDq: meanDq ?? NaN, maxDq: maxDq ?? NaN };
}

describe('permutohedral lattice', () => {
  it('splats each pixel to D + 1 distinct vertices with barycentric weights (>= 0, equal sums)', () => {
    const image = photo('coffee', 32);
    const f = appearanceFeatures(image, 10, 20);
    const lattice = buildPermutohedralLattice(f);
    const k = lattice.cornersPerPixel;
    expect(k).toBe(6);
    const w = lattice.sliceWeight.dataSync();
    const v = lattice.sliceVertex.dataSync();
    const sums: number[] = [];
    for (let i = 0; i < 32 * 32; i++) {
      const row = Array.from(w.subarray(i * k, (i + 1) * k));
      expect(Math.min(...row)).toBeGreaterThanOrEqual(-1e-6);
      sums.push(row.reduce((a, b) => a + b, 0));
      expect(new Set(v.subarray(i * k, (i + 1) * k)).size).toBe(k);
    }
    // Each row sums to the gain (barycentric weights sum to 1).
    expect(Math.max(...sums) - Math.min(...sums)).toBeLessThan(1e-4 * (sums[0] ?? 1));
    lattice.dispose();
    tf.dispose([image, f]);
  });
});

describe('fast vs exact mean field', () => {
  let weights: FcnWeights;
  beforeAll(async () => {
    weights = await loadFcnWeights('public/weights/model.json', { fetch: fileFetch });
  });
  afterAll(() => disposeFcnWeights(weights));

  // The first eight public test scenes, every one: measured (2026-12-02 network) 97.4 to 100
  // percent per scene, 99.3 pooled, the CRF moving 2 to 17 percent of each scene's labels. A
  // scene where the CRF moves few labels lets one flipped region weigh more, hence the per-scene
  // floor below the pooled one.
  it('agree on >= 99 percent of labels over held-out scenes 0-7 at 64x64 with FCN-8s unaries (>= 97 on each)', () => {
    let agreeing = 0;
    let moved = 0;
    let pixels = 0;
    for (let k = 0; k < 8; k++) {
      const { image, unary } = sceneProblem(k, weights);
      const r = compareFastExact(image, unary, { fastFilter: 'permutohedral', normalize: true });
      const n = image.shape[0] * image.shape[1];
      console.log(
        `scene ${k}: label agreement ${r.agree}, CRF moved ${r.moved} of labels, |dQ| mean ${r.meanDq} max ${r.maxDq}`,
      );
      expect(r.agree, `scene ${k}`).toBeGreaterThanOrEqual(0.97);
      expect(r.meanDq, `scene ${k}`).toBeLessThan(0.01);
      agreeing += r.agree * n;
      moved += r.moved * n;
      pixels += n;
      tf.dispose([image, unary]);
    }
    // The CRF must actually act, or agreement would be trivially high.
    expect(moved / pixels).toBeGreaterThan(0.05);
    expect(agreeing / pixels).toBeGreaterThanOrEqual(0.99);
  }, 300_000);

  it.each([
    ['permutohedral', false],
    ['grid', true],
  ] as const)(
    'agree on >= 99 percent of labels on held-out scene 0 at 64x64 with FCN-8s unaries (%s, normalize %s)',
    (fastFilter, normalize) => {
      const { image, unary } = sceneProblem(0, weights);
      const r = compareFastExact(image, unary, { fastFilter, normalize });
      console.log(
        `scene 0 ${fastFilter} normalize ${normalize}: label agreement ${r.agree}, CRF moved ${r.moved} of labels, |dQ| mean ${r.meanDq} max ${r.maxDq}`,
      );
      expect(r.moved).toBeGreaterThan(0.05);
      expect(r.agree).toBeGreaterThanOrEqual(0.99);
      expect(r.meanDq).toBeLessThan(0.01);
      tf.dispose([image, unary]);
    },
    180_000,
  );

  // A harder case than any scene: 11 nearly tied labels of pure noise, so small message errors
  // flip labels. Measured 97.3 percent (permutohedral) and 97.9 (grid); a regression guard.
  it('agree on >= 96 percent of labels on a photo with a noisy 11-label unary', () => {
    const image = photo('chelsea', 64);
    const unary = noisyUnary(image, 11, 5);
    const r = compareFastExact(image, unary, {});
    console.log(`chelsea, noisy unary: label agreement ${r.agree}, CRF moved ${r.moved}`);
    expect(r.moved).toBeGreaterThan(0.1);
    expect(r.agree).toBeGreaterThanOrEqual(0.96);
    tf.dispose([image, unary]);
  }, 180_000);
});

describe('filter leaks', () => {
  it('features, kernels, grid build/dispose and every message function free their temporaries', () => {
    const image = photo('chelsea', 16);
    const before = tf.memory().numTensors;
    const f = appearanceFeatures(image, 60, 20);
    const s = smoothnessFeatures(16, 16, 3);
    const q = tf.tidy(() => tf.softmax(tf.randomNormal<tf.Rank.R2>([256, 3])));
    const q3 = tf.reshape<tf.Rank.R3>(q, [16, 16, 3]);
    const grid = buildBilateralGrid(f);
    const lattice = buildPermutohedralLattice(f);
    const made = tf.memory().numTensors;
    const outs = [
      bilateralGridMessages(grid, q),
      permutohedralMessages(lattice, q),
      exactGaussianMessages(f, q),
      exactGaussianKernel(f),
      separableGaussianMessages(q3, 3),
      exactSpatialGaussianMessages(q3, 3),
    ];
    expect(tf.memory().numTensors).toBe(made + outs.length);
    tf.dispose(outs);
    grid.dispose();
    lattice.dispose();
    tf.dispose([f, s, q, q3]);
    expect(tf.memory().numTensors).toBe(before);
    image.dispose();
  });
});
