/**
 * What the network figures draw: the FCN's forward pass on one image, with every intermediate
 * kept as an `[h, w, c]` map.
 */
import * as tf from '@tensorflow/tfjs-core';
import { disposeFcnResult, fcnForward, type FcnVariant } from './fcn';
import type { FcnWeights } from './weights';

export interface FcnFigure extends tf.TensorContainerObject {
  /** `[H, W, 11]` class scores at input resolution. */
  logits: tf.Tensor3D;
  /** Every intermediate, batch dimension dropped, in computation order. */
  layers: Record<string, tf.Tensor3D>;
}

/**
 * Runs the FCN on `image` (`[H, W, 3]` in [0, 1]) and keeps the intermediates as `[h, w, c]`
 * tensors. The caller owns (and disposes) every tensor of the result.
 * @param skipWeights how much of the pool4 / pool3 skip is added (default 1 each).
 */
export function fcnFigure(
  weights: FcnWeights,
  image: tf.Tensor3D,
  variant: FcnVariant,
  skipWeights?: { pool4: number; pool3: number },
): FcnFigure {
  return tf.tidy(() => {
    const result = fcnForward(
      weights,
      tf.expandDims(image, 0),
      skipWeights ? { variant, skipWeights } : { variant },
    );
    const layers: Record<string, tf.Tensor3D> = {};
    for (const [name, t] of result.intermediates) layers[name] = tf.squeeze(t, [0]);
    const logits = tf.squeeze<tf.Tensor3D>(result.logits, [0]);
    disposeFcnResult(result);
    return { logits, layers };
  });
}
