/**
 * Mean-field inference for the dense CRF over plain Float32Arrays, for CPUs (the tfjs CPU and
 * WASM backends, or a software WebGL renderer), where it runs 50 to 100 times faster than the
 * same maths as tfjs ops. It computes what the tfjs fast path (mean-field.ts) computes:
 *
 *   - appearance messages on the same permutohedral lattice (lattice-cpu.ts: same vertices,
 *     weights, gain, and the self term j = i subtracted exactly);
 *   - smoothness messages by the same separable Gaussian, taps exp(-d^2 / 2 thetaGamma^2) cut
 *     at 3 thetaGamma, zero outside the image, self term subtracted;
 *   - each kernel's messages divided per pixel by that kernel's own total (the message a field
 *     of ones receives), as densecrf does (`NORMALIZE_AFTER`), unless `normalize` is false;
 *   - the Potts potential P_i(l) = sum_{l' != l} (w1 A_i(l') + w2 S_i(l')) and the update
 *     Q_i <- softmax(-U_i - P_i), all pixels in parallel.
 *
 * Conventions are the reference's: features divided by their thetas, kernels exp(-|df|^2 / 2),
 * colours in 0..255. One departure, shared with the tfjs path: the self term is excluded (the
 * reference filters include it; see lattice-cpu.ts).
 *
 * Everything is allocated when the problem is prepared; an iteration allocates nothing. Per
 * iteration it also records, at little cost, how many labels changed, how far each pixel's
 * probabilities moved, the last iteration that changed each pixel's label, and the free
 * energy per pixel (see mean-field.ts).
 */
import { intInRange, invalid, oneOf } from '../validate';
import { buildLatticePlan, LatticeFilter, type LatticePlan } from './lattice-cpu';
import { type CrfParams, resolveCrfParams } from './params';
import { gaussianTaps } from './separable-gaussian';
import { MAX_EXACT_KERNEL_PIXELS } from './exact-filter';

/**
 * 'fast': the permutohedral lattice and the separable Gaussian cut at 3 thetaGamma; 'exact':
 * every pixel pair of both kernels (the ground truth; up to `MAX_EXACT_KERNEL_PIXELS` pixels).
 */
export type CpuCrfMethod = 'exact' | 'fast';

/** The appearance filter as the lattice's `messages`: values `[N * C]` to out `[N * C]`. */
interface Filter {
  messages(values: Float32Array, out: Float32Array): void;
}

/**
 * The exact appearance kernel: the whole `[N, N]` matrix exp(-|f_i - f_j|^2 / 2) with a zero
 * diagonal (no self term), kept so that each pass is one dense product.
 */
function exactKernel(f: Float32Array, n: number, d: number): Float32Array {
  intInRange('exact kernel pixels', n, 1, MAX_EXACT_KERNEL_PIXELS);
  const kernel = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let d2 = 0;
      for (let k = 0; k < d; k++) d2 += ((f[i * d + k] as number) - (f[j * d + k] as number)) ** 2;
      const v = Math.exp(-d2 / 2);
      kernel[i * n + j] = v;
      kernel[j * n + i] = v;
    }
  }
  return kernel;
}

/** Messages through a kept `[N, N]` kernel matrix. */
class ExactFilter implements Filter {
  constructor(
    private readonly kernel: Float32Array,
    private readonly n: number,
    private readonly channels: number,
  ) {}
  messages(values: Float32Array, out: Float32Array): void {
    const { n, channels: c, kernel } = this;
    out.fill(0);
    for (let i = 0; i < n; i++) {
      const row = i * n;
      const at = i * c;
      for (let j = 0; j < n; j++) {
        const k = kernel[row + j] as number;
        if (k === 0) continue;
        for (let l = 0; l < c; l++)
          out[at + l] = (out[at + l] as number) + k * (values[j * c + l] as number);
      }
    }
  }
}

/** Kernel totals below this count as no neighbours at all (see `prepareCpuKernels`). */
export const MIN_KERNEL_TOTAL = 1e-2;

/** Largest image side the CPU path accepts. */
export const MAX_CPU_SIDE = 1024;

/**
 * The kernels' part of a problem, fixed for one image and (thetaAlpha, thetaBeta, thetaGamma).
 * The appearance part (the lattice, the costly bit) depends on thetaAlpha and thetaBeta only:
 * `withThetaGamma` swaps the smoothness kernel and keeps it.
 */
