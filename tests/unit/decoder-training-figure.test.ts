/**
 * The compute layer's `decoder-training` figure (src/lib/browser/figures/decoder-training.ts),
 * run as the worker runs it: `start` keeps a run under its id and answers with step 0, `step`
 * advances it, a new start frees the runs it is told to (a reset) while keeping the shared
 * features, `free` gives everything back, and the tensor count stays flat across steps.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadFcnWeights, disposeFcnWeights, type FcnWeights } from '../../src/lib/fcn/weights';
import { fileFetch } from '../../scripts/lib/file-fetch';
import type { RunContext } from '../../src/lib/browser/figures/figure';
import type { TrainingAnswer } from '../../src/lib/browser/figures/decoder-training';

let weights: FcnWeights;
// The page's loader fetches from the site; here the same weights come from disk.
vi.mock('../../src/lib/browser/model', () => ({ loadModel: () => Promise.resolve(weights) }));
const { DECODER_TRAINING_FIGURES, decoderTrainingStats } =
  await import('../../src/lib/browser/figures/decoder-training');

const figure = DECODER_TRAINING_FIGURES['decoder-training'];
if (!figure) throw new Error('decoder-training figure missing');

function scene(i: number): { image: tf.Tensor3D; label: tf.Tensor2D } {
  const name = `public/images/scenes/scene-${String(i).padStart(2, '0')}`;
  const img = PNG.sync.read(readFileSync(`${name}.png`));
  const lab = PNG.sync.read(readFileSync(`${name}-label.png`));
  const rgb = new Float32Array(img.width * img.height * 3);
  const cls = new Int32Array(img.width * img.height);
  for (let p = 0; p < img.width * img.height; p++) {
    for (let c = 0; c < 3; c++) rgb[3 * p + c] = (img.data[4 * p + c] ?? 0) / 255;
    cls[p] = lab.data[4 * p] ?? 0;
  }
  return {
    image: tf.tensor3d(rgb, [img.height, img.width, 3]),
    label: tf.tensor2d(cls, [img.height, img.width], 'int32'),
  };
}

const ctx = (): RunContext => ({ signal: new AbortController().signal, softwareGpu: false });
const IDS = { images: 'i', labels: 'l', heldImage: 'hi', heldLabel: 'hl' };

let inputs: Record<string, tf.Tensor>;

function start(run: string, extra: Record<string, unknown> = {}): Promise<TrainingAnswer> {
  return figure?.run(
    inputs,
    { action: 'start', run, skip: 'zero', ...extra },
    ctx(),
    IDS,
  ) as Promise<TrainingAnswer>;
}

function step(run: string, steps: number, snapshot = false): Promise<TrainingAnswer> {
  return figure?.run(
    {},
    { action: 'step', run, steps, snapshot },
    ctx(),
    {},
  ) as Promise<TrainingAnswer>;
}

beforeAll(async () => {
  weights = await loadFcnWeights('public/weights/model.json', { fetch: fileFetch });
  // One training scene keeps a step cheap on the CPU backend; the page trains on four.
  const a = scene(0);
  const held = scene(8);
  inputs = {
    images: tf.expandDims(a.image, 0),
    labels: tf.expandDims(a.label, 0),
    heldImage: held.image,
    heldLabel: held.label,
  };
  tf.dispose([a.image, a.label]);
}, 120_000);

afterAll(() => {
  tf.dispose(Object.values(inputs));
  disposeFcnWeights(weights);
});

describe('the decoder-training compute figure', () => {
  it('start, step, reset and free: answers carry losses and snapshots; memory stays flat', async () => {
    const baseline = tf.memory().numTensors;
    const first = await start('a');
    expect(first.step).toBe(0);
    expect(first.losses).toHaveLength(1);
    expect(first.snapshot?.masks.bilinear.shape).toEqual([128, 128]);
    expect(first.snapshot?.kernelNow.random.shape).toEqual([4, 54]);
    const withRun = tf.memory().numTensors;
    expect(decoderTrainingStats()).toEqual({ runs: 1, featureSets: 1 });

    const a = await step('a', 2);
    expect(a.step).toBe(2);
    expect(a.losses).toHaveLength(2);
    expect(a.snapshot).toBeUndefined();
    // The first step's loss is the start's: both are the loss at step 0.
    expect(a.losses[0]?.[0]).toBeCloseTo(first.losses[0]?.[0] ?? NaN, 4);
    expect(tf.memory().numTensors).toBe(withRun); // Training allocates nothing.
    const b = await step('a', 3, true);
    expect(b.step).toBe(5);
    expect(b.snapshot?.step).toBe(5);
    expect(b.msPerStep).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(withRun);

    // A reset: a new run that frees the old one, keeping the features they share.
    const second = await start('b', { free: ['a'] });
    expect(second.step).toBe(0);
    expect(decoderTrainingStats()).toEqual({ runs: 1, featureSets: 1 });
    expect(tf.memory().numTensors).toBe(withRun);
    await expect(step('a', 1)).rejects.toThrow(/no run "a"/);

    await figure.run({}, { action: 'free', runs: ['b'] }, ctx(), {});
    expect(decoderTrainingStats()).toEqual({ runs: 0, featureSets: 0 });
    expect(tf.memory().numTensors).toBe(baseline);
  }, 300_000);

  it('keeps at most two runs however many are started without being freed', async () => {
    const baseline = tf.memory().numTensors;
    for (const run of ['x', 'y', 'z']) await start(run);
    expect(decoderTrainingStats()).toEqual({ runs: 2, featureSets: 1 });
    await expect(step('x', 1)).rejects.toThrow(/no run "x"/);
    await figure.run({}, { action: 'free', runs: ['y', 'z'] }, ctx(), {});
    expect(tf.memory().numTensors).toBe(baseline);
  }, 300_000);

  it('rejects bad requests with the option’s name and value', async () => {
    const before = tf.memory().numTensors;
    await expect(figure.run({}, { action: 'train' }, ctx(), {})).rejects.toThrow(
      /invalid action: "train"/,
    );
    await expect(start('')).rejects.toThrow(/invalid run: ""/);
    await expect(start('c', { skip: 'none' })).rejects.toThrow(/invalid skip: "none"/);
    await start('c');
    await expect(step('c', 0)).rejects.toThrow(/invalid steps: 0/);
    await expect(step('c', 101)).rejects.toThrow(/invalid steps: 101/);
    await figure.run({}, { action: 'free', runs: ['c'] }, ctx(), {});
    expect(tf.memory().numTensors).toBe(before);
  }, 300_000);

  it('an aborted step request stops between steps and keeps the run usable', async () => {
    const before = tf.memory().numTensors;
    await start('d');
    const controller = new AbortController();
    controller.abort();
    await expect(
      figure.run(
        {},
        { action: 'step', run: 'd', steps: 5 },
        { signal: controller.signal, softwareGpu: false },
        {},
      ),
    ).rejects.toThrow();
    const after = await step('d', 1);
    expect(after.step).toBe(1);
    await figure.run({}, { action: 'free', runs: ['d'] }, ctx(), {});
    expect(tf.memory().numTensors).toBe(before);
  }, 300_000);
});
