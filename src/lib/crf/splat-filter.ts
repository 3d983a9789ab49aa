/**
 * The splat / blur / slice machinery shared by the two fast appearance filters (the bilateral
 * grid and the permutohedral lattice). A builder decides, once per image, which lattice
 * vertices each pixel touches (with interpolation weights) and which vertices neighbour each
 * other along each blur axis; this file turns that plan into index tensors and runs it:
 *
 *   splat: each pixel's value goes to its K vertices with its interpolation weights;
 *   blur:  a short 1-D filter along each lattice axis, between occupied vertices only;
 *   slice: each pixel reads its K vertices back with the same weights.
 *
 * Built from WebGL-friendly tfjs ops only: scatter-adds (scatterND, unsortedSegmentSum) cost
 * O(outputs x inputs) in tfjs-backend-webgl, so the splat gathers the entries sorted by vertex
 * (an order fixed by the image, computed once) and sums each vertex's run in fixed-size chunks
 * as batched matrix products, level by level, with the weights folded into the first level's
 * product (see `splatLevels`).
 */
import * as tf from '@tensorflow/tfjs-core';
import { invalid } from '../validate';

/** A fast appearance filter built for one image and one (thetaAlpha, thetaBeta). */
export interface SplatFilter {
  /** Which lattice: 'grid' (2^D corners per pixel) or 'permutohedral' (D + 1 per pixel). */
  readonly kind: 'grid' | 'permutohedral';
  readonly numPixels: number;
  readonly numVertices: number;
  readonly cornersPerPixel: number;
  /**
   * Splat gathers, level by level: level 0 reads pixels (N = the zero row), later levels read
   * the previous level's chunk sums; each is int32, a whole number of chunks long, and each
   * chunk belongs to one vertex. The last level's chunks are the M vertices in order.
   */
  readonly splatLevels: tf.Tensor1D[];
  /** Interpolation weight of each level-0 entry, per chunk (0 for padding): `[E0 / S, 1, S]`. */
  readonly splatWeight: tf.Tensor3D;
  /** `[1, 1, SPLAT_CHUNK]` ones: later levels' chunk sums as a batched product. */
  readonly chunkOnes: tf.Tensor3D;
  /** Per blur axis, each vertex's neighbours at the taps' offsets (M = none): int32 `[A, M*T]`. */
  readonly neighbours: tf.Tensor2D;
  /** Blur taps `[1, 1, T]`. */
  readonly taps: tf.Tensor3D;
  /** Vertex of each (pixel, corner): int32 `[N*K]`, pixel-major. */
  readonly sliceVertex: tf.Tensor1D;
  /** Weight of each (pixel, corner), times the filter's gain: `[N, 1, K]`. */
  readonly sliceWeight: tf.Tensor3D;
  /**
   * What each pixel's own value contributes to its sliced output: `[N, 1]`. The messages
   * subtract exactly this, so the self term j = i is excluded as in the exact sum (the
   * filter's response at zero distance varies with where a pixel sits in its cell).
   */
  readonly selfWeight: tf.Tensor2D;
  dispose(): void;
}

/** What a builder found: plain arrays, turned into tensors by `makeSplatFilter`. */
export interface SplatPlan {
  readonly kind: SplatFilter['kind'];
  readonly numPixels: number;
  readonly numVertices: number;
  readonly cornersPerPixel: number;
  /** `[N*K]` vertex ids, pixel-major. */
  readonly vertex: Int32Array;
  /** `[N*K]` interpolation weights. */
  readonly weight: Float32Array;
  /** `[A * M * T]` neighbour ids per axis, vertex, tap (M = missing). */
  readonly neighbours: Int32Array;
  readonly axes: number;
  readonly taps: readonly number[];
  /** Multiplies every sliced value (so the composite kernel has the true kernel's scale). */
  readonly gain: number;
  /**
   * `[N]` each pixel's response to its own value, gain included, when the builder knows it
   * (the permutohedral lattice, lattice-cpu.ts); else computed here from the blur.
   */
  readonly self?: Float32Array;
}

