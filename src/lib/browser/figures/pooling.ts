/**
 * The pooling page's figures for the compute layer: each calls its lib function on the page's
 * photo (`image`, `[H, W, 3]`) and sends back the result with its tensors as `WireTensor`s.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  localizationFigure,
  poolFigure,
  shiftFigure,
  unpoolFigure,
  type PoolMode,
} from '../../pooling/pool-figures';
import { effectiveFieldFigure } from '../../fcn/effective-rf';
import { invalid } from '../../validate';
import { loadModel } from '../model';
import { toWire } from '../compute-wire';
import type { Figure, Inputs } from './figure';

/** The run's photo; a request without one is a programming error. */
function photoOf(tensors: Inputs): tf.Tensor3D {
  const image = tensors['image'];
  if (!image) invalid('image', image, 'a [H, W, 3] tensor');
  return image as tf.Tensor3D;
}

/** `result`'s tensors as `WireTensor`s; the tensors are freed either way. */
async function wired(result: tf.TensorContainer): Promise<unknown> {
  try {
    return await toWire(result);
  } finally {
    tf.dispose(result);
  }
}

export const poolingFigures: Record<string, Figure> = {
  /** pw-max-pool: the photo max- or average-pooled. */
  'max-pool': {
    run: async (tensors, options) =>
      wired(
        poolFigure(photoOf(tensors), {
          size: options['size'] as number,
          stride: options['stride'] as number,
          mode: options['mode'] as PoolMode,
        }),
      ),
  },
  /** pw-unpool: the edge map max-unpooled and nearest-upsampled, with crops and shares. */
  unpool: {
    run: async (tensors, options) =>
      wired(
        await unpoolFigure(photoOf(tensors), {
          size: options['size'] as number,
          crop: options['crop'] as number,
        }),
      ),
  },
  /** pw-shift: the pooled photo before and after a shift, and the shares changed. */
  'pool-shift': {
    run: async (tensors, options) =>
      wired(
        await shiftFigure(photoOf(tensors), {
          size: options['size'] as number,
          shift: options['shift'] as number,
        }),
      ),
  },
  /** pw-pool-localization: distances and rim shares for every pool size (numbers only). */
  'pool-localization': {
    run: async (tensors, options) =>
      localizationFigure(photoOf(tensors), { maxSize: options['maxSize'] as number }),
  },
  /** pw-receptive-field: one cell's effective receptive field through the trained FCN. */
  'effective-field': {
    run: async (tensors, options) =>
      wired(
        await effectiveFieldFigure(await loadModel(), photoOf(tensors), {
          layer: options['layer'] as string,
          row: options['row'] as number,
          col: options['col'] as number,
        }),
      ),
  },
};
