/**
 * Fast appearance-kernel messages on the permutohedral lattice (Adams, Baek & Davis,
 * "Fast High-Dimensional Filtering Using the Permutohedral Lattice", Eurographics 2010), the
 * filter the reference densecrf code uses. The D-dimensional features are lifted onto the
 * hyperplane x . 1 = 0 of R^(D+1), which the lattice tiles with simplices; each pixel splats to
 * the D + 1 vertices of its enclosing simplex with barycentric weights (6 at D = 5, against the
 * bilateral grid's 32), the lattice is blurred with [1/2, 1, 1/2] along each of its D + 1 axes,
 * and each pixel slices its simplex back. The splat / blur / slice runs in splatFilter.ts.
 *
 * Scale: features are pre-divided by the kernel's standard deviations (features.ts), and the
 * lift scales them by sqrt(2/3) (D + 1), as in densecrf, so the composite filter is close to
 * exp(-|f_i - f_j|^2 / 2) up to a constant. That constant (and what the lattice does at zero
 * distance, which the self-term subtraction needs) is measured, not derived: the builder
 * compares the lattice's sum over all pixels with the exact Gaussian sum at a few sample
 * pixels and sets the gain to the median ratio.
 */
import * as tf from '@tensorflow/tfjs-core';
import { expectRank, invalid } from '../validate';
import { makeSplatFilter, type SplatFilter, splatFilterMessages } from './splatFilter';

/** Most lattice vertices we accept: the blur gathers M x 3 ids per axis, D + 1 axes. */
export const MAX_LATTICE_VERTICES = 1 << 18;

/** Pixels at which the gain is calibrated against the exact Gaussian sum. */
const CALIBRATION_SAMPLES = 32;

/**
 * Builds the lattice from scaled features (unit-Gaussian kernel, see features.ts). Reads the
 * features back to JavaScript once (synchronously) to find the simplices and vertices.
 * @param features `[N, D]`, D in 1..8.
 */
