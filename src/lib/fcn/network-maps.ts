/**
 * Every layer's activations for one image, batch axis dropped, so a figure can show any node of
 * the network diagram on the current image, whichever head is highlighted.
 */
import * as tf from '@tensorflow/tfjs-core';
import { disposeFcnResult, fcnForward, fixedBilinearUpsample } from './fcn';
import type { FcnWeights } from './weights';
import { expectRank } from '../validate';

export interface LayerMaps extends tf.TensorContainerObject {
  /**
   * Each node of `fcnLayers` as `[h, w, c]`, in its order: FCN-8s's intermediates plus the
   * final upsampling of the 16s and 32s heads (`upscore16`, `upscore32`), which are those
   * variants' logits.
   */
  layers: Record<string, tf.Tensor3D>;
}

/**
 * Runs the FCN once on `image` `[H, W, 3]` (H, W multiples of 32) and returns the maps of all
 * three heads: the 16s and 32s heads share every layer with 8s up to their own final
 * upsampling, which is computed from fuse_pool4 and score_fr. The caller owns the result.
 */
export function layerMaps(weights: FcnWeights, image: tf.Tensor3D): LayerMaps {
  expectRank('image', image.shape, 3, '[H, W, 3]');
  return tf.tidy(() => {
    const result = fcnForward(weights, tf.expandDims(image, 0), { variant: '8s' });
    const get = (name: string) => {
      const t = result.intermediates.get(name);
      if (!t) throw new Error(`unreachable: ${name} missing`);
      return t;
    };
    const all = new Map(result.intermediates);
    all.set('upscore16', fixedBilinearUpsample(get('fuse_pool4'), 16));
    all.set('upscore32', fixedBilinearUpsample(get('score_fr'), 32));
    const layers: Record<string, tf.Tensor3D> = {};
    for (const [name, t] of all) layers[name] = tf.squeeze(t, [0]);
    disposeFcnResult(result);
    return { layers };
  });
}
