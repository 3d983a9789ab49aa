/**
 * How tensors cross between the page and the compute worker: as typed arrays with their shape
 * and dtype (`WireTensor`), inside any structure of plain objects, arrays and numbers. A tensor
 * the page already sent is referred to by id afterwards (`TensorRef`).
 */
import * as tf from '@tensorflow/tfjs-core';

/** A tensor's values, by value: `data` has `shape`'s product of elements. */
export interface WireTensor {
  readonly wire: 'tensor';
  readonly dtype: 'float32' | 'int32' | 'bool';
  readonly shape: number[];
  readonly data: Float32Array | Int32Array | Uint8Array;
}

/** A page tensor the worker keeps by id; `data` travels only the first time (or on request). */
export interface TensorRef {
  readonly wire: 'ref';
  readonly id: string;
  readonly dtype: 'float32' | 'int32' | 'bool';
  readonly shape: number[];
  data?: Float32Array | Int32Array | Uint8Array;
}

function isWire(value: unknown, kind: 'tensor' | 'ref'): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { wire?: unknown }).wire === kind &&
    'shape' in value
  );
}

export function isWireTensor(value: unknown): value is WireTensor {
  return isWire(value, 'tensor');
}

export function isTensorRef(value: unknown): value is TensorRef {
  return isWire(value, 'ref');
}

function isTensor(value: unknown): value is tf.Tensor {
  return value instanceof tf.Tensor;
}

/** Maps every leaf of a plain structure (objects, arrays) through `f`. */
async function mapLeaves(value: unknown, f: (leaf: unknown) => unknown): Promise<unknown> {
  const mapped = await f(value);
  if (mapped !== value) return mapped;
  if (Array.isArray(value)) return Promise.all(value.map((v) => mapLeaves(v, f)));
  if (
    typeof value === 'object' &&
    value !== null &&
    !ArrayBuffer.isView(value) &&
    Object.getPrototypeOf(value) === Object.prototype
  ) {
    const entries = await Promise.all(
      Object.entries(value).map(async ([k, v]) => [k, await mapLeaves(v, f)] as const),
    );
    return Object.fromEntries(entries);
  }
  return value;
}

/**
 * A tensor container's tensors read back (asynchronously) as `WireTensor`s; numbers, strings,
 * typed arrays and plain structures pass through. The tensors stay the caller's.
 */
export function toWire(value: unknown): Promise<unknown> {
  return mapLeaves(value, async (leaf) => {
    if (!isTensor(leaf)) return leaf;
    const tensor = leaf;
    // A copy: on the CPU backend data() hands out the tensor's own storage, which a transfer
    // would detach.
    const values = await tensor.data();
    const data = values.slice() as Float32Array | Int32Array | Uint8Array;
    const wire: WireTensor = {
      wire: 'tensor',
      dtype: tensor.dtype === 'int32' || tensor.dtype === 'bool' ? tensor.dtype : 'float32',
      shape: tensor.shape.slice(),
      data,
    };
    return wire;
  });
}

/** The structure with every `WireTensor` made a tensor again (the caller owns them). */
export async function fromWire<T>(value: unknown): Promise<T> {
  return (await mapLeaves(value, (leaf) =>
    isWireTensor(leaf) ? tf.tensor(leaf.data, leaf.shape, leaf.dtype) : leaf,
  )) as T;
}

/** Every ArrayBuffer under `value`, once each: what a postMessage can transfer. */
export function transferables(value: unknown, found = new Set<ArrayBuffer>()): ArrayBuffer[] {
  if (ArrayBuffer.isView(value)) {
    if (value.buffer instanceof ArrayBuffer) found.add(value.buffer);
  } else if (Array.isArray(value)) {
    for (const v of value) transferables(v, found);
  } else if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) transferables(v, found);
  }
  return [...found];
}