export function buildPermutohedralLattice(features: tf.Tensor2D): SplatFilter {
  expectRank('features', features.shape, 2, '[N, D]');
  const [n, d] = features.shape;
  if (d < 1 || d > 8) invalid('feature dimensions', d, '1..8');
  const f = features.dataSync();
  const d1 = d + 1;

  // Lift: elevated = E f with E's columns scaled so that the lattice spacing matches the
  // unit Gaussian (densecrf's scale_factor); coordinates sum to zero.
  const invStd = Math.sqrt(2 / 3) * d1;
  const scale = Array.from({ length: d }, (_, i) => invStd / Math.sqrt((i + 1) * (i + 2)));
  const elevated = new Float64Array(d1);
  const rem0 = new Float64Array(d1);
  const rank = new Int32Array(d1);
  const bary = new Float64Array(d1 + 1);
  // Keys: the first D integer coordinates of each vertex (the last is minus their sum).
  const keys = new Int32Array(n * d1 * d);
  const weight = new Float32Array(n * d1);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = d; j > 0; j--) {
      const cf = (f[i * d + j - 1] ?? 0) * (scale[j - 1] ?? 0);
      elevated[j] = sum - j * cf;
      sum += cf;
    }
    elevated[0] = sum;
    // The closest remainder-0 lattice point (coordinates multiples of D + 1).
    let s = 0;
    for (let j = 0; j < d1; j++) {
      const e = elevated[j] ?? 0;
      const down = Math.floor(e / d1) * d1;
      const up = down + d1;
      rem0[j] = up - e < e - down ? up : down;
      s += rem0[j] ?? 0;
    }
    s = Math.round(s / d1);
    // Rank of each coordinate's offset from it, then the wrap that puts it on the hyperplane.
    rank.fill(0);
    for (let j = 0; j < d; j++) {
      const dj = (elevated[j] ?? 0) - (rem0[j] ?? 0);
      for (let k = j + 1; k < d1; k++) {
        if (dj < (elevated[k] ?? 0) - (rem0[k] ?? 0)) rank[j] = (rank[j] ?? 0) + 1;
        else rank[k] = (rank[k] ?? 0) + 1;
      }
    }
    for (let j = 0; j < d1; j++) {
      const r = rank[j] ?? 0;
      if (s > 0 && r >= d1 - s) {
        rem0[j] = (rem0[j] ?? 0) - d1;
        rank[j] = r + s - d1;
      } else if (s < 0 && r < -s) {
        rem0[j] = (rem0[j] ?? 0) + d1;
        rank[j] = r + d1 + s;
      } else rank[j] = r + s;
    }
    // Barycentric weights of the D + 1 simplex vertices.
    bary.fill(0);
    for (let j = 0; j < d1; j++) {
      const v = ((elevated[j] ?? 0) - (rem0[j] ?? 0)) / d1;
      const r = rank[j] ?? 0;
      bary[d - r] = (bary[d - r] ?? 0) + v;
      bary[d1 - r] = (bary[d1 - r] ?? 0) - v;
    }
    bary[0] = (bary[0] ?? 0) + 1 + (bary[d1] ?? 0);
    for (let r = 0; r < d1; r++) {
      const base = (i * d1 + r) * d;
      for (let j = 0; j < d; j++) {
        keys[base + j] = (rem0[j] ?? 0) + ((rank[j] ?? 0) <= d - r ? r : r - d1);
      }
      weight[i * d1 + r] = bary[r] ?? 0;
    }
  }

  // Vertex ids through a mixed-radix number of the key (ranges padded for blur neighbours).
  const low = new Array<number>(d).fill(Infinity);
  const high = new Array<number>(d).fill(-Infinity);
  for (let e = 0; e < n * d1; e++) {
    for (let j = 0; j < d; j++) {
      const v = keys[e * d + j] ?? 0;
      if (v < (low[j] ?? 0)) low[j] = v;
      if (v > (high[j] ?? 0)) high[j] = v;
    }
  }
  const radix = low.map((lo, j) => (high[j] ?? 0) - lo + 2 * d1 + 1);
  if (radix.reduce((a, b) => a * b, 1) > Number.MAX_SAFE_INTEGER) {
    invalid('lattice extent', radix.join(' x '), 'a smaller product: larger thetas');
  }
  const keyOf = (read: (j: number) => number): number => {
    let key = 0;
    for (let j = 0; j < d; j++) key = key * (radix[j] ?? 1) + read(j) - (low[j] ?? 0) + d1;
    return key;
  };
  const vertexOf = new Map<number, number>();
  const coords: number[] = [];
  const vertex = new Int32Array(n * d1);
  for (let e = 0; e < n * d1; e++) {
    const key = keyOf((j) => keys[e * d + j] ?? 0);
    let v = vertexOf.get(key);
    if (v === undefined) {
      v = vertexOf.size;
      vertexOf.set(key, v);
      for (let j = 0; j < d; j++) coords.push(keys[e * d + j] ?? 0);
      if (v >= MAX_LATTICE_VERTICES) {
        invalid(
          'permutohedral lattice vertices',
          `more than ${MAX_LATTICE_VERTICES}`,
          'fewer: a smaller image or larger thetas',
        );
      }
    }
    vertex[e] = v;
  }
  const m = vertexOf.size;

  // Blur along each of the D + 1 lattice axes: the neighbours of x along axis a are
  // x +- (1, ..., 1, -D, 1, ..., 1) (-D at a; along axis D only the ones).
  const taps = [0.5, 1, 0.5];
  const neighbours = new Int32Array(d1 * m * 3);
  for (let a = 0; a < d1; a++) {
    for (let v = 0; v < m; v++) {
      const at = (a * m + v) * 3;
      neighbours[at + 1] = v;
      for (const [t, sign] of [
        [0, -1],
        [2, 1],
      ] as const) {
        const key = keyOf((j) => (coords[v * d + j] ?? 0) + sign * (j === a ? -d : 1));
        neighbours[at + t] = vertexOf.get(key) ?? m;
      }
    }
  }

  const plan = {
    kind: 'permutohedral' as const,
    numPixels: n,
    numVertices: m,
    cornersPerPixel: d1,
    vertex,
    weight,
    neighbours,
    axes: d1,
    taps,
  };
  return makeSplatFilter({
    ...plan,
    gain: calibrateGain(f, n, d, makeSplatFilter({ ...plan, gain: 1 })),
  });
}

/**
 * The gain that makes the lattice's total over all pixels (self included) match the exact
 * Gaussian sum, median ratio over a few evenly spaced pixels. Disposes `raw`.
 */
function calibrateGain(
  f: Float32Array | Int32Array | Uint8Array,
  n: number,
  d: number,
  raw: SplatFilter,
): number {
  const total = tf.tidy(() => {
    const ones = tf.ones<tf.Rank.R2>([n, 1]);
    // Messages exclude the self term (minus 1); add it back for the full sum.
    return tf.add(splatFilterMessages(raw, ones), ones);
  });
  const lattice = total.dataSync();
  total.dispose();
  raw.dispose();
  const samples = Math.min(CALIBRATION_SAMPLES, n);
  const ratios: number[] = [];
  for (let s = 0; s < samples; s++) {
    const i = Math.floor(((s + 0.5) * n) / samples);
    let exact = 0;
    for (let j = 0; j < n; j++) {
      let d2 = 0;
      for (let k = 0; k < d; k++) d2 += ((f[i * d + k] ?? 0) - (f[j * d + k] ?? 0)) ** 2;
      exact += Math.exp(-d2 / 2);
    }
    const got = lattice[i] ?? 0;
    if (got > 0) ratios.push(exact / got);
  }
  ratios.sort((a, b) => a - b);
  return ratios[Math.floor(ratios.length / 2)] ?? 1;
}

/** Approximate appearance messages without the self term (see `splatFilterMessages`). */
export const permutohedralMessages = splatFilterMessages;
