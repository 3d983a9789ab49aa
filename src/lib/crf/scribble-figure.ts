/**
 * The CRF strokes figure as one computation: the reader's strokes as a unary, then the dense
 * CRF on the photo, stepped one iteration at a time so a newer stroke or slider position can
 * stop an older run between iterations.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  CpuMeanField,
  prepareCpuKernels,
  scribbleUnary,
  strokesToLabelMap,
  type CrfParams,
  type ScribbleDab,
} from './index';
import { cpuFigureTensors, cpuProblemData, meanFieldFigure } from './crf-figure';
import { yieldToEventLoop, type CrfPath, type CrfRunOptions } from './crf-scene';
import { intInRange, oneOf } from '../validate';

export interface ScribbleFigure extends tf.TensorContainerObject {
  /** `[H, W, labels]` marginals after the last iteration. */
  q: tf.Tensor3D;
  /** `[H, W]` the most probable label's probability. */
  confidence: tf.Tensor2D;
}

/**
 * Runs the CRF on `image` (`[H, W, 3]` in [0, 1]) from `strokes` painted with `labels` brushes
 * (2..1024), along `path`. The caller owns the result; an aborted or failed run frees
 * everything it made and rejects.
 */
export async function scribbleFigure(
  image: tf.Tensor3D,
  strokes: readonly ScribbleDab[],
  labels: number,
  params: CrfParams,
  path: CrfPath,
  { signal, onIteration }: CrfRunOptions = {},
): Promise<ScribbleFigure> {
  oneOf('path', path, ['typed-array', 'tfjs'] as const);
  intInRange('iterations', params.iterations, 0, 100);
  const [h, w] = image.shape;
  const unary = tf.tidy(() =>
    scribbleUnary(tf.tensor2d(strokesToLabelMap(strokes, h, w), [h, w], 'int32'), labels),
  );
  let fig: { q: tf.Tensor3D; travel: tf.Tensor2D; settled: tf.Tensor2D };
  try {
    if (path === 'typed-array') {
      const data = await cpuProblemData(image, unary);
      const kernels = prepareCpuKernels(data.rgb, h, w, params);
      const run = new CpuMeanField(kernels, data.unary, data.labels, params);
      while (run.iteration < params.iterations) {
        run.goTo(run.iteration + 1);
        onIteration?.(run.iteration);
        if (run.iteration < params.iterations) {
          await yieldToEventLoop();
          signal?.throwIfAborted();
        }
      }
      fig = cpuFigureTensors(run);
    } else {
      fig = meanFieldFigure(image, unary, { ...params, method: 'fast' });
    }
  } finally {
    unary.dispose();
  }
  tf.dispose([fig.travel, fig.settled]);
  const confidence = tf.tidy(() => tf.max<tf.Tensor2D>(fig.q, -1));
  return { q: fig.q, confidence };
}