export interface CpuCrfKernels {
  readonly height: number;
  readonly width: number;
  readonly thetaAlpha: number;
  readonly thetaBeta: number;
  readonly thetaGamma: number;
  readonly normalize: boolean;
  readonly method: CpuCrfMethod;
  /** Occupied lattice vertices (0 on the exact path). */
  readonly latticeVertices: number;
  /** Builds the two filters for `channels` values per pixel (working buffers included). */
  filters(channels: number): CpuFilters;
  /** The same image and appearance kernel (the same lattice, not rebuilt) with another thetaGamma. */
  withThetaGamma(thetaGamma: number): CpuCrfKernels;
}

interface CpuFilters {
  /** out = appearance messages of values (self excluded, not normalised). */
  appearance(values: Float32Array, out: Float32Array): void;
  /** out = smoothness messages of values (self excluded, not normalised). */
  smoothness(values: Float32Array, out: Float32Array): void;
  /** `[N]` 1 / each pixel's appearance kernel total (ones when not normalising; 0: none). */
  readonly appearanceScale: Float32Array;
  /** `[N]` 1 / each pixel's smoothness kernel total (ones when not normalising; 0: none). */
  readonly smoothnessScale: Float32Array;
  /** `[N]` each pixel's appearance kernel total times its scale (the messages of ones). */
  readonly appearanceTotal: Float32Array;
  /** `[N]` the same for the smoothness kernel. */
  readonly smoothnessTotal: Float32Array;
}

/**
 * Scale and scaled total of a kernel from its raw per-pixel totals. A pixel with no similar
 * neighbour (total below 1 % of one full-weight neighbour, i.e. rounding noise, since the
 * self term is excluded) receives no message rather than noise divided by almost nothing.
 * (densecrf keeps the self term, so its totals are >= 1.)
 */
function kernelScale(raw: Float32Array, normalize: boolean) {
  const n = raw.length;
  const scale = new Float32Array(n).fill(1);
  const total = raw.slice();
  if (normalize) {
    for (let i = 0; i < n; i++) {
      const t = raw[i] as number;
      scale[i] = t > MIN_KERNEL_TOTAL ? 1 / t : 0;
      total[i] = t > MIN_KERNEL_TOTAL ? 1 : 0;
    }
  }
  return { scale, total };
}

function checkSize(height: number, width: number): number {
  intInRange('height', height, 1, MAX_CPU_SIDE);
  intInRange('width', width, 1, MAX_CPU_SIDE);
  return height * width;
}

/**
 * out[k] += t * src[k - s] for k in [from + s, to) and out[k] += t * src[k + s] for k in
 * [from, to - s): one symmetric tap pair over a contiguous run, zero outside it.
 */
function addTapPair(
  src: Float32Array,
  out: Float32Array,
  t: number,
  s: number,
  from: number,
  to: number,
): void {
  const lo = from + s;
  const hi = to - s;
  if (lo < hi) {
    for (let k = from; k < lo; k++) out[k] = (out[k] as number) + t * (src[k + s] as number);
    for (let k = lo; k < hi; k++) {
      out[k] = (out[k] as number) + t * ((src[k - s] as number) + (src[k + s] as number));
    }
    for (let k = hi; k < to; k++) out[k] = (out[k] as number) + t * (src[k - s] as number);
  } else {
    for (let k = from; k < hi; k++) out[k] = (out[k] as number) + t * (src[k + s] as number);
    for (let k = lo; k < to; k++) out[k] = (out[k] as number) + t * (src[k - s] as number);
  }
}

/**
 * One pass of a symmetric 1-D filter (taps[r + d] = taps[r - d]) along `length` points `stride`
 * values apart, zero outside, over `lines` lines of `length * stride` contiguous values each:
 * out[p] = sum_{|d| <= r} taps[r + d] src[p + d * stride]. Along a row, stride is C (the C
 * values of a pixel sit together); down the columns, one line of H points W C apart. Each tap
 * pair sweeps a contiguous run, so the inner loops are plain array arithmetic. `minus`, if
 * given, is subtracted from the result.
 */
function symmetricPass(
  src: Float32Array,
  out: Float32Array,
  taps: Float32Array,
  lines: number,
  length: number,
  stride: number,
  minus?: Float32Array,
): void {
  const r = (taps.length - 1) / 2;
  const centre = taps[r] as number;
  const reach = Math.min(r, length - 1);
  const span = length * stride;
  for (let line = 0; line < lines; line++) {
    const from = line * span;
    const to = from + span;
    if (minus) {
      for (let k = from; k < to; k++) out[k] = centre * (src[k] as number) - (minus[k] as number);
    } else for (let k = from; k < to; k++) out[k] = centre * (src[k] as number);
    for (let d = 1; d <= reach; d++)
      addTapPair(src, out, taps[r + d] as number, d * stride, from, to);
  }
}

