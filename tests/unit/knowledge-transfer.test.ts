import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disposeFcnResult, fcnForward } from '../../src/lib/fcn/fcn';
import { confusionMatrix } from '../../src/lib/fcn/metrics';
import { TRANSFER_STAGES, knowledgeTransferFigure } from '../../src/lib/fcn/knowledge-transfer';
import {
  CLASSIFIER_WEIGHT_SHAPES,
  FCN_WEIGHT_SHAPES,
  disposeFcnWeights,
  loadFcnWeights,
  type FcnWeights,
} from '../../src/lib/fcn/weights';
import { fileFetch } from '../../scripts/lib/file-fetch';
import { prng } from '../reference/ops-golden';

const WEIGHTS = process.env.PW_WEIGHTS_DIR ?? 'public/weights';

let fcn: FcnWeights;
/** A stand-in classifier: the FCN's classifier tensors, every value perturbed by noise. */
let classifier: FcnWeights;
let image: tf.Tensor3D;
let truth: tf.Tensor2D;

beforeAll(async () => {
  fcn = await loadFcnWeights(`${WEIGHTS}/model.json`, { fetch: fileFetch });
  const rand = prng(11);
  classifier = {
    tensors: new Map(
      Object.keys(CLASSIFIER_WEIGHT_SHAPES).map((name) => {
        const t = fcn.tensors.get(name);
        if (!t) throw new Error(`no ${name}`);
        const noise = Float32Array.from({ length: t.size }, () => 0.5 + rand());
        return [name, tf.tidy(() => tf.mul(t, tf.tensor(noise, t.shape)))] as const;
      }),
    ),
    byteLength: 0,
  };
  image = tf.tensor3d(Float32Array.from({ length: 64 * 96 * 3 }, prng(5)), [64, 96, 3]);
  truth = tf.tensor2d(
    Int32Array.from({ length: 64 * 96 }, (_, i) => ((i >> 5) % 3 === 0 ? 4 : 0)),
    [64, 96],
    'int32',
  );
});

afterAll(() => {
  tf.dispose([image, truth]);
  disposeFcnWeights(fcn);
  disposeFcnWeights(classifier);
});

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] ?? NaN);
}

describe('the shipped classifier’s tensors', () => {
  it('are the FCN’s up to score_fr, with no decoder', () => {
    const names = Object.keys(CLASSIFIER_WEIGHT_SHAPES);
    expect(names).toContain('conv1_1/kernel');
    expect(names).toContain('score_fr/bias');
    expect(names.filter((n) => /upscore|score_pool/.test(n))).toEqual([]);
    for (const n of names) expect(CLASSIFIER_WEIGHT_SHAPES[n]).toEqual(FCN_WEIGHT_SHAPES[n]);
    // upscore2, score_pool4 (kernel, bias), upscore_pool4, score_pool3 (kernel, bias).
    expect(Object.keys(FCN_WEIGHT_SHAPES).length - names.length).toBe(6);
  });

  it('are what the loader asks of a classifier file: the FCN file has extra tensors', async () => {
    await expect(
      loadFcnWeights(`${WEIGHTS}/model.json`, {
        fetch: fileFetch,
        shapes: CLASSIFIER_WEIGHT_SHAPES,
      }),
    ).rejects.toThrow(/unexpected tensor "(upscore|score_pool)/);
  });

  it.runIf(existsSync(`${WEIGHTS}/classifier/model.json`))(
    'load from the shipped uint8 file, leaving no tensor behind when disposed',
    async () => {
      const before = tf.memory().numTensors;
      const w = await loadFcnWeights(`${WEIGHTS}/classifier/model.json`, {
        fetch: fileFetch,
        shapes: CLASSIFIER_WEIGHT_SHAPES,
      });
      expect([...w.tensors.keys()].sort()).toEqual(Object.keys(CLASSIFIER_WEIGHT_SHAPES).sort());
      disposeFcnWeights(w);
      expect(tf.memory().numTensors).toBe(before);
    },
  );
});

describe('knowledgeTransferFigure', () => {
  it('slides the classifier as FCN-32s’s path on its weights, and scores every stage', async () => {
    const f = knowledgeTransferFigure(classifier, fcn, image, truth);
    const batch = tf.expandDims<tf.Tensor4D>(image, 0);
    const refs = {
      classifier: fcnForward(classifier, batch, { variant: '32s' }),
      '32s': fcnForward(fcn, batch, { variant: '32s' }),
      '8s': fcnForward(fcn, batch, { variant: '8s' }),
    };
    try {
      expect(f.coarse.shape).toEqual([2, 3, 11]);
      const scoreFr = refs.classifier.intermediates.get('score_fr');
      if (!scoreFr) throw new Error('no score_fr');
      expect(maxAbsDiff(f.coarse, tf.squeeze(scoreFr, [0]))).toBeLessThan(1e-5);
      const truthValues = truth.dataSync();
      for (const [k, stage] of TRANSFER_STAGES.entries()) {
        expect(f.logits[stage].shape).toEqual([64, 96, 11]);
        expect(maxAbsDiff(f.logits[stage], tf.squeeze(refs[stage].logits, [0]))).toBeLessThan(1e-4);
        const labels = tf.tidy(() => tf.argMax(f.logits[stage], 2)).dataSync();
        const want = confusionMatrix(labels, truthValues, 11);
        expect((await f.confusion.array())[k]).toEqual(want);
      }
      // The stand-in classifier is not the FCN: the figure compares different networks.
      expect(maxAbsDiff(f.logits.classifier, f.logits['32s'])).toBeGreaterThan(1e-2);
    } finally {
      batch.dispose();
      Object.values(refs).forEach(disposeFcnResult);
      tf.dispose(f);
    }
  });

  it('leaves no tensor behind, and rejects a truth of another size', () => {
    const before = tf.memory().numTensors;
    tf.dispose(knowledgeTransferFigure(classifier, fcn, image, truth));
    expect(tf.memory().numTensors).toBe(before);
    const wrong = tf.zeros<tf.Rank.R2>([32, 32], 'int32');
    expect(() => knowledgeTransferFigure(classifier, fcn, image, wrong)).toThrow(/truth shape/);
    wrong.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
