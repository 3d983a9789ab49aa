/**
 * A `fetch` stand-in for Node that reads a path from disk, for `loadFcnWeights` and friends in
 * tests and scripts (paths relative to the working directory, e.g. `public/weights/model.json`).
 */
import { readFile } from 'node:fs/promises';
import type { FetchResponseLike } from '../../src/lib/fcn/weights';

export async function fileFetch(url: string): Promise<FetchResponseLike> {
  const bytes = await readFile(url);
  const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  return {
    ok: true,
    status: 200,
    json: () => Promise.resolve(JSON.parse(bytes.toString('utf8')) as unknown),
    arrayBuffer: () => Promise.resolve(ab),
  };
}
