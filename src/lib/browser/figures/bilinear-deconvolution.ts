/**
 * The bilinear-deconvolution page's figures for the compute layer: the bilinear transposed
 * convolution against resizeBilinear (pw-bilinear-resize), one transposed convolution from
 * three starting kernels (pw-upsampling-kernels) and the trained FCN's 2× kernels against
 * their bilinear start (pw-learned-kernels). Each calls its lib function and sends the tensors
 * back as `WireTensor`s, which the elements draw as they are (pw-tensor-view's `values`).
 */
import * as tf from '@tensorflow/tfjs-core';
import { loadModel } from '../model';
import { toWire, type WireTensor } from '../compute-wire';
import { oneOf } from '../../validate';
import {
  resizeComparisonFigure,
  type ResizeComparisonFigure,
  type ResizeConvention,
} from '../../upsampling/resize-comparison';
import {
  upsamplingKernelFigure,
  type UpsamplingKernelFigure,
  type UpsamplingKernelKind,
} from '../../upsampling/upsampling-kernels';
import { learnedKernels, type LearnedKernels } from '../../fcn/learned-kernels';
import type { Figure } from './figure';

/** A figure result as it arrives on the page: every tensor a `WireTensor`. */
export type Wired<T> = {
  [K in keyof T]: T[K] extends tf.Tensor ? WireTensor : T[K];
};

/** What 'bilinear-resize' answers. */
export type BilinearResizeWire = Wired<ResizeComparisonFigure>;
/** What 'upsampling-kernels' answers: the figure and its input, as drawn. */
export type UpsamplingKernelsWire = Wired<UpsamplingKernelFigure> & { input: WireTensor };
/** What 'learned-kernels' answers. */
export type LearnedKernelsWire = Wired<LearnedKernels>;

/** The trained 2× upsampling layers whose kernels pw-learned-kernels shows. */
export const LEARNED_LAYERS = ['upscore2', 'upscore_pool4'] as const;

/** `figure`'s tensors read back, then freed (whether or not the read succeeds). */
async function wired(figure: tf.TensorContainer, extra: Record<string, unknown> = {}) {
  try {
    return { ...((await toWire(figure)) as object), ...extra };
  } finally {
    tf.dispose(figure);
  }
}

export const bilinearDeconvolutionFigures: Record<string, Figure> = {
  /** pw-bilinear-resize: both upsamplings, their difference and the conventions' table. */
  'bilinear-resize': {
    async run({ image }, options) {
      const { table, ...tensors } = await resizeComparisonFigure(
        image as tf.Tensor3D,
        options['factor'] as number,
        options['convention'] as ResizeConvention,
      );
      return wired(tensors, { table });
    },
  },
  /** pw-upsampling-kernels: the kernel's taps and the upsampled photo, with the photo. */
  'upsampling-kernels': {
    async run({ image }, options) {
      const figure = upsamplingKernelFigure(
        image as tf.Tensor3D,
        options['kind'] as UpsamplingKernelKind,
        options['factor'] as number,
      );
      return wired(figure, { input: await toWire(image) });
    },
  },
  /** pw-learned-kernels: one trained layer's kernels against bilinear. */
  'learned-kernels': {
    async run(_tensors, options) {
      const layer = oneOf('layer', options['layer'], LEARNED_LAYERS);
      const kernel = (await loadModel()).tensors.get(`${layer}/kernel`);
      if (!kernel) throw new Error(`the weights have no tensor "${layer}/kernel"`);
      return wired(
        learnedKernels(kernel, {
          columns: options['columns'] as number,
          band: options['band'] as number,
          gapValue: options['gapValue'] as number,
        }),
      );
    },
  },
};
