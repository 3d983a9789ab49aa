/** The frozen FCN encoder's features of public test scenes, for the decoder's scripts and tests. */
import * as tf from '@tensorflow/tfjs-core';
import { decoderFeatures, type DecoderFeatures } from '../../src/lib/fcn/decoder-training';
import type { FcnWeights } from '../../src/lib/fcn/weights';
import { publicSceneTensors } from './public-scenes';

/** The frozen encoder's features of scenes `ids` (the caller disposes); nothing else is kept. */
export function publicSceneFeatures(weights: FcnWeights, ids: readonly number[]): DecoderFeatures {
  const scenes = ids.map(publicSceneTensors);
  try {
    return decoderFeatures(
      weights,
      scenes.map((s) => s.image),
      scenes.map((s) => s.label),
    );
  } finally {
    scenes.forEach((s) => tf.dispose([s.image, s.label]));
  }
}
