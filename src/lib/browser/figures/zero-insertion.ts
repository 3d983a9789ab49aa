/**
 * The zero-insertion lesson's figures (src/pages/zero-insertion.astro): each runs its lib
 * function (lib/upsampling/zero-insertion-figures.ts) on the page's photo and sends back the
 * tensors it draws and the scalars it reads out.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { InterpolationKind } from '../../upsampling/interpolation';
import {
  checkerboard,
  scanlineSpectrum,
  transposedConvProof,
  zeroInsert2d,
} from '../../upsampling/zero-insertion-figures';
import { toWire } from '../compute-wire';
import type { Figure, Inputs } from './figure';

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
