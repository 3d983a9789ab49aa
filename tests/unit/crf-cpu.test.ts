import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { disposeFcnResult, fcnForward } from '../../src/lib/fcn/fcn';
import { disposeFcnWeights, loadFcnWeights, type FcnWeights } from '../../src/lib/fcn/weights';
import { cpuFigureTensors, cpuProblemData, downscaleForCrf } from '../../src/lib/crf/crf-figure';
import {
  appearanceFeatures,
  buildLatticePlan,
  CpuMeanField,
  DEFAULT_CRF_PARAMS,
  LATTICE_TAPS,
  makeSplatFilter,
  prepareCpuKernels,
  resolveCrfParams,
  runCpuMeanField,
  runMeanField,
  unaryFromLogits,
} from '../../src/lib/crf/index';
import { fileFetch } from '../../scripts/lib/file-fetch';
import { bruteForceMeanField, randomProblem } from './crf-brute-force';

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs((a[k] ?? 0) - (b[k] ?? NaN)));
  return m;
};

function argmax(q: ArrayLike<number>, labels: number): Int32Array {
  const n = q.length / labels;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let l = 1; l < labels; l++)
      if ((q[i * labels + l] ?? 0) > (q[i * labels + best] ?? 0)) best = l;
    out[i] = best;
  }
  return out;
}

const agreement = (a: Int32Array, b: Int32Array) =>
  a.filter((v, k) => v === b[k]).length / a.length;

describe('typed-array mean field, exact kernels', () => {
  it.each([
    [{ ...DEFAULT_CRF_PARAMS, iterations: 5 }, true],
    [{ w1: 5, thetaAlpha: 4, thetaBeta: 40, w2: 2, thetaGamma: 1.5, iterations: 5 }, true],
    [{ w1: 5, thetaAlpha: 4, thetaBeta: 40, w2: 2, thetaGamma: 1.5, iterations: 5 }, false],
  ] as const)(
    'equals a float64 brute-force reference at 32x32, 3 labels (%o, normalize %s)',
    (opts, normalize) => {
      const [h, w, labels] = [32, 32, 3];
      const { rgb, unary } = randomProblem(h, w, labels, 13);
      const params = resolveCrfParams(opts);
      const ref = bruteForceMeanField(rgb, unary, h, w, labels, params, normalize);
      const kernels = prepareCpuKernels(rgb, h, w, params, normalize, 'exact');
      const run = new CpuMeanField(kernels, unary, labels, params);
      for (let t = 0; t <= params.iterations; t++) {
        run.goTo(t);
        // The exact path's tolerances (crf.test.ts): 2e-5 on probabilities, 1e-4 relative on F.
        expect(maxDiff(ref.q[t] ?? [], run.q)).toBeLessThan(2e-5);
        const e = ref.energy[t] ?? NaN;
        expect(Math.abs((run.trace[t]?.energy ?? NaN) - e)).toBeLessThan(
          1e-4 * Math.max(1, Math.abs(e)),
        );
      }
      // The CRF moved labels, so the comparison is not trivial.
      const first = argmax(ref.q[0] ?? [], labels);
      expect(agreement(first, argmax(run.q, labels))).toBeLessThan(0.99);
    },
    120_000,
  );
});

describe('typed-array lattice', () => {
  it('has the self term the blur gives (the tfjs filter computes it from the blur itself)', () => {
    const { rgb } = randomProblem(24, 20, 1, 3);
    const f = tf.tidy(() =>
      appearanceFeatures(tf.tensor3d(Float32Array.from(rgb), [24, 20, 3]), 6, 30),
    );
    const plan = buildLatticePlan(f.dataSync(), 480, 5);
    const { self, ...rest } = plan;
    const filter = makeSplatFilter({ ...rest, kind: 'permutohedral', axes: 6, taps: LATTICE_TAPS });
    const fromBlur = filter.selfWeight.dataSync();
    expect(maxDiff(self, fromBlur)).toBeLessThan(1e-6 * Math.max(...self));
    expect(Math.min(...self)).toBeGreaterThan(0);
    filter.dispose();
    f.dispose();
  });
});

/** Committed test scene `k` and its FCN-8s unary at `side` x `side`, as tensors. */
function sceneProblem(k: number, weights: FcnWeights, side: number) {
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
  const small = downscaleForCrf(full, logits, truth, side);
  const unary = unaryFromLogits(small.logits);
  tf.dispose([full, logits, truth, small.logits, small.truth]);
  return { image: small.image, unary };
}