/** The vertical pass, a row of W C values at a time (so its rows stay in cache). */
function verticalPass(
  src: Float32Array,
  out: Float32Array,
  taps: Float32Array,
  h: number,
  row: number,
): void {
  const r = (taps.length - 1) / 2;
  const centre = taps[r] as number;
  for (let y = 0; y < h; y++) {
    const from = y * row;
    const to = from + row;
    for (let k = from; k < to; k++) out[k] = centre * (src[k] as number);
    const reach = Math.min(r, Math.max(y, h - 1 - y));
    for (let d = 1; d <= reach; d++) {
      const t = taps[r + d] as number;
      const s = d * row;
      if (y - d >= 0 && y + d < h) {
        for (let k = from; k < to; k++) {
          out[k] = (out[k] as number) + t * ((src[k - s] as number) + (src[k + s] as number));
        }
      } else if (y - d >= 0) {
        for (let k = from; k < to; k++) out[k] = (out[k] as number) + t * (src[k - s] as number);
      } else {
        for (let k = from; k < to; k++) out[k] = (out[k] as number) + t * (src[k + s] as number);
      }
    }
  }
}

/**
 * Separable Gaussian messages over `[H, W, C]` (zero outside the image) minus each pixel's own
 * value: `out` gets them, `tmp` holds the vertical pass.
 */
function separableMessages(
  values: Float32Array,
  out: Float32Array,
  tmp: Float32Array,
  h: number,
  w: number,
  c: number,
  taps: Float32Array,
): void {
  verticalPass(values, tmp, taps, h, w * c);
  // Along the rows: H lines of W points, C values each; the pass starts from the centre tap
  // minus each pixel's own value.
  symmetricPass(tmp, out, taps, h, w, c, values);
}

/**
 * Builds the lattice, the smoothness taps and both kernels' per-pixel totals for one image.
 * @param image `[H * W * 3]` RGB in [0, 1], pixel-major (a `[H, W, 3]` tensor's data).
 */
export function prepareCpuKernels(
  image: ArrayLike<number>,
  height: number,
  width: number,
  params: Pick<CrfParams, 'thetaAlpha' | 'thetaBeta' | 'thetaGamma'>,
  normalize = true,
  method: CpuCrfMethod = 'fast',
): CpuCrfKernels {
  oneOf('method', method, ['exact', 'fast'] as const);
  const n = checkSize(height, width);
  if (image.length !== n * 3) invalid('image length', image.length, `${n * 3} (H x W x 3)`);
  const { thetaAlpha, thetaBeta, thetaGamma } = resolveCrfParams(params);
  const f = new Float32Array(n * 5);
  for (let i = 0; i < n; i++) {
    f[i * 5] = (i % width) / thetaAlpha;
    f[i * 5 + 1] = Math.floor(i / width) / thetaAlpha;
    for (let c = 0; c < 3; c++) f[i * 5 + 2 + c] = ((image[i * 3 + c] ?? 0) * 255) / thetaBeta;
  }
  const plan = method === 'fast' ? buildLatticePlan(f, n, 5) : undefined;
  const kernel = plan ? undefined : exactKernel(f, n, 5);
  const appearanceFilter = (channels: number): Filter =>
    kernel
      ? new ExactFilter(kernel, n, channels)
      : new LatticeFilter(plan as LatticePlan, channels);
  // Per-pixel totals: the messages a field of ones receives (self excluded, like the messages).
  const appearanceRaw = new Float32Array(n);
  appearanceFilter(1).messages(new Float32Array(n).fill(1), appearanceRaw);
  const appearance = kernelScale(appearanceRaw, normalize);
  const shared = { height, width, thetaAlpha, thetaBeta, normalize, method };
  const latticeVertices = plan?.numVertices ?? 0;

  const withThetaGamma = (theta: number): CpuCrfKernels => {
    const thetaGamma = resolveCrfParams({ thetaGamma: theta }).thetaGamma;
    // Exact: every tap to the far edge, which is the sum over all pairs (the kernel factorises).
    const radius = Math.max(height, width) - 1;
    const taps =
      method === 'fast'
        ? gaussianTaps(thetaGamma, radius)
        : Float32Array.from({ length: 2 * radius + 1 }, (_, k) =>
            Math.exp(-((k - radius) ** 2) / (2 * thetaGamma * thetaGamma)),
          );
    const smoothnessRaw = new Float32Array(n);
    const ones = new Float32Array(n).fill(1);
    separableMessages(ones, smoothnessRaw, new Float32Array(n), height, width, 1, taps);
    const smoothness = kernelScale(smoothnessRaw, normalize);
    return {
      ...shared,
      thetaGamma,
      latticeVertices,
      filters(channels) {
        const lattice = appearanceFilter(channels);
        const tmp = new Float32Array(n * channels);
        return {
          appearance: (values, out) => lattice.messages(values, out),
          smoothness: (values, out) =>
            separableMessages(values, out, tmp, height, width, channels, taps),
          appearanceScale: appearance.scale,
          smoothnessScale: smoothness.scale,
          appearanceTotal: appearance.total,
          smoothnessTotal: smoothness.total,
        };
      },
      withThetaGamma,
    };
  };
  return withThetaGamma(thetaGamma);
}