/** Entries summed per chunk in the splat. */
export const SPLAT_CHUNK = 16;

/** Sorts the plan's entries by vertex into chunked gather levels and uploads everything. */
export function makeSplatFilter(plan: SplatPlan): SplatFilter {
  const { numPixels: n, numVertices: m, cornersPerPixel: k, vertex, weight } = plan;
  if (vertex.length !== n * k || weight.length !== n * k) {
    invalid('splat plan entries', vertex.length, `${n * k} (pixels x corners)`);
  }
  // Counting sort of the entries by vertex gives each vertex a contiguous run.
  const counts = new Int32Array(m + 1);
  for (const v of vertex) counts[v + 1] = (counts[v + 1] ?? 0) + 1;
  const runs = Array.from(counts.subarray(1));
  for (let v = 0; v < m; v++) counts[v + 1] = (counts[v + 1] ?? 0) + (counts[v] ?? 0);
  const fill = counts.slice(0, m);
  const sortedPixel = new Int32Array(n * k);
  const sortedWeight = new Float32Array(n * k);
  for (let e = 0; e < n * k; e++) {
    const v = vertex[e] ?? 0;
    const slot = fill[v] ?? 0;
    fill[v] = slot + 1;
    sortedPixel[slot] = Math.floor(e / k);
    sortedWeight[slot] = weight[e] ?? 0;
  }
  // Each run is padded to whole chunks of SPLAT_CHUNK (padding reads a zero row, one past the
  // end), so summing chunks never mixes vertices; chunk sums are regrouped the same way until
  // each vertex has one. Exact float sums in a few passes, unlike a long cumulative sum.
  const splatLevels: Int32Array[] = [];
  let splatWeight = new Float32Array(0);
  let items = runs;
  let source = { index: sortedPixel, zero: n };
  for (let level = 0; ; level++) {
    const chunks = items.map((c) => Math.max(1, Math.ceil(c / SPLAT_CHUNK)));
    const total = chunks.reduce((a, b) => a + b, 0);
    const index = new Int32Array(total * SPLAT_CHUNK).fill(source.zero);
    const w = level === 0 ? new Float32Array(total * SPLAT_CHUNK) : undefined;
    let read = 0;
    let write = 0;
    items.forEach((count, v) => {
      index.set(source.index.subarray(read, read + count), write);
      w?.set(sortedWeight.subarray(read, read + count), write);
      read += count;
      write += (chunks[v] ?? 1) * SPLAT_CHUNK;
    });
    splatLevels.push(index);
    if (w) splatWeight = w;
    if (total === m) break;
    items = chunks;
    source = { index: Int32Array.from({ length: total }, (_, t) => t), zero: total };
  }
  const sliceWeight = plan.gain === 1 ? weight : weight.map((x) => x * plan.gain);
  const self = plan.self ?? selfResponse(plan, counts, sortedPixel);

  const tensors = {
    splatLevels: splatLevels.map((index) => tf.tensor1d(index, 'int32')),
    splatWeight: tf.tensor3d(splatWeight, [splatWeight.length / SPLAT_CHUNK, 1, SPLAT_CHUNK]),
    chunkOnes: tf.ones<tf.Rank.R3>([1, 1, SPLAT_CHUNK]),
    neighbours: tf.tensor2d(plan.neighbours, [plan.axes, m * plan.taps.length], 'int32'),
    taps: tf.tensor3d(plan.taps as number[], [1, 1, plan.taps.length]),
    sliceVertex: tf.tensor1d(vertex, 'int32'),
    sliceWeight: tf.tensor3d(sliceWeight, [n, 1, k]),
    selfWeight: tf.tensor2d(self, [n, 1]),
  };
  return {
    kind: plan.kind,
    numPixels: n,
    numVertices: m,
    cornersPerPixel: k,
    ...tensors,
    dispose: () => tf.dispose(Object.values(tensors).flat()),
  };
}

