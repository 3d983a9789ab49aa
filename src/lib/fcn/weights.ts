/**
 * The tiny FCN's architecture (what `training/export.py` writes) and a loader for its tfjs
 * weights manifest that refuses anything that does not match it, with an error that names
 * the problem: an HTTP failure, a missing tensor, a wrong shape, a truncated shard.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as z from 'zod/mini';
import { NUM_FCN_CLASSES } from './classes';

/** The part of a tfjs `model.json` the loader reads, checked before any shard is fetched. */
const ManifestSchema = z.object({
  weightsManifest: z
    .array(
      z.object({
        paths: z.array(z.string().check(z.minLength(1))).check(z.minLength(1)),
        weights: z.array(
          z.object({
            name: z.string(),
            shape: z.array(z.int().check(z.nonnegative())),
            dtype: z.enum(['float32', 'int32', 'bool', 'string', 'complex64']),
            quantization: z.optional(
              z.object({
                dtype: z.enum(['float16', 'uint8', 'uint16']),
                min: z.optional(z.number()),
                scale: z.optional(z.number()),
              }),
            ),
          }),
        ),
      }),
    )
    .check(z.minLength(1)),
});

/** The encoder's five blocks: their 3x3 conv+relu layers; each block ends in a 2x2/2 max-pool. */
export const FCN_BLOCKS: readonly (readonly string[])[] = [
  ['conv1_1'],
  ['conv2_1'],
  ['conv3_1', 'conv3_2'],
  ['conv4_1', 'conv4_2'],
  ['conv5_1'],
];

const K = NUM_FCN_CLASSES;

/**
 * Every stored tensor and its shape. Conv kernels are `[kh, kw, in, out]` (with a bias
 * `[out]`); the learned 2x transposed-conv kernels are tfjs's `[kh, kw, out, in]`. The fixed
 * final 8x/16x/32x bilinear kernels are not stored: `fcn.ts` builds them.
 */
export const FCN_WEIGHT_SHAPES: Readonly<Record<string, readonly number[]>> = {
  ...conv('conv1_1', 3, 3, 16),
  ...conv('conv2_1', 3, 16, 32),
  ...conv('conv3_1', 3, 32, 64),
  ...conv('conv3_2', 3, 64, 64),
  ...conv('conv4_1', 3, 64, 96),
  ...conv('conv4_2', 3, 96, 96),
  ...conv('conv5_1', 3, 96, 128),
  ...conv('fc6', 1, 128, 192),
  ...conv('fc7', 1, 192, 192),
  ...conv('score_fr', 1, 192, K),
  'upscore2/kernel': [4, 4, K, K],
  ...conv('score_pool4', 1, 96, K),
  'upscore_pool4/kernel': [4, 4, K, K],
  ...conv('score_pool3', 1, 64, K),
};

/**
 * The shipped classifier's tensors (`public/weights/classifier/`): the FCN's encoder, fc6, fc7
 * and score_fr, as the 11-way classifier was before any segmentation training (convolutionalized,
 * so the names and shapes are the FCN's). It has no decoder.
 */
export const CLASSIFIER_WEIGHT_SHAPES: Readonly<Record<string, readonly number[]>> =
  Object.fromEntries(
    Object.entries(FCN_WEIGHT_SHAPES).filter(([name]) => !/^(upscore|score_pool)/.test(name)),
  );

function conv(name: string, k: number, cin: number, cout: number): Record<string, number[]> {
  return { [`${name}/kernel`]: [k, k, cin, cout], [`${name}/bias`]: [cout] };
}

/** Loaded weights: tensor name -> tensor (float32, dequantized). Dispose with `disposeFcnWeights`. */
export interface FcnWeights {
  readonly tensors: ReadonlyMap<string, tf.Tensor>;
  /** Bytes of the shards as stored (quantized). */
  readonly byteLength: number;
}

/** The part of a fetch Response the loader uses. */
export interface FetchResponseLike {
  ok: boolean;
  status: number;
  statusText?: string;
  json(): Promise<unknown>;
  arrayBuffer(): Promise<ArrayBuffer>;
}

export interface LoadFcnWeightsOptions {
  /** Default: `globalThis.fetch`. Node tests pass one that reads files. */
  fetch?: (url: string) => Promise<FetchResponseLike>;
  /** The tensors the file must hold, by name and shape. Default `FCN_WEIGHT_SHAPES`. */
  shapes?: Readonly<Record<string, readonly number[]>>;
}

const BYTES: Readonly<Record<string, number>> = {
  float32: 4,
  int32: 4,
  float16: 2,
  uint16: 2,
  uint8: 1,
};

/**
 * Loads `model.json` (a tfjs `weightsManifest`, float16 or uint8 quantized) and its shards,
 * checks every tensor name, shape and byte count against `FCN_WEIGHT_SHAPES`, and returns
 * the dequantized float32 tensors. Shard paths are relative to the manifest's URL.
 */
