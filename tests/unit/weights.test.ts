import { readFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  FCN_WEIGHT_SHAPES,
  disposeFcnWeights,
  loadFcnWeights,
  type FetchResponseLike,
} from '../../src/lib/fcn/weights';

// PW_WEIGHTS_DIR points the tests at another export (train:smoke uses a temp dir).
const DIR = process.env.PW_WEIGHTS_DIR ?? 'public/weights';
const MANIFEST = `${DIR}/model.json`;

interface Manifest {
  weightsManifest: { paths: string[]; weights: { name: string; shape: number[] }[] }[];
  architecture: { layers: { name: string; kernel?: number[] }[] };
}

/** A fetch over the filesystem; `patch` may rewrite a file's bytes first. */
function fileFetch(patch: (url: string, bytes: Buffer) => Buffer = (_u, b) => b) {
  return async (url: string): Promise<FetchResponseLike> => {
    let bytes: Buffer;
    try {
      bytes = patch(url, await readFile(url));
    } catch {
      return {
        ok: false,
        status: 404,
        statusText: 'Not Found',
        json: () => Promise.reject(new Error('404')),
        arrayBuffer: () => Promise.reject(new Error('404')),
      };
    }
    const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    return {
      ok: true,
      status: 200,
      json: () => Promise.resolve(JSON.parse(bytes.toString('utf8')) as unknown),
      arrayBuffer: () => Promise.resolve(ab as ArrayBuffer),
    };
  };
}

/** Rewrites model.json through `edit`, and the shard through `shard`. */
function patched(edit: (m: Manifest) => void, shard: (b: Buffer) => Buffer = (b) => b) {
  return fileFetch((url, bytes) => {
    if (url.endsWith('model.json')) {
      const m = JSON.parse(bytes.toString('utf8')) as Manifest;
      edit(m);
      return Buffer.from(JSON.stringify(m));
    }
    return url.endsWith('.bin') ? shard(bytes) : bytes;
  });
}

describe('loadFcnWeights', () => {
  it('loads every tensor with the shape the architecture expects, within 1 MB', async () => {
    const w = await loadFcnWeights(MANIFEST, { fetch: fileFetch() });
    expect([...w.tensors.keys()].sort()).toEqual(Object.keys(FCN_WEIGHT_SHAPES).sort());
    for (const [name, shape] of Object.entries(FCN_WEIGHT_SHAPES)) {
      expect(w.tensors.get(name)?.shape, name).toEqual(shape);
    }
    expect(w.byteLength).toBeLessThanOrEqual(1 << 20);
    disposeFcnWeights(w);
  });

  it('reads a standard tfjs manifest (tf.io.weightsLoaderFactory gets identical values)', async () => {
    const fetchFn = fileFetch();
    const w = await loadFcnWeights(MANIFEST, { fetch: fetchFn });
    const manifest = JSON.parse(await readFile(MANIFEST, 'utf8')) as {
      weightsManifest: tf.io.WeightsManifestConfig;
    };
    const loader = tf.io.weightsLoaderFactory((urls) =>
      Promise.all(urls.map(async (u) => (await fetchFn(u)).arrayBuffer())),
    );
    const std = await loader(manifest.weightsManifest, `${DIR}/`);
    for (const [name, t] of Object.entries(std)) {
      expect(Array.from(t.dataSync())).toEqual(Array.from(w.tensors.get(name)?.dataSync() ?? []));
    }
    Object.values(std).forEach((t) => t.dispose());
    disposeFcnWeights(w);
  });

  it('the architecture in model.json agrees with FCN_WEIGHT_SHAPES', async () => {
    const m = JSON.parse(await readFile(MANIFEST, 'utf8')) as Manifest;
    for (const layer of m.architecture.layers) {
      const stored = FCN_WEIGHT_SHAPES[`${layer.name}/kernel`];
      if (stored) expect(layer.kernel, layer.name).toEqual(stored);
    }
  });

  it('reports a 404 with the URL', async () => {
    await expect(loadFcnWeights(`${DIR}/nope.json`, { fetch: fileFetch() })).rejects.toThrow(
      /failed to fetch .*nope\.json: HTTP 404/,
    );
  });

  it('names a missing tensor', async () => {
    const before = tf.memory().numTensors;
    // Drop the last entry and its bytes (11 float16 biases) so only the name is missing.
    const fetchFn = patched(
      (m) => m.weightsManifest[0]?.weights.pop(),
      (b) => b.subarray(0, b.length - 22),
    );
    await expect(loadFcnWeights(MANIFEST, { fetch: fetchFn })).rejects.toThrow(
      /missing tensor "score_pool3\/bias"/,
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects a wrong shape', async () => {
    const fetchFn = patched((m) => {
      const e = m.weightsManifest[0]?.weights.find((x) => x.name === 'conv3_2/kernel');
      if (e) e.shape = [3, 3, 64, 32];
    });
    await expect(loadFcnWeights(MANIFEST, { fetch: fetchFn })).rejects.toThrow(
      /"conv3_2\/kernel" has shape \[3, 3, 64, 32\] \(expected \[3, 3, 64, 64\]\)/,
    );
  });

  it('rejects a truncated shard and leaks nothing', async () => {
    const before = tf.memory().numTensors;
    const fetchFn = patched(
      () => undefined,
      (b) => b.subarray(0, b.length - 1000),
    );
    await expect(loadFcnWeights(MANIFEST, { fetch: fetchFn })).rejects.toThrow(
      /corrupt weights .* bytes \(expected/,
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects non-finite values (a corrupted shard of the right length)', async () => {
    const before = tf.memory().numTensors;
    const fetchFn = patched(
      () => undefined,
      (b) => {
        const c = Buffer.from(b);
        c.writeUInt16LE(0x7e00, 0); // float16 NaN in conv1_1/kernel
        return c;
      },
    );
    await expect(loadFcnWeights(MANIFEST, { fetch: fetchFn })).rejects.toThrow(
      /"conv1_1\/kernel" .* non-finite/,
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects a manifest that is not JSON or has no weightsManifest', async () => {
    const notJson = fileFetch((u, b) => (u.endsWith('.json') ? Buffer.from('<html>') : b));
    await expect(loadFcnWeights(MANIFEST, { fetch: notJson })).rejects.toThrow(/not JSON/);
    const empty = fileFetch((u, b) => (u.endsWith('.json') ? Buffer.from('{}') : b));
    await expect(loadFcnWeights(MANIFEST, { fetch: empty })).rejects.toThrow(
      /invalid weights manifest .*: weightsManifest: /,
    );
  });

  it('names the field when a manifest entry has the wrong type (checked by a schema, not cast)', async () => {
    const badShape = fileFetch((u, b) => {
      if (!u.endsWith('.json')) return b;
      const m = JSON.parse(b.toString()) as {
        weightsManifest: { weights: { shape: unknown[] }[] }[];
      };
      const first = m.weightsManifest[0]?.weights[0];
      if (first) first.shape = ['3', 3, 3, 16];
      return Buffer.from(JSON.stringify(m));
    });
    await expect(loadFcnWeights(MANIFEST, { fetch: badShape })).rejects.toThrow(
      /invalid weights manifest .*: weightsManifest\.0\.weights\.0\.shape\.0: /,
    );
    const noPaths = fileFetch((u, b) =>
      u.endsWith('.json') ? Buffer.from('{"weightsManifest":[{"paths":[],"weights":[]}]}') : b,
    );
    await expect(loadFcnWeights(MANIFEST, { fetch: noPaths })).rejects.toThrow(
      /weightsManifest\.0\.paths: /,
    );
  });
});
