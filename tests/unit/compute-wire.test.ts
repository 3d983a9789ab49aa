import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { fromWire, isWireTensor, toWire, transferables } from '../../src/lib/browser/compute-wire';

describe('compute wire format', () => {
  it('a tensor container survives toWire / fromWire with values, shapes, dtypes and numbers', async () => {
    const a = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const b = tf.tensor1d([5, 6], 'int32');
    const wire = await toWire({ maps: { a }, list: [b], n: 3, name: 'x' });
    const w = wire as { maps: { a: unknown }; list: unknown[]; n: number; name: string };
    expect(isWireTensor(w.maps.a)).toBe(true);
    expect(w.n).toBe(3);
    const back = await fromWire<{ maps: { a: tf.Tensor }; list: tf.Tensor[]; n: number }>(wire);
    expect(back.maps.a.shape).toEqual([2, 2]);
    expect(Array.from(await back.maps.a.data())).toEqual([1, 2, 3, 4]);
    expect(back.list[0]?.dtype).toBe('int32');
    expect(Array.from(await (back.list[0] as tf.Tensor).data())).toEqual([5, 6]);
    tf.dispose([a, b, back.maps.a, ...back.list]);
  });

  it('toWire copies: transferring its buffers leaves the source tensors intact', async () => {
    const a = tf.tensor1d([1, 2, 3]);
    const wire = await toWire({ a });
    const buffers = transferables(wire);
    expect(buffers.length).toBe(1);
    structuredClone(wire, { transfer: buffers });
    expect(Array.from(await a.data())).toEqual([1, 2, 3]);
    a.dispose();
  });

  it('leaks no tensors (toWire keeps the caller’s, fromWire makes only the returned ones)', async () => {
    const before = tf.memory().numTensors;
    const a = tf.ones([3, 3]);
    const back = await fromWire<{ a: tf.Tensor }>(await toWire({ a }));
    tf.dispose([a, back.a]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
