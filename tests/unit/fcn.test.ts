import { readFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disposeFcnResult, fcnForward, fixedBilinearUpsample } from '../../src/lib/fcn/fcn';
import { disposeFcnWeights, loadFcnWeights, type FcnWeights } from '../../src/lib/fcn/weights';
import { fileFetch } from '../../scripts/lib/file-fetch';

// train:smoke points these at a fresh temp export; by default the committed ones are checked.
const WEIGHTS = process.env.PW_WEIGHTS_DIR ?? 'public/weights';
const FIXTURES = process.env.PW_FIXTURES_DIR ?? 'tests/fixtures/fcn';

/**
 * Goldens are PyTorch's outputs (training/export.py `reference_forward`) with the exported
 * dequantized weights, stored as float16. Tolerance per stage: 1e-3 x max|golden| of that
 * stage — float16 storage alone is off by up to 2^-11 (4.9e-4) of a value, float32
 * accumulation order adds ~1e-6.
 */
const REL_TOL = 1e-3;

interface GoldenEntry {
  scene: string;
  name: string;
  shape: number[];
  dtype: 'float16' | 'float32';
  offset: number;
  byteLength: number;
  range: [number, number];
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

let weights: FcnWeights;
let goldens: GoldenEntry[];
let bin: Buffer;

function golden(scene: string, name: string): Float32Array {
  const e = goldens.find((g) => g.scene === scene && g.name === name);
  if (!e) throw new Error(`no golden ${scene}/${name}`);
  const out = new Float32Array(e.shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < out.length; i++) {
    out[i] =
      e.dtype === 'float32'
        ? bin.readFloatLE(e.offset + 4 * i)
        : halfToFloat(bin.readUInt16LE(e.offset + 2 * i));
  }
  return out;
}

function goldenTensor(scene: string, name: string): tf.Tensor4D {
  const e = goldens.find((g) => g.scene === scene && g.name === name);
  return tf.tensor4d(golden(scene, name), e?.shape as [number, number, number, number]);
}

/** max |actual - expected| and max |expected|. */
function maxErr(actual: tf.Tensor, expected: Float32Array): { err: number; scale: number } {
  const a = actual.dataSync();
  let err = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    err = Math.max(err, Math.abs((a[i] ?? NaN) - (expected[i] ?? NaN)));
    scale = Math.max(scale, Math.abs(expected[i] ?? 0));
  }
  return { err, scale };
}

beforeAll(async () => {
  weights = await loadFcnWeights(`${WEIGHTS}/model.json`, { fetch: fileFetch });
  const index = JSON.parse(await readFile(`${FIXTURES}/golden.json`, 'utf8')) as {
    tensors: GoldenEntry[];
  };
  goldens = index.tensors;
  bin = await readFile(`${FIXTURES}/golden.bin`);
});

afterAll(() => disposeFcnWeights(weights));

describe('fcnForward matches PyTorch golden vectors', () => {
  for (const scene of ['scene0', 'scene1', 'scene2']) {
    it(`every stage of FCN-8s on ${scene} (64x64) within ${REL_TOL} x range`, () => {
      const input = goldenTensor(scene, 'input');
      const result = fcnForward(weights, input, { variant: '8s' });
      const names = goldens.filter((g) => g.scene === scene && g.name !== 'input');
      let checked = 0;
      for (const g of names) {
        const stage = g.name === 'logits8s' ? 'upscore8' : g.name;
        if (g.name.startsWith('logits') && g.name !== 'logits8s') continue;
        const t = result.intermediates.get(stage);
        expect(t?.shape, stage).toEqual(g.shape);
        if (!t) continue;
        const { err, scale } = maxErr(t, golden(scene, g.name));
        expect(err, `${stage}: max err ${err} vs range ${scale}`).toBeLessThanOrEqual(
          REL_TOL * Math.max(scale, 1e-3),
        );
        checked++;
      }
      expect(checked).toBe(22);
      disposeFcnResult(result);
      input.dispose();
    });
  }

  for (const variant of ['32s', '16s'] as const) {
    it(`FCN-${variant} logits on scene0`, () => {
      const input = goldenTensor('scene0', 'input');
      const result = fcnForward(weights, input, { variant });
      const { err, scale } = maxErr(result.logits, golden('scene0', `logits${variant}`));
      expect(err).toBeLessThanOrEqual(REL_TOL * scale);
      disposeFcnResult(result);
      input.dispose();
    });
  }

  it('full-size 128x128 FCN-8s logits, and the same argmax labels', () => {
    const input = goldenTensor('scene128', 'input');
    const result = fcnForward(weights, input);
    expect(result.logits.shape).toEqual([1, 128, 128, 11]);
    const expected = goldenTensor('scene128', 'logits8s');
    const { err, scale } = maxErr(result.logits, expected.dataSync() as Float32Array);
    expect(err).toBeLessThanOrEqual(REL_TOL * scale);
    // Labels may differ only where the top two logits are within the tolerance.
    const a = tf.argMax(result.logits, -1).dataSync();
    const b = tf.argMax(expected, -1).dataSync();
    const differ = a.filter((v, i) => v !== b[i]).length;
    expect(differ / a.length).toBeLessThan(0.002);
    disposeFcnResult(result);
    tf.dispose([input, expected]);
  });
});

