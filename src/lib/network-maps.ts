/**
 * Every layer's activations for one image and one FCN variant, batch axis dropped, so a
 * figure can show any node of the network diagram on the current image.
 */
import * as tf from '@tensorflow/tfjs-core';
import { disposeFcnResult, fcnForward, type FcnVariant } from './fcn';
import type { FcnWeights } from './weights';
import { expectRank } from './validate';

export interface LayerMaps extends tf.TensorContainerObject {
  /** `[H, W, 11]` class scores at input resolution. */
  logits: tf.Tensor3D;
  /** Each intermediate of `fcnForward` as `[h, w, c]`, in computation order. */
  layers: Record<string, tf.Tensor3D>;
}

/** Runs FCN-`variant` on `image` `[H, W, 3]` (H, W multiples of 32). The caller owns the result. */
export function layerMaps(weights: FcnWeights, image: tf.Tensor3D, variant: FcnVariant): LayerMaps {
  expectRank('image', image.shape, 3, '[H, W, 3]');
  return tf.tidy(() => {
    const result = fcnForward(weights, tf.expandDims(image, 0), { variant });
    const layers: Record<string, tf.Tensor3D> = {};
    for (const [name, t] of result.intermediates) layers[name] = tf.squeeze(t, [0]);
    const logits = tf.squeeze<tf.Tensor3D>(result.logits, [0]);
    disposeFcnResult(result);
    return { logits, layers };
  });
}
