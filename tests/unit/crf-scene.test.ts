import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CrfScene, crfSceneData, EXACT_SIDE, type CrfSceneData } from '../../src/lib/crf/crf-scene';
import {
  CpuMeanField,
  prepareCpuKernels,
  TUNED_CRF_PARAMS,
  unaryFromLogits,
} from '../../src/lib/crf/index';
import { disposeFcnWeights, loadFcnWeights, type FcnWeights } from '../../src/lib/fcn/weights';
import { fileFetch } from '../../scripts/lib/file-fetch';

let weights: FcnWeights;
let data: CrfSceneData;

/** A 64 x 64 scene: two flat halves with noise, and a ground truth that splits them. */
function scene(): { image: tf.Tensor3D; truth: tf.Tensor2D } {
  return tf.tidy(() => {
    const x = tf.tile(tf.reshape(tf.range(0, 64), [1, 64, 1]), [64, 1, 1]);
    const left = tf.cast(tf.less(x, 32), 'float32');
    const base = tf.concat([tf.mul(left, 0.8), tf.mul(left, 0.3), tf.sub(1, left)], 2);
    const image = tf.clipByValue(
      tf.add(base, tf.randomUniform([64, 64, 3], -0.1, 0.1, 'float32', 11)),
      0,
      1,
    ) as tf.Tensor3D;
    const truth = tf.cast(tf.squeeze(tf.mul(left, 3), [2]), 'int32') as tf.Tensor2D;
    return { image, truth };
  });
}

beforeAll(async () => {
  weights = await loadFcnWeights('public/weights/model.json', { fetch: fileFetch });
  const { image, truth } = scene();
  data = await crfSceneData(weights, image, truth);
  tf.dispose([image, truth]);
});
afterAll(() => disposeFcnWeights(weights));

const params = { ...TUNED_CRF_PARAMS, iterations: 5 };

describe('crfSceneData and CrfScene', () => {
  it('reads back the scene, FCN-8s’s 11 scores per pixel and the candidate classes', () => {
    expect(data.side).toBe(64);
    expect(data.rgb.length).toBe(64 * 64 * 3);
    expect(data.logits.length).toBe(64 * 64 * 11);
    expect(data.truth.length).toBe(64 * 64);
    expect(data.classes.length).toBeGreaterThanOrEqual(2);
    expect([...data.classes]).toEqual([...data.classes].sort((a, b) => a - b));
  });

  it('the typed-array path gives the same labels and trace as CpuMeanField on the same problem', async () => {
    const result = await new CrfScene(data).run(params, 'fast', 'typed-array');
    const kept = tf.tidy(() =>
      unaryFromLogits(
        tf.gather<tf.Tensor3D>(tf.tensor3d(data.logits, [64, 64, 11]), [...data.classes], 2),
      ),
    );
    const unary = await kept.data();
    kept.dispose();
    const kernels = prepareCpuKernels(data.rgb, 64, 64, params, true, 'fast');
    const run = new CpuMeanField(kernels, unary, data.classes.length, params);
    run.goTo(params.iterations);
    const expected = Array.from(run.labels(), (c) => data.classes[c]);
    expect(Array.from(result.labels)).toEqual(expected);
    expect(result.trace.map((t) => t.changed)).toEqual(run.trace.map((t) => t.changed));
    expect(result.passes).toBe(params.iterations + 1);
    expect(result.before).toBeGreaterThanOrEqual(0);
    expect(result.after).toBeLessThanOrEqual(1);
  });

  it('continues a kept run: 5 then 7 iterations cost 2 more message passes, back to 3 costs none', async () => {
    const s = new CrfScene(data);
    expect((await s.run(params, 'fast', 'typed-array')).passes).toBe(6);
    expect((await s.run({ ...params, iterations: 7 }, 'fast', 'typed-array')).passes).toBe(8);
    const back = await s.run({ ...params, iterations: 3 }, 'fast', 'typed-array');
    expect(back.passes).toBe(8);
    expect(back.trace.length).toBe(4);
  });

  it('an abort stops the run between iterations, within one iteration, and frees its tensors', async () => {
    const s = new CrfScene(data);
    const controller = new AbortController();
    let reached = 0;
    const before = tf.memory().numTensors;
    await expect(
      s.run({ ...params, iterations: 20 }, 'fast', 'typed-array', {
        signal: controller.signal,
        onIteration: (t) => {
          reached = t;
          if (t === 2) controller.abort(new Error('superseded'));
        },
      }),
    ).rejects.toThrow('superseded');
    expect(reached).toBe(2);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('the exact path runs on the small copy and reports its agreement with the fast path', async () => {
    const r = await new CrfScene(data).run(params, 'exact', 'typed-array');
    expect(r.side).toBe(EXACT_SIDE);
    expect(r.labels.length).toBe(EXACT_SIDE * EXACT_SIDE);
    expect(r.agreement).toBeGreaterThan(0.5);
    expect(r.agreement).toBeLessThanOrEqual(1);
  });

  it('the typed-array and tfjs paths agree on almost every label', async () => {
    const s = new CrfScene(data);
    const a = await s.run(params, 'fast', 'typed-array');
    const b = await s.run(params, 'fast', 'tfjs');
    let same = 0;
    for (let i = 0; i < a.labels.length; i++) if (a.labels[i] === b.labels[i]) same++;
    expect(same / a.labels.length).toBeGreaterThan(0.95);
    expect(Number.isNaN(b.passes)).toBe(true);
  });

  it('leaks no tensors on any path', async () => {
    const { image, truth } = scene();
    const before = tf.memory().numTensors;
    const d = await crfSceneData(weights, image, truth);
    const s = new CrfScene(d);
    await s.run(params, 'fast', 'typed-array');
    await s.run(params, 'fast', 'tfjs');
    await s.run(params, 'exact', 'typed-array');
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([image, truth]);
  });

  it('rejects bad options with name and value', async () => {
    const s = new CrfScene(data);
    await expect(s.run(params, 'slow' as 'fast', 'typed-array')).rejects.toThrow(/method/);
    await expect(s.run({ ...params, iterations: -1 }, 'fast', 'typed-array')).rejects.toThrow(
      /iterations: -1/,
    );
  });
});
