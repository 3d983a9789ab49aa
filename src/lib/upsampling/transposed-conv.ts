/**
 * Transposed convolution ("deconvolution") two ways: the tfjs op, and its explicit
 * decomposition into zero insertion followed by an ordinary convolution with the flipped
 * kernel. The lesson shows that they agree.
 *
 * Shapes: `x` is `[H, W, inC]` or `[N, H, W, inC]`; `kernel` is in tfjs conv2dTranspose layout
 * `[kh, kw, outC, inC]` (PyTorch's `weight` is `[inC, outC, kh, kw]`: permute (2, 3, 1, 0)).
 */
import * as tf from '@tensorflow/tfjs-core';
import { intInRange, invalid } from '../validate';
import { zeroInsert } from './upsampling';

/** Options of a transposed convolution. */
export interface TransposedConvOptions {
  /** Upsampling stride s, 1..16. */
  stride: number;
  /**
   * An integer p in 0..k-1 as in PyTorch (each side of the full output loses p pixels:
   * `out = (H - 1) * s - 2p + k`), or `'same'` as in tfjs (`out = H * s`; the full output is
   * cropped by `floor((k - s) / 2)` at the top/left when k > s, zero-extended when k < s).
   * Default 0.
   */
  padding?: number | 'same';
}

/** Which part of the full `(in - 1) * s + k` output is kept: `size` samples from `before`. */
interface Crop {
  before: number;
  size: number;
}

function crop(inSize: number, k: number, s: number, padding: number | 'same'): Crop {
  if (padding === 'same') return { before: Math.floor(Math.max(k - s, 0) / 2), size: inSize * s };
  return { before: padding, size: (inSize - 1) * s + k - 2 * padding };
}

/** Output length of a transposed convolution along one axis (see {@link TransposedConvOptions}). */
export function transposedConvOutputSize(
  inSize: number,
  kernelSize: number,
  stride: number,
  padding: number | 'same' = 0,
): number {
  return crop(inSize, kernelSize, stride, padding).size;
}

function validate(x: tf.Tensor, kernel: tf.Tensor, options: TransposedConvOptions) {
  if (x.rank !== 3 && x.rank !== 4) {
    invalid('x shape', `[${x.shape.join(', ')}]`, '[H, W, inC] or [N, H, W, inC]');
  }
  const [kh = 0, kw = 0, outC = 0, inC = 0] = kernel.shape;
  if (kernel.rank !== 4 || inC !== x.shape[x.rank - 1]) {
    invalid(
      'kernel shape',
      `[${kernel.shape.join(', ')}]`,
      `[kh, kw, outC, ${x.shape[x.rank - 1]}]`,
    );
  }
  const stride = intInRange('stride', options.stride, 1, 16);
  const raw = options.padding ?? 0;
  const padding = raw === 'same' ? raw : intInRange('padding', raw, 0, Math.min(kh, kw) - 1);
  const [n = 1, h = 0, w = 0] = x.rank === 4 ? x.shape : [1, ...x.shape];
  if (crop(h, kh, stride, padding).size < 1 || crop(w, kw, stride, padding).size < 1) {
    invalid('padding', padding, 'small enough to leave a non-empty output');
  }
  return { n, h, w, kh, kw, outC, stride, padding };
}

/** Reshapes back to `[H', W', outC]` when the input had no batch axis. */
function likeInput<T extends tf.Tensor3D | tf.Tensor4D>(x: T, y: tf.Tensor4D): T {
  return (x.rank === 3 ? tf.squeeze(y, [0]) : y) as T;
}

/**
 * Transposed 2-D convolution by the tfjs op `conv2dTranspose` (PyTorch `conv_transpose2d`
 * semantics for integer padding: the full output cropped by p on each side). Returns `[H', W', outC]` (or batched), H' from
 * {@link transposedConvOutputSize}.
 */
export function transposedConv2d<T extends tf.Tensor3D | tf.Tensor4D>(
  x: T,
  kernel: tf.Tensor4D,
  options: TransposedConvOptions,
): T {
  const { n, h, w, kh, kw, outC, stride, padding } = validate(x, kernel, options);
  return tf.tidy(() => {
    const x4: tf.Tensor4D = x.rank === 3 ? tf.expandDims(x, 0) : (x as tf.Tensor4D);
    if (padding === 'same') {
      const shape: [number, number, number, number] = [n, h * stride, w * stride, outC];
      return likeInput(x, tf.conv2dTranspose(x4, kernel, shape, stride, 'same'));
    }
    // tfjs 4.22 sizes a numeric-pad conv2dTranspose with the kernel *height* on both axes (wrong
    // for kh != kw), so integer padding is applied as a crop of the full 'valid' output.
    const full: [number, number, number, number] = [
      n,
      (h - 1) * stride + kh,
      (w - 1) * stride + kw,
      outC,
    ];
    const y = tf.conv2dTranspose(x4, kernel, full, stride, 'valid');
    const size = [n, full[1] - 2 * padding, full[2] - 2 * padding, outC];
    return likeInput(x, tf.slice(y, [0, padding, padding, 0], size));
  });
}

/**
 * The same transposed convolution, built explicitly: insert s - 1 zeros between input samples,
 * pad by k - 1 - (cropped pixels) on each side, and run an ordinary stride-1 `conv2d` with the
 * kernel flipped in both spatial axes and its in/out channels swapped. Agrees with
 * {@link transposedConv2d} up to float32 summation order.
 */
export function transposedConvByZeroInsertion<T extends tf.Tensor3D | tf.Tensor4D>(
  x: T,
  kernel: tf.Tensor4D,
  options: TransposedConvOptions,
): T {
  const { h, w, kh, kw, stride, padding } = validate(x, kernel, options);
  const rows = crop(h, kh, stride, padding);
  const cols = crop(w, kw, stride, padding);
  // Zeros added after the kept region: k - 1 minus what is cropped there (negative crop = extend).
  const after = (c: Crop, inSize: number, k: number) =>
    k - 1 - ((inSize - 1) * stride + k - c.before - c.size);
  return tf.tidy(() => {
    const x4: tf.Tensor4D = x.rank === 3 ? tf.expandDims(x, 0) : (x as tf.Tensor4D);
    const inserted = tf.slice(
      zeroInsert(x4, stride),
      [0, 0, 0, 0],
      [-1, (h - 1) * stride + 1, (w - 1) * stride + 1, -1],
    );
    const padded = tf.pad(inserted, [
      [0, 0],
      [kh - 1 - rows.before, after(rows, h, kh)],
      [kw - 1 - cols.before, after(cols, w, kw)],
      [0, 0],
    ]);
    const flipped = tf.reverse<tf.Tensor4D>(tf.transpose(kernel, [0, 1, 3, 2]), [0, 1]);
    return likeInput(x, tf.conv2d(padded, flipped, 1, 'valid'));
  });
}
