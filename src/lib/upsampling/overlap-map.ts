/**
 * Kernel overlap of a transposed convolution: how many kernel taps land on each output pixel.
 * When the kernel size is not a multiple of the stride the count alternates, which is the
 * checkerboard pattern of Odena, Dumoulin & Olah, "Deconvolution and Checkerboard Artifacts"
 * (Distill, 2016). Pure numbers, no tensors.
 */
import { intInRange } from '../validate';

function overlap1d(kernelSize: number, stride: number, size: number, padding: number): number[] {
  const outSize = (size - 1) * stride + kernelSize - 2 * padding;
  return Array.from({ length: Math.max(outSize, 0) }, (_, j) => {
    const o = j + padding;
    // Input i reaches output o through tap o - i * stride, which must lie in 0..k-1.
    const first = Math.max(0, Math.ceil((o - kernelSize + 1) / stride));
    const last = Math.min(size - 1, Math.floor(o / stride));
    return Math.max(0, last - first + 1);
  });
}

/**
 * Number of (input pixel, kernel tap) pairs that write each output pixel of a transposed
 * convolution with a `kernelSize` x `kernelSize` kernel, `stride` and integer `padding`
 * (PyTorch semantics, output `(size - 1) * stride + kernelSize - 2 * padding`).
 *
 * A number `size` gives the 1-D counts; `[H, W]` gives the 2-D map `[H'][W']`, which is the
 * outer product of the two 1-D counts because the taps of a square kernel separate by axis.
 * @param kernelSize 1..64
 * @param stride 1..32
 * @param size input length (1..4096) or `[H, W]`
 * @param padding 0..kernelSize-1, default 0
 */
export function overlapMap(
  kernelSize: number,
  stride: number,
  size: number,
  padding?: number,
): number[];
export function overlapMap(
  kernelSize: number,
  stride: number,
  size: readonly [number, number],
  padding?: number,
): number[][];
export function overlapMap(
  kernelSize: number,
  stride: number,
  size: number | readonly [number, number],
  padding = 0,
): number[] | number[][] {
  const k = intInRange('kernelSize', kernelSize, 1, 64);
  const s = intInRange('stride', stride, 1, 32);
  const p = intInRange('padding', padding, 0, k - 1);
  if (typeof size === 'number') return overlap1d(k, s, intInRange('size', size, 1, 4096), p);
  const rows = overlap1d(k, s, intInRange('size[0]', size[0], 1, 4096), p);
  const cols = overlap1d(k, s, intInRange('size[1]', size[1], 1, 4096), p);
  return rows.map((r) => cols.map((c) => r * c));
}