describe('typed-array vs tfjs mean field on held-out scenes with FCN-8s unaries', () => {
  let weights: FcnWeights;
  beforeAll(async () => {
    weights = await loadFcnWeights('public/weights/model.json', { fetch: fileFetch });
  });
  afterAll(() => disposeFcnWeights(weights));

  it.each([
    [0, 64, {}],
    [2, 64, { w1: 5, thetaAlpha: 20, thetaBeta: 5 }],
    [5, 64, {}],
  ] as const)(
    'scene %i at %i px (%o): the same labels as the tfjs lattice on >= 99.9 percent of pixels, and >= 97 percent as exact',
    (k, side, opts) => {
      const { image, unary } = sceneProblem(k, weights, side);
      const labels = unary.shape[2];
      const tfjs = runMeanField(image, unary, { ...opts, method: 'fast' });
      const exact = runMeanField(image, unary, { ...opts, method: 'exact' });
      const cpu = runCpuMeanField(image.dataSync(), unary.dataSync(), side, side, labels, opts);
      const ours = argmax(cpu.q, labels);
      const theirs = argmax(tfjs.q.dataSync(), labels);
      const truth = argmax(exact.q.dataSync(), labels);
      const unaryLabels = argmax(tf.tidy(() => tf.neg(unary)).dataSync(), labels);
      const sameAsTfjs = agreement(ours, theirs);
      const sameAsExact = agreement(ours, truth);
      const moved = 1 - agreement(ours, unaryLabels);
      console.log(
        `scene ${k} ${side}px ${JSON.stringify(opts)}: typed-array vs tfjs lattice ${sameAsTfjs}, vs exact ${sameAsExact} (tfjs lattice vs exact ${agreement(theirs, truth)}), CRF moved ${moved}, max |dQ| vs tfjs ${maxDiff(cpu.q, tfjs.q.dataSync())}`,
      );
      expect(moved).toBeGreaterThan(0.02);
      expect(sameAsTfjs).toBeGreaterThanOrEqual(0.999);
      // The lattice's own error against the exact kernel sums: the per-scene floor of
      // crf-filters.test.ts (the pooled 99 percent is asserted there); 98.1 measured on scene 2.
      expect(sameAsExact).toBeGreaterThanOrEqual(0.97);
      tf.dispose([image, unary, tfjs.q, exact.q]);
    },
    300_000,
  );
});

describe('stepping', () => {
  const { rgb, unary } = randomProblem(20, 24, 4, 21);
  const params = resolveCrfParams({ w1: 8, thetaAlpha: 10, thetaBeta: 30, iterations: 6 });
  const kernels = prepareCpuKernels(rgb, 20, 24, params);

  it('costs one message pass per iteration and continues from the last state', () => {
    const run = new CpuMeanField(kernels, unary, 4, params, true);
    expect(run.messagePasses).toBe(1);
    run.goTo(3);
    expect(run.messagePasses).toBe(4);
    run.step();
    expect([run.iteration, run.messagePasses]).toEqual([4, 5]);
    const fresh = new CpuMeanField(kernels, unary, 4, params);
    fresh.goTo(4);
    expect(Array.from(run.q)).toEqual(Array.from(fresh.q));
    expect(run.trace).toEqual(fresh.trace);
  });

  it('going back recalls a kept state without recomputing, and forward again continues', () => {
    const run = new CpuMeanField(kernels, unary, 4, params, true);
    run.goTo(6);
    const at6 = run.q.slice();
    const passes = run.messagePasses;
    run.goTo(2);
    expect(run.messagePasses).toBe(passes);
    expect(run.trace).toHaveLength(3);
    const fresh = new CpuMeanField(kernels, unary, 4, params);
    fresh.goTo(2);
    expect(Array.from(run.q)).toEqual(Array.from(fresh.q));
    expect(Array.from(run.travel)).toEqual(Array.from(fresh.travel));
    run.goTo(6);
    expect(run.messagePasses).toBe(passes);
    expect(Array.from(run.q)).toEqual(Array.from(at6));
    // Without history, going back replays from iteration 0 to the same state.
    const replay = new CpuMeanField(kernels, unary, 4, params);
    replay.goTo(6);
    replay.goTo(2);
    expect(Array.from(replay.q)).toEqual(Array.from(fresh.q));
  });

  it('with w1 = w2 = 0 keeps softmax(-U) and changes nothing', () => {
    const run = new CpuMeanField(kernels, unary, 4, { w1: 0, w2: 0 });
    const q0 = run.q.slice();
    run.goTo(5);
    expect(maxDiff(q0, run.q)).toBeLessThan(1e-6);
    expect(run.trace.map((t) => t.changed)).toEqual([0, 0, 0, 0, 0, 0]);
  });
});

