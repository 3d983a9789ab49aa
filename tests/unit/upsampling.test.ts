import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { nearestUpsample, zeroInsert } from '../../src/lib';
import { expectNoLeak, prng, randInt, randomTensor } from '../reference/ops-golden';

/** Brute force over an [H, W, C] buffer: out[y][x][c] = pick(x[y / fy][x / fx][c], y, x). */
function bruteImage(
  values: Float32Array,
  [h, w, c]: [number, number, number],
  [fy, fx]: [number, number],
  mode: 'zeros' | 'repeat',
): number[] {
  const out: number[] = [];
  for (let y = 0; y < h * fy; y++) {
    for (let x = 0; x < w * fx; x++) {
      for (let ch = 0; ch < c; ch++) {
        const source = values[(Math.floor(y / fy) * w + Math.floor(x / fx)) * c + ch] ?? NaN;
        const onGrid = y % fy === 0 && x % fx === 0;
        out.push(mode === 'repeat' || onGrid ? source : 0);
      }
    }
  }
  return out;
}

describe('zeroInsert', () => {
  it('puts f - 1 zeros after every sample of a 1-D signal (length L * f)', () => {
    const y = zeroInsert(tf.tensor1d([1, 2, 3]), 3);
    expect(Array.from(y.dataSync())).toEqual([1, 0, 0, 2, 0, 0, 3, 0, 0]);
  });

  it('inserts zeros along both image axes, per-axis factors, ranks 2/3/4 (brute force)', () => {
    const rand = prng(5);
    for (let t = 0; t < 15; t++) {
      const shape: [number, number, number] = [
        randInt(rand, 1, 6),
        randInt(rand, 1, 6),
        randInt(rand, 1, 3),
      ];
      const factors: [number, number] = [randInt(rand, 1, 4), randInt(rand, 1, 4)];
      const x = randomTensor(rand, shape) as tf.Tensor3D;
      const want = bruteImage(x.dataSync() as Float32Array, shape, factors, 'zeros');
      const y = zeroInsert(x, factors);
      expect(y.shape).toEqual([shape[0] * factors[0], shape[1] * factors[1], shape[2]]);
      expect(Array.from(y.dataSync())).toEqual(want);
      expect(Array.from(zeroInsert(tf.expandDims(x, 0), factors).dataSync())).toEqual(want);
      if (shape[2] === 1) {
        expect(Array.from(zeroInsert(tf.squeeze(x, [2]), factors).dataSync())).toEqual(want);
      }
    }
  });

  it('with factor 1 returns a copy of the input', () => {
    const x = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const y = zeroInsert(x, 1);
    expect(y).not.toBe(x);
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3, 4]);
  });

  it('rejects bad factors and ranks', () => {
    const x = tf.zeros([2, 2, 1]);
    expect(() => zeroInsert(x, 0)).toThrow('invalid factor: 0 (expected an integer in 1..32)');
    expect(() => zeroInsert(x, [2])).toThrow(
      'invalid factor: "[2]" (expected one integer or 2 integers)',
    );
    expect(() => zeroInsert(tf.zeros([1, 1, 1, 1, 1]), 2)).toThrow('invalid x shape');
  });
});

describe('nearestUpsample', () => {
  it('repeats every sample f times along each spatial axis (brute force)', () => {
    const rand = prng(6);
    for (let t = 0; t < 10; t++) {
      const shape: [number, number, number] = [
        randInt(rand, 1, 6),
        randInt(rand, 1, 6),
        randInt(rand, 1, 3),
      ];
      const factors: [number, number] = [randInt(rand, 1, 4), randInt(rand, 1, 4)];
      const x = randomTensor(rand, shape) as tf.Tensor3D;
      const y = nearestUpsample(x, factors);
      expect(Array.from(y.dataSync())).toEqual(
        bruteImage(x.dataSync() as Float32Array, shape, factors, 'repeat'),
      );
    }
    expect(Array.from(nearestUpsample(tf.tensor1d([1, 2]), 2).dataSync())).toEqual([1, 1, 2, 2]);
  });
});

describe('upsampling leaks no tensors', () => {
  const x = randomTensor(prng(1), [1, 4, 5, 2]);
  it('zeroInsert', () => expectNoLeak(() => [zeroInsert(x, 3), zeroInsert(x, 1)]));
  it('nearestUpsample', () => expectNoLeak(() => nearestUpsample(x, [2, 3])));
});
