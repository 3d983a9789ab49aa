/**
 * The permutohedral lattice (Adams, Baek & Davis, Eurographics 2010) over plain typed arrays:
 * the builder both fast paths share (the tfjs one uploads its plan, `permutohedral.ts`) and a
 * splat / blur / slice filter that runs on Float32Arrays for all labels at once.
 *
 * The D-dimensional features (already divided by their thetas, features.ts) are lifted onto
 * the hyperplane x . 1 = 0 of R^(D+1), scaled by sqrt(2/3) (D + 1) as in densecrf; each pixel
 * splats to the D + 1 vertices of its enclosing simplex with barycentric weights, the lattice
 * is blurred with [1/2, 1, 1/2] along each of its D + 1 axes (between occupied vertices only),
 * and each pixel slices its simplex back. The result approximates sum_j exp(-|f_i - f_j|^2 / 2)
 * v_j up to a constant, which is measured, not derived: the gain that makes the lattice's total
 * over all pixels match the exact Gaussian sum, median ratio over a few sample pixels.
 *
 * The self term j = i is excluded exactly: each pixel's response to its own value (which
 * varies with where the pixel sits in its simplex) is computed once per lattice and
 * subtracted. (densecrf keeps it; with per-pixel normalisation the difference is small.)
 */
import { invalid } from '../validate';

/** Most lattice vertices we accept. */
export const MAX_LATTICE_VERTICES = 1 << 18;

/** Pixels at which the gain is calibrated against the exact Gaussian sum. */
const CALIBRATION_SAMPLES = 32;

/** Blur taps along each lattice axis. */
export const LATTICE_TAPS: readonly number[] = [0.5, 1, 0.5];

/**
 * Vertex ids of integer keys (exact in a double, below 2^53) in insertion order: open
 * addressing with linear probing over typed arrays, no per-key allocation. The table doubles
 * when half full, so it stays about as small as the vertices it holds (and in cache).
 */
class KeyTable {
  size = 0;
  private keys: Float64Array;
  private ids: Int32Array;
  private mask: number;

  constructor() {
    this.keys = new Float64Array(1 << 12);
    this.ids = new Int32Array(1 << 12).fill(-1);
    this.mask = (1 << 12) - 1;
  }