/** Per-iteration figures (as mean-field.ts's `MeanFieldTrace`). */
export interface CpuTracePoint {
  readonly iteration: number;
  /** Free energy per pixel F(Q), nats. */
  readonly energy: number;
  /** Pixels whose argmax label changed in this iteration (0 at iteration 0). */
  readonly changed: number;
}

/** A copy of a run's state, to go back to without recomputing. */
interface Snapshot {
  readonly q: Float32Array;
  readonly logQ: Float32Array;
  readonly pairwise: Float32Array;
  readonly travel: Float32Array;
  readonly settled: Float32Array;
}

/**
 * One mean-field problem (kernels, unary, weights) and its current state, stepped one
 * iteration at a time. Keeps a copy of the state after every iteration it ran, so going back
 * to an earlier iteration costs nothing and going forward continues from the furthest one.
 */
export class CpuMeanField {
  readonly numPixels: number;
  readonly numLabels: number;
  /** Current iteration. */
  iteration = 0;
  /** `[N * L]` current marginals Q, pixel-major. */
  readonly q: Float32Array;
  /** `[N * L]` Potts pairwise potential P(Q) of the current Q. */
  readonly pairwise: Float32Array;
  /** `[N]` sum over iterations of sum_l |Q_t(l) - Q_{t-1}(l)|. */
  readonly travel: Float32Array;
  /** `[N]` last iteration at which the pixel's argmax label changed, else 0. */
  readonly settled: Float32Array;
  /** Iterations 0..current. */
  readonly trace: CpuTracePoint[] = [];
  /** Message passes run so far (one per iteration, one for iteration 0). */
  messagePasses = 0;

  private readonly unary: Float32Array;
  private readonly filters: CpuFilters;
  /** Labels the filters carry: L - 1 when normalising (see `passMessages`), else L. */
  private readonly filtered: number;
  /** `[N * filtered]` Q of the labels the filters carry. */
  private readonly head: Float32Array;
  /** `[N * filtered]` their raw messages. */
  private readonly appearance: Float32Array;
  private readonly smoothness: Float32Array;
  /** `[N * L]` ln Q of the current Q. */
  private readonly logQ: Float32Array;
  private readonly snapshots: Snapshot[] = [];
  /** `[L]` one pixel's exp(a - max) during `step`. */
  private readonly scratch: Float64Array;

  readonly w1: number;
  readonly w2: number;

  /**
   * @param unary `[H * W * L]` unary potentials in nats, pixel-major.
   * @param labels L >= 2.
   * @param weights w1 and w2 (each 0..1000).
   * @param history keep a copy of the state after every iteration (for `goTo` backwards
   *   without replaying; iteration 0 is always kept). Off, an iteration allocates nothing.
   */
  constructor(
    readonly kernels: CpuCrfKernels,
    unary: ArrayLike<number>,
    labels: number,
    weights: Pick<CrfParams, 'w1' | 'w2'>,
    readonly history = false,
  ) {
    const n = kernels.height * kernels.width;
    intInRange('unary labels', labels, 2, 1000);
    if (unary.length !== n * labels) {
      invalid(
        'unary length',
        unary.length,
        `${n * labels} (H x W x L = ${kernels.height} x ${kernels.width} x ${labels})`,
      );
    }
    const { w1, w2 } = resolveCrfParams(weights);
    this.w1 = w1;
    this.w2 = w2;
    this.numPixels = n;
    this.numLabels = labels;
    this.unary = Float32Array.from(unary);
    for (let k = 0; k < this.unary.length; k++) {
      if (!Number.isFinite(this.unary[k])) invalid(`unary[${k}]`, this.unary[k], 'a finite number');
    }
    // Normalised, the filters carry labels 0..L-2 only (see `passMessages`).
    const h = kernels.normalize ? labels - 1 : labels;
    this.filtered = h;
    this.filters = kernels.filters(h);
    this.q = new Float32Array(n * labels);
    this.head = new Float32Array(n * h);
    this.pairwise = new Float32Array(n * labels);
    this.appearance = new Float32Array(n * h);
    this.smoothness = new Float32Array(n * h);
    this.logQ = new Float32Array(n * labels);
    this.scratch = new Float64Array(labels);
    this.travel = new Float32Array(n);
    this.settled = new Float32Array(n);
    this.reset();
  }

