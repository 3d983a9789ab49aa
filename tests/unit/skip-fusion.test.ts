import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disposeFcnResult, fcnForward } from '../../src/lib/fcn/fcn';
import { confusionMatrix } from '../../src/lib/fcn/metrics';
import { SKIP_STREAMS, SKIP_VARIANTS, skipFusionFigure } from '../../src/lib/fcn/skip-fusion';
import { disposeFcnWeights, loadFcnWeights, type FcnWeights } from '../../src/lib/fcn/weights';
import { fileFetch } from '../../scripts/lib/file-fetch';
import { prng } from '../reference/ops-golden';

const WEIGHTS = process.env.PW_WEIGHTS_DIR ?? 'public/weights';

let weights: FcnWeights;
let image: tf.Tensor3D;
let truth: tf.Tensor2D;

beforeAll(async () => {
  weights = await loadFcnWeights(`${WEIGHTS}/model.json`, { fetch: fileFetch });
  const rand = prng(7);
  image = tf.tensor3d(Float32Array.from({ length: 64 * 64 * 3 }, rand), [64, 64, 3]);
  truth = tf.tensor2d(
    Int32Array.from({ length: 64 * 64 }, (_, i) => ((i >> 4) % 4 === 0 ? 3 : 0)),
    [64, 64],
    'int32',
  );
});

afterAll(() => {
  tf.dispose([image, truth]);
  disposeFcnWeights(weights);
});

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] ?? NaN);
}

describe('skipFusionFigure', () => {
  for (const skip of [{}, { pool4: 0, pool3: 0 }, { pool4: 0.5, pool3: 2 }]) {
    it(`gives each variant's own logits from one pass (skip weights ${JSON.stringify(skip)})`, () => {
      const f = skipFusionFigure(weights, image, truth, skip);
      for (const variant of SKIP_VARIANTS) {
        const r = fcnForward(weights, tf.expandDims(image, 0), { variant, skipWeights: skip });
        const expected = tf.squeeze(r.logits, [0]);
        const scale = tf.tidy(() => tf.max(tf.abs(expected)).dataSync()[0] ?? 1);
        expect(maxAbsDiff(f.logits[variant], expected), variant).toBeLessThan(1e-4 * scale);
        // The streams are the 8s pass's stages.
        if (variant === '8s') {
          for (const name of SKIP_STREAMS) {
            const stage = tf.squeeze(r.intermediates.get(name) as tf.Tensor, [0]);
            expect(maxAbsDiff(f.streams[name], stage), name).toBe(0);
            stage.dispose();
          }
        }
        expected.dispose();
        disposeFcnResult(r);
      }
      tf.dispose(f);
    });
  }

  it('scores every variant against the truth and measures each stream per class', async () => {
    const f = skipFusionFigure(weights, image, truth);
    const confusion = await f.confusion.array();
    const t = await truth.data();
    for (const [k, variant] of SKIP_VARIANTS.entries()) {
      const pred = await tf.tidy(() => tf.argMax(f.logits[variant], 2)).data();
      expect(confusion[k], variant).toEqual(confusionMatrix(pred, t, 11));
    }
    const absMax = await f.streamAbsMax.array();
    expect(absMax).toHaveLength(SKIP_STREAMS.length);
    for (const [s, name] of SKIP_STREAMS.entries()) {
      const planes = await f.streams[name].array();
      for (const c of [0, 3, 10]) {
        const expected = Math.max(...planes.flat().map((v) => Math.abs(v[c] ?? 0)));
        expect(absMax[s]?.[c], `${name} class ${c}`).toBeCloseTo(expected, 5);
      }
    }
    const counts = Array.from(await f.truthCounts.data());
    expect(counts[3]).toBe(Array.from(t).filter((v) => v === 3).length);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(64 * 64);
    tf.dispose(f);
  });

  it('rejects a ground truth of another size, naming it', () => {
    const wrong = tf.zeros<tf.Rank.R2>([32, 64], 'int32');
    expect(() => skipFusionFigure(weights, image, wrong)).toThrow(/truth shape.*\[32, 64\]/);
    wrong.dispose();
  });

  it('leaks no tensors (the caller disposes the result)', () => {
    const before = tf.memory().numTensors;
    tf.dispose(skipFusionFigure(weights, image, truth, { pool4: 0.25 }));
    expect(tf.memory().numTensors).toBe(before);
  });
});
