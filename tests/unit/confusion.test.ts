import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { confusionTensor } from '../../src/lib/fcn/confusion';
import { confusionMatrix } from '../../src/lib/fcn/metrics';
import { prng } from '../reference/ops-golden';

describe('confusionTensor', () => {
  it('matches the plain-loop confusion matrix on random label maps', async () => {
    const rand = prng(11);
    for (const [h, w, k] of [
      [5, 7, 3],
      [16, 16, 11],
    ] as const) {
      const pred = Array.from({ length: h * w }, () => Math.floor(rand() * k));
      const truth = Array.from({ length: h * w }, () => Math.floor(rand() * k));
      const p = tf.tensor2d(pred, [h, w], 'int32');
      const t = tf.tensor2d(truth, [h, w], 'int32');
      const c = confusionTensor(p, t, k);
      expect(await c.array()).toEqual(confusionMatrix(pred, truth, k));
      tf.dispose([p, t, c]);
    }
  });

  it('rejects mismatched shapes and bad class counts', () => {
    const a = tf.zeros([2, 2], 'int32');
    const b = tf.zeros([2, 3], 'int32');
    expect(() => confusionTensor(a, b, 3)).toThrow(/invalid truth shape: \[2, 3\]/);
    expect(() => confusionTensor(a, a, 0)).toThrow(/invalid numClasses: 0/);
    tf.dispose([a, b]);
  });

  it('leaves no tensors behind', () => {
    const a = tf.zeros([4, 4], 'int32');
    const before = tf.memory().numTensors;
    confusionTensor(a, a, 5).dispose();
    expect(tf.memory().numTensors).toBe(before);
    a.dispose();
  });
});
