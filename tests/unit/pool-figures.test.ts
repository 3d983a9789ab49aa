import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  localizationFigure,
  poolFigure,
  rimCellShare,
  shiftFigure,
  uniformLocalizationError,
  unpoolFigure,
} from '../../src/lib/pooling/pool-figures';
import { localizationError, rimShare, unpoolEdges } from '../../src/lib/pooling/pool-analysis';
import { poolingFigures } from '../../src/lib/browser/figures/pooling';
import { isWireTensor, type WireTensor } from '../../src/lib/browser/compute-wire';
import { prng } from '../reference/ops-golden';

/** A `[h, w, 3]` photo-like image: random values with no ties. */
function photo(h: number, w: number, seed: number): tf.Tensor3D {
  const rand = prng(seed);
  return tf.tensor3d(Float32Array.from({ length: h * w * 3 }, rand), [h, w, 3]);
}

/** Brute force: `[H][W][C]` max- or mean-pooled with 'valid' windows. */
function brutePool(x: number[][][], size: number, stride: number, mean: boolean): number[][][] {
  const out: number[][][] = [];
  for (let y = 0; y + size <= x.length; y += stride) {
    const row: number[][] = [];
    for (let xx = 0; xx + size <= (x[0]?.length ?? 0); xx += stride) {
      const px: number[] = [];
      for (let c = 0; c < (x[0]?.[0]?.length ?? 0); c++) {
        const window: number[] = [];
        for (let dy = 0; dy < size; dy++)
          for (let dx = 0; dx < size; dx++) window.push(x[y + dy]?.[xx + dx]?.[c] ?? NaN);
        px.push(mean ? window.reduce((a, b) => a + b, 0) / window.length : Math.max(...window));
      }
      row.push(px);
    }
    out.push(row);
  }
  return out;
}

function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, tolerance = 1e-5): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++)
    expect(Math.abs((a[i] ?? 0) - (b[i] ?? 0))).toBeLessThan(tolerance);
}

