import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  bilinearKernel,
  bilinearKernelSize,
  bilinearProfile,
  bilinearUpsample,
  compareWithResizeBilinear,
} from '../../src/lib';
import {
  expectClose,
  expectNoLeak,
  fromGolden,
  loadOps,
  prng,
  randInt,
  randomTensor,
  type Golden,
} from '../reference/ops-golden';
import { bilinearPhases } from '../../src/lib/upsampling/bilinear';

interface BilinearCase {
  factor: number;
  x: Golden;
  kernel2d: Golden;
  fcnUpsample: Golden;
  interpAlignFalse: Golden;
  interpAlignTrue: Golden;
}
const { cases } = loadOps<{ cases: BilinearCase[] }>('bilinear.json');

/** Half-pixel interior rows/cols of an upsampled axis (source coordinate inside the grid). */
function interiorRange(n: number, f: number): [number, number] {
  return [Math.ceil((f - 1) / 2), (n - 1) * f + Math.floor((f - 1) / 2)];
}

/** Crops `[H, W, C]` to the interior of an f-times upsampled image of input size h x w. */
function interior(t: tf.Tensor3D, h: number, w: number, f: number): tf.Tensor3D {
  const [r0, r1] = interiorRange(h, f);
  const [c0, c1] = interiorRange(w, f);
  return tf.slice(t, [r0, c0, 0], [r1 - r0 + 1, c1 - c0 + 1, -1]);
}

describe('bilinearKernel', () => {
  it("equals FCN's upsample_filt (size 2f - f % 2) on the channel diagonal, zeros off it", () => {
    for (const g of cases) {
      const c = 3;
      const k = bilinearKernelSize(g.factor);
      expect(g.kernel2d.shape).toEqual([k, k]);
      const kernel = bilinearKernel(g.factor, c);
      expect(kernel.shape).toEqual([k, k, c, c]);
      for (let i = 0; i < c; i++) {
        for (let j = 0; j < c; j++) {
          const slice = tf.reshape(tf.slice(kernel, [0, 0, i, j], [k, k, 1, 1]), [k, k]);
          if (i === j) expectClose(slice, g.kernel2d, { atol: 1e-7, rtol: 1e-7 });
          else expect(tf.max(tf.abs(slice)).dataSync()[0]).toBe(0);
        }
      }
    }
  });

  it('has the 1-D profile 1/4, 3/4, 3/4, 1/4 for factor 2 and 1/3, 2/3, 1, 2/3, 1/3 for 3', () => {
    expect(bilinearProfile(2)).toEqual([0.25, 0.75, 0.75, 0.25]);
    expect(bilinearProfile(3).map((v) => Number(v.toFixed(12)))).toEqual(
      [1 / 3, 2 / 3, 1, 2 / 3, 1 / 3].map((v) => Number(v.toFixed(12))),
    );
  });

  it('rejects bad factors and channel counts', () => {
    expect(() => bilinearKernel(0, 1)).toThrow('invalid factor: 0 (expected an integer in 1..32)');
    expect(() => bilinearKernel(2, 0)).toThrow(
      'invalid channels: 0 (expected an integer in 1..256)',
    );
  });
});

describe('bilinearPhases', () => {
  it('splits the profile by tap mod f; every phase sums to 1, odd f alternates 2 and 1 taps', () => {
    for (let f = 1; f <= 12; f++) {
      const phases = bilinearPhases(f);
      const profile = bilinearProfile(f);
      expect(phases).toHaveLength(f);
      expect(phases.flatMap((p) => p.taps).sort((a, b) => a - b)).toEqual(profile.map((_, u) => u));
      for (const p of phases) expect(p.sum).toBeCloseTo(1, 12);
      const counts = phases.map((p) => p.taps.length);
      if (f % 2 === 0) expect(counts).toEqual(Array<number>(f).fill(2));
      else expect(counts).toEqual(Array.from({ length: f }, (_, r) => (r === f - 1 ? 1 : 2)));
    }
    const want = [[1 / 3, 2 / 3], [2 / 3, 1 / 3], [1]];
    bilinearPhases(3).forEach((p, r) =>
      p.weights.forEach((w, i) => expect(w).toBeCloseTo(want[r]?.[i] ?? NaN, 12)),
    );
  });

  it('matches what a flat input becomes in the interior of the transposed convolution', async () => {
    for (const f of [2, 3, 5]) {
      const up = bilinearUpsample(tf.ones<tf.Rank.R3>([8, 8, 1]), f);
      const all = await up.data();
      const row = Array.from(all).slice(4 * f * 8 * f + 2 * f, 4 * f * 8 * f + 6 * f);
      row.forEach((v) => expect(v).toBeCloseTo(1, 5));
      up.dispose();
    }
  });
});