describe('fcnForward contract', () => {
  it('returns every stage with FCN geometry for each variant', () => {
    const input = tf.zeros([1, 64, 96, 3]);
    const r32 = fcnForward(weights, input, { variant: '32s' });
    expect([...r32.intermediates.keys()]).toEqual([
      'conv1_1', 'pool1', 'conv2_1', 'pool2', 'conv3_1', 'conv3_2', 'pool3', 'conv4_1',
      'conv4_2', 'pool4', 'conv5_1', 'pool5', 'fc6', 'fc7', 'score_fr', 'upscore32',
    ]); // prettier-ignore
    expect(r32.intermediates.get('pool5')?.shape).toEqual([1, 2, 3, 128]);
    expect(r32.intermediates.get('score_fr')?.shape).toEqual([1, 2, 3, 11]);
    const r8 = fcnForward(weights, input, { variant: '8s' });
    expect(r8.intermediates.get('fuse_pool4')?.shape).toEqual([1, 4, 6, 11]);
    expect(r8.intermediates.get('fuse_pool3')?.shape).toEqual([1, 8, 12, 11]);
    expect(r8.logits.shape).toEqual([1, 64, 96, 11]);
    expect(r8.logits).toBe(r8.intermediates.get('upscore8'));
    [r32, r8].forEach(disposeFcnResult);
    input.dispose();
  });

  it('skipWeights.pool4 = 0 leaves fuse_pool4 equal to the upsampled coarse score', () => {
    const input = goldenTensor('scene0', 'input');
    const r = fcnForward(weights, input, { variant: '16s', skipWeights: { pool4: 0 } });
    const fused = r.intermediates.get('fuse_pool4');
    const up = r.intermediates.get('upscore2');
    if (!fused || !up) throw new Error('missing stage');
    expect(tf.max(tf.abs(tf.sub(fused, up))).dataSync()[0]).toBe(0);
    disposeFcnResult(r);
    input.dispose();
  });

  it('leaks no tensors (caller disposes the result with disposeFcnResult)', () => {
    const input = tf.randomUniform([1, 32, 32, 3]);
    const before = tf.memory().numTensors;
    for (const variant of ['32s', '16s', '8s'] as const) {
      disposeFcnResult(fcnForward(weights, input, { variant }));
    }
    const small = tf.zeros<tf.Rank.R4>([1, 2, 2, 11]);
    fixedBilinearUpsample(small, 8).dispose();
    small.dispose();
    expect(tf.memory().numTensors).toBe(before);
    input.dispose();
  });

  it('rejects images that are not [1, H, W, 3] with H, W multiples of 32', () => {
    const bad = [tf.zeros([1, 30, 32, 3]), tf.zeros([32, 32, 3]), tf.zeros([1, 32, 32, 4])];
    for (const t of bad) expect(() => fcnForward(weights, t)).toThrow(/invalid image shape: /);
    const ok = tf.zeros([1, 32, 32, 3]);
    expect(() => fcnForward(weights, ok, { variant: '4s' as '8s' })).toThrow(
      /invalid variant: "4s"/,
    );
    tf.dispose([...bad, ok]);
  });

  it('fixedBilinearUpsample interpolates a constant map to the same constant inside', () => {
    const x = tf.fill<tf.Rank.R4>([1, 4, 4, 11], 2);
    const y = fixedBilinearUpsample(x, 8);
    // Away from the zero-padded border every output pixel gets kernel weights summing to 1.
    const inner = tf.slice(y, [0, 8, 8, 0], [1, 16, 16, 11]);
    expect(Math.max(...Array.from(inner.dataSync()).map((v) => Math.abs(v - 2)))).toBeLessThan(
      1e-5,
    );
    tf.dispose([x, y, inner]);
  });
});