describe('poolFigure', () => {
  it('max- and average-pools the photo like a brute-force window loop', async () => {
    const x = photo(12, 10, 3);
    const data = await x.array();
    for (const [size, stride] of [
      [2, 2],
      [3, 2],
      [4, 4],
    ] as const) {
      for (const mode of ['max', 'average'] as const) {
        const pooled = poolFigure(x, { size, stride, mode });
        const want = brutePool(data, size, stride, mode === 'average');
        expect(pooled.shape).toEqual([want.length, want[0]?.length, 3]);
        expectClose(await pooled.data(), want.flat(2));
        pooled.dispose();
      }
    }
    x.dispose();
  });

  it('rejects a bad mode or window, naming it; leaks no tensors', () => {
    const x = photo(8, 8, 1);
    const before = tf.memory().numTensors;
    expect(() => poolFigure(x, { size: 2, stride: 2, mode: 'median' as 'max' })).toThrow(
      /invalid mode: "median"/,
    );
    expect(() => poolFigure(x, { size: 0, stride: 2, mode: 'max' })).toThrow(/invalid size: 0/);
    poolFigure(x, { size: 2, stride: 1, mode: 'max' }).dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});

describe('unpoolFigure', () => {
  it('returns unpoolEdges’ maps and shares, and crops them where the mean edge is strongest', async () => {
    const x = photo(32, 32, 11);
    const size = 4;
    const crop = 8;
    const f = await unpoolFigure(x, { size, crop });
    const ref = unpoolEdges(x, size);
    expectClose(await f.edges.data(), await ref.edges.data());
    expectClose(await f.unpooled.data(), await ref.unpooled.data());
    expectClose(await f.nearest.data(), await ref.nearest.data());
    expectClose([f.shares.unpooled, f.shares.nearest], await ref.shares.data());
    // Brute force: the window-aligned crop with the largest mean edge strength.
    const edges = await ref.edges.array();
    let best = { mean: -Infinity, y: 0, x: 0 };
    for (let y = 0; y + crop <= 32; y += size) {
      for (let xx = 0; xx + crop <= 32; xx += size) {
        let sum = 0;
        for (let dy = 0; dy < crop; dy++)
          for (let dx = 0; dx < crop; dx++) sum += edges[y + dy]?.[xx + dx] ?? 0;
        if (sum / (crop * crop) > best.mean + 1e-7) best = { mean: sum / (crop * crop), y, x: xx };
      }
    }
    expect(f.crops).toHaveLength(3);
    const maps = [ref.edges, ref.unpooled, ref.nearest];
    for (const [i, c] of f.crops.entries()) {
      expect(c.shape).toEqual([crop, crop]);
      const want = tf.slice(maps[i] as tf.Tensor2D, [best.y, best.x], [crop, crop]);
      expectClose(await c.data(), await want.data());
      want.dispose();
    }
    tf.dispose([f, ref, x]);
  });

  it('a crop larger than the map is the whole map; no tensor leaks; bad options throw', async () => {
    const x = photo(16, 16, 5);
    const before = tf.memory().numTensors;
    const f = await unpoolFigure(x, { size: 4, crop: 64 });
    expect(f.crops[0]?.shape).toEqual([16, 16]);
    tf.dispose(f);
    expect(tf.memory().numTensors).toBe(before);
    await expect(unpoolFigure(x, { size: 4, crop: 0 })).rejects.toThrow(/invalid crop: 0/);
    await expect(unpoolFigure(x, { size: 17, crop: 8 })).rejects.toThrow(/invalid size: 17/);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});

describe('shiftFigure', () => {
  it('counts the changed pixels and pooled values like a brute-force comparison', async () => {
    const x = photo(16, 16, 21);
    const data = await x.array();
    for (const [size, shift] of [
      [4, 1],
      [2, 3],
      [4, 4],
    ] as const) {
      const f = await shiftFigure(x, { size, shift });
      const shifted = data.map((row) => row.map((_, i) => row[(i - shift + 16) % 16] ?? []));
      const pooled = brutePool(data, size, size, false);
      const pooledShifted = brutePool(shifted, size, size, false);
      const differs = (a: number[], b: number[]) =>
        a.filter((v, i) => Math.abs(v - (b[i] ?? NaN)) > 1e-6).length / a.length;
      expect(f.changed.input).toBeCloseTo(differs(data.flat(2), shifted.flat(2)), 6);
      expect(f.changed.pooled).toBeCloseTo(differs(pooled.flat(2), pooledShifted.flat(2)), 6);
      expectClose(await f.pooled.data(), pooled.flat(2));
      expectClose(await f.pooledShifted.data(), pooledShifted.flat(2));
      const lum = (m: number[][][]) => m.flat().map((p) => p.reduce((a, b) => a + b, 0) / 3);
      const a = lum(pooled);
      expectClose(
        await f.difference.data(),
        lum(pooledShifted).map((v, i) => v - (a[i] ?? NaN)),
      );
      tf.dispose(f);
    }
    x.dispose();
  });

  it('a shift of 0 changes nothing; no tensor leaks; a bad shift throws', async () => {
    const x = photo(8, 8, 2);
    const before = tf.memory().numTensors;
    const f = await shiftFigure(x, { size: 2, shift: 0 });
    expect(f.changed).toEqual({ input: 0, pooled: 0 });
    expect(Math.max(...(await f.difference.data()).map(Math.abs))).toBe(0);
    tf.dispose(f);
    await expect(shiftFigure(x, { size: 2, shift: 8 })).rejects.toThrow(/invalid dx: 8/);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});

describe('localizationFigure', () => {
  it('gives localizationError and rimShare for every size, beside a random maximum', async () => {
    const x = photo(24, 24, 8);
    const before = tf.memory().numTensors;
    const f = await localizationFigure(x, { maxSize: 6 });
    expect(tf.memory().numTensors).toBe(before);
    expect(f.sizes).toEqual([1, 2, 3, 4, 5, 6]);
    for (const [i, s] of f.sizes.entries()) {
      const d = localizationError(x, s);
      const r = rimShare(x, s);
      expect(f.photo[i]).toBeCloseTo((await d.data())[0] ?? NaN, 5);
      expect(f.rim[i]).toBeCloseTo((await r.data())[0] ?? NaN, 5);
      tf.dispose([d, r]);
      expect(f.random[i]).toBe(uniformLocalizationError(s));
      expect(f.rimRandom[i]).toBe(rimCellShare(s));
    }
    await expect(localizationFigure(x, { maxSize: 0 })).rejects.toThrow(/invalid maxSize: 0/);
    x.dispose();
  });

  it('a random maximum: 0 px at 1×1, √½ px at 2×2; the rim of a 4×4 window holds 3/4 of it', () => {
    expect(uniformLocalizationError(1)).toBe(0);
    expect(uniformLocalizationError(2)).toBeCloseTo(Math.SQRT1_2, 12);
    // 3×3: four corners at √2, four edges at 1, the centre at 0.
    expect(uniformLocalizationError(3)).toBeCloseTo((4 * Math.SQRT2 + 4) / 9, 12);
    expect(rimCellShare(4)).toBe(0.75);
    expect(rimCellShare(2)).toBe(1);
  });
});

describe('the pooling page’s compute figures', () => {
  const ctx = { signal: new AbortController().signal, softwareGpu: false };

  it('send back wire tensors and numbers, and free every tensor they made', async () => {
    const image = photo(32, 32, 4);
    const before = tf.memory().numTensors;
    const pool = (await poolingFigures['max-pool']?.run(
      { image },
      { size: 4, stride: 4, mode: 'max' },
      ctx,
      {},
    )) as WireTensor;
    expect(isWireTensor(pool)).toBe(true);
    expect(pool.shape).toEqual([8, 8, 3]);
    const unpool = (await poolingFigures['unpool']?.run(
      { image },
      { size: 4, crop: 8 },
      ctx,
      {},
    )) as {
      edges: WireTensor;
      shares: { unpooled: number };
    };
    expect(isWireTensor(unpool.edges)).toBe(true);
    expect(typeof unpool.shares.unpooled).toBe('number');
    const shift = (await poolingFigures['pool-shift']?.run(
      { image },
      { size: 4, shift: 1 },
      ctx,
      {},
    )) as {
      changed: { pooled: number };
    };
    expect(shift.changed.pooled).toBeGreaterThan(0);
    const loc = (await poolingFigures['pool-localization']?.run(
      { image },
      { maxSize: 4 },
      ctx,
      {},
    )) as {
      photo: number[];
    };
    expect(loc.photo).toHaveLength(4);
    expect(tf.memory().numTensors).toBe(before);
    await expect(
      poolingFigures['max-pool']?.run({}, { size: 4, stride: 4, mode: 'max' }, ctx, {}),
    ).rejects.toThrow(/invalid image/);
    await expect(
      poolingFigures['max-pool']?.run({ image }, { size: 4, stride: 4, mode: 'mean' }, ctx, {}),
    ).rejects.toThrow(/invalid mode: "mean"/);
    expect(tf.memory().numTensors).toBe(before);
    image.dispose();
  });
});