  private slot(key: number): number {
    // Mix the key's low and high 32 bits.
    const hi = Math.floor(key / 4294967296);
    const h = Math.imul((key >>> 0) ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
    return (h ^ (h >>> 15)) & this.mask;
  }

  /** The key's id, a new one (the current size) if it is not there yet. */
  insert(key: number): number {
    if (2 * (this.size + 1) > this.ids.length) this.grow();
    const { keys, ids, mask } = this;
    let at = this.slot(key);
    for (;;) {
      const id = ids[at] as number;
      if (id < 0) {
        keys[at] = key;
        ids[at] = this.size;
        return this.size++;
      }
      if (keys[at] === key) return id;
      at = (at + 1) & mask;
    }
  }

  /** The key's id, or `missing`. */
  find(key: number, missing: number): number {
    const { keys, ids, mask } = this;
    let at = this.slot(key);
    for (;;) {
      const id = ids[at] as number;
      if (id < 0) return missing;
      if (keys[at] === key) return id;
      at = (at + 1) & mask;
    }
  }

  private grow(): void {
    const { keys, ids } = this;
    const slots = 2 * ids.length;
    this.keys = new Float64Array(slots);
    this.ids = new Int32Array(slots).fill(-1);
    this.mask = slots - 1;
    for (let at = 0; at < ids.length; at++) {
      const id = ids[at] as number;
      if (id < 0) continue;
      const key = keys[at] as number;
      let to = this.slot(key);
      while ((this.ids[to] as number) >= 0) to = (to + 1) & this.mask;
      this.keys[to] = key;
      this.ids[to] = id;
    }
  }
}

/** A lattice built for one image and one (thetaAlpha, thetaBeta); plain arrays only. */
export interface LatticePlan {
  readonly numPixels: number;
  readonly numVertices: number;
  /** D + 1 corners per pixel. */
  readonly cornersPerPixel: number;
  /** `[N * K]` vertex of each (pixel, corner), pixel-major. */
  readonly vertex: Int32Array;
  /** `[N * K]` barycentric weight of each (pixel, corner). */
  readonly weight: Float32Array;
  /** `[K * M * 3]` each vertex's neighbours along each axis at offsets -1, 0, +1 (M = none). */
  readonly neighbours: Int32Array;
  /** Multiplies every sliced value. */
  readonly gain: number;
  /** `[N]` each pixel's response to its own value (gain included): the self term. */
  readonly self: Float32Array;
}

/**
 * Builds the lattice from scaled features (unit-Gaussian kernel).
 * @param f `[N * D]` features, row-major; D in 1..8.
 */
export function buildLatticePlan(f: ArrayLike<number>, n: number, d: number): LatticePlan {
  if (d < 1 || d > 8) invalid('feature dimensions', d, '1..8');
  if (f.length !== n * d) invalid('features length', f.length, `${n * d} (N x D)`);
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
  // Each pixel's rank of every coordinate: which axes separate its simplex's corners.
  const ranks = new Int8Array(n * d1);
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
      ranks[i * d1 + j] = rank[j] ?? 0;
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
  // place[j]: the key's step per unit of coordinate j. The key is linear in the coordinates,
  // so a neighbour's key is the vertex's key plus a fixed offset per axis (the padding keeps
  // neighbours' coordinates inside the ranges).
  const place = new Float64Array(d);
  for (let j = d - 1, p = 1; j >= 0; j--) {
    place[j] = p;
    p *= radix[j] ?? 1;
  }
  let origin = 0;
  for (let j = 0; j < d; j++) origin += (d1 - (low[j] ?? 0)) * (place[j] as number);
  const table = new KeyTable();
  const vertexKey = new Float64Array(Math.min(n * d1, MAX_LATTICE_VERTICES));
  const vertex = new Int32Array(n * d1);
  for (let e = 0; e < n * d1; e++) {
    let key = origin;
    for (let j = 0; j < d; j++) key += (keys[e * d + j] as number) * (place[j] as number);
    const before = table.size;
    const v = table.insert(key);
    if (table.size > before) {
      if (v >= MAX_LATTICE_VERTICES) {
        invalid(
          'permutohedral lattice vertices',
          `more than ${MAX_LATTICE_VERTICES}`,
          'fewer: a smaller image or larger thetas',
        );
      }
      vertexKey[v] = key;
    }
    vertex[e] = v;
  }
  const m = table.size;

  // Blur along each of the D + 1 lattice axes: the neighbours of x along axis a are
  // x +- (1, ..., 1, -D, 1, ..., 1) (-D at a; along axis D only the ones).
  const neighbours = new Int32Array(d1 * m * 3);
  for (let a = 0; a < d1; a++) {
    let step = 0;
    for (let j = 0; j < d; j++) step += (j === a ? -d : 1) * (place[j] as number);
    for (let v = 0; v < m; v++) {
      const at = (a * m + v) * 3;
      const key = vertexKey[v] as number;
      neighbours[at] = table.find(key - step, m);
      neighbours[at + 1] = v;
      neighbours[at + 2] = table.find(key + step, m);
    }
  }

  const raw: LatticePlan = {
    numPixels: n,
    numVertices: m,
    cornersPerPixel: d1,
    vertex,
    weight,
    neighbours,
    gain: 1,
    self: selfResponse(n, m, d1, vertex, weight, neighbours, ranks),
  };
  const gain = calibrateGain(f, n, d, raw);
  return { ...raw, gain, self: raw.self.map((x) => x * gain) };
}

/**
 * Each pixel's response to its own value, exactly: sum over its corner pairs (r, r') of
 * w_r w_r' B(v_r -> v_r'), where B is the blur's impulse response. Corner r' differs from
 * corner r (r' > r) by the sum of the axis vectors e_a whose rank lies in (D - r', D - r], and
 * since the D + 1 axis vectors sum to zero, the blur reaches v_r' from v_r along exactly two
 * step patterns (one step +1 on those axes, or -1 on all the others; for r' = r: no step,
 * all +1 or all -1). Each pattern is followed through the neighbour table in the blur's axis
 * order, so a path through an unoccupied vertex counts nothing, as in the blur itself. The
 * two loops back to the same vertex depend on the vertex alone and are found once per vertex.
 */
function selfResponse(
  n: number,
  m: number,
  d1: number,
  vertex: Int32Array,
  weight: Float32Array,
  neighbours: Int32Array,
  ranks: Int8Array,
): Float32Array {
  const d = d1 - 1;
  // Per axis, each vertex's neighbour at -1 and at +1 (m: none; the row m stays m).
  const down = new Int32Array(d1 * (m + 1)).fill(m);
  const up = new Int32Array(d1 * (m + 1)).fill(m);
  for (let a = 0; a < d1; a++) {
    for (let v = 0; v < m; v++) {
      down[a * (m + 1) + v] = neighbours[(a * m + v) * 3] as number;
      up[a * (m + 1) + v] = neighbours[(a * m + v) * 3 + 2] as number;
    }
  }
  const stride = m + 1;
  // B(u -> u) = 1 + (all +1) + (all -1): the loops around u through occupied vertices.
  const loop = new Float64Array(m);
  const last = 0.5 ** d1;
  for (let u = 0; u < m; u++) {
    let x = u;
    for (let a = 0; a < d1; a++) x = up[a * stride + x] as number;
    let y = u;
    for (let a = 0; a < d1; a++) y = down[a * stride + y] as number;
    loop[u] = 1 + (x === u ? last : 0) + (y === u ? last : 0);
  }
  const self = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const base = i * d1;
    let total = 0;
    for (let r = 0; r < d1; r++) {
      const wr = weight[base + r] as number;
      if (wr === 0) continue;
      const u = vertex[base + r] as number;
      total += wr * wr * (loop[u] as number);
      for (let r2 = 0; r2 < d1; r2++) {
        const wr2 = weight[base + r2] as number;
        if (r2 === r || wr2 === 0) continue;
        const v = vertex[base + r2] as number;
        // Axes whose rank lies in (lo, hi] step `toward` v; the others step the other way.
        const lo = d - Math.max(r, r2);
        const hi = d - Math.min(r, r2);
        const toward = r2 > r ? up : down;
        const away = r2 > r ? down : up;
        let x = u;
        let y = u;
        let wx = 1;
        let wy = 1;
        for (let a = 0; a < d1; a++) {
          const k = ranks[base + a] as number;
          if (k > lo && k <= hi) {
            x = toward[a * stride + x] as number;
            wx *= 0.5;
          } else {
            y = away[a * stride + y] as number;
            wy *= 0.5;
          }
        }
        // A missing vertex leads to m and stays there, so it never reaches v.
        total += wr * wr2 * ((x === v ? wx : 0) + (y === v ? wy : 0));
      }
    }
    self[i] = total;
  }
  return self;
}

