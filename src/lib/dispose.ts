/**
 * Freeing a result that mixes tensors with typed arrays (what figures fed by the compute worker
 * keep). `tf.dispose` walks every container with `for…in`, so it visits a typed array element by
 * element: seconds for a million values. This walk steps over typed arrays whole.
 */
import * as tf from '@tensorflow/tfjs-core';

/**
 * Disposes every tensor inside `value` (plain objects and arrays, any depth; typed arrays and
 * other values are skipped, each object visited once).
 */
export function disposeTensors(value: unknown, seen = new Set<object>()): void {
  if (value instanceof tf.Tensor) {
    value.dispose();
    return;
  }
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) return;
  if (seen.has(value)) return;
  seen.add(value);
  for (const v of Object.values(value)) disposeTensors(v, seen);
}
