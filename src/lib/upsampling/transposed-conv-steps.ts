/**
 * A transposed convolution worked by hand on a small single-channel example, two ways, with
 * every tap listed so a figure can step through it one output pixel at a time:
 *
 * - scatter: input value x[i][j] stamps x[i][j] * w onto the full output at (i s, j s); the
 *   stamps add where they overlap; padding p then crops p from each side;
 * - gather: insert s - 1 zeros between input values, pad k - 1 - p on each side, flip the
 *   kernel, and slide it as an ordinary stride-1 convolution.
 *
 * Pure numbers (no tensors): `transposedConv2d` is the reference it is tested against.
 */
import { intInRange, invalid } from '../validate';

/** One product that lands on an output pixel. */
export interface Tap {
  /** Input cell read. */
  readonly inRow: number;
  readonly inCol: number;
  /** Kernel tap used (unflipped kernel coordinates). */
  readonly kRow: number;
  readonly kCol: number;
  /** x[inRow][inCol] * w[kRow][kCol]. */
  readonly product: number;
}

export interface TransposedConvSteps {
  /** `[H', W']` output, `H' = (H - 1) s + k - 2p`. */
  readonly output: number[][];
  /** Per output pixel (row-major), the products summed into it (its tap count is the length). */
  readonly taps: Tap[][][];
  /** The gather view's input: zero-inserted and padded by k - 1 - p, `[H' + k - 1, W' + k - 1]`. */
  readonly stuffed: number[][];
  /** For each cell of `stuffed`: the input cell it holds, or undefined for an inserted or padding zero. */
  readonly source: ({ row: number; col: number } | undefined)[][];
  /** The kernel flipped in both axes (the gather view slides this). */
  readonly flipped: number[][];
  /** Zeros added on each side in the gather view: k - 1 - p. */
  readonly pad: number;
}

export interface TransposedConvStepOptions {
  /** Stride s, 1..8. */
  stride: number;
  /** Padding p, 0..k-1, cropped from each side of the full output (PyTorch's integer padding). */
  padding?: number;
}

/**
 * Works out `input` `[H][W]` transposed-convolved with `kernel` `[k][k]` (tfjs layout for one
 * channel: `kernel[u][v]` is added at output offset (u, v) from the stamp's corner).
 */
export function transposedConvSteps(
  input: readonly (readonly number[])[],
  kernel: readonly (readonly number[])[],
  options: TransposedConvStepOptions,
): TransposedConvSteps {
  const h = intInRange('input rows', input.length, 1, 16);
  const w = intInRange('input columns', input[0]?.length ?? 0, 1, 16);
  const k = intInRange('kernel size', kernel.length, 1, 8);
  if (input.some((r) => r.length !== w)) invalid('input', 'ragged rows', `${h} rows of ${w}`);
  if (kernel.some((r) => r.length !== k)) invalid('kernel', 'not square', `${k} x ${k}`);
  const s = intInRange('stride', options.stride, 1, 8);
  const p = intInRange('padding', options.padding ?? 0, 0, k - 1);
  const outH = (h - 1) * s + k - 2 * p;
  const outW = (w - 1) * s + k - 2 * p;
  if (outH < 1 || outW < 1) invalid('padding', p, 'small enough to leave a non-empty output');
  const at = (m: readonly (readonly number[])[], r: number, c: number) => m[r]?.[c] ?? 0;

  // Scatter: every input cell stamps its scaled kernel; keep what lands inside the crop.
  const taps: Tap[][][] = Array.from({ length: outH }, () =>
    Array.from({ length: outW }, () => []),
  );
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < w; j++) {
      for (let u = 0; u < k; u++) {
        for (let v = 0; v < k; v++) {
          const row = taps[i * s + u - p];
          const cell = row?.[j * s + v - p];
          cell?.push({
            inRow: i,
            inCol: j,
            kRow: u,
            kCol: v,
            product: at(input, i, j) * at(kernel, u, v),
          });
        }
      }
    }
  }
  const output = taps.map((row) => row.map((cell) => cell.reduce((sum, t) => sum + t.product, 0)));

  const pad = k - 1 - p;
  const sh = (h - 1) * s + 1 + 2 * pad;
  const sw = (w - 1) * s + 1 + 2 * pad;
  const source = Array.from({ length: sh }, (_, r) =>
    Array.from({ length: sw }, (_, c) => {
      const y = r - pad;
      const x = c - pad;
      return y >= 0 && x >= 0 && y % s === 0 && x % s === 0 && y / s < h && x / s < w
        ? { row: y / s, col: x / s }
        : undefined;
    }),
  );
  const stuffed = source.map((row) => row.map((src) => (src ? at(input, src.row, src.col) : 0)));
  const flipped = Array.from({ length: k }, (_, u) =>
    Array.from({ length: k }, (_, v) => at(kernel, k - 1 - u, k - 1 - v)),
  );
  return { output, taps, stuffed, source, flipped, pad };
}

/**
 * The gather view's sum for output pixel (`row`, `col`): the flipped kernel laid on `stuffed`
 * at (row, col). Equal to `output[row][col]`; exported so tests and the figure can show it.
 */
export function gatherAt(steps: TransposedConvSteps, row: number, col: number): number {
  let sum = 0;
  steps.flipped.forEach((kr, u) =>
    kr.forEach((wv, v) => {
      sum += (steps.stuffed[row + u]?.[col + v] ?? 0) * wv;
    }),
  );
  return sum;
}

/** The largest padding (0..k-1) that leaves a non-empty output for `inSize` inputs. */
export function maxTransposedPadding(inSize: number, kernelSize: number, stride: number): number {
  return Math.min(kernelSize - 1, Math.floor(((inSize - 1) * stride + kernelSize - 1) / 2));
}