export async function loadFcnWeights(
  manifestUrl: string,
  options: LoadFcnWeightsOptions = {},
): Promise<FcnWeights> {
  const fetchFn = options.fetch ?? ((url: string) => globalThis.fetch(url));
  const shapes = options.shapes ?? FCN_WEIGHT_SHAPES;
  const res = await fetchOk(fetchFn, manifestUrl);
  let json: unknown;
  try {
    json = await res.json();
  } catch (e) {
    throw new Error(`invalid weights manifest ${manifestUrl}: not JSON`, { cause: e });
  }
  const parsed = ManifestSchema.safeParse(json);
  if (!parsed.success) {
    const where = parsed.error.issues[0]?.path.join('.') || 'weightsManifest';
    throw new Error(
      `invalid weights manifest ${manifestUrl}: ${where}: ${parsed.error.issues[0]?.message ?? 'bad value'}`,
    );
  }
  const groups = parsed.data.weightsManifest as tf.io.WeightsManifestConfig;
  const base = manifestUrl.slice(0, manifestUrl.lastIndexOf('/') + 1);
  const tensors = new Map<string, tf.Tensor>();
  let byteLength = 0;
  try {
    for (const [g, group] of groups.entries()) {
      checkEntries(manifestUrl, group.weights, shapes);
      const buffers = await Promise.all(
        group.paths.map(async (p) => (await fetchOk(fetchFn, base + p)).arrayBuffer()),
      );
      const got = buffers.reduce((sum, b) => sum + b.byteLength, 0);
      const expected = group.weights.reduce(
        (sum, e) =>
          sum +
          e.shape.reduce((a, b) => a * b, 1) * (BYTES[e.quantization?.dtype ?? e.dtype] ?? NaN),
        0,
      );
      if (got !== expected) {
        throw new Error(
          `corrupt weights ${manifestUrl}: group ${g} shards hold ${got} bytes (expected ${expected}; truncated or wrong file)`,
        );
      }
      byteLength += got;
      const decoded = tf.io.decodeWeights(concat(buffers), group.weights);
      for (const [name, t] of Object.entries(decoded)) tensors.set(name, t);
    }
    for (const [name, shape] of Object.entries(shapes)) {
      if (!tensors.has(name))
        throw new Error(`invalid weights ${manifestUrl}: missing tensor "${name}"`);
      const values = tensors.get(name)?.dataSync() ?? [];
      if (!values.every(Number.isFinite)) {
        throw new Error(
          `corrupt weights ${manifestUrl}: tensor "${name}" [${shape.join(', ')}] holds non-finite values`,
        );
      }
    }
  } catch (e) {
    tensors.forEach((t) => t.dispose());
    throw e;
  }
  return { tensors, byteLength };
}

/** Disposes every tensor of `weights`. */
export function disposeFcnWeights(weights: FcnWeights): void {
  weights.tensors.forEach((t) => t.dispose());
}

function checkEntries(
  url: string,
  entries: tf.io.WeightsManifestEntry[],
  shapes: Readonly<Record<string, readonly number[]>>,
): void {
  for (const e of entries) {
    const expected = shapes[e.name];
    if (!expected) throw new Error(`invalid weights ${url}: unexpected tensor "${e.name}"`);
    if (e.shape.length !== expected.length || e.shape.some((d, i) => d !== expected[i])) {
      throw new Error(
        `invalid weights ${url}: tensor "${e.name}" has shape [${e.shape.join(', ')}] (expected [${expected.join(', ')}])`,
      );
    }
    if (e.dtype !== 'float32') {
      throw new Error(
        `invalid weights ${url}: tensor "${e.name}" has dtype ${e.dtype} (expected float32)`,
      );
    }
  }
}

async function fetchOk(
  fetchFn: (url: string) => Promise<FetchResponseLike>,
  url: string,
): Promise<FetchResponseLike> {
  let res: FetchResponseLike;
  try {
    res = await fetchFn(url);
  } catch (e) {
    throw new Error(`failed to fetch ${url}: ${e instanceof Error ? e.message : String(e)}`, {
      cause: e,
    });
  }
  if (!res.ok)
    throw new Error(`failed to fetch ${url}: HTTP ${res.status} ${res.statusText ?? ''}`.trim());
  return res;
}

function concat(buffers: ArrayBuffer[]): ArrayBuffer {
  if (buffers.length === 1 && buffers[0]) return buffers[0];
  const out = new Uint8Array(buffers.reduce((s, b) => s + b.byteLength, 0));
  let offset = 0;
  for (const b of buffers) {
    out.set(new Uint8Array(b), offset);
    offset += b.byteLength;
  }
  return out.buffer;
}
