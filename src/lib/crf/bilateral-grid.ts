/**
 * Fast appearance-kernel messages with a sparse bilateral grid (after Chen, Paris & Durand
 * 2007), linear in the number of pixels instead of quadratic: each pixel splats to the 2^D
 * corners of its grid cell with multilinear ("tent") weights, in the D-dimensional scaled
 * feature space (x, y, R, G, B); a Gaussian blurs between occupied vertices; pixels slice the
 * result back (the machinery is in splat-filter.ts).
 *
 * The grid spacing is one kernel standard deviation on every axis. Tent interpolation adds
 * variance 1/6 cell^2 per axis at each end, and the 5-tap vertex Gaussian adds 2/3, so the
 * composite kernel has the true kernel's unit variance; a gain (sqrt(2 pi) / sum of taps)^D
 * gives it the true kernel's total mass. Only vertices some pixel touches exist (a photo fills
 * a thin part of RGB space), so memory follows the image, not the cube. 32 corners per pixel
 * at D = 5 make it slower than the permutohedral lattice (D + 1 = 6); it stays as the
 * reference fast path the lattice is compared with.
 */
import * as tf from '@tensorflow/tfjs-core';
import { expectRank, invalid } from '../validate';
import { makeSplatFilter, type SplatFilter, splatFilterMessages } from './splat-filter';

/** A bilateral grid: a splat filter with 2^D corners per pixel. */
export type BilateralGrid = SplatFilter;

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
      const u = (f[i * dims + d] ?? 0) - (lows[d] ?? 0);
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

  return makeSplatFilter({
    kind: 'grid',
    numPixels: n,
    numVertices: m,
    cornersPerPixel: k,
    vertex: sliceVertex,
    weight: sliceWeight,
    neighbours,
    axes: dims,
    taps,
    gain,
  });
}

/** Approximate appearance messages without the self term (see `splatFilterMessages`). */
export const bilateralGridMessages = splatFilterMessages;
