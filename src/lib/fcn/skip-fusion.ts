/**
 * The skip-fusion figure's tensor work: FCN-32s, 16s and 8s on one image, each scored against
 * the ground truth, and every stream of the decoder with its largest magnitude per class, so
 * the streams can be drawn on one shared colour scale.
 *
 * One forward pass serves all three networks: they share every weight up to score_fr (staged
 * training only added the skip layers), FCN-16s's fuse_pool4 is FCN-8s's fuse_pool4, and each
 * network ends in its fixed bilinear upsampling of its last fused map.
 */
import * as tf from '@tensorflow/tfjs-core';
import { confusionTensor } from './confusion';
import { disposeFcnResult, fcnForward, fixedBilinearUpsample, type FcnVariant } from './fcn';
import { NUM_FCN_CLASSES } from './classes';
import { invalid } from '../validate';
import type { FcnWeights } from './weights';

/** The networks compared, coarse to fine. */
export const SKIP_VARIANTS: readonly FcnVariant[] = ['32s', '16s', '8s'];

/** The decoder's streams in data-flow order (FCN's Caffe layer names). */
export const SKIP_STREAMS = [
  'score_fr',
  'upscore2',
  'score_pool4',
  'fuse_pool4',
  'upscore_pool4',
  'score_pool3',
  'fuse_pool3',
] as const;

export type SkipStream = (typeof SKIP_STREAMS)[number];

/** The streams each network has (FCN-32s only score_fr; 16s up to fuse_pool4; 8s all). */
export const STREAMS_OF: Readonly<Record<FcnVariant, readonly SkipStream[]>> = {
  '32s': SKIP_STREAMS.slice(0, 1),
  '16s': SKIP_STREAMS.slice(0, 4),
  '8s': SKIP_STREAMS,
};

// A type alias (not an interface) so it is a tf.TensorContainerObject.
export type SkipFusionResult = {
  /** `[H, W, 11]` class scores of FCN-32s, 16s and 8s (skip weights applied). */
  logits: Record<FcnVariant, tf.Tensor3D>;
  /** `[3, 11, 11]` confusion counts `[variant][truth][prediction]`, variants as SKIP_VARIANTS. */
  confusion: tf.Tensor3D;
  /** Each stream `[h, w, 11]` (batch dropped). */
  streams: Record<SkipStream, tf.Tensor3D>;
  /** `[7, 11]` largest |value| of each stream (SKIP_STREAMS order) for each class. */
  streamAbsMax: tf.Tensor2D;
  /** `[11]` pixels of each class in the ground truth. */
  truthCounts: tf.Tensor1D;
};

/**
 * Runs the FCN on `image` `[H, W, 3]` (RGB in [0, 1], H and W multiples of 32) and scores
 * FCN-32s, 16s and 8s against `truth` `[H, W]` (class ids). `skipWeights` multiply the skip
 * scores before each sum, as in `fcnForward` (1 = as trained, 0 = that stream off; default 1).
 * The caller owns every returned tensor.
 */
export function skipFusionFigure(
  weights: FcnWeights,
  image: tf.Tensor3D,
  truth: tf.Tensor2D,
  skipWeights: { pool4?: number; pool3?: number } = {},
): SkipFusionResult {
  const [h, w] = image.shape;
  if (truth.rank !== 2 || truth.shape[0] !== h || truth.shape[1] !== w) {
    invalid('truth shape', `[${truth.shape.join(', ')}]`, `[${h}, ${w}]`);
  }
  const batch = tf.expandDims<tf.Tensor4D>(image, 0);
  let result: ReturnType<typeof fcnForward>;
  try {
    result = fcnForward(weights, batch, { variant: '8s', skipWeights });
  } finally {
    batch.dispose();
  }
  try {
    return tf.tidy(() => {
      const stage = (name: string): tf.Tensor4D => {
        const t = result.intermediates.get(name);
        if (!t) throw new Error(`unreachable: stage ${name} missing`);
        return t;
      };
      const squeeze = (t: tf.Tensor4D) => tf.squeeze<tf.Tensor3D>(t, [0]);
      const logits: Record<FcnVariant, tf.Tensor3D> = {
        '32s': squeeze(fixedBilinearUpsample(stage('score_fr'), 32)),
        '16s': squeeze(fixedBilinearUpsample(stage('fuse_pool4'), 16)),
        '8s': squeeze(stage('upscore8')),
      };
      const streams = Object.fromEntries(
        SKIP_STREAMS.map((name) => [name, squeeze(stage(name))]),
      ) as Record<SkipStream, tf.Tensor3D>;
      const confusion = tf.stack(
        SKIP_VARIANTS.map((v) => confusionTensor(tf.argMax(logits[v], 2), truth, NUM_FCN_CLASSES)),
      ) as tf.Tensor3D;
      const streamAbsMax = tf.stack(
        SKIP_STREAMS.map((name) => tf.max(tf.abs(streams[name]), [0, 1])),
      ) as tf.Tensor2D;
      const truthCounts = tf.sum<tf.Tensor1D>(
        tf.oneHot(tf.cast(tf.reshape(truth, [-1]), 'int32'), NUM_FCN_CLASSES),
        0,
      );
      return { logits, confusion, streams, streamAbsMax, truthCounts };
    });
  } finally {
    disposeFcnResult(result);
  }
}
