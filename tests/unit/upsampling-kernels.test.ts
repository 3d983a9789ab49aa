import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { bilinearUpsample, nearestUpsample } from '../../src/lib';
import {
  UPSAMPLING_KERNELS,
  upsampleWithKernel,
  upsamplingKernel,
  upsamplingKernelFigure,
} from '../../src/lib/upsampling/upsampling-kernels';
import { bilinearFilterValues, bilinearKernel } from '../../src/lib/upsampling/bilinear';
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

describe('upsamplingKernelFigure', () => {
  const img = randomTensor(prng(12), [5, 5, 3]) as tf.Tensor3D;

  it('shows one channel of the kernel and the upsampled image clipped to [0, 1]', () => {
    for (const kind of UPSAMPLING_KERNELS) {
      for (const f of [2, 3]) {
        const { taps, output } = upsamplingKernelFigure(img, kind, f, 4);
        const { kernel } = upsamplingKernel(kind, f, 3, 4);
        const k = kernel.shape[0];
        expect(taps.shape).toEqual([k, k]);
        const full = kernel.arraySync();
        const t = taps.arraySync();
        t.forEach((row, i) => row.forEach((v, j) => expect(v).toBe(full[i]?.[j]?.[0]?.[0])));
        // Every kernel's taps add up to f² (the same average gain).
        expect(t.flat().reduce((a, b) => a + b, 0)).toBeCloseTo(f * f, 4);
        const ref = upsampleWithKernel(img, kind, f, 4);
        const clipped = tf.clipByValue(ref, 0, 1);
        expect(output.shape).toEqual([5 * f, 5 * f, 3]);
        expect(maxAbsDiff(output, clipped)).toBe(0);
        tf.dispose([taps, output, kernel, ref, clipped]);
      }
    }
  });

  it('rejects bad options with their names and leaks no tensors', async () => {
    expect(() => upsamplingKernelFigure(img, 'cubic' as 'nearest', 2)).toThrow(/invalid kind/);
    expect(() => upsamplingKernelFigure(img, 'nearest', 17)).toThrow(/invalid factor: 17/);
    for (const kind of UPSAMPLING_KERNELS) {
      await expectNoLeak(() => upsamplingKernelFigure(img, kind, 3));
    }
    await expectNoLeak(() => {
      expect(() => upsamplingKernelFigure(img, 'random', 0)).toThrow();
      return undefined;
    });
  });
});

describe('bilinearFilterValues', () => {
  it('holds the channel-diagonal filter of bilinearKernel as plain numbers', () => {
    for (const f of [1, 2, 3, 4, 7, 8]) {
      const { data, shape } = bilinearFilterValues(f);
      const kernel = bilinearKernel(f, 1);
      const k = kernel.shape[0];
      expect(shape).toEqual([k, k]);
      const flat = Array.from(kernel.dataSync());
      data.forEach((v, i) => expect(Math.abs(v - (flat[i] ?? NaN))).toBeLessThan(1e-7));
      kernel.dispose();
    }
    expect(() => bilinearFilterValues(0)).toThrow(/invalid factor: 0/);
  });
});