  /** Back to iteration 0: Q0 = softmax(-U), the classifier's own probabilities. */
  reset(): void {
    this.restore(0);
  }

  /** Runs (or recalls) the state after `iteration` iterations (0..100). */
  goTo(iteration: number): void {
    intInRange('iterations', iteration, 0, 100);
    // Continue from the furthest kept state at or before `iteration` (iteration 0 always is).
    let from = Math.min(this.snapshots.length - 1, iteration);
    while (!this.snapshots[from]) from--;
    if (this.iteration > iteration || from > this.iteration) this.restore(from);
    while (this.iteration < iteration) this.step();
  }

  /** One parallel update Q <- softmax(-U - P(Q)) and the messages of the new Q. */
  step(): void {
    const { numPixels: n, numLabels: c, q, logQ, pairwise, unary, travel, settled } = this;
    const scratch = this.scratch;
    const t = this.iteration + 1;
    let changed = 0;
    for (let i = 0; i < n; i++) {
      const at = i * c;
      const end = at + c;
      let before = at;
      let max = -Infinity;
      for (let k = at; k < end; k++) {
        if ((q[k] as number) > (q[before] as number)) before = k;
        const a = -(unary[k] as number) - (pairwise[k] as number);
        logQ[k] = a;
        if (a > max) max = a;
      }
      // One exp per label: p = exp(a - max) / z, ln p = a - max - ln z.
      let z = 0;
      for (let k = at; k < end; k++) {
        const e = Math.exp((logQ[k] as number) - max);
        scratch[k - at] = e;
        z += e;
      }
      const shift = max + Math.log(z);
      const invZ = 1 / z;
      let after = at;
      let moved = 0;
      for (let k = at; k < end; k++) {
        const p = (scratch[k - at] as number) * invZ;
        logQ[k] = (logQ[k] as number) - shift;
        moved += Math.abs(p - (q[k] as number));
        q[k] = p;
        if (p > (q[after] as number)) after = k;
      }
      travel[i] = (travel[i] as number) + moved;
      if (after - at !== before - at) {
        changed++;
        settled[i] = t;
      }
    }
    this.iteration = t;
    this.trace.push({ iteration: t, energy: this.passMessages(), changed });
    if (this.history) this.keep();
  }

  /** Most probable label of each pixel, `[N]`. */
  labels(out = new Int32Array(this.numPixels)): Int32Array {
    const c = this.numLabels;
    for (let i = 0; i < this.numPixels; i++) {
      let best = 0;
      for (let l = 1; l < c; l++)
        if ((this.q[i * c + l] as number) > (this.q[i * c + best] as number)) best = l;
      out[i] = best;
    }
    return out;
  }

