/**
 * Fast appearance-kernel messages with a sparse bilateral grid (after Chen, Paris & Durand
 * 2007), linear in the number of pixels instead of quadratic:
 *
 *   splat: each pixel's value goes to the 2^D corners of its grid cell with multilinear
 *          ("tent") weights, in the D-dimensional scaled feature space (x, y, R, G, B);
 *   blur:  a Gaussian between the occupied grid vertices;
 *   slice: each pixel reads the blurred corners back with the same weights.
 *
 * The grid spacing is one kernel standard deviation on every axis. Tent interpolation adds
 * variance 1/6 cell^2 per axis at each end, and a [1, 1, 1] box between neighbouring vertices
 * adds 2/3, so the composite kernel has the true kernel's unit variance; a gain
 * (sqrt(2 pi) / 3)^D gives it the true kernel's total mass. Only vertices some pixel touches
 * exist (a photo fills a thin part of RGB space), so memory follows the image, not the cube.
 *
 * Built from WebGL-friendly tfjs ops only: scatter-adds (scatterND, unsortedSegmentSum) cost
 * O(outputs x inputs) in tfjs-backend-webgl, so the splat gathers the entries sorted by vertex
 * (an order fixed by the image, computed once) and sums each vertex's run in fixed-size
 * chunks, level by level (see `splatLevels`).
 */
import * as tf from '@tensorflow/tfjs-core';
import { expectRank, invalid } from '../validate';

/** A grid built for one image and one (thetaAlpha, thetaBeta); reuse it every iteration. */
export interface BilateralGrid {
  readonly numPixels: number;
  readonly numVertices: number;
  readonly cornersPerPixel: number;
  /**
   * Splat gathers, level by level: level 0 reads pixels (N = the zero row), later levels read
   * the previous level's chunk sums; each is int32, a whole number of chunks long, and each
   * chunk belongs to one vertex. The last level's chunks are the M vertices in order.
   */
  readonly splatLevels: tf.Tensor1D[];
  /** Tent weight of each level-0 entry (0 for padding): `[E0, 1]`. */
  readonly splatWeight: tf.Tensor2D;
  /** `[1, 1, SPLAT_CHUNK]` ones: chunk sums as a batched product. */
  readonly chunkOnes: tf.Tensor3D;
  /** Per axis, each vertex's neighbours at offsets -2..2 (M = none): int32 `[D, M * 5]`. */
  readonly neighbours: tf.Tensor2D;
  /** Blur taps with the gain that gives the kernel the unit Gaussian's mass: `[1, 1, 5]`. */
  readonly taps: tf.Tensor3D;
  /** Corner vertex of each (pixel, corner): int32 `[N*K]`, pixel-major. */
  readonly sliceVertex: tf.Tensor1D;
  /** Tent weight of each (pixel, corner): `[N, 1, K]`. */
  readonly sliceWeight: tf.Tensor3D;
  dispose(): void;
}

/** Entries summed per chunk in the splat. */
const SPLAT_CHUNK = 16;

/** Most vertices we accept: the blur gathers M x 3^D rows (65536 x 243 x 4 B = 64 MiB of ids). */
export const MAX_GRID_VERTICES = 65536;

/**
 * Builds the grid from scaled features (unit-Gaussian kernel, see features.ts). Reads the
 * features back to JavaScript once (synchronously) to find and sort the occupied vertices.
 * @param features `[N, D]`, D in 1..6.
 */
