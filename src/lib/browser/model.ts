/**
 * The page's trained FCN: weights loaded once from public/weights/ and shared by every element
 * (never disposed while the page lives), with a plain-language error when they cannot load.
 */
import * as tf from '@tensorflow/tfjs-core';
import { CLASSIFIER_WEIGHT_SHAPES, loadFcnWeights, type FcnWeights } from '../fcn/weights';
import { ensureBackend } from './backend';
import { loadImage } from './image';
import { withBase } from '../url';

let loading: Promise<FcnWeights> | undefined;

/** URL of the weights manifest. */
export const MODEL_URL = withBase('weights/model.json');

/** Loads (once) the FCN weights on the page's backend. Rejects with a readable message. */
export function loadModel(): Promise<FcnWeights> {
  loading ??= ensureBackend()
    .then(() => loadFcnWeights(MODEL_URL))
    .catch((error: unknown) => {
      loading = undefined; // a later element may try again (e.g. after a network hiccup)
      const why = error instanceof Error ? error.message : String(error);
      throw new Error(
        `the trained network's weights could not be loaded (${why}). The other figures on this page still work; reload to try again.`,
        { cause: error },
      );
    });
  return loading;
}

let loadingClassifier: Promise<FcnWeights> | undefined;

/** URL of the shipped classifier's manifest (uint8; written by `npm run train`). */
export const CLASSIFIER_URL = withBase('weights/classifier/model.json');

/**
 * Loads (once) the 11-way classifier as it was before segmentation training, convolutionalized
 * (conv1_1 .. score_fr). Rejects with a readable message.
 */
export function loadClassifier(): Promise<FcnWeights> {
  loadingClassifier ??= ensureBackend()
    .then(() => loadFcnWeights(CLASSIFIER_URL, { shapes: CLASSIFIER_WEIGHT_SHAPES }))
    .catch((error: unknown) => {
      loadingClassifier = undefined;
      const why = error instanceof Error ? error.message : String(error);
      throw new Error(
        `the classifier's weights could not be loaded (${why}). The other figures on this page still work; reload to try again.`,
        { cause: error },
      );
    });
  return loadingClassifier;
}

/** A label PNG (pixel value = class index, greyscale) as `[H, W]` int32. Caller disposes. */
export async function loadLabelMap(url: string): Promise<tf.Tensor2D> {
  const img = await loadImage(url);
  return tf.tidy(
    () => tf.cast(tf.squeeze(tf.browser.fromPixels(img, 1), [2]), 'int32') as tf.Tensor2D,
  );
}
