/**
 * `npm run decoder:survey -- [--seeds 1,2,3] [--steps 200]`: the measurement behind the
 * bilinear page's "Train it yourself" paragraph. For each seed, the figure's two decoders
 * (2× kernels starting bilinear or random, skips at zero, Adam 0.01) train on public scenes
 * 00-03 as the page does. It prints both runs' loss at step 0 (skips at zero and at random);
 * then at steps 10, 20, 30, 50, 100 and the last, both runs' training loss, their mean IU on
 * the figure's held-out scene 08, and on how many of the 20 public scenes they never train on
 * (04-23) the bilinear start scores higher. Run it after `npm run train` and compare with the
 * page (training/DATA.md, "Regenerating everything"). The script is bundled by esbuild before
 * it runs: tfjs-core's gradient registrations use directory imports that Node's ESM loader (and
 * so tsx) refuses.
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { confusionTensor } from '../src/lib/fcn/confusion';
import { segmentationScores } from '../src/lib/fcn/metrics';
import {
  DecoderAdam,
  decoderLogits,
  decoderLoss,
  disposeDecoder,
  initDecoder,
  type DecoderFeatures,
  type UpsampleInit,
} from '../src/lib/fcn/decoder-training';
import { disposeFcnWeights, loadFcnWeights } from '../src/lib/fcn/weights';
import { fileFetch } from './lib/file-fetch';
import { publicSceneFeatures } from './lib/public-scene-features';

const { values: opts } = parseArgs({
  options: {
    seeds: { type: 'string', default: '1,2,3' },
    steps: { type: 'string', default: '200' },
  },
});
const seeds = opts.seeds.split(',').map(Number);
const last = Number(opts.steps);
if (seeds.some((s) => !Number.isInteger(s) || s < 0)) throw new Error(`invalid --seeds`);
if (!Number.isInteger(last) || last < 20) throw new Error(`invalid --steps (at least 20)`);
const REPORT_AT = [10, 20, 30, 50, 100, last];
const TRAIN = [0, 1, 2, 3];
const FIGURE_HELD_OUT = 8;
const UNSEEN = Array.from({ length: 20 }, (_, i) => i + 4);

async function main(): Promise<void> {
  await tf.setBackend('cpu');
  const weights = await loadFcnWeights('public/weights/model.json', { fetch: fileFetch });

  const train = publicSceneFeatures(weights, TRAIN);
  // One scene per DecoderFeatures, as the figure scores its held-out scene.
  const unseen = new Map(UNSEEN.map((i) => [i, publicSceneFeatures(weights, [i])]));

  async function meanIU(run: ReturnType<typeof initDecoder>, f: DecoderFeatures): Promise<number> {
    const confusion = tf.tidy(() => {
      const mask = tf.squeeze<tf.Tensor2D>(tf.argMax(decoderLogits(run, f), 3), [0]);
      return confusionTensor(mask, tf.squeeze<tf.Tensor2D>(f.labels, [0]), 11);
    });
    const matrix = await confusion.array();
    confusion.dispose();
    return segmentationScores(matrix).meanIU;
  }

  const pct = (v: number) => (v * 100).toFixed(1);
  for (const seed of seeds) {
    // Step 0 with the skip layers at zero (the figure's default) and at random (its Try this).
    for (const skip of ['zero', 'random'] as const) {
      const start = (['bilinear', 'random'] as UpsampleInit[]).map((upsample) => {
        const v = initDecoder({ upsample, skip, seed });
        const loss = tf.tidy(() => decoderLoss(v, train).dataSync()[0] ?? NaN);
        disposeDecoder(v);
        return loss.toFixed(3);
      });
      console.log(`seed ${seed} step 0, skips ${skip}: loss ${start.join(' vs ')}`);
    }
    const runs = (['bilinear', 'random'] as UpsampleInit[]).map((upsample) => {
      const variables = initDecoder({ upsample, skip: 'zero', seed });
      return { upsample, variables, optimizer: new DecoderAdam(variables, 0.01) };
    });
    for (let step = 1; step <= last; step++) {
      for (const r of runs) tf.dispose(r.optimizer.step(() => decoderLoss(r.variables, train)));
      if (!REPORT_AT.includes(step)) continue;
      const losses = runs.map((r) => tf.tidy(() => decoderLoss(r.variables, train).dataSync()[0]));
      const ius = new Map<number, number[]>();
      for (const [i, f] of unseen)
        ius.set(i, await Promise.all(runs.map((r) => meanIU(r.variables, f))));
      const [b8 = NaN, r8 = NaN] = ius.get(FIGURE_HELD_OUT) ?? [];
      const wins = [...ius.values()].filter(([b = 0, r = 0]) => b > r).length;
      console.log(
        `seed ${seed} step ${step}: loss ${losses.map((l) => l?.toFixed(3)).join(' vs ')}; ` +
          `scene 08 mean IU ${pct(b8)} vs ${pct(r8)} %; bilinear ahead on ${wins} of ${UNSEEN.length} unseen scenes`,
      );
    }
    for (const r of runs) {
      disposeDecoder(r.variables);
      r.optimizer.dispose();
    }
  }
  tf.dispose(train);
  for (const f of unseen.values()) tf.dispose(f);
  disposeFcnWeights(weights);
}

void main();
