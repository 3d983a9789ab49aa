import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { avgPool, maxPoolWithSwitches, maxUnpool } from '../../src/lib';
import { switchesByOrdinaryOps } from '../../src/lib/pooling/pooling';
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

interface PoolCase {
  size: number;
  stride: number;
  x: Golden;
  pooled: Golden;
  switches: Golden;
  unpooled: Golden;
  avgPooled: Golden;
}
const { cases } = loadOps<{ cases: PoolCase[] }>('max_pool.json');

// Max pooling selects input values, so pooled/unpooled must match to float32 representation
// (the fixtures carry float64 values of float32 inputs rounded to 10 digits).
const SELECTED = { atol: 0, rtol: 1e-7 };

/** Brute force: the first maximum (row-major) of every 'valid' window of one [H, W, C] image. */
function bruteSwitches(x: Float32Array, shape: number[], size: number, stride: number) {
  const [h = 0, w = 0, c = 0] = shape;
  const outH = Math.floor((h - size) / stride) + 1;
  const outW = Math.floor((w - size) / stride) + 1;
  const switches: number[] = [];
  for (let oy = 0; oy < outH; oy++) {
    for (let ox = 0; ox < outW; ox++) {
      for (let ch = 0; ch < c; ch++) {
        let best = -1;
        for (let dy = 0; dy < size; dy++) {
          for (let dx = 0; dx < size; dx++) {
            const i = ((oy * stride + dy) * w + ox * stride + dx) * c + ch;
            if (best < 0 || (x[i] ?? 0) > (x[best] ?? 0)) best = i;
          }
        }
        switches.push(best);
      }
    }
  }
  return { switches, shape: [outH, outW, c] };
}

describe('maxPoolWithSwitches', () => {
  it('matches PyTorch max_pool2d values and return_indices (as (y*W + x)*C + c)', () => {
    for (const g of cases) {
      const { pooled, switches } = maxPoolWithSwitches(fromGolden<tf.Tensor3D>(g.x), g);
      expectClose(pooled, g.pooled, SELECTED);
      expect(switches.dtype).toBe('int32');
      expect(Array.from(switches.dataSync())).toEqual(g.switches.data);
    }
  });

  it('computes the same switches with ordinary ops as with the MaxPoolWithArgmax kernel', () => {
    const rand = prng(7);
    for (let t = 0; t < 20; t++) {
      const size = randInt(rand, 1, 4);
      const shape = [
        randInt(rand, 1, 2),
        randInt(rand, size, 12),
        randInt(rand, size, 12),
        randInt(rand, 1, 4),
      ];
      const x = randomTensor(rand, shape) as tf.Tensor4D;
      const stride = randInt(rand, 1, 4);
      const viaKernel = tf.maxPoolWithArgmax(x, size, stride, 'valid', false).indexes!;
      expect(Array.from(switchesByOrdinaryOps(x, size, stride).dataSync())).toEqual(
        Array.from(viaKernel.dataSync()),
      );
    }
  });

  it('falls back to ordinary ops when the backend has no MaxPoolWithArgmax kernel', () => {
    const config = tf.getKernel('MaxPoolWithArgmax', 'cpu');
    expect(config).toBeDefined();
    const g = cases[1]!;
    tf.unregisterKernel('MaxPoolWithArgmax', 'cpu');
    try {
      const { pooled, switches } = maxPoolWithSwitches(fromGolden<tf.Tensor3D>(g.x), g);
      expectClose(pooled, g.pooled, SELECTED);
      expect(switches.dtype).toBe('int32');
      expect(Array.from(switches.dataSync())).toEqual(g.switches.data);
    } finally {
      if (config) tf.registerKernel(config);
    }
  });

  it('pools a batch [N, H, W, C] image by image, switches indexed within each image', () => {
    const rand = prng(11);
    const x = randomTensor(rand, [3, 7, 6, 2]) as tf.Tensor4D;
    const batched = maxPoolWithSwitches(x, { size: 3, stride: 2 });
    tf.unstack(x).forEach((image, n) => {
      const single = maxPoolWithSwitches(image as tf.Tensor3D, { size: 3, stride: 2 });
      expect(Array.from(tf.unstack(batched.switches)[n]!.dataSync())).toEqual(
        Array.from(single.switches.dataSync()),
      );
      expectClose(tf.unstack(batched.pooled)[n]!, single.pooled, { atol: 0, rtol: 0 });
    });
    const scattered = maxUnpool(batched.pooled, batched.switches, x.shape);
    const dense = maxUnpool(batched.pooled, batched.switches, x.shape, { size: 3, stride: 2 });
    expect(Array.from(dense.dataSync())).toEqual(Array.from(scattered.dataSync()));
  });

  it('rejects bad options with the option name and value', () => {
    const x = tf.zeros<tf.Rank.R3>([4, 4, 1]);
    expect(() => maxPoolWithSwitches(x, { size: 0 })).toThrow(
      'invalid size: 0 (expected an integer in 1..16)',
    );
    expect(() => maxPoolWithSwitches(x, { size: 2, stride: 1.5 })).toThrow(
      'invalid stride: 1.5 (expected an integer in 1..16)',
    );
    expect(() => maxPoolWithSwitches(x, { size: 5 })).toThrow('invalid size: 5');
    expect(() =>
      maxPoolWithSwitches(tf.zeros([4, 4]) as unknown as tf.Tensor3D, { size: 2 }),
    ).toThrow('invalid x shape: "[4, 4]" (expected [H, W, C] or [N, H, W, C])');
  });
});

