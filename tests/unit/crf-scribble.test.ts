import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { runMeanField, scribbleUnary, strokesToLabelMap } from '../../src/lib/crf/index';

describe('strokesToLabelMap', () => {
  it('paints round dabs and leaves the rest at -1', () => {
    const map = strokesToLabelMap([{ x: 1, y: 1, radius: 1, label: 2 }], 3, 4);
    // Row-major 3 x 4: the dab covers (1,0), (0,1), (1,1), (2,1), (1,2).
    expect(Array.from(map)).toEqual([-1, 2, -1, -1, 2, 2, 2, -1, -1, 2, -1, -1]);
  });

  it('rejects a bad label or size', () => {
    expect(() => strokesToLabelMap([{ x: 0, y: 0, radius: 1, label: -2 }], 2, 2)).toThrow(
      'invalid dab label: -2',
    );
    expect(() => strokesToLabelMap([], 0, 2)).toThrow('invalid height: 0');
  });
});

describe('scribbleUnary', () => {
  it('gives -log(confidence) on the stroke label, shares the rest, and log L when unlabelled', () => {
    const labels = tf.tensor2d([[0, -1, 2]], [1, 3], 'int32');
    const u = scribbleUnary(labels, 3, { confidence: 0.8 });
    const off = -Math.log(0.1);
    const want = [
      -Math.log(0.8),
      off,
      off,
      Math.log(3),
      Math.log(3),
      Math.log(3),
      off,
      off,
      -Math.log(0.8),
    ];
    Array.from(u.dataSync()).forEach((v, k) => expect(v).toBeCloseTo(want[k] ?? NaN, 5));
    tf.dispose([labels, u]);
  });

  it('rejects labels outside -1..L-1 and confidences outside (1/L, 1)', () => {
    const bad = tf.tensor2d([[0, 3]], [1, 2], 'int32');
    const ok = tf.tensor2d([[0, 1]], [1, 2], 'int32');
    expect(() => scribbleUnary(bad, 3)).toThrow(
      'invalid labelMap values: "0..3" (expected labels in -1..2)',
    );
    expect(() => scribbleUnary(ok, 3, { confidence: 1 })).toThrow('invalid confidence: 1');
    expect(() => scribbleUnary(ok, 3, { confidence: 0.2 })).toThrow('invalid confidence: 0.2');
    expect(() => scribbleUnary(ok, 1)).toThrow('invalid numLabels: 1');
    tf.dispose([bad, ok]);
  });

  it('leaves no tensors behind', () => {
    const labels = tf.tensor2d([[0, -1]], [1, 2], 'int32');
    const before = tf.memory().numTensors;
    scribbleUnary(labels, 2).dispose();
    expect(tf.memory().numTensors).toBe(before);
    labels.dispose();
  });

  it('lets the CRF spread one dab per region along intensities (fast path, defaults)', () => {
    // 32 x 20 image: a dark wavy region and a bright one, with pixel noise.
    const [h, w] = [20, 32];
    const truth: number[] = [];
    const pixels: number[] = [];
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const bright = x > 14 + 4 * Math.sin(y / 3) ? 1 : 0;
        truth.push(bright);
        const level = bright ? 0.75 : 0.25;
        const noise = 0.04 * Math.sin(x * 12.9898 + y * 78.233);
        pixels.push(level + noise, level + noise, level);
      }
    }
    const image = tf.tensor3d(pixels, [h, w, 3]);
    const map = strokesToLabelMap(
      [
        { x: 4, y: 10, radius: 2, label: 0 },
        { x: 27, y: 10, radius: 2, label: 1 },
      ],
      h,
      w,
    );
    const labels = tf.tensor2d(map, [h, w], 'int32');
    const unary = scribbleUnary(labels, 2);
    const { q } = runMeanField(image, unary, { method: 'fast' });
    const got = tf.tidy(() => tf.argMax(q, -1).dataSync());
    const agree = truth.filter((t, i) => t === got[i]).length / truth.length;
    const labelled = Array.from(map).filter((l) => l >= 0).length / map.length;
    expect(labelled).toBeLessThan(0.05);
    expect(agree).toBeGreaterThan(0.98);
    tf.dispose([image, labels, unary, q]);
  });
});
