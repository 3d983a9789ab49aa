import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { learnedKernels, tileKernels } from '../../src/lib/fcn/learned-kernels';
import { bilinearKernel, bilinearProfile } from '../../src/lib/upsampling/bilinear';
import { expectNoLeak } from '../reference/ops-golden';

/** A `[4, 4, c, c]` kernel: bilinear on the diagonal plus `delta(c)` at tap (1, 2) of class c, and one off-diagonal weight. */
function trainedLike(c: number, delta: (k: number) => number, off: number): tf.Tensor4D {
  const k = bilinearKernel(2, c);
  const values = k.arraySync();
  k.dispose();
  for (let cls = 0; cls < c; cls++) {
    const row = values[1]?.[2]?.[cls];
    if (row) row[cls] = (row[cls] ?? 0) + delta(cls);
  }
  const cell = values[0]?.[0]?.[1];
  if (cell) cell[0] = off;
  return tf.tensor4d(values);
}

describe('learnedKernels', () => {
  it('tiles each class kernel row by row with a labelled band, and the change is learned − bilinear', async () => {
    const c = 5;
    const kernel = trainedLike(c, (cls) => 0.1 * (cls + 1), -0.3);
    const out = learnedKernels(kernel, { columns: 2, band: 1, gapValue: 0.6 });
    // 3 rows of cells (1 band + 4 taps + 1 gap) high, 2 columns of cells (4 + 1) wide.
    expect(out.learned.shape).toEqual([18, 10]);
    expect(out.change.shape).toEqual([18, 10]);
    const learned = await out.learned.array();
    const change = await out.change.array();
    const p = bilinearProfile(2);
    for (let cls = 0; cls < c; cls++) {
      const top = Math.floor(cls / 2) * 6 + 1;
      const left = (cls % 2) * 5;
      for (let i = 0; i < 4; i++) {
        for (let j = 0; j < 4; j++) {
          const extra = i === 1 && j === 2 ? 0.1 * (cls + 1) : 0;
          expect(learned[top + i]?.[left + j]).toBeCloseTo((p[i] ?? 0) * (p[j] ?? 0) + extra, 6);
          expect(change[top + i]?.[left + j]).toBeCloseTo(extra, 6);
        }
      }
      // The band above the tile and the gap right of it hold the gap values.
      expect(learned[top - 1]?.[left]).toBeCloseTo(0.6, 6);
      expect(change[top - 1]?.[left]).toBe(0);
      expect(learned[top]?.[left + 4]).toBeCloseTo(0.6, 6);
    }
    // The sixth cell (no class) is all gap.
    expect(learned[13]?.[6]).toBeCloseTo(0.6, 6);
    const [meanChange, meanTap, offMax] = Array.from(await out.stats.data());
    const sumDelta = [1, 2, 3, 4, 5].reduce((a, k) => a + 0.1 * k, 0);
    expect(meanChange).toBeCloseTo(sumDelta / (c * 16), 6);
    expect(meanTap).toBeCloseTo(p.reduce((a, x) => a + x, 0) ** 2 / 16, 6);
    expect(offMax).toBeCloseTo(0.3, 6);
    const start = await out.start.array();
    start.forEach((row, i) =>
      row.forEach((v, j) => expect(v).toBeCloseTo((p[i] ?? NaN) * (p[j] ?? NaN), 6)),
    );
    tf.dispose([kernel, out]);
  });

  it('tileKernels pads the last row with empty cells', () => {
    const tiles = tf.ones<tf.Rank.R3>([3, 2, 2]);
    const t = tileKernels(tiles, { columns: 2, band: 0, gap: -1 });
    expect(t.shape).toEqual([6, 6]);
    expect(t.arraySync()[3]).toEqual([1, 1, -1, -1, -1, -1]);
    tf.dispose([tiles, t]);
  });

  it('rejects bad kernels and options with their names', () => {
    const bad = [tf.zeros([4, 4, 3]), tf.zeros([4, 4, 3, 2]), tf.zeros([6, 6, 2, 2])];
    const k = tf.zeros([4, 4, 3, 3]);
    expect(() => learnedKernels(bad[0] as tf.Tensor)).toThrow(/invalid kernel shape/);
    expect(() => learnedKernels(bad[1] as tf.Tensor)).toThrow(/invalid kernel shape/);
    expect(() => learnedKernels(bad[2] as tf.Tensor)).toThrow(/multiple of 4/);
    expect(() => learnedKernels(k, { columns: 0 })).toThrow(/invalid columns: 0/);
    expect(() => learnedKernels(k, { gapValue: NaN })).toThrow(/invalid gapValue: NaN/);
    tf.dispose([...bad, k]);
  });

  it('leaks no tensors', async () => {
    const kernel = trainedLike(11, () => 0.05, 0.01);
    await expectNoLeak(() => learnedKernels(kernel));
    kernel.dispose();
  });
});
