/**
 * The zero-insertion lesson's figures (src/pages/zero-insertion.astro): each runs its lib
 * function (lib/upsampling/zero-insertion-figures.ts) on the page's photo and sends back the
 * tensors it draws and the scalars it reads out as `WireTensor`s, which the elements draw as
 * they are (pw-tensor-view's `values`) and read without making a tensor on the page.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { InterpolationKind } from '../../upsampling/interpolation';
import {
  checkerboard,
  scanlineSpectrum,
  transposedConvProof,
  zeroInsert2d,
  type Checkerboard,
  type ScanlineSpectrum,
  type TransposedConvProof,
  type ZeroInsert2d,
} from '../../upsampling/zero-insertion-figures';
import type { ValueGrid } from '../../colormap-values';
import { toWire } from '../compute-wire';
import type { Figure, Inputs } from './figure';

/**
 * A figure's tensors as they arrive on the page: each a `WireTensor`, its values and shape
 * (the index signature of a tensor container left out).
 */
type Wire<T> = { readonly [K in keyof T as string extends K ? never : K]: ValueGrid };

/** What 'scanline-spectrum' answers. */
export type ScanlineSpectrumWire = Wire<ScanlineSpectrum>;
/** What 'zero-insert-2d' answers. */
export type ZeroInsert2dWire = Wire<ZeroInsert2d>;
/** What 'checkerboard' answers. */
export type CheckerboardWire = Wire<Checkerboard>;
/** What 'deconv-proof' answers. */
export type TransposedConvProofWire = Wire<TransposedConvProof>;

function photoOf(tensors: Inputs): tf.Tensor3D {
  const photo = tensors['photo'];
  if (!photo) throw new Error('compute: this figure needs a photo');
  return photo as tf.Tensor3D;
}

/** The container read back for the wire, then freed. */
async function wired(figure: tf.TensorContainer): Promise<unknown> {
  try {
    return await toWire(figure);
  } finally {
    tf.dispose(figure);
  }
}

export const zeroInsertionFigures: Record<string, Figure> = {
  /** pw-scanline-spectrum: the middle row upsampled, and its spectrum. */
  'scanline-spectrum': {
    run: async (tensors, options) =>
      wired(
        scanlineSpectrum(
          photoOf(tensors),
          options['factor'] as number,
          options['kind'] as InterpolationKind,
        ),
      ),
  },
  /** pw-zero-insert-2d: the photo zero-inserted and filtered, with both spectra. */
  'zero-insert-2d': {
    run: async (tensors, options) =>
      wired(
        zeroInsert2d(
          photoOf(tensors),
          options['factor'] as number,
          options['kind'] as InterpolationKind,
        ),
      ),
  },
  /** pw-checkerboard: tap counts and the photo through a flat transposed convolution. */
  checkerboard: {
    run: async (tensors, options) =>
      wired(
        checkerboard(
          photoOf(tensors),
          options['kernelSize'] as number,
          options['stride'] as number,
        ),
      ),
  },
  /** pw-deconv-proof: conv2dTranspose against zero insertion + conv2d. */
  'deconv-proof': {
    run: async (tensors, options) =>
      wired(
        transposedConvProof(
          photoOf(tensors),
          options['stride'] as number,
          options['kernelSize'] as number,
          options['seed'] as number,
        ),
      ),
  },
};