/**
 * The gain that makes the lattice's total over all pixels (self included) match the exact
 * Gaussian sum, median ratio over a few evenly spaced pixels.
 */
function calibrateGain(f: ArrayLike<number>, n: number, d: number, raw: LatticePlan): number {
  const lattice = new LatticeFilter(raw, 1);
  const ones = new Float32Array(n).fill(1);
  const total = new Float32Array(n);
  lattice.messages(ones, total);
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
    // Messages exclude the self term; add it back for the full sum.
    const got = (total[i] ?? 0) + (raw.self[i] ?? 0);
    if (got > 0) ratios.push(exact / got);
  }
  ratios.sort((a, b) => a - b);
  return ratios[Math.floor(ratios.length / 2)] ?? 1;
}

/**
 * Splat / blur / slice over Float32Arrays for `channels` values per pixel at once, with its
 * working buffers and its index tables (premultiplied by `channels`) made once: `messages`
 * allocates nothing, and every loop runs over the channels innermost.
 */
export class LatticeFilter {
  private readonly a: Float32Array;
  private readonly b: Float32Array;
  /** `[N * K]` each (pixel, corner)'s vertex times C. */
  private readonly at: Int32Array;
  /** `[N * K]` each (pixel, corner)'s barycentric weight times the gain (for the slice). */
  private readonly sliceWeight: Float32Array;
  /** `[K * M]` per axis, each vertex's neighbour at -1 and +1 times C (M C: the zero row). */
  private readonly lo: Int32Array;
  private readonly hi: Int32Array;

