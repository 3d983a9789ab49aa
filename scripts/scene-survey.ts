/**
 * `npm run scenes:survey -- [--scenes N]`: per public test scene, what the skip-fusion page
 * shows: the mean IU of FCN-32s, 16s and 8s with the trained skip weights and with the "Try
 * this" settings (both skips off, w3 = 0, w3 = 2), and the share of the scene each variant
 * calls background. Run it after `npm run train` to re-check the page prose that names scenes
 * (training/DATA.md, "Regenerating everything").
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { segmentationScores, type ConfusionMatrix } from '../src/lib/fcn/metrics';
import { SKIP_VARIANTS, skipFusionFigure } from '../src/lib/fcn/skip-fusion';
import { disposeFcnWeights, loadFcnWeights } from '../src/lib/fcn/weights';
import { fileFetch } from './lib/file-fetch';
import { PUBLIC_SCENES, readPublicScene } from './lib/public-scenes';

const { values: opts } = parseArgs({ options: { scenes: { type: 'string', default: '24' } } });
const index = JSON.parse(readFileSync(`${PUBLIC_SCENES}/index.json`, 'utf8')) as {
  scenes: { id: string }[];
};
const count = Number(opts.scenes);
if (!Number.isInteger(count) || count < 1) throw new Error(`invalid --scenes: ${opts.scenes}`);

const SETTINGS: Record<string, { pool4?: number; pool3?: number }> = {
  trained: {},
  'skips off': { pool4: 0, pool3: 0 },
  'w3=0': { pool3: 0 },
  'w3=2': { pool3: 2 },
};

await tf.setBackend('cpu');
const weights = await loadFcnWeights(`public/weights/model.json`, { fetch: fileFetch });
const pct = (v: number) => (v * 100).toFixed(1).padStart(5);

for (const [k, scene] of index.scenes.slice(0, count).entries()) {
  const { width, height, rgb, truth: truthValues } = readPublicScene(k);
  const n = width * height;
  const image = tf.tensor3d(rgb, [height, width, 3]);
  const truth = tf.tensor2d(truthValues, [height, width], 'int32');
  const parts: string[] = [];
  for (const [name, skip] of Object.entries(SETTINGS)) {
    const f = skipFusionFigure(weights, image, truth, skip);
    const confusion = (await f.confusion.array()) as ConfusionMatrix[];
    const ius = confusion.map((c) => segmentationScores(c).meanIU);
    // Background share of each variant's prediction: column 0 of its confusion over all pixels.
    const bg = confusion.map((c) => c.reduce((s, row) => s + (row[0] ?? 0), 0) / n);
    parts.push(
      `${name}: ${ius.map(pct).join(' /')}  bg ${bg.map((b) => (b * 100).toFixed(0)).join('/')}`,
    );
    tf.dispose(f);
  }
  const truthBg = truthValues.filter((v) => v === 0).length / n;
  console.log(
    `${scene.id} (truth bg ${(truthBg * 100).toFixed(0)} %; ${SKIP_VARIANTS.join('/')})\n  ${parts.join('\n  ')}`,
  );
  tf.dispose([image, truth]);
}
disposeFcnWeights(weights);