describe('kernel reuse', () => {
  it('withThetaGamma keeps the lattice and equals a fresh preparation with that thetaGamma', () => {
    const { rgb, unary } = randomProblem(20, 24, 4, 8);
    const params = resolveCrfParams({ w1: 8, thetaAlpha: 10, thetaBeta: 30, iterations: 4 });
    const kernels = prepareCpuKernels(rgb, 20, 24, params);
    const swapped = kernels.withThetaGamma(1.5);
    const fresh = prepareCpuKernels(rgb, 20, 24, { ...params, thetaGamma: 1.5 });
    expect([swapped.thetaGamma, swapped.thetaAlpha, swapped.thetaBeta]).toEqual([1.5, 10, 30]);
    expect(swapped.latticeVertices).toBe(kernels.latticeVertices);
    const a = new CpuMeanField(swapped, unary, 4, params);
    const b = new CpuMeanField(fresh, unary, 4, params);
    const c = new CpuMeanField(kernels, unary, 4, params);
    [a, b, c].forEach((run) => run.goTo(4));
    expect(Array.from(a.q)).toEqual(Array.from(b.q));
    // thetaGamma matters: the original kernels give another result.
    expect(maxDiff(a.q, c.q)).toBeGreaterThan(1e-4);
    expect(() => kernels.withThetaGamma(0)).toThrow('invalid thetaGamma: 0');
    expect(() => kernels.withThetaGamma(Number.NaN)).toThrow('invalid thetaGamma: NaN');
  });
});

describe('refusals', () => {
  const rgb = new Float32Array(4 * 4 * 3);
  const unary = new Float32Array(4 * 4 * 2);
  it.each([
    [{ thetaAlpha: 0 }, 'invalid thetaAlpha: 0'],
    [{ thetaBeta: -1 }, 'invalid thetaBeta: -1'],
    [{ thetaGamma: Number.NaN }, 'invalid thetaGamma: NaN'],
    [{ w1: Number.NaN }, 'invalid w1: NaN'],
    [{ iterations: -1 }, 'invalid iterations: -1 (expected an integer in 0..100)'],
    [{ iterations: 1e6 }, 'invalid iterations: 1000000'],
    [{ method: 'approx' }, 'invalid method: "approx"'],
  ])('refuses %o with its name and value', (opts, message) => {
    expect(() => runCpuMeanField(rgb, unary, 4, 4, 2, opts as never)).toThrow(message);
  });

  it('refuses a unary of the wrong shape, 0 labels, and a wrong image', () => {
    expect(() => runCpuMeanField(rgb, new Float32Array(4 * 4 * 3), 4, 4, 2)).toThrow(
      'invalid unary length: 48 (expected 32 (H x W x L = 4 x 4 x 2))',
    );
    expect(() => runCpuMeanField(rgb, new Float32Array(0), 4, 4, 0)).toThrow(
      'invalid unary labels: 0 (expected an integer in 2..1000)',
    );
    expect(() => runCpuMeanField(new Float32Array(10), unary, 4, 4, 2)).toThrow(
      'invalid image length: 10 (expected 48 (H x W x 3))',
    );
    expect(() => runCpuMeanField(rgb, unary, 0, 4, 2)).toThrow('invalid height: 0');
    const bad = unary.slice();
    bad[5] = Number.POSITIVE_INFINITY;
    expect(() => runCpuMeanField(rgb, bad, 4, 4, 2)).toThrow('invalid unary[5]: Infinity');
  });
});

describe('tensor boundary', () => {
  it('cpuProblemData and cpuFigureTensors read tensors and returns tensors the caller owns, leaving nothing else behind', async () => {
    const { rgb, unary } = randomProblem(12, 10, 3, 4);
    const image = tf.tensor3d(Float32Array.from(rgb), [12, 10, 3]);
    const u = tf.tensor3d(Float32Array.from(unary), [12, 10, 3]);
    const before = tf.memory().numTensors;
    const data = await cpuProblemData(image, u);
    expect(tf.memory().numTensors).toBe(before);
    const kernels = prepareCpuKernels(data.rgb, data.height, data.width, DEFAULT_CRF_PARAMS);
    const run = new CpuMeanField(kernels, data.unary, data.labels, DEFAULT_CRF_PARAMS);
    run.goTo(3);
    const fig = cpuFigureTensors(run);
    expect(tf.memory().numTensors).toBe(before + 3);
    expect(fig.q.shape).toEqual([12, 10, 3]);
    tf.dispose([fig.q, fig.travel, fig.settled]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([image, u]);
  });
});