describe('maxUnpool', () => {
  it('matches PyTorch max_unpool2d by scatter and by the dense window path (overlaps included)', () => {
    for (const g of cases) {
      const pooled = fromGolden<tf.Tensor3D>(g.pooled);
      const switches = fromGolden<tf.Tensor3D>(g.switches, 'int32');
      expectClose(maxUnpool(pooled, switches, g.x.shape), g.unpooled, SELECTED);
      expectClose(maxUnpool(pooled, switches, g.x.shape, g), g.unpooled, SELECTED);
    }
  });

  it('puts each maximum back at its switch position: 4x4 example', () => {
    const x = tf.tensor3d([1, 5, 2, 0, 3, 4, 8, 1, 0, 2, 6, 7, 9, 1, 3, 2], [4, 4, 1]);
    const { pooled, switches } = maxPoolWithSwitches(x, { size: 2 });
    expect(Array.from(pooled.dataSync())).toEqual([5, 8, 9, 7]);
    expect(Array.from(switches.dataSync())).toEqual([1, 6, 12, 11]);
    const back = maxUnpool(pooled, switches, [4, 4, 1]);
    expect(Array.from(back.dataSync())).toEqual([0, 5, 0, 0, 0, 0, 8, 0, 0, 0, 0, 7, 9, 0, 0, 0]);
  });

  it('unpool(pool(x)) keeps exactly the window maxima and zeros elsewhere (random shapes)', () => {
    const rand = prng(2026);
    for (let t = 0; t < 25; t++) {
      const size = randInt(rand, 1, 4);
      const stride = randInt(rand, 1, 4);
      const shape = [randInt(rand, size, 11), randInt(rand, size, 11), randInt(rand, 1, 3)];
      const x = randomTensor(rand, shape, -1, 1) as tf.Tensor3D;
      const values = x.dataSync() as Float32Array;
      const { pooled, switches } = maxPoolWithSwitches(x, { size, stride });
      const brute = bruteSwitches(values, shape, size, stride);
      expect(Array.from(switches.dataSync())).toEqual(brute.switches);
      const expected = new Float32Array(values.length);
      for (const i of brute.switches) expected[i] = values[i] ?? NaN;
      const scattered = maxUnpool(pooled, switches, shape);
      expect(Array.from(scattered.dataSync())).toEqual(Array.from(expected));
      const dense = maxUnpool(pooled, switches, shape, { size, stride });
      expect(Array.from(dense.dataSync())).toEqual(Array.from(expected));
    }
  });

  it('rejects switches of the wrong dtype or shape and a mismatched outShape', () => {
    const p = tf.zeros<tf.Rank.R3>([2, 2, 1]);
    const s = tf.zeros<tf.Rank.R3>([2, 2, 1], 'int32');
    expect(() => maxUnpool(p, tf.zeros<tf.Rank.R3>([2, 2, 1]), [4, 4, 1])).toThrow(
      'invalid switches dtype: "float32" (expected "int32")',
    );
    expect(() => maxUnpool(p, tf.zeros<tf.Rank.R3>([2, 1, 1], 'int32'), [4, 4, 1])).toThrow(
      'invalid switches shape: "[2, 1, 1]" (expected [2, 2, 1])',
    );
    expect(() => maxUnpool(p, s, [4, 4, 2])).toThrow('invalid outShape: "[4, 4, 2]"');
    expect(() => maxUnpool(p, s, [4, 4, 1], { size: 3 })).toThrow(
      'invalid window: "3/3" (expected windows that fit in outShape [4, 4, 1])',
    );
  });
});