describe('bilinearUpsample', () => {
  it('matches a PyTorch conv_transpose2d with the FCN filter, stride f, padding f // 2 (1e-5)', () => {
    for (const g of cases) {
      const y = bilinearUpsample(fromGolden<tf.Tensor3D>(g.x), g.factor);
      expectClose(y, g.fcnUpsample);
    }
  });

  it('equals F.interpolate(bilinear, align_corners=False) in the interior (1e-5)', () => {
    for (const g of cases) {
      const [h = 0, w = 0] = g.x.shape;
      const y = bilinearUpsample(fromGolden<tf.Tensor3D>(g.x), g.factor);
      const want = fromGolden<tf.Tensor3D>(g.interpAlignFalse);
      expectClose(interior(y, h, w, g.factor), interior(want, h, w, g.factor));
    }
  });

  it('reproduces a linear ramp exactly away from the border (random sizes and factors)', () => {
    const rand = prng(99);
    for (let t = 0; t < 20; t++) {
      const [h, w, f] = [randInt(rand, 2, 7), randInt(rand, 2, 7), randInt(rand, 1, 6)];
      const [a, b, c] = [rand() - 0.5, rand() - 0.5, rand()];
      const ramp = (y: number, x: number) => a * y + b * x + c;
      const x = tf.tensor3d(
        Array.from({ length: h * w }, (_, i) => ramp(Math.floor(i / w), i % w)),
        [h, w, 1],
      );
      // Output pixel o sits at input coordinate (o + 0.5) / f - 0.5 (half-pixel centres).
      const at = (o: number) => (o + 0.5) / f - 0.5;
      const want = tf.tensor3d(
        Array.from({ length: h * f * w * f }, (_, i) =>
          ramp(at(Math.floor(i / (w * f))), at(i % (w * f))),
        ),
        [h * f, w * f, 1],
      );
      expectClose(interior(bilinearUpsample(x, f), h, w, f), interior(want, h, w, f), {
        atol: 1e-5,
        rtol: 1e-5,
      });
    }
  });
});

describe('resize conventions', () => {
  it('tf.image.resizeBilinear(halfPixelCenters) equals F.interpolate(align_corners=False) everywhere', () => {
    for (const g of cases) {
      const x = fromGolden<tf.Tensor3D>(g.x);
      const size = g.interpAlignFalse.shape.slice(0, 2) as [number, number];
      expectClose(tf.image.resizeBilinear(x, size, false, true), g.interpAlignFalse);
    }
  });

  it('tf.image.resizeBilinear(alignCorners) equals F.interpolate(align_corners=True) everywhere', () => {
    for (const g of cases) {
      const x = fromGolden<tf.Tensor3D>(g.x);
      const size = g.interpAlignTrue.shape.slice(0, 2) as [number, number];
      expectClose(tf.image.resizeBilinear(x, size, true, false), g.interpAlignTrue);
    }
  });
});

describe('compareWithResizeBilinear', () => {
  it('half-pixel agrees inside; a constant image c fades to c ((f + 1) / (2f))^2 at the corners', async () => {
    for (const f of [2, 3, 4, 8]) {
      const d = await compareWithResizeBilinear(tf.fill<tf.Rank.R3>([5, 4, 2], 0.8), f);
      expect(d.halfPixel.interior).toBeLessThan(1e-6);
      expect(d.halfPixel.border).toBeCloseTo(0.8 * (1 - ((f + 1) / (2 * f)) ** 2), 6);
      // A constant image is the same under every convention inside the grid.
      expect(d.asymmetric.interior).toBeLessThan(1e-6);
      expect(d.alignCorners.interior).toBeLessThan(1e-6);
    }
  });

  it('only the half-pixel convention matches the interior of a textured image', async () => {
    for (const g of cases.filter((c) => c.factor > 1)) {
      const d = await compareWithResizeBilinear(fromGolden<tf.Tensor3D>(g.x), g.factor);
      expect(d.halfPixel.interior).toBeLessThan(1e-5);
      expect(d.asymmetric.interior).toBeGreaterThan(1e-2);
      expect(d.alignCorners.interior).toBeGreaterThan(1e-2);
    }
  });
});

describe('bilinear functions leak no tensors', () => {
  const x = randomTensor(prng(21), [5, 6, 3]) as tf.Tensor3D;
  it('bilinearKernel', () => expectNoLeak(() => bilinearKernel(4, 3)));
  it('bilinearUpsample', () => expectNoLeak(() => bilinearUpsample(x, 3)));
  it('compareWithResizeBilinear', () => expectNoLeak(() => compareWithResizeBilinear(x, 2)));
});
