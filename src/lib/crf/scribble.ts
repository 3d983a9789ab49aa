/**
 * Unaries from a reader's brush strokes: labelled pixels strongly prefer their label,
 * unlabelled pixels are uniform, so the CRF's pairwise terms alone spread the labels along
 * image intensities (the "interactive segmentation" use of the dense CRF).
 */
import * as tf from '@tensorflow/tfjs-core';
import { expectRank, intInRange, invalid, numberInRange } from '../validate';

/** A round brush dab: centre in pixels, radius in pixels, label index. */
export interface ScribbleDab {
  readonly x: number;
  readonly y: number;
  readonly radius: number;
  readonly label: number;
}

/**
 * Rasterises brush dabs into a label map (row-major `[H, W]`, -1 = unlabelled); later dabs
 * paint over earlier ones.
 */
export function strokesToLabelMap(
  dabs: readonly ScribbleDab[],
  height: number,
  width: number,
): Int32Array {
  intInRange('height', height, 1, 8192);
  intInRange('width', width, 1, 8192);
  const map = new Int32Array(height * width).fill(-1);
  for (const d of dabs) {
    intInRange('dab label', d.label, 0, 1023);
    numberInRange('dab radius', d.radius, 0, 8192);
    const r2 = d.radius * d.radius;
    const y0 = Math.max(0, Math.floor(d.y - d.radius));
    const y1 = Math.min(height - 1, Math.ceil(d.y + d.radius));
    const x0 = Math.max(0, Math.floor(d.x - d.radius));
    const x1 = Math.min(width - 1, Math.ceil(d.x + d.radius));
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        if ((x - d.x) ** 2 + (y - d.y) ** 2 <= r2) map[y * width + x] = d.label;
      }
    }
  }
  return map;
}

export interface ScribbleUnaryOptions {
  /**
   * Probability a labelled pixel gives its own label, in (1/L, 1); the rest is shared evenly.
   * Default 0.9 (densecrf's example uses 0.5 for annotations, pydensecrf's 0.7; strokes are
   * deliberate, so we trust them more).
   */
  readonly confidence?: number;
}

/**
 * Unary potential from a scribble label map.
 * @param labelMap `[H, W]` integer labels in -1..L-1; -1 = unlabelled.
 * @param numLabels L, 2..1024.
 * @returns `[H, W, L]` float32 unary in nats: -log(confidence) on the stroke's label,
 *   -log((1 - confidence) / (L - 1)) on the others, log(L) everywhere for unlabelled pixels.
 */
export function scribbleUnary(
  labelMap: tf.Tensor2D,
  numLabels: number,
  options: ScribbleUnaryOptions = {},
): tf.Tensor3D {
  expectRank('labelMap', labelMap.shape, 2, '[H, W]');
  const L = intInRange('numLabels', numLabels, 2, 1024);
  const confidence = options.confidence ?? 0.9;
  if (!(confidence > 1 / L && confidence < 1)) {
    invalid('confidence', confidence, `a number in (1/${L}, 1)`);
  }
  return tf.tidy(() => {
    const labels = tf.cast(labelMap, 'int32');
    const [lo, hi] = [tf.min(labels).dataSync()[0] ?? 0, tf.max(labels).dataSync()[0] ?? 0];
    if (lo < -1 || hi > L - 1) invalid('labelMap values', `${lo}..${hi}`, `labels in -1..${L - 1}`);
    const labelled = tf.expandDims(tf.greaterEqual(labels, 0), -1);
    const own = tf.cast(tf.oneHot(tf.maximum(labels, tf.scalar(0, 'int32')), L), 'float32');
    const onLabel = -Math.log(confidence);
    const offLabel = -Math.log((1 - confidence) / (L - 1));
    const strokeUnary = tf.add(tf.mul(own, onLabel - offLabel), offLabel);
    const uniform = tf.fill(strokeUnary.shape, Math.log(L));
    return tf.where(
      tf.broadcastTo(labelled, strokeUnary.shape),
      strokeUnary,
      uniform,
    ) as tf.Tensor3D;
  });
}