/**
 * Each pixel's response to its own value, computed exactly in JavaScript: the blur's impulse
 * response from each vertex (occupied vertices only, as in the tensor blur) read at the
 * vertices of every pixel that touches it. O(M x T^A) map updates plus O(N K^2) lookups.
 * @param start `[M + 1]`: vertex v's entries are `sortedPixel[start[v] .. start[v + 1])`.
 */
function selfResponse(plan: SplatPlan, start: Int32Array, sortedPixel: Int32Array): Float32Array {
  const { numPixels: n, numVertices: m, cornersPerPixel: k, vertex, weight, taps } = plan;
  const t = taps.length;
  const centre = (t - 1) / 2;
  const self = new Float32Array(n);
  for (let v = 0; v < m; v++) {
    let response = new Map<number, number>([[v, 1]]);
    for (let a = 0; a < plan.axes; a++) {
      const next = new Map<number, number>();
      for (const [u, value] of response) {
        for (let tap = 0; tap < t; tap++) {
          const to = tap === centre ? u : (plan.neighbours[(a * m + u) * t + tap] ?? m);
          if (to === m) continue;
          next.set(to, (next.get(to) ?? 0) + (taps[tap] ?? 0) * value);
        }
      }
      response = next;
    }
    const from = start[v] ?? 0;
    const to = start[v + 1] ?? 0;
    for (let e = from; e < to; e++) {
      const i = sortedPixel[e] ?? 0;
      // The pixel's weight at v (its corner r' with vertex v), times what v sends its corners.
      let wv = 0;
      let sum = 0;
      for (let r = 0; r < k; r++) {
        const u = vertex[i * k + r] ?? 0;
        if (u === v) wv += weight[i * k + r] ?? 0;
        sum += (weight[i * k + r] ?? 0) * (response.get(u) ?? 0);
      }
      self[i] = (self[i] ?? 0) + wv * sum;
    }
  }
  return self.map((x) => x * plan.gain);
}

/**
 * Splat, blur, slice with the filter's gain, then drop the self term.
 * @param filter from `buildBilateralGrid` or `buildPermutohedralLattice` for this image.
 * @param values `[N, C]` (the current Q, flattened).
 * @returns `[N, C]` ~ sum_{j != i} exp(-|f_i - f_j|^2 / 2) v_j.
 */
export function splatFilterMessages(filter: SplatFilter, values: tf.Tensor2D): tf.Tensor2D {
  const [n, c] = values.shape;
  if (n !== filter.numPixels)
    invalid('values rows', n, `${filter.numPixels} (the filter's pixels)`);
  const m = filter.numVertices;
  return tf.tidy(() => {
    const zero = tf.zeros<tf.Rank.R2>([1, c]);
    let splat = values;
    filter.splatLevels.forEach((index, level) => {
      const read = tf.reshape<tf.Rank.R3>(
        tf.gather(tf.concat<tf.Tensor2D>([splat, zero], 0), index),
        [-1, SPLAT_CHUNK, c],
      );
      // [1 or chunks, 1, S] x [chunks, S, C]: (weighted) chunk sums without a reduction op.
      const sums = tf.matMul(level === 0 ? filter.splatWeight : filter.chunkOnes, read);
      splat = tf.reshape(sums, [-1, c]);
    });
    let blurred: tf.Tensor2D = splat;
    const taps = filter.taps.shape[2];
    tf.unstack(filter.neighbours).forEach((ids) => {
      const around = tf.reshape(tf.gather(tf.concat([blurred, zero], 0), ids), [m, taps, c]);
      // A batched [1, T] x [T, C] product sums the taps without a transposing reduction.
      blurred = tf.reshape(tf.matMul(filter.taps, around), [m, c]);
    });
    const corners = tf.reshape(tf.gather(blurred, filter.sliceVertex), [
      n,
      filter.cornersPerPixel,
      c,
    ]);
    const sliced = tf.reshape<tf.Rank.R2>(tf.matMul(filter.sliceWeight, corners), [n, c]);
    return tf.sub(sliced, tf.mul(filter.selfWeight, values));
  });
}
