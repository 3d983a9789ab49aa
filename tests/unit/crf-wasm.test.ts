/**
 * The tfjs mean field on the WebAssembly backend agrees with the CPU backend, exact path
 * included. tfjs-backend-wasm 4.22 keys its cached matrix-product operator on the right-hand
 * operand's data: the same data used as that operand in two shapes (one Q reshaped to [N, L] for
 * the appearance kernel and to [H, W * L] for the smoothness kernel) gave NaN on the second
 * product. `exactSpatialGaussianMessages` now multiplies a copy.
 */
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMeanField } from '../../src/lib/crf/index';
import { prng } from '../reference/ops-golden';

const SIDE = 32;
const LABELS = 5;

let before: string;
beforeAll(() => {
  before = tf.getBackend();
  setWasmPaths(
    fileURLToPath(
      new URL('../../node_modules/@tensorflow/tfjs-backend-wasm/dist/', import.meta.url),
    ),
  );
});
afterAll(async () => {
  await tf.setBackend(before);
});

async function labelsOn(backend: string, method: 'exact' | 'fast'): Promise<Float32Array> {
  await tf.setBackend(backend);
  await tf.ready();
  const rand = prng(11);
  const image = tf.tensor3d(Float32Array.from({ length: SIDE * SIDE * 3 }, rand), [SIDE, SIDE, 3]);
  const unary = tf.tensor3d(
    Float32Array.from({ length: SIDE * SIDE * LABELS }, () => 3 * rand()),
    [SIDE, SIDE, LABELS],
  );
  const r = runMeanField(image, unary, { method, iterations: 5 });
  const q = (await r.q.data()) as Float32Array;
  tf.dispose([image, unary, r.q]);
  return q;
}

describe('mean field on the WASM backend', () => {
  for (const method of ['exact', 'fast'] as const) {
    it(`${method}: the same Q as the CPU backend (max |dQ| < 1e-4, no NaN)`, async () => {
      const cpu = await labelsOn('cpu', method);
      const wasm = await labelsOn('wasm', method);
      let worst = 0;
      for (let i = 0; i < cpu.length; i++) {
        worst = Math.max(worst, Math.abs((cpu[i] ?? NaN) - (wasm[i] ?? NaN)));
      }
      expect(worst).toBeLessThan(1e-4);
    }, 120_000);
  }
});
