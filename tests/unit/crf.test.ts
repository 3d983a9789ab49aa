import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CRF_PARAMS,
  initialMeanFieldState,
  meanFieldStep,
  disposeMeanFieldState,
  prepareMeanField,
  probabilitiesFromUnary,
  resolveCrfParams,
  runMeanField,
  unaryFromLogits,
  type CrfParams,
} from '../../src/lib/crf/index';
import { bruteForceMeanField, randomProblem } from './crf-brute-force';

const TINY: Partial<CrfParams>[] = [
  { ...DEFAULT_CRF_PARAMS, iterations: 5 },
  { w1: 5, thetaAlpha: 2, thetaBeta: 40, w2: 2, thetaGamma: 1.5, iterations: 5 },
];

describe('exact mean field', () => {
  it.each(TINY)('equals a float64 brute-force reference on a 6x5 image, 3 labels (%o)', (opts) => {
    const [h, w, labels] = [5, 6, 3];
    const { rgb, unary } = randomProblem(h, w, labels, 7);
    const params = resolveCrfParams(opts);
    const ref = bruteForceMeanField(rgb, unary, h, w, labels, params);
    const image = tf.tensor3d(Float32Array.from(rgb), [h, w, 3]);
    const u = tf.tensor3d(Float32Array.from(unary), [h, w, labels]);
    const problem = prepareMeanField(image, u, { ...params, method: 'exact', normalize: false });
    let state = initialMeanFieldState(problem);
    for (let t = 0; t <= params.iterations; t++) {
      if (t > 0) {
        const next = meanFieldStep(state);
        disposeMeanFieldState(state);
        state = next;
      }
      // float32 tensors against float64 loops: 2e-5 absolute on probabilities, 1e-4 relative
      // on the energy (sums of ~30 kernel terms of size up to w1 + w2).
      const got = state.q.dataSync();
      const want = ref.q[t] ?? new Float64Array();
      let maxDiff = 0;
      want.forEach((v, k) => (maxDiff = Math.max(maxDiff, Math.abs(v - (got[k] ?? NaN)))));
      expect(maxDiff).toBeLessThan(2e-5);
      const e = ref.energy[t] ?? NaN;
      expect(Math.abs(state.energy - e)).toBeLessThan(1e-4 * Math.max(1, Math.abs(e)));
      expect(state.iteration).toBe(t);
    }
    disposeMeanFieldState(state);
    problem.dispose();
    tf.dispose([image, u]);
  });

  it('with per-pixel normalisation (the default) equals the brute-force reference dividing by kernel totals', () => {
    const [h, w, labels] = [5, 6, 3];
    const { rgb, unary } = randomProblem(h, w, labels, 9);
    const params = resolveCrfParams(TINY[1]);
    const ref = bruteForceMeanField(rgb, unary, h, w, labels, params, true);
    const image = tf.tensor3d(Float32Array.from(rgb), [h, w, 3]);
    const u = tf.tensor3d(Float32Array.from(unary), [h, w, labels]);
    const { q } = runMeanField(image, u, { ...params, method: 'exact' });
    const got = q.dataSync();
    const want = ref.q[ref.q.length - 1] ?? new Float64Array();
    let maxDiff = 0;
    want.forEach((v, k) => (maxDiff = Math.max(maxDiff, Math.abs(v - (got[k] ?? NaN)))));
    expect(maxDiff).toBeLessThan(2e-5);
    tf.dispose([image, u, q]);
  });

  it('changes labels at all, so the reference comparison is not trivial', () => {
    const [h, w, labels] = [5, 6, 3];
    const { rgb, unary } = randomProblem(h, w, labels, 7);
    const ref = bruteForceMeanField(rgb, unary, h, w, labels, resolveCrfParams(TINY[1]));
    const argmax = (q: Float64Array, i: number) => {
      const row = Array.from(q.subarray(i * labels, (i + 1) * labels));
      return row.indexOf(Math.max(...row));
    };
    const first = ref.q[0] ?? new Float64Array();
    const last = ref.q[ref.q.length - 1] ?? new Float64Array();
    let changed = 0;
    for (let i = 0; i < h * w; i++) if (argmax(first, i) !== argmax(last, i)) changed++;
    expect(changed).toBeGreaterThan(0);
  });

  it('counts the pixels whose argmax changed in each step', () => {
    const { rgb, unary } = randomProblem(5, 6, 3, 11);
    const image = tf.tensor3d(Float32Array.from(rgb), [5, 6, 3]);
    const u = tf.tensor3d(Float32Array.from(unary), [5, 6, 3]);
    const problem = prepareMeanField(image, u, { ...TINY[1], method: 'exact' });
    const s0 = initialMeanFieldState(problem);
    const s1 = meanFieldStep(s0);
    const a0 = tf.argMax(s0.q, -1).dataSync();
    const a1 = tf.argMax(s1.q, -1).dataSync();
    expect(s0.changed).toBe(0);
    expect(s1.changed).toBe(a0.filter((v, k) => v !== a1[k]).length);
    [s0, s1].forEach(disposeMeanFieldState);
    problem.dispose();
    tf.dispose([image, u, tf.tensor1d(a0), tf.tensor1d(a1)]);
  });
});

