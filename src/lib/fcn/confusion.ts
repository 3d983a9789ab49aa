/**
 * The confusion matrix computed on the device, so a live figure reads back K×K counts instead
 * of a whole label map.
 */
import * as tf from '@tensorflow/tfjs-core';
import { intInRange, invalid } from '../validate';

/**
 * `confusion[t][p]` = number of pixels with truth t predicted as p, from label maps `pred`,
 * `truth` (same shape, int class indices in 0..numClasses-1). Returns `[K, K]` float32
 * (counts are exact integers up to 2^24 pixels).
 */
export function confusionTensor(
  pred: tf.Tensor,
  truth: tf.Tensor,
  numClasses: number,
): tf.Tensor2D {
  intInRange('numClasses', numClasses, 1, 1024);
  if (!tf.util.arraysEqual(pred.shape, truth.shape))
    invalid('truth shape', truth.shape, `[${pred.shape.join(', ')}]`);
  return tf.tidy(() => {
    const p = tf.oneHot(tf.cast(tf.reshape(pred, [-1]), 'int32'), numClasses);
    const t = tf.oneHot(tf.cast(tf.reshape(truth, [-1]), 'int32'), numClasses);
    return tf.matMul(tf.cast(t, 'float32'), tf.cast(p, 'float32'), true, false);
  });
}
