/**
 * Test helpers for the ops golden fixtures (tests/fixtures/ops/*.json, written by
 * make_ops_golden.py): loading, tolerance checks, a seeded PRNG and a leak check.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

/** A tensor as stored in the fixtures: row-major data. */
export interface Golden {
  shape: number[];
  data: number[];
}

/** Parses `tests/fixtures/ops/<name>`. */
export function loadOps<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/ops/${name}`, import.meta.url), 'utf8')) as T;
}

/** A float32 (or int32) tensor from a fixture entry. */
export function fromGolden<T extends tf.Tensor>(
  g: Golden,
  dtype: 'float32' | 'int32' = 'float32',
): T {
  return tf.tensor(g.data, g.shape, dtype) as T;
}

/** Tolerance `|actual - expected| <= atol + rtol * |expected|`, elementwise. */
export interface Tolerance {
  atol: number;
  rtol: number;
}

/** Float32 elementwise ops: 1e-5 absolute + 1e-5 relative. */
export const FLOAT32: Tolerance = { atol: 1e-5, rtol: 1e-5 };

/**
 * Asserts equal shapes and every element within tolerance; the failure message names the worst
 * element so a regression is easy to locate.
 */
export function expectClose(
  actual: tf.Tensor,
  expected: Golden | tf.Tensor,
  tol: Tolerance = FLOAT32,
): void {
  const shape = expected instanceof tf.Tensor ? expected.shape : expected.shape;
  const want = expected instanceof tf.Tensor ? expected.dataSync() : expected.data;
  expect(actual.shape).toEqual(shape);
  const got = actual.dataSync();
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < got.length; i++) {
    const e = want[i] ?? NaN;
    const excess = Math.abs((got[i] ?? NaN) - e) - (tol.atol + tol.rtol * Math.abs(e));
    if (!(excess <= worstExcess)) {
      worst = i;
      worstExcess = excess;
    }
  }
  const where = worst < 0 ? 'none' : `index ${worst}: got ${got[worst]}, want ${want[worst]}`;
  expect(where).toBe('none');
}

/** Largest absolute elementwise difference of two same-shaped tensors. */
export function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  expect(a.shape).toEqual(b.shape);
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] ?? NaN);
}

/** Mulberry32: a tiny seeded PRNG returning floats in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Integer in [lo, hi] from a PRNG. */
export function randInt(rand: () => number, lo: number, hi: number): number {
  return lo + Math.floor(rand() * (hi - lo + 1));
}

/** A float32 tensor of uniform [lo, hi) samples from a PRNG. */
export function randomTensor(rand: () => number, shape: number[], lo = 0, hi = 1): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Float32Array.from({ length: n }, () => lo + (hi - lo) * rand()),
    shape,
  );
}

/**
 * Runs `fn`, disposes what it returns, and asserts that no tensor was left behind (inputs are
 * created before counting).
 */
export async function expectNoLeak(fn: () => tf.TensorContainer | Promise<unknown>): Promise<void> {
  const before = tf.memory().numTensors;
  const out = await fn();
  tf.dispose(out as tf.TensorContainer);
  expect(tf.memory().numTensors).toBe(before);
}
