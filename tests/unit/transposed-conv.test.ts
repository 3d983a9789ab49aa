import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import {
  transposedConv2d,
  transposedConvByZeroInsertion,
  transposedConvOutputSize,
} from '../../src/lib';
import {
  expectClose,
  expectNoLeak,
  fromGolden,
  loadOps,
  maxAbsDiff,
  prng,
  randInt,
  randomTensor,
  type Golden,
} from '../reference/ops-golden';

interface ConvCase {
  stride: number;
  padding: number;
  x: Golden;
  kernel: Golden;
  y: Golden;
}
const { cases } = loadOps<{ cases: ConvCase[] }>('conv_transpose.json');

describe('transposedConv2d', () => {
  it('matches PyTorch conv_transpose2d (strides 1..4, k % s != 0, paddings, 1..3 channels) within 1e-5', () => {
    expect(cases.some((g) => (g.kernel.shape[0] ?? 0) % g.stride !== 0)).toBe(true);
    for (const g of cases) {
      const x = fromGolden<tf.Tensor3D>(g.x);
      const kernel = fromGolden<tf.Tensor4D>(g.kernel);
      expectClose(transposedConv2d(x, kernel, g), g.y);
    }
  });

  it("with padding 'same' gives exactly s times the size", () => {
    const x = tf.zeros<tf.Rank.R4>([2, 5, 3, 2]);
    for (const [k, s] of [
      [4, 2],
      [3, 2],
      [2, 3],
      [1, 4],
    ] as const) {
      const y = transposedConv2d(x, tf.ones([k, k, 1, 2]), { stride: s, padding: 'same' });
      expect(y.shape).toEqual([2, 5 * s, 3 * s, 1]);
      expect(transposedConvOutputSize(5, k, s, 'same')).toBe(5 * s);
    }
    expect(transposedConvOutputSize(5, 3, 2, 1)).toBe(9);
  });

  it('rejects bad strides, paddings and kernel shapes', () => {
    const x = tf.zeros<tf.Rank.R3>([3, 3, 2]);
    const k = tf.zeros<tf.Rank.R4>([3, 3, 1, 2]);
    expect(() => transposedConv2d(x, k, { stride: 0 })).toThrow(
      'invalid stride: 0 (expected an integer in 1..16)',
    );
    expect(() => transposedConv2d(x, k, { stride: 2, padding: 3 })).toThrow(
      'invalid padding: 3 (expected an integer in 0..2)',
    );
    expect(() => transposedConv2d(x, tf.zeros<tf.Rank.R4>([3, 3, 2, 1]), { stride: 1 })).toThrow(
      'invalid kernel shape: "[3, 3, 2, 1]" (expected [kh, kw, outC, 2])',
    );
    expect(() =>
      transposedConv2d(tf.zeros<tf.Rank.R3>([1, 1, 2]), tf.zeros<tf.Rank.R4>([5, 5, 1, 2]), {
        stride: 1,
        padding: 4,
      }),
    ).toThrow('invalid padding: 4 (expected small enough to leave a non-empty output)');
  });
});

describe('transposedConvByZeroInsertion', () => {
  it('matches PyTorch conv_transpose2d within 1e-5', () => {
    for (const g of cases) {
      const x = fromGolden<tf.Tensor3D>(g.x);
      const kernel = fromGolden<tf.Tensor4D>(g.kernel);
      expectClose(transposedConvByZeroInsertion(x, kernel, g), g.y);
    }
  });

  it('equals the tfjs transposed conv on random shapes, strides, kernels and paddings', () => {
    const rand = prng(31);
    for (let t = 0; t < 40; t++) {
      const stride = randInt(rand, 1, 4);
      const [kh, kw] = [randInt(rand, 1, 6), randInt(rand, 1, 6)];
      const inC = randInt(rand, 1, 3);
      const x = randomTensor(
        rand,
        [randInt(rand, 1, 2), randInt(rand, 1, 6), randInt(rand, 1, 6), inC],
        -1,
        1,
      );
      const kernel = randomTensor(rand, [kh, kw, randInt(rand, 1, 3), inC], -1, 1) as tf.Tensor4D;
      const padding: number | 'same' =
        rand() < 0.3 ? 'same' : randInt(rand, 0, Math.min(kh, kw) - 1);
      const opts = { stride, padding };
      let direct: tf.Tensor4D;
      try {
        direct = transposedConv2d(x as tf.Tensor4D, kernel, opts);
      } catch (e) {
        // Too much padding for a tiny input: both must refuse.
        expect(() => transposedConvByZeroInsertion(x as tf.Tensor4D, kernel, opts)).toThrow(
          (e as Error).message,
        );
        continue;
      }
      const explicit = transposedConvByZeroInsertion(x as tf.Tensor4D, kernel, opts);
      // Same products summed in a different order: float32 rounding only (|x|, |w| <= 1).
      expect(maxAbsDiff(direct, explicit)).toBeLessThan(1e-5);
    }
  });
});

describe('transposed convs on the wasm backend', () => {
  it('both match PyTorch conv_transpose2d within 1e-5', async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
    try {
      for (const g of cases) {
        const x = fromGolden<tf.Tensor3D>(g.x);
        const kernel = fromGolden<tf.Tensor4D>(g.kernel);
        expectClose(transposedConv2d(x, kernel, g), g.y);
        expectClose(transposedConvByZeroInsertion(x, kernel, g), g.y);
      }
    } finally {
      await tf.setBackend('cpu');
    }
  });
});

describe('transposed convs leak no tensors', () => {
  const x = randomTensor(prng(12), [5, 4, 2]) as tf.Tensor3D;
  const kernel = randomTensor(prng(13), [3, 3, 3, 2]) as tf.Tensor4D;
  it('transposedConv2d', () =>
    expectNoLeak(() => transposedConv2d(x, kernel, { stride: 2, padding: 1 })));
  it('transposedConvByZeroInsertion', () =>
    expectNoLeak(() => transposedConvByZeroInsertion(x, kernel, { stride: 2, padding: 'same' })));
});
