/**
 * The public test scenes (`public/images/scenes/scene-NN.png` and `scene-NN-label.png`, written
 * by `npm run train`) read in Node, for the scripts and unit tests that run the network on them.
 * The decoder's features of them are in public-scene-features.ts, apart: that module registers
 * tfjs's gradients, whose directory imports plain Node (tsx) cannot load.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { PNG } from 'pngjs';

export const PUBLIC_SCENES = 'public/images/scenes';

/** Scene `i`: RGB in [0, 1] (`[H * W * 3]`, pixel-major) and class ids (`[H * W]`). */
export function readPublicScene(i: number): {
  width: number;
  height: number;
  rgb: Float32Array;
  truth: Int32Array;
} {
  const name = `${PUBLIC_SCENES}/scene-${String(i).padStart(2, '0')}`;
  const img = PNG.sync.read(readFileSync(`${name}.png`));
  const lab = PNG.sync.read(readFileSync(`${name}-label.png`));
  const n = img.width * img.height;
  const rgb = new Float32Array(n * 3);
  const truth = new Int32Array(n);
  for (let p = 0; p < n; p++) {
    for (let c = 0; c < 3; c++) rgb[3 * p + c] = (img.data[4 * p + c] ?? 0) / 255;
    truth[p] = lab.data[4 * p] ?? 0;
  }
  return { width: img.width, height: img.height, rgb, truth };
}

/** Scene `i` as an image `[1, H, W, 3]` and its label map `[H, W]` (the caller disposes). */
export function publicSceneTensors(i: number): { image: tf.Tensor4D; label: tf.Tensor2D } {
  const { width, height, rgb, truth } = readPublicScene(i);
  return {
    image: tf.tensor4d(rgb, [1, height, width, 3]),
    label: tf.tensor2d(truth, [height, width], 'int32'),
  };
}
