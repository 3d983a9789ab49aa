import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { bilinearUpsample, nearestUpsample } from '../../src/lib';
import {
  UPSAMPLING_KERNELS,
  upsampleWithKernel,
  upsamplingKernel,
} from '../../src/lib/upsampling/upsampling-kernels';
import { expectNoLeak, maxAbsDiff, prng, randomTensor } from '../reference/ops-golden';

describe('upsampleWithKernel', () => {
  const img = randomTensor(prng(11), [6, 5, 3]) as tf.Tensor3D;

  for (const f of [1, 2, 3, 4]) {
    it(`gives exactly f times the size for every kernel (f = ${f})`, () => {
      for (const kind of UPSAMPLING_KERNELS) {
        const y = upsampleWithKernel(img, kind, f);
        expect(y.shape).toEqual([6 * f, 5 * f, 3]);
        y.dispose();
      }
    });

    it(`nearest equals nearestUpsample and bilinear equals bilinearUpsample (f = ${f})`, () => {
      const [n, nRef, b, bRef] = [
        upsampleWithKernel(img, 'nearest', f),
        nearestUpsample(img, f),
        upsampleWithKernel(img, 'bilinear', f),
        bilinearUpsample(img, f),
      ];
      expect(maxAbsDiff(n, nRef)).toBeLessThan(1e-6);
      expect(maxAbsDiff(b, bRef)).toBeLessThan(1e-6);
      tf.dispose([n, nRef, b, bRef]);
    });
  }

  it('random taps are seeded, non-negative, sum to f² and sit on the channel diagonal', () => {
    const a = upsamplingKernel('random', 3, 2, 5);
    const b = upsamplingKernel('random', 3, 2, 5);
    const c = upsamplingKernel('random', 3, 2, 6);
    expect(a.kernel.shape).toEqual([5, 5, 2, 2]);
    expect(maxAbsDiff(a.kernel, b.kernel)).toBe(0);
    expect(maxAbsDiff(a.kernel, c.kernel)).toBeGreaterThan(0);
    const k = a.kernel.arraySync();
    let sum = 0;
    k.forEach((row) =>
      row.forEach((cell) => {
        expect(cell[0]?.[1]).toBe(0);
        expect(cell[1]?.[0]).toBe(0);
        expect(cell[0]?.[0]).toBeGreaterThanOrEqual(0);
        expect(cell[0]?.[0]).toBe(cell[1]?.[1]);
        sum += cell[0]?.[0] ?? NaN;
      }),
    );
    expect(sum).toBeCloseTo(9, 4);
    tf.dispose([a.kernel, b.kernel, c.kernel]);
  });

  it('rejects bad options with their names', () => {
    expect(() => upsamplingKernel('cubic' as 'nearest', 2, 1)).toThrow(/invalid kind: "cubic"/);
    expect(() => upsamplingKernel('nearest', 0, 1)).toThrow(/invalid factor: 0/);
  });

  it('leaks no tensors', async () => {
    for (const kind of UPSAMPLING_KERNELS)
      await expectNoLeak(() => upsampleWithKernel(img, kind, 2));
  });
});
