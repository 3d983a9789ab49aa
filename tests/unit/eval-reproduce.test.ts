/**
 * Evaluating the committed weights is deterministic: the site's own forward pass and metrics,
 * run on the committed test scenes (the PNGs in public/images/scenes), give the numbers that
 * `training/export.py` wrote into eval.json's `reproduction` block for those same scenes.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disposeFcnResult, fcnForward } from '../../src/lib/fcn';
import {
  confusionMatrix,
  segmentationScores,
  type ConfusionMatrix,
} from '../../src/lib/fcn/metrics';
import {
  CLASSIFIER_WEIGHT_SHAPES,
  disposeFcnWeights,
  loadFcnWeights,
  type FcnWeights,
} from '../../src/lib/fcn/weights';
import { fileFetch } from '../../scripts/lib/file-fetch';

const SCENES = 'public/images/scenes';
const VARIANTS = ['32s', '16s', '8s'] as const;

interface Reproduction {
  scenes: number;
  rows: Record<string, { meanIU: number; pixelAccuracy: number; confusion: number[][] }>;
}

const report = JSON.parse(readFileSync('public/weights/eval.json', 'utf8')) as {
  reproduction: Reproduction;
  classifier?: { reproduction?: { meanIU: number; confusion: number[][] } };
};
/** The shipped classifier's sample (slid over the scenes: the FCN-32s path on its weights). */
const classifierRow = report.classifier?.reproduction;
const index = JSON.parse(readFileSync(`${SCENES}/index.json`, 'utf8')) as {
  numClasses: number;
  scenes: { image: string; label: string }[];
};
const png = (file: string) => PNG.sync.read(readFileSync(`${SCENES}/${file}`));

let weights: FcnWeights;
let classifier: FcnWeights | undefined;
const confusion: Record<string, ConfusionMatrix> = {};

beforeAll(async () => {
  await tf.setBackend('cpu');
  weights = await loadFcnWeights('public/weights/model.json', { fetch: fileFetch });
  if (classifierRow) {
    classifier = await loadFcnWeights('public/weights/classifier/model.json', {
      fetch: fileFetch,
      shapes: CLASSIFIER_WEIGHT_SHAPES,
    });
  }
  const nets = [
    ...VARIANTS.map((v) => ({ name: v, net: weights, variant: v })),
    ...(classifier ? [{ name: 'classifier', net: classifier, variant: '32s' as const }] : []),
  ];
  const L = index.numClasses;
  for (const { name } of nets) {
    confusion[name] = Array.from({ length: L }, () => new Array<number>(L).fill(0));
  }
  for (const scene of index.scenes.slice(0, report.reproduction.scenes)) {
    const img = png(scene.image);
    const lab = png(scene.label);
    const truth = Int32Array.from(
      { length: img.width * img.height },
      (_, i) => lab.data[4 * i] ?? 0,
    );
    for (const { name, net, variant } of nets) {
      const labels = tf.tidy(() => {
        const rgba = tf.tensor3d(Uint8Array.from(img.data), [img.height, img.width, 4], 'int32');
        const image = tf.div(tf.cast(tf.slice(rgba, [0, 0, 0], [-1, -1, 3]), 'float32'), 255);
        const result = fcnForward(net, tf.expandDims(image, 0), { variant });
        const arg = tf.argMax(result.logits, -1);
        disposeFcnResult(result);
        return arg;
      });
      confusionMatrix(labels.dataSync(), truth, L, confusion[name]);
      labels.dispose();
    }
  }
}, 300_000);

afterAll(() => {
  disposeFcnWeights(weights);
  if (classifier) disposeFcnWeights(classifier);
});

describe('the committed weights re-score to the numbers in eval.json', () => {
  it('covers every variant on at least 12 committed test scenes', () => {
    expect(report.reproduction.scenes).toBeGreaterThanOrEqual(12);
    expect(index.scenes.length).toBeGreaterThanOrEqual(report.reproduction.scenes);
    expect(Object.keys(report.reproduction.rows).sort()).toEqual([...VARIANTS].sort());
  });

  for (const v of VARIANTS) {
    it(`FCN-${v}: mean IU and pixel accuracy as recorded (float kernels may flip a few tied pixels)`, () => {
      const want = report.reproduction.rows[v];
      const got = confusion[v];
      if (!want || !got) throw new Error(`no ${v} row`);
      const pixels = want.confusion.flat().reduce((a, b) => a + b, 0);
      expect(got.flat().reduce((a, b) => a + b, 0)).toBe(pixels);
      // Pixels whose label differs from PyTorch's: at most 1 in 10,000.
      const moved = got
        .flat()
        .reduce((s, n, i) => s + Math.abs(n - (want.confusion.flat()[i] ?? 0)), 0);
      expect(moved / 2).toBeLessThanOrEqual(pixels * 1e-4);
      const s = segmentationScores(got);
      expect(Math.abs(s.meanIU - want.meanIU)).toBeLessThan(1e-3);
      expect(Math.abs(s.pixelAccuracy - want.pixelAccuracy)).toBeLessThan(1e-4);
    });
  }

  it.runIf(classifierRow !== undefined)(
    'the shipped classifier, slid over the same scenes: mean IU as recorded',
    () => {
      const want = classifierRow;
      const got = confusion['classifier'];
      if (!want || !got) throw new Error('no classifier row');
      const pixels = want.confusion.flat().reduce((a, b) => a + b, 0);
      const moved = got
        .flat()
        .reduce((s, n, i) => s + Math.abs(n - (want.confusion.flat()[i] ?? 0)), 0);
      expect(moved / 2).toBeLessThanOrEqual(pixels * 1e-4);
      expect(Math.abs(segmentationScores(got).meanIU - want.meanIU)).toBeLessThan(1e-3);
    },
  );
});
