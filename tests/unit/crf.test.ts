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

/** Deterministic uniform numbers in [0, 1) (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Brute {
  q: Float64Array[];
  energy: number[];
}

/**
 * Mean field written from the paper's definitions with plain loops over every pixel pair, in
 * float64: messages sum_{j != i} k(f_i, f_j) Q_j(l'), Potts potential, softmax update, and the
 * free energy (1/N) sum Q (U + P/2 + ln Q).
 */
function bruteForceMeanField(
  rgb01: Float64Array,
  unary: Float64Array,
  h: number,
  w: number,
  labels: number,
  p: CrfParams,
  normalize = false,
): Brute {
  const n = h * w;
  const pairwise = (q: Float64Array): Float64Array => {
    const out = new Float64Array(n * labels);
    for (let i = 0; i < n; i++) {
      const [xi, yi] = [i % w, Math.floor(i / w)];
      const mA = new Float64Array(labels);
      const mS = new Float64Array(labels);
      let [nA, nS] = [0, 0];
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        const [xj, yj] = [j % w, Math.floor(j / w)];
        const dp2 = (xi - xj) ** 2 + (yi - yj) ** 2;
        let dc2 = 0;
        for (let c = 0; c < 3; c++)
          dc2 += (255 * ((rgb01[i * 3 + c] ?? 0) - (rgb01[j * 3 + c] ?? 0))) ** 2;
        const kA = Math.exp(-dp2 / (2 * p.thetaAlpha ** 2) - dc2 / (2 * p.thetaBeta ** 2));
        const kS = Math.exp(-dp2 / (2 * p.thetaGamma ** 2));
        nA += kA;
        nS += kS;
        for (let l = 0; l < labels; l++) {
          mA[l] = (mA[l] ?? 0) + kA * (q[j * labels + l] ?? 0);
          mS[l] = (mS[l] ?? 0) + kS * (q[j * labels + l] ?? 0);
        }
      }
      const [dA, dS] = normalize ? [nA, nS] : [1, 1];
      const m = mA.map((a, l) => (p.w1 * a) / dA + (p.w2 * (mS[l] ?? 0)) / dS);
      for (let l = 0; l < labels; l++) {
        let s = 0;
        for (let l2 = 0; l2 < labels; l2++) if (l2 !== l) s += m[l2] ?? 0;
        out[i * labels + l] = s;
      }
    }
    return out;
  };
  const softmaxNeg = (a: Float64Array): Float64Array => {
    const q = new Float64Array(n * labels);
    for (let i = 0; i < n; i++) {
      let max = -Infinity;
      for (let l = 0; l < labels; l++) max = Math.max(max, -(a[i * labels + l] ?? 0));
      let z = 0;
      for (let l = 0; l < labels; l++) z += Math.exp(-(a[i * labels + l] ?? 0) - max);
      for (let l = 0; l < labels; l++)
        q[i * labels + l] = Math.exp(-(a[i * labels + l] ?? 0) - max) / z;
    }
    return q;
  };
  const energy = (q: Float64Array, pw: Float64Array): number => {
    let e = 0;
    for (let t = 0; t < n * labels; t++) {
      const qt = q[t] ?? 0;
      e += qt * ((unary[t] ?? 0) + 0.5 * (pw[t] ?? 0) + Math.log(Math.max(qt, 1e-30)));
    }
    return e / n;
  };
  let q = softmaxNeg(unary);
  let pw = pairwise(q);
  const result: Brute = { q: [q], energy: [energy(q, pw)] };
  for (let t = 0; t < p.iterations; t++) {
    q = softmaxNeg(unary.map((u, k) => u + (pw[k] ?? 0)));
    pw = pairwise(q);
    result.q.push(q);
    result.energy.push(energy(q, pw));
  }
  return result;
}

function randomProblem(h: number, w: number, labels: number, seed: number) {
  const r = rng(seed);
  const rgb = Float64Array.from({ length: h * w * 3 }, r);
  const unary = Float64Array.from({ length: h * w * labels }, () => 3 * r());
  return { rgb, unary };
}

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
