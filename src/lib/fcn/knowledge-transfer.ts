/**
 * The knowledge-transfer figure's tensor work: the 11-way classifier as it was before any
 * segmentation training, convolutionalized (fc6, fc7 and its scoring layer as 1x1 convolutions)
 * and slid over a scene, next to the FCN fine-tuned from it (FCN-32s and FCN-8s), each scored
 * against the ground truth.
 *
 * The convolutionalized classifier is FCN-32s's path with the classifier's weights: the same
 * layers up to score_fr, then the same fixed 32x bilinear upsampling. Its coarse map is one
 * class-score vector per 32x32 cell, what the classifier says about each patch it slides over.
 */
import * as tf from '@tensorflow/tfjs-core';
import { confusionTensor } from './confusion';
import { disposeFcnResult, fcnForward, fixedBilinearUpsample, type FcnVariant } from './fcn';
import { NUM_FCN_CLASSES } from './classes';
import { invalid } from '../validate';
import type { FcnWeights } from './weights';

/** The three networks compared, in training order. */
export const TRANSFER_STAGES = ['classifier', '32s', '8s'] as const;
export type TransferStage = (typeof TRANSFER_STAGES)[number];

// A type alias (not an interface) so it is a tf.TensorContainerObject.
export type KnowledgeTransferResult = {
  /** `[H/32, W/32, 11]` the classifier's scores per 32x32 cell (its score_fr). */
  coarse: tf.Tensor3D;
  /** `[H, W, 11]` class scores: the classifier's coarse map upsampled 32x, FCN-32s, FCN-8s. */
  logits: Record<TransferStage, tf.Tensor3D>;
  /** `[3, 11, 11]` confusion counts `[stage][truth][prediction]`, stages as TRANSFER_STAGES. */
  confusion: tf.Tensor3D;
};

/**
 * Runs the convolutionalized `classifier` and the fine-tuned `fcn` (FCN-32s and 8s) on `image`
 * `[H, W, 3]` (RGB in [0, 1], H and W multiples of 32) and scores each against `truth` `[H, W]`.
 * The caller owns every returned tensor.
 */
export function knowledgeTransferFigure(
  classifier: FcnWeights,
  fcn: FcnWeights,
  image: tf.Tensor3D,
  truth: tf.Tensor2D,
): KnowledgeTransferResult {
  const [h, w] = image.shape;
  if (truth.rank !== 2 || truth.shape[0] !== h || truth.shape[1] !== w) {
    invalid('truth shape', `[${truth.shape.join(', ')}]`, `[${h}, ${w}]`);
  }
  const run = (weights: FcnWeights, variant: FcnVariant) => {
    const batch = tf.expandDims<tf.Tensor4D>(image, 0);
    try {
      return fcnForward(weights, batch, { variant });
    } finally {
      batch.dispose();
    }
  };
  // One pass of the FCN serves both of its rows: FCN-32s is FCN-8s's score_fr, upsampled 32x.
  const results = [run(classifier, '32s'), run(fcn, '8s')];
  try {
    return tf.tidy(() => {
      const squeeze = (t: tf.Tensor4D) => tf.squeeze<tf.Tensor3D>(t, [0]);
      const [clfResult, fcnResult] = results;
      const scoreFr = clfResult?.intermediates.get('score_fr');
      const fcnScoreFr = fcnResult?.intermediates.get('score_fr');
      if (!clfResult || !fcnResult || !scoreFr || !fcnScoreFr) {
        throw new Error('unreachable: score_fr missing');
      }
      const clf = squeeze(clfResult.logits);
      const f32 = squeeze(fixedBilinearUpsample(fcnScoreFr, 32));
      const f8 = squeeze(fcnResult.logits);
      const logits: Record<TransferStage, tf.Tensor3D> = { classifier: clf, '32s': f32, '8s': f8 };
      const confusion = tf.stack(
        TRANSFER_STAGES.map((s) =>
          confusionTensor(tf.argMax(logits[s], 2), truth, NUM_FCN_CLASSES),
        ),
      ) as tf.Tensor3D;
      return { coarse: squeeze(scoreFr), logits, confusion };
    });
  } finally {
    results.forEach(disposeFcnResult);
  }
}