  constructor(
    readonly plan: LatticePlan,
    readonly channels: number,
  ) {
    const { numVertices: m, cornersPerPixel: k, vertex, weight, neighbours, gain } = plan;
    const c = channels;
    // One spare zero row (index M) stands for every missing neighbour.
    this.a = new Float32Array((m + 1) * c);
    this.b = new Float32Array((m + 1) * c);
    this.at = new Int32Array(vertex.length);
    this.sliceWeight = new Float32Array(weight.length);
    for (let e = 0; e < vertex.length; e++) {
      this.at[e] = (vertex[e] as number) * c;
      this.sliceWeight[e] = (weight[e] as number) * gain;
    }
    this.lo = new Int32Array(k * m);
    this.hi = new Int32Array(k * m);
    for (let e = 0; e < k * m; e++) {
      this.lo[e] = (neighbours[e * 3] as number) * c;
      this.hi[e] = (neighbours[e * 3 + 2] as number) * c;
    }
  }

  /**
   * out_i = gain * sum_r w_r (blurred lattice)[v_r] - self_i * values_i: sum_{j != i} of the
   * approximate kernel times values_j.
   * @param values `[N * C]` pixel-major.
   * @param out `[N * C]`, overwritten.
   */
  messages(values: Float32Array, out: Float32Array): void {
    const { numPixels: n, numVertices: m, cornersPerPixel: k, weight, self } = this.plan;
    const { at, sliceWeight, lo, hi } = this;
    const c = this.channels;
    let src = this.a;
    let dst = this.b;
    src.fill(0);
    // Splat: each pixel's values onto its simplex's corners.
    for (let i = 0, e = 0; i < n; i++) {
      const vi = i * c;
      for (let r = 0; r < k; r++, e++) {
        const w = weight[e] as number;
        const to = at[e] as number;
        for (let l = 0; l < c; l++) {
          src[to + l] = (src[to + l] as number) + w * (values[vi + l] as number);
        }
      }
    }
    // Blur: [1/2, 1, 1/2] along each axis; dst's spare row stays 0 (it is never written).
    for (let axis = 0, e = 0; axis < k; axis++) {
      for (let v = 0, to = 0; v < m; v++, e++, to += c) {
        const down = lo[e] as number;
        const up = hi[e] as number;
        for (let l = 0; l < c; l++) {
          dst[to + l] =
            (src[to + l] as number) + 0.5 * ((src[down + l] as number) + (src[up + l] as number));
        }
      }
      const t = src;
      src = dst;
      dst = t;
    }
    // Slice, minus each pixel's response to its own value.
    for (let i = 0, e = 0; i < n; i++) {
      const vi = i * c;
      const own = self[i] as number;
      for (let l = 0; l < c; l++) out[vi + l] = -own * (values[vi + l] as number);
      for (let r = 0; r < k; r++, e++) {
        const w = sliceWeight[e] as number;
        const from = at[e] as number;
        for (let l = 0; l < c; l++) {
          out[vi + l] = (out[vi + l] as number) + w * (src[from + l] as number);
        }
      }
    }
  }
}
