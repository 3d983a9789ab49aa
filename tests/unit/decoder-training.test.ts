/**
 * Training FCN-8s's decoder on frozen encoder features (src/lib/decoder-training.ts): the loss
 * falls, bilinear-initialised 2× kernels beat random ones at equal steps, and no step leaks.
 * Scenes: the shipped held-out scenes (the encoder never trained on them); the decoder trains on
 * scenes 00-03 and is scored on scene 08.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decoderLogits,
  decoderOptimizer,
  decoderTrainStep,
  disposeDecoder,
  initDecoder,
  type DecoderFeatures,
  type UpsampleInit,
} from '../../src/lib/fcn/decoder-training';
import { confusionMatrix, segmentationScores } from '../../src/lib/fcn/metrics';
import { disposeFcnWeights, loadFcnWeights, type FcnWeights } from '../../src/lib/fcn/weights';
import { fileFetch } from '../../scripts/lib/file-fetch';
import { publicSceneFeatures } from '../../scripts/lib/public-scene-features';

const STEPS = 60;

interface Run {
  losses: number[];
  heldOutMeanIU: number;
  msPerStep: number;
}

let weights: FcnWeights;
let train: DecoderFeatures;
let heldOut: DecoderFeatures;
const runs = new Map<UpsampleInit, Run>();

async function trainRun(upsample: UpsampleInit): Promise<Run> {
  const v = initDecoder({ upsample, seed: 7 });
  const opt = decoderOptimizer(0.01);
  const losses: number[] = [];
  const start = performance.now();
  for (let step = 0; step < STEPS; step++) {
    const loss = decoderTrainStep(opt, v, train);
    losses.push((await loss.data())[0] ?? NaN);
    loss.dispose();
  }
  const msPerStep = (performance.now() - start) / STEPS;
  const logits = decoderLogits(v, heldOut);
  const pred = tf.tidy(() => tf.argMax(logits, -1));
  const scores = segmentationScores(
    confusionMatrix(await pred.data(), await heldOut.labels.data(), 11),
  );
  tf.dispose([logits, pred]);
  opt.dispose();
  disposeDecoder(v);
  return { losses, heldOutMeanIU: scores.meanIU, msPerStep };
}

beforeAll(async () => {
  weights = await loadFcnWeights('public/weights/model.json', { fetch: fileFetch });
  train = publicSceneFeatures(weights, [0, 1, 2, 3]);
  heldOut = publicSceneFeatures(weights, [8]);
}, 120_000);

afterAll(() => {
  tf.dispose(train);
  tf.dispose(heldOut);
  disposeFcnWeights(weights);
});

describe('decoder training on frozen features', () => {
  it('features have the encoder’s shapes: pool3 16×16×64, pool4 8×8×96, fc7 4×4×192', () => {
    expect(train.pool3.shape).toEqual([4, 16, 16, 64]);
    expect(train.pool4.shape).toEqual([4, 8, 8, 96]);
    expect(train.fc7.shape).toEqual([4, 4, 4, 192]);
    expect(train.labels.shape).toEqual([4, 128, 128]);
  });

  it('a training step leaves the tensor count unchanged once its loss is disposed', () => {
    const v = initDecoder({ upsample: 'bilinear' });
    const opt = decoderOptimizer();
    decoderTrainStep(opt, v, train).dispose(); // Adam creates its moments on the first step.
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) decoderTrainStep(opt, v, train).dispose();
    expect(tf.memory().numTensors).toBe(before);
    opt.dispose();
    disposeDecoder(v);
  });

  it(`Adam, ${STEPS} steps: the loss falls from both starts; bilinear is ahead at step 20 and on the held-out scene`, async () => {
    const before = tf.memory().numTensors;
    for (const init of ['bilinear', 'random'] as const) runs.set(init, await trainRun(init));
    expect(tf.memory().numTensors).toBe(before);
    const b = runs.get('bilinear');
    const r = runs.get('random');
    if (!b || !r) throw new Error('runs missing');
    const at = (run: Run, i: number) => run.losses[i] ?? NaN;
    const mean = (run: Run, from: number, to: number) =>
      run.losses.slice(from, to).reduce((a, x) => a + x, 0) / (to - from);
    console.log(
      JSON.stringify({
        steps: STEPS,
        bilinear: {
          first: at(b, 0),
          last10: mean(b, STEPS - 10, STEPS),
          heldOutMeanIU: b.heldOutMeanIU,
          msPerStep: b.msPerStep,
        },
        random: {
          first: at(r, 0),
          last10: mean(r, STEPS - 10, STEPS),
          heldOutMeanIU: r.heldOutMeanIU,
          msPerStep: r.msPerStep,
        },
        every10: {
          bilinear: b.losses.filter((_, i) => i % 10 === 0).map((x) => +x.toFixed(3)),
          random: r.losses.filter((_, i) => i % 10 === 0).map((x) => +x.toFixed(3)),
        },
      }),
    );
    // Measured (seeded, CPU backend): loss 3.50 -> 0.082 (bilinear), 2.86 -> 0.083 (random);
    // at step 20, 0.211 vs 0.237; held-out scene 08 mean IU 21.9 % vs 13.2 %. By step 60 both
    // fit the four training scenes about equally: the bilinear start's lead is early and on
    // the held-out scene.
    for (const run of [b, r]) expect(mean(run, STEPS - 10, STEPS)).toBeLessThan(at(run, 0) * 0.6);
    expect(at(b, 20)).toBeLessThan(at(r, 20));
    expect(b.heldOutMeanIU).toBeGreaterThan(r.heldOutMeanIU);
  }, 900_000);
});
