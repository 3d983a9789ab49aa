import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  RESIZE_CONVENTIONS,
  RESIZE_FLAGS,
  resizeComparison,
  resizeComparisonFigure,
} from '../../src/lib/upsampling/resize-comparison';
import { bilinearUpsample, compareWithResizeBilinear } from '../../src/lib/upsampling/bilinear';
import { expectNoLeak, maxAbsDiff, prng, randomTensor } from '../reference/ops-golden';

describe('resizeComparison', () => {
  const img = randomTensor(prng(21), [8, 6, 3]) as tf.Tensor3D;

  it('shows the deconvolution clipped, the resize of the convention and their channel-mean difference', async () => {
    for (const convention of RESIZE_CONVENTIONS) {
      const f = 3;
      const { deconv, resized, difference } = resizeComparison(img, f, convention);
      expect(deconv.shape).toEqual([24, 18, 3]);
      expect(resized.shape).toEqual([24, 18, 3]);
      expect(difference.shape).toEqual([24, 18, 1]);
      const [alignCorners, halfPixel] = RESIZE_FLAGS[convention];
      const up = bilinearUpsample(img, f);
      const ref = tf.image.resizeBilinear(img, [24, 18], alignCorners, halfPixel);
      expect(maxAbsDiff(resized, ref)).toBe(0);
      // Direct per-pixel reference for the difference: (Σ_c up - ref) / 3.
      const [u, r, d] = await Promise.all([up.data(), ref.data(), difference.data()]);
      d.forEach((v, p) => {
        const want =
          ((u[p * 3] ?? 0) +
            (u[p * 3 + 1] ?? 0) +
            (u[p * 3 + 2] ?? 0) -
            (r[p * 3] ?? 0) -
            (r[p * 3 + 1] ?? 0) -
            (r[p * 3 + 2] ?? 0)) /
          3;
        expect(Math.abs(v - want)).toBeLessThan(1e-6);
      });
      const clipped = tf.clipByValue(up, 0, 1);
      expect(maxAbsDiff(deconv, clipped)).toBe(0);
      tf.dispose([deconv, resized, difference, up, ref, clipped]);
    }
  });

  it('with half-pixel centres the interior of the difference is float32 rounding, not so for the others', async () => {
    const f = 4;
    const interiorMax = async (convention: (typeof RESIZE_CONVENTIONS)[number]) => {
      const { deconv, resized, difference } = resizeComparison(img, f, convention);
      // Rows and columns 2..(n-1)f+1 have both neighbours inside (see compareWithResizeBilinear).
      const inner = tf.slice(difference, [2, 2, 0], [(8 - 1) * f, (6 - 1) * f, 1]);
      const m = (await tf.max(tf.abs(inner)).data())[0] ?? NaN;
      tf.dispose([deconv, resized, difference, inner]);
      return m;
    };
    expect(await interiorMax('halfPixel')).toBeLessThan(1e-5);
    expect(await interiorMax('asymmetric')).toBeGreaterThan(1e-3);
    expect(await interiorMax('alignCorners')).toBeGreaterThan(1e-3);
  });

  it('the figure carries the table of all three conventions', async () => {
    const figure = await resizeComparisonFigure(img, 2, 'asymmetric');
    expect(figure.table).toEqual(await compareWithResizeBilinear(img, 2));
    tf.dispose([figure.deconv, figure.resized, figure.difference]);
  });

  it('rejects bad options with their names', async () => {
    const flat = tf.zeros([4, 4]);
    expect(() => resizeComparison(img, 0, 'halfPixel')).toThrow(/invalid factor: 0/);
    expect(() => resizeComparison(img, 2, 'cubic' as 'halfPixel')).toThrow(
      /invalid convention: "cubic"/,
    );
    expect(() => resizeComparison(flat as unknown as tf.Tensor3D, 2, 'halfPixel')).toThrow(
      /invalid x shape/,
    );
    await expect(resizeComparisonFigure(img, 9, 'halfPixel')).rejects.toThrow(/invalid factor: 9/);
    flat.dispose();
  });

  it('leaks no tensors', async () => {
    for (const convention of RESIZE_CONVENTIONS) {
      await expectNoLeak(() => resizeComparison(img, 3, convention));
      await expectNoLeak(async () => {
        const figure = await resizeComparisonFigure(img, 3, convention);
        return [figure.deconv, figure.resized, figure.difference];
      });
    }
  });
});
