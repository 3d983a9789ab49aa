/**
 * Unary potentials for the dense CRF: psi_u(x_i = l) = -log P(x_i = l), from network logits.
 */
import * as tf from '@tensorflow/tfjs-core';
import { expectRank, invalid } from '../validate';

/**
 * Unary potential from classifier logits: -log softmax(logits) along the label axis.
 * @param logits `[H, W, L]` raw scores (e.g. FCN-8s output without the batch axis).
 * @returns `[H, W, L]` float32, >= 0, in nats.
 */
export function unaryFromLogits(logits: tf.Tensor3D): tf.Tensor3D {
  expectRank('logits', logits.shape, 3, '[H, W, L]');
  if (logits.shape[2] < 2) invalid('logits labels', logits.shape[2], 'at least 2 labels');
  return tf.tidy(() => tf.neg(tf.logSoftmax(tf.cast(logits, 'float32'), -1)));
}

/**
 * The mean-field initialisation Q0 = softmax(-unary), i.e. the classifier's own probabilities.
 * @param unary `[H, W, L]` unary potential in nats.
 * @returns `[H, W, L]` probabilities summing to 1 over L.
 */
export function probabilitiesFromUnary(unary: tf.Tensor3D): tf.Tensor3D {
  expectRank('unary', unary.shape, 3, '[H, W, L]');
  return tf.tidy(() => tf.softmax(tf.neg(unary), -1));
}
