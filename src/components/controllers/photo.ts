/**
 * The photo every image element starts from: loads `src`, centre-crops and resizes it to a
 * square `[side, side, 3]` tensor in [0, 1], owned (and disposed) by the controller.
 */
import type { ReactiveControllerHost } from 'lit';
import type * as tf from '@tensorflow/tfjs-core';
import { TensorTaskController } from './tensor-task';
import { imageToTensor, loadImage } from '../../lib/browser/image';

export function photoController(
  host: ReactiveControllerHost,
  source: () => { src: string; side: number },
): TensorTaskController<readonly [string, number], tf.Tensor3D> {
  return new TensorTaskController(host, {
    args: () => {
      const { src, side } = source();
      return src ? ([src, side] as const) : undefined;
    },
    task: async ([src, side]) => imageToTensor(await loadImage(src), side),
  });
}
