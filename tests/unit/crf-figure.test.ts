import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { runMeanField, unaryFromLogits } from '../../src/lib/crf/index';
import {
  candidateLabels,
  downscaleForCrf,
  labelAgreement,
  labelMapFrom,
  meanFieldFigure,
} from '../../src/lib/crf/crf-figure';
import { prng } from '../reference/ops-golden';

/** A 12 x 12 two-region image with noisy 3-label logits. */
function problem(): { image: tf.Tensor3D; unary: tf.Tensor3D } {
  const h = 12;
  const w = 12;
  const img: number[] = [];
  const logits: number[] = [];
  const uniform = prng(7);
  const rand = () => uniform() * 2 - 1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const left = x < 6;
      img.push(left ? 0.1 : 0.9, left ? 0.2 : 0.8, 0.5);
      logits.push((left ? 1 : 0) + rand(), (left ? 0 : 1) + rand(), rand() * 0.5);
    }
  }
  const image = tf.tensor3d(img, [h, w, 3]);
  const unary = unaryFromLogits(tf.tensor3d(logits, [h, w, 3]));
  return { image, unary };
}

describe('meanFieldFigure', () => {
  it('returns the same marginals and trace as runMeanField (exact and fast)', () => {
    const { image, unary } = problem();
    for (const method of ['exact', 'fast'] as const) {
      const options = { method, iterations: 5, thetaAlpha: 4, thetaBeta: 30 };
      const reference = runMeanField(image, unary, options);
      const figure = meanFieldFigure(image, unary, options);
      const diff = tf.max(tf.abs(tf.sub(reference.q, figure.q))).dataSync()[0] ?? NaN;
      expect(diff).toBeLessThan(1e-6);
      expect(figure.trace).toEqual(reference.trace);
      expect(figure.trace).toHaveLength(6);
      tf.dispose([reference.q, figure.q, figure.travel, figure.settled]);
    }
  });

  it("travel sums each step's |dQ|; settled is the last iteration that flipped a label", () => {
    const { image, unary } = problem();
    const q = [0, 1, 2].map((n) => runMeanField(image, unary, { iterations: n }).q);
    const [q0, q1, q2] = q as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
    const fig = meanFieldFigure(image, unary, { iterations: 2 });
    const check = tf.tidy(() => {
      const step = (a: tf.Tensor3D, b: tf.Tensor3D) => tf.sum(tf.abs(tf.sub(a, b)), -1);
      const travel = tf.add(step(q1, q0), step(q2, q1));
      const flip = (a: tf.Tensor3D, b: tf.Tensor3D) =>
        tf.notEqual(tf.argMax(a, -1), tf.argMax(b, -1));
      const settled = tf.where(
        flip(q2, q1),
        tf.fill([12, 12], 2),
        tf.where(flip(q1, q0), tf.fill([12, 12], 1), tf.zeros([12, 12])),
      );
      return [
        tf.max(tf.abs(tf.sub(travel, fig.travel))).dataSync()[0] ?? NaN,
        tf.max(tf.abs(tf.sub(settled, fig.settled))).dataSync()[0] ?? NaN,
        tf.max(fig.settled).dataSync()[0] ?? NaN,
      ];
    });
    expect(check[0]).toBeLessThan(1e-5);
    expect(check[1]).toBe(0);
    // The noisy logits make some labels flip in the first step.
    expect(check[2]).toBeGreaterThan(0);
    const zero = meanFieldFigure(image, unary, { iterations: 0 });
    expect(tf.max(zero.travel).dataSync()[0]).toBe(0);
    tf.dispose([...q, fig.q, fig.travel, fig.settled, zero.q, zero.travel, zero.settled]);
  });

  it('leaks no tensors', () => {
    const { image, unary } = problem();
    const before = tf.memory().numTensors;
    const f = meanFieldFigure(image, unary, { iterations: 3 });
    tf.dispose([f.q, f.travel, f.settled]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('labelAgreement', () => {
  it('is the fraction of pixels with equal argmax', () => {
    // 2 x 2 pixels, 2 labels: argmax a = [0, 1, 1, 0], b = [0, 1, 0, 0] -> 3 of 4 agree.
    const a = tf.tensor3d([1, 0, 0, 1, 0, 1, 1, 0], [2, 2, 2]);
    const b = tf.tensor3d([2, 1, 0, 3, 5, 4, 1, 0], [2, 2, 2]);
    const before = tf.memory().numTensors;
    const agree = labelAgreement(a, b);
    expect(agree.dataSync()[0]).toBeCloseTo(0.75, 6);
    agree.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => labelAgreement(a, tf.zeros([2, 3, 2]))).toThrow('invalid b shape');
  });
});

describe('downscaleForCrf', () => {
  it('resizes image and logits bilinearly and labels by nearest neighbour, without leaks', () => {
    const image = tf.ones<tf.Rank.R3>([8, 8, 3]);
    const logits = tf.fill<tf.Rank.R3>([8, 8, 4], 2);
    // Label = column index // 2: a 2x downscale keeps one column of each pair.
    const truth = tf.tensor2d(
      Array.from({ length: 64 }, (_, i) => Math.floor((i % 8) / 2)),
      [8, 8],
      'int32',
    );
    const before = tf.memory().numTensors;
    const small = downscaleForCrf(image, logits, truth, 4);
    expect(small.image.shape).toEqual([4, 4, 3]);
    expect(small.logits.shape).toEqual([4, 4, 4]);
    expect(Array.from(small.truth.dataSync()).slice(0, 4)).toEqual([0, 1, 2, 3]);
    const err = tf.tidy(() => tf.max(tf.abs(tf.sub(small.logits, 2))).dataSync()[0] ?? NaN);
    expect(err).toBeLessThan(1e-6);
    tf.dispose([small.image, small.logits, small.truth]);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => downscaleForCrf(image, logits, truth, 1)).toThrow('invalid side: 1');
  });
});

describe('candidateLabels and labelMapFrom', () => {
  it('keeps the labels in some pixel top two, and maps channels back to classes', async () => {
    // Two pixels, 5 labels: top two are {1, 3} and {3, 4}.
    const logits = tf.tensor3d([0, 5, 1, 4, 0, 0, 1, 0, 9, 8], [1, 2, 5]);
    const before = tf.memory().numTensors;
    const labels = await candidateLabels(logits);
    expect(labels).toEqual([1, 3, 4]);
    expect(await candidateLabels(logits, 1)).toEqual([1, 3]);
    const kept = tf.gather<tf.Tensor3D>(logits, labels, 2);
    const map = labelMapFrom(kept, labels);
    expect(Array.from(map.dataSync())).toEqual([1, 3]);
    tf.dispose([kept, map]);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => labelMapFrom(logits, [0, 1])).toThrow('invalid labels length: 2');
  });
});