describe('pooling on the wasm backend', () => {
  beforeAll(async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('uses ordinary ops for the switches: the wasm MaxPoolWithArgmax kernel fails on negatives', () => {
    // Shifting by -2 makes every value negative and leaves every switch where it was.
    for (const g of cases) {
      const x = tf.sub<tf.Tensor3D>(fromGolden<tf.Tensor3D>(g.x), 2);
      const viaKernel = tf.maxPoolWithArgmax(
        tf.expandDims<tf.Tensor4D>(x, 0),
        g.size,
        g.stride,
        'valid',
      );
      // If this starts failing, tfjs fixed the kernel and TRUSTED_ARGMAX may include 'wasm'.
      expect(Array.from(viaKernel.indexes!.dataSync())).not.toEqual(g.switches.data);
      const { switches } = maxPoolWithSwitches(x, g);
      expect(switches.dtype).toBe('int32');
      expect(Array.from(switches.dataSync())).toEqual(g.switches.data);
    }
  });

  it('matches PyTorch max_pool2d / max_unpool2d (both unpool paths)', () => {
    for (const g of cases) {
      const { pooled, switches } = maxPoolWithSwitches(fromGolden<tf.Tensor3D>(g.x), g);
      expectClose(pooled, g.pooled, SELECTED);
      expect(Array.from(switches.dataSync())).toEqual(g.switches.data);
      expectClose(maxUnpool(pooled, switches, g.x.shape), g.unpooled, SELECTED);
      expectClose(maxUnpool(pooled, switches, g.x.shape, g), g.unpooled, SELECTED);
    }
  });
});

describe('avgPool', () => {
  it('matches PyTorch avg_pool2d within 1e-5', () => {
    for (const g of cases) expectClose(avgPool(fromGolden<tf.Tensor3D>(g.x), g), g.avgPooled);
  });
});

describe('pooling leaks no tensors', () => {
  const x = randomTensor(prng(3), [9, 8, 3]) as tf.Tensor3D;
  it('maxPoolWithSwitches', () =>
    expectNoLeak(() => {
      const r = maxPoolWithSwitches(x, { size: 3, stride: 2 });
      return [r.pooled, r.switches];
    }));
  it('switchesByOrdinaryOps', () => {
    const x4 = tf.expandDims<tf.Tensor4D>(x, 0);
    return expectNoLeak(() => switchesByOrdinaryOps(x4, 2, 2));
  });
  it('maxUnpool', async () => {
    const r = maxPoolWithSwitches(x, { size: 2 });
    await expectNoLeak(() => maxUnpool(r.pooled, r.switches, x.shape));
    await expectNoLeak(() => maxUnpool(r.pooled, r.switches, x.shape, { size: 2 }));
  });
  it('avgPool', () => expectNoLeak(() => avgPool(x, { size: 2 })));
});