  /**
   * P(Q) of the current Q into `pairwise`; returns the free energy per pixel
   * (1/N) sum_i sum_l Q_i(l) [U_i(l) + P_i(l) / 2 + ln Q_i(l)].
   *
   * Filtering is linear and sum_l Q_i(l) = 1, so the messages summed over labels are the
   * messages of a field of ones, known from the start (`appearanceTotal`, `smoothnessTotal`):
   * the last label's messages are that total minus the others', and only L - 1 labels need
   * filtering. With m_i(l) = w1 a_i A_i(l) + w2 b_i S_i(l) and T_i = sum_l m_i(l), Potts gives
   * P_i(l) = T_i - m_i(l), and for the last label P_i(L-1) = sum_{l < L-1} m_i(l). This is
   * done when normalising, where T_i <= w1 + w2 and float32 rounding in T_i stays ~1e-6;
   * unnormalised totals grow with the image, so then every label is filtered.
   */
  private passMessages(): number {
    const { numPixels: n, numLabels: c, filtered: h, q, head, logQ, pairwise, unary } = this;
    const { appearance, smoothness, w1, w2, filters } = this;
    const { appearanceScale, smoothnessScale, appearanceTotal, smoothnessTotal } = filters;
    const derive = h < c;
    if (derive) {
      for (let i = 0; i < n; i++) {
        for (let l = 0; l < h; l++) head[i * h + l] = q[i * c + l] as number;
      }
    } else head.set(q);
    // A zero weight skips its filter; its buffer's (finite) contents then count zero times.
    if (w1 > 0) filters.appearance(head, appearance);
    if (w2 > 0) filters.smoothness(head, smoothness);
    this.messagePasses++;
    let energy = 0;
    for (let i = 0; i < n; i++) {
      const at = i * c;
      const from = i * h;
      // Each kernel's messages divided by its total at this pixel (per-pixel normalisation).
      const a = w1 * (appearanceScale[i] as number);
      const b = w2 * (smoothnessScale[i] as number);
      let total = 0;
      if (derive) total = w1 * (appearanceTotal[i] as number) + w2 * (smoothnessTotal[i] as number);
      else {
        for (let l = 0; l < h; l++) {
          total += a * (appearance[from + l] as number) + b * (smoothness[from + l] as number);
        }
      }
      let others = 0;
      let e = 0;
      for (let l = 0; l < h; l++) {
        const m = a * (appearance[from + l] as number) + b * (smoothness[from + l] as number);
        others += m;
        // Potts: every label pays the messages for the other labels.
        const p = total - m;
        pairwise[at + l] = p;
        e +=
          (q[at + l] as number) * ((unary[at + l] as number) + 0.5 * p + (logQ[at + l] as number));
      }
      if (derive) {
        pairwise[at + h] = others;
        e +=
          (q[at + h] as number) *
          ((unary[at + h] as number) + 0.5 * others + (logQ[at + h] as number));
      }
      energy += e;
    }
    return energy / n;
  }

  private keep(): void {
    this.snapshots[this.iteration] = {
      q: this.q.slice(),
      logQ: this.logQ.slice(),
      pairwise: this.pairwise.slice(),
      travel: this.travel.slice(),
      settled: this.settled.slice(),
    };
  }

  private restore(iteration: number): void {
    const s = this.snapshots[iteration];
    if (s) {
      this.q.set(s.q);
      this.logQ.set(s.logQ);
      this.pairwise.set(s.pairwise);
      this.travel.set(s.travel);
      this.settled.set(s.settled);
      this.iteration = iteration;
      this.trace.length = iteration + 1;
      return;
    }
    // Iteration 0, first time: Q0 = softmax(-U).
    const { numPixels: n, numLabels: c, q, logQ, unary } = this;
    for (let i = 0; i < n; i++) {
      const at = i * c;
      let min = Infinity;
      for (let k = at; k < at + c; k++) min = Math.min(min, unary[k] as number);
      let z = 0;
      for (let k = at; k < at + c; k++) z += Math.exp(min - (unary[k] as number));
      const shift = min - Math.log(z);
      for (let k = at; k < at + c; k++) {
        logQ[k] = shift - (unary[k] as number);
        q[k] = Math.exp(logQ[k] as number);
      }
    }
    this.travel.fill(0);
    this.settled.fill(0);
    this.iteration = 0;
    this.trace.length = 0;
    this.trace.push({ iteration: 0, energy: this.passMessages(), changed: 0 });
    this.keep();
  }
}

/**
 * Runs `iterations` mean-field steps on typed arrays (prepare, then step).
 * @param image `[H * W * 3]` RGB in [0, 1]; unary `[H * W * L]` nats.
 */
export function runCpuMeanField(
  image: ArrayLike<number>,
  unary: ArrayLike<number>,
  height: number,
  width: number,
  labels: number,
  options: Partial<CrfParams> & {
    readonly normalize?: boolean;
    readonly method?: CpuCrfMethod;
  } = {},
): CpuMeanField {
  const { normalize = true, method = 'fast', ...rest } = options;
  const params = resolveCrfParams(rest);
  const kernels = prepareCpuKernels(image, height, width, params, normalize, method);
  const run = new CpuMeanField(kernels, unary, labels, params);
  run.goTo(params.iterations);
  return run;
}