export function buildBilateralGrid(features: tf.Tensor2D): BilateralGrid {
  expectRank('features', features.shape, 2, '[N, D]');
  const [n, dims] = features.shape;
  if (dims < 1 || dims > 6) invalid('feature dimensions', dims, '1..6');
  const f = features.dataSync();
  const k = 1 << dims;

  const lows = new Array<number>(dims).fill(Infinity);
  for (let i = 0; i < n; i++) {
    for (let d = 0; d < dims; d++) {
      lows[d] = Math.min(lows[d] ?? 0, Math.floor(f[i * dims + d] ?? 0));
    }
  }
  // Vertex ids are found through a mixed-radix key of the integer coordinates.
  const radix = 1 << 12;
  const vertexOf = new Map<number, number>();
  const coords: number[] = [];
  const sliceVertex = new Int32Array(n * k);
  const sliceWeight = new Float32Array(n * k);
  const base = new Array<number>(dims).fill(0);
  const frac = new Array<number>(dims).fill(0);
  for (let i = 0; i < n; i++) {
    for (let d = 0; d < dims; d++) {
      const u = f[i * dims + d] ?? 0 - (lows[d] ?? 0);
      base[d] = Math.floor(u);
      frac[d] = u - Math.floor(u);
    }
    for (let corner = 0; corner < k; corner++) {
      let key = 0;
      let weight = 1;
      for (let d = 0; d < dims; d++) {
        const bit = (corner >> d) & 1;
        key = key * radix + (base[d] ?? 0) + bit;
        weight *= bit ? (frac[d] ?? 0) : 1 - (frac[d] ?? 0);
      }
      let v = vertexOf.get(key);
      if (v === undefined) {
        v = vertexOf.size;
        vertexOf.set(key, v);
        for (let d = 0; d < dims; d++) coords.push((base[d] ?? 0) + ((corner >> d) & 1));
      }
      sliceVertex[i * k + corner] = v;
      sliceWeight[i * k + corner] = weight;
    }
  }
  const m = vertexOf.size;
  if (m > MAX_GRID_VERTICES) {
    invalid(
      'bilateral grid vertices',
      m,
      `at most ${MAX_GRID_VERTICES}: a smaller image or larger thetas`,
    );
  }

  // Counting sort of the entries by vertex gives each vertex a contiguous run.
  const counts = new Int32Array(m + 1);
  for (const v of sliceVertex) counts[v + 1] = (counts[v + 1] ?? 0) + 1;
  const runs = Array.from(counts.subarray(1));
  for (let v = 0; v < m; v++) counts[v + 1] = (counts[v + 1] ?? 0) + (counts[v] ?? 0);
  const fill = counts.slice(0, m);
  const sortedPixel = new Int32Array(n * k);
  const sortedWeight = new Float32Array(n * k);
  for (let e = 0; e < n * k; e++) {
    const v = sliceVertex[e] ?? 0;
    const slot = fill[v] ?? 0;
    fill[v] = slot + 1;
    sortedPixel[slot] = Math.floor(e / k);
    sortedWeight[slot] = sliceWeight[e] ?? 0;
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
    const weight = level === 0 ? new Float32Array(total * SPLAT_CHUNK) : undefined;
    let read = 0;
    let write = 0;
    items.forEach((count, v) => {
      index.set(source.index.subarray(read, read + count), write);
      weight?.set(sortedWeight.subarray(read, read + count), write);
      read += count;
      write += (chunks[v] ?? 1) * SPLAT_CHUNK;
    });
    splatLevels.push(index);
    if (weight) splatWeight = weight;
    if (total === m) break;
    items = chunks;
    source = { index: Int32Array.from({ length: total }, (_, t) => t), zero: total };
  }

  // Vertex Gaussian per axis, variance 2/3 cell^2: with the two tents' 1/6 + 1/6 the composite
  // kernel gets the true kernel's unit variance. Taps beyond 2 cells weigh < 0.1%.
  const taps = [-2, -1, 0, 1, 2].map((t) => Math.exp(-(t * t) / (2 * (2 / 3))));
  const tapSum = taps.reduce((a, b) => a + b, 0);
  const neighbours = new Int32Array(dims * m * taps.length);
  const shifted = new Array<number>(dims).fill(0);
  for (let axis = 0; axis < dims; axis++) {
    for (let v = 0; v < m; v++) {
      for (let t = 0; t < taps.length; t++) {
        let key = 0;
        for (let d = 0; d < dims; d++) {
          shifted[d] = (coords[v * dims + d] ?? 0) + (d === axis ? t - 2 : 0);
          key = key * radix + (shifted[d] ?? 0);
        }
        // Missing vertices read the zero row appended after the last vertex.
        neighbours[(axis * m + v) * taps.length + t] = vertexOf.get(key) ?? m;
      }
    }
  }
  const gain = (Math.sqrt(2 * Math.PI) / tapSum) ** dims;

  const tensors = {
    splatLevels: splatLevels.map((index) => tf.tensor1d(index, 'int32')),
    splatWeight: tf.tensor2d(splatWeight, [splatWeight.length, 1]),
    chunkOnes: tf.ones<tf.Rank.R3>([1, 1, SPLAT_CHUNK]),
    neighbours: tf.tensor2d(neighbours, [dims, m * taps.length], 'int32'),
    taps: tf.tensor3d(
      taps.map((w) => w * gain ** (1 / dims)),
      [1, 1, taps.length],
    ),
    sliceVertex: tf.tensor1d(sliceVertex, 'int32'),
    sliceWeight: tf.tensor3d(sliceWeight, [n, 1, k]),
  };
  return {
    numPixels: n,
    numVertices: m,
    cornersPerPixel: k,
    ...tensors,
    dispose: () => tf.dispose(Object.values(tensors).flat()),
  };
}

/**
 * Approximate appearance messages without the self term.
 * @param grid from `buildBilateralGrid` for this image's features.
 * @param values `[N, C]` (the current Q, flattened).
 * @returns `[N, C]` ~ sum_{j != i} exp(-|f_i - f_j|^2 / 2) v_j.
 */
export function bilateralGridMessages(grid: BilateralGrid, values: tf.Tensor2D): tf.Tensor2D {
  const [n, c] = values.shape;
  if (n !== grid.numPixels) invalid('values rows', n, `${grid.numPixels} (the grid's pixels)`);
  const m = grid.numVertices;
  return tf.tidy(() => {
    const zero = tf.zeros<tf.Rank.R2>([1, c]);
    const chunkSums = (x: tf.Tensor2D): tf.Tensor2D =>
      tf.reshape(tf.matMul(grid.chunkOnes, tf.reshape(x, [-1, SPLAT_CHUNK, c])), [-1, c]);
    let splat = values;
    grid.splatLevels.forEach((index, level) => {
      const read = tf.gather(tf.concat<tf.Tensor2D>([splat, zero], 0), index);
      splat = chunkSums(level === 0 ? tf.mul<tf.Tensor2D>(read, grid.splatWeight) : read);
    });
    let blurred: tf.Tensor2D = splat;
    tf.unstack(grid.neighbours).forEach((ids) => {
      const around = tf.reshape(tf.gather(tf.concat([blurred, zero], 0), ids), [m, -1, c]);
      // A batched [1, 5] x [5, C] product sums the taps without a transposing reduction.
      blurred = tf.reshape(tf.matMul(grid.taps, around), [m, c]);
    });
    const corners = tf.reshape(tf.gather(blurred, grid.sliceVertex), [n, grid.cornersPerPixel, c]);
    const sliced = tf.reshape<tf.Rank.R2>(tf.matMul(grid.sliceWeight, corners), [n, c]);
    return tf.sub(sliced, values);
  });
}
