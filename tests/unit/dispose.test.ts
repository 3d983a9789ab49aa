import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { disposeTensors } from '../../src/lib/dispose';

describe('disposeTensors', () => {
  it('frees every tensor at any depth, once, and leaves everything else alone', () => {
    const before = tf.memory().numTensors;
    const shared = tf.ones([2]);
    const values = new Float32Array([1, 2, 3]);
    const result = {
      a: tf.zeros([3]),
      nested: { list: [tf.scalar(1), { deeper: tf.scalar(2) }, shared], n: 4, s: 'x' },
      again: shared,
      grid: { data: values, shape: [3] },
      nothing: null,
    };
    disposeTensors(result);
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(values)).toEqual([1, 2, 3]);
    expect(() => disposeTensors([undefined, 3, 'y', result])).not.toThrow();
  });

  it('steps over a million-value typed array without visiting its elements', () => {
    const big = { data: new Float32Array(1_000_000).map((_, i) => i), shape: [1000, 1000] };
    const t = tf.zeros([1]);
    const started = performance.now();
    disposeTensors({ big, t });
    // tf.dispose walks the array's indices: seconds here; this is a handful of property reads.
    expect(performance.now() - started).toBeLessThan(50);
    expect(t.isDisposed).toBe(true);
  });
});
