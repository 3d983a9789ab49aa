import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disposeFcnResult, fcnForward } from '../../src/lib/fcn';
import { fcnFigure } from '../../src/lib/fcn/fcn-figure';
import { disposeFcnWeights, loadFcnWeights, type FcnWeights } from '../../src/lib/fcn/weights';
import { fileFetch } from '../../scripts/lib/file-fetch';

let weights: FcnWeights;
beforeAll(async () => {
  weights = await loadFcnWeights('public/weights/model.json', { fetch: fileFetch });
});
afterAll(() => disposeFcnWeights(weights));

describe('fcnFigure', () => {
  it('gives fcnForward’s logits and every intermediate with the batch dimension dropped', () => {
    const image = tf.randomUniform<tf.Rank.R3>([64, 64, 3], 0, 1, 'float32', 3);
    const batch = tf.expandDims<tf.Tensor4D>(image, 0);
    const direct = fcnForward(weights, batch, { variant: '16s' });
    const figure = fcnFigure(weights, image, '16s');
    expect(figure.logits.shape).toEqual([64, 64, 11]);
    expect(
      tf.max(tf.abs(tf.sub(figure.logits, tf.squeeze(direct.logits, [0])))).dataSync()[0],
    ).toBe(0);
    expect(Object.keys(figure.layers)).toEqual([...direct.intermediates.keys()]);
    for (const [name, t] of direct.intermediates) {
      expect(figure.layers[name]?.shape).toEqual(t.shape.slice(1));
    }
    disposeFcnResult(direct);
    tf.dispose([image, batch, figure]);
  });

  it('passes skip weights through (pool4 and pool3 off changes 8s’s scores)', () => {
    const image = tf.randomUniform<tf.Rank.R3>([32, 32, 3], 0, 1, 'float32', 5);
    const on = fcnFigure(weights, image, '8s');
    const off = fcnFigure(weights, image, '8s', { pool4: 0, pool3: 0 });
    expect(tf.max(tf.abs(tf.sub(on.logits, off.logits))).dataSync()[0]).toBeGreaterThan(1e-3);
    tf.dispose([image, on, off]);
  });

  it('leaks no tensors (the caller disposes the result)', () => {
    const image = tf.randomUniform<tf.Rank.R3>([32, 32, 3]);
    const before = tf.memory().numTensors;
    for (const variant of ['32s', '16s', '8s'] as const)
      tf.dispose(fcnFigure(weights, image, variant));
    expect(tf.memory().numTensors).toBe(before);
    image.dispose();
  });
});