describe('mean field without pairwise terms', () => {
  it.each(['exact', 'fast'] as const)(
    '%s: with w1 = w2 = 0 the output is softmax(-unary) and its argmax',
    (method) => {
      const { rgb, unary } = randomProblem(8, 9, 4, 3);
      const image = tf.tensor3d(Float32Array.from(rgb), [8, 9, 3]);
      const u = tf.tensor3d(Float32Array.from(unary), [8, 9, 4]);
      const { q, trace } = runMeanField(image, u, { w1: 0, w2: 0, method });
      const p = probabilitiesFromUnary(u);
      expect(tf.max(tf.abs(tf.sub(q, p))).dataSync()[0]).toBeLessThan(1e-6);
      expect(Array.from(tf.argMax(q, -1).dataSync())).toEqual(
        Array.from(tf.argMin(u, -1).dataSync()),
      );
      expect(trace.map((t) => t.changed)).toEqual(new Array(11).fill(0));
      tf.dispose([image, u, q, p]);
    },
  );
});

describe('unaryFromLogits', () => {
  it('is -log softmax, so softmax(-unary) gives back the classifier probabilities', () => {
    const logits = tf.tensor3d([1, 2, 3, -1, 0, 5], [1, 2, 3]);
    const u = unaryFromLogits(logits);
    const row = [1, 2, 3].map(Math.exp);
    const z = row.reduce((a, b) => a + b, 0);
    expect(u.dataSync()[0]).toBeCloseTo(-Math.log((row[0] ?? 0) / z), 5);
    const p = probabilitiesFromUnary(u);
    expect(tf.max(tf.abs(tf.sub(p, tf.softmax(logits)))).dataSync()[0]).toBeLessThan(1e-6);
    tf.dispose([logits, u, p]);
  });
});

describe('parameter validation', () => {
  const image = () => tf.zeros<tf.Rank.R3>([4, 4, 3]);
  const unary = () => tf.zeros<tf.Rank.R3>([4, 4, 2]);
  it.each([
    [{ w1: -1 }, 'invalid w1: -1 (expected a number in 0..1000)'],
    [{ w2: Number.NaN }, 'invalid w2: NaN'],
    [{ thetaAlpha: 0 }, 'invalid thetaAlpha: 0'],
    [{ thetaBeta: -3 }, 'invalid thetaBeta: -3'],
    [{ thetaGamma: 0 }, 'invalid thetaGamma: 0'],
    [{ iterations: 101 }, 'invalid iterations: 101 (expected an integer in 0..100)'],
    [{ iterations: 2.5 }, 'invalid iterations: 2.5'],
    [{ method: 'approx' }, 'invalid method: "approx"'],
    [{ fastFilter: 'octree' }, 'invalid fastFilter: "octree"'],
  ])('rejects %o clearly', (opts, message) => {
    const [i, u] = [image(), unary()];
    expect(() => prepareMeanField(i, u, opts as never)).toThrow(message);
    tf.dispose([i, u]);
  });

  it('rejects mismatched shapes', () => {
    const i = image();
    const wrong = tf.zeros<tf.Rank.R3>([4, 5, 2]);
    const rgba = tf.zeros<tf.Rank.R3>([4, 4, 4]);
    const one = tf.zeros<tf.Rank.R3>([4, 4, 1]);
    const u = unary();
    expect(() => prepareMeanField(i, wrong)).toThrow(
      'invalid unary shape: "[4, 5, 2]" (expected [4, 4, L] like the image)',
    );
    expect(() => prepareMeanField(rgba, u)).toThrow('invalid image channels: 4 (expected 3 (RGB))');
    expect(() => prepareMeanField(i, one)).toThrow('invalid unary labels: 1');
    tf.dispose([i, wrong, rgba, one, u]);
  });
});

describe('leaks', () => {
  it('runMeanField, prepareMeanField, steps and unaries leave no tensors behind', () => {
    const { rgb, unary } = randomProblem(6, 7, 3, 5);
    const image = tf.tensor3d(Float32Array.from(rgb), [6, 7, 3]);
    const u = tf.tensor3d(Float32Array.from(unary), [6, 7, 3]);
    const before = tf.memory().numTensors;
    for (const method of ['exact', 'fast'] as const) {
      const { q } = runMeanField(image, u, { method, iterations: 3 });
      q.dispose();
      const problem = prepareMeanField(image, u, { method });
      const s0 = initialMeanFieldState(problem);
      const s1 = meanFieldStep(s0);
      [s0, s1].forEach(disposeMeanFieldState);
      problem.dispose();
    }
    tf.dispose([unaryFromLogits(u), probabilitiesFromUnary(u)]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([image, u]);
  });
});
