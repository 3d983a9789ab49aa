/**
 * The photo every image element starts from: loads `src`, centre-crops and resizes it to a
 * square `[side, side, 3]` tensor in [0, 1], owned (and disposed) by the controller.
 */
import type { ReactiveControllerHost } from 'lit';
import type * as tf from '@tensorflow/tfjs-core';
import { TensorTaskController } from './tensor-task';
import { imageToTensor, loadImage } from '../../lib/browser/image';
import { loadLabelMap } from '../../lib/browser/model';

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

/**
 * A scene's ground truth beside its photo: loads the label PNG at `url()` (when there is one) as
 * an `[H, W]` int32 tensor of class ids, owned (and disposed) by the controller.
 */
export function labelMapController(
  host: ReactiveControllerHost,
  url: () => string | undefined,
): TensorTaskController<readonly [string], tf.Tensor2D> {
  return new TensorTaskController(host, {
    args: () => {
      const label = url();
      return label ? ([label] as const) : undefined;
    },
    task: ([label]) => loadLabelMap(label),
  });
}
