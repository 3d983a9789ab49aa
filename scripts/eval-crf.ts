/**
 * `npm run eval:crf` (npx tsx scripts/eval-crf.ts [--scenes N] [--sweep] [--write]): FCN-8s
 * vs FCN-8s + dense CRF (fast path, default parameters) on the held-out test scenes committed
 * in public/images/scenes, scored with the project's metrics (FCN score.py definitions).
 * --normalize uses densecrf's per-pixel normalised messages. --sweep also scores w1 and thetaBeta one at a time around the defaults; --write adds an
 * "8s+crf" row to public/weights/eval.json (computed on these scenes, which the row states).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { PNG } from 'pngjs';
import { fcnForward, disposeFcnResult } from '../src/lib/fcn';
import { loadFcnWeights, disposeFcnWeights, type FetchResponseLike } from '../src/lib/weights';
import { confusionMatrix, segmentationScores, type ConfusionMatrix } from '../src/lib/metrics';
import {
  runMeanField,
  unaryFromLogits,
  DEFAULT_CRF_PARAMS,
  type CrfParams,
} from '../src/lib/crf/index';

const SCENES = 'public/images/scenes';
const EVAL = 'public/weights/eval.json';
const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const limit = Number(args[args.indexOf('--scenes') + 1] ?? NaN);
const normalize = flag('--normalize');

async function fileFetch(url: string): Promise<FetchResponseLike> {
  const bytes = await readFile(url);
  const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  return {
    ok: true,
    status: 200,
    json: () => Promise.resolve(JSON.parse(bytes.toString('utf8')) as unknown),
    arrayBuffer: () => Promise.resolve(ab),
  };
}

/** PNG as RGBA bytes. */
const png = (path: string) => PNG.sync.read(readFileSync(path));

await tf.setBackend('cpu');
const index = JSON.parse(readFileSync(`${SCENES}/index.json`, 'utf8')) as {
  numClasses: number;
  scenes: { id: string; image: string; label: string }[];
};
const scenes = Number.isFinite(limit) && limit > 0 ? index.scenes.slice(0, limit) : index.scenes;
const L = index.numClasses;
const weights = await loadFcnWeights('public/weights/model.json', { fetch: fileFetch });

const settings: [string, Partial<CrfParams>][] = [['defaults', {}]];
if (flag('--sweep')) {
  // One parameter at a time around the defaults (w1 10, thetaBeta 20): a full grid is too slow
  // for the CPU backend here.
  for (const w1 of [3, 5, 20, 40]) settings.push([`w1=${w1}`, { w1 }]);
  for (const thetaBeta of [5, 10, 40]) settings.push([`thetaBeta=${thetaBeta}`, { thetaBeta }]);
}
const fcnConf: ConfusionMatrix = Array.from({ length: L }, () => new Array<number>(L).fill(0));
const crfConf = settings.map(() => Array.from({ length: L }, () => new Array<number>(L).fill(0)));
const started = Date.now();
for (const [k, scene] of scenes.entries()) {
  const img = png(`${SCENES}/${scene.image}`);
  const lab = png(`${SCENES}/${scene.label}`);
  const truth = Int32Array.from({ length: lab.width * lab.height }, (_, i) => lab.data[4 * i] ?? 0);
  const image = tf.tidy(() => {
    const rgba = tf.tensor3d(Uint8Array.from(img.data), [img.height, img.width, 4], 'int32');
    return tf.div<tf.Tensor3D>(tf.cast(tf.slice(rgba, [0, 0, 0], [-1, -1, 3]), 'float32'), 255);
  });
  const result = fcnForward(weights, tf.expandDims(image, 0));
  const logits = tf.squeeze<tf.Tensor3D>(result.logits, [0]);
  disposeFcnResult(result);
  const unary = unaryFromLogits(logits);
  confusionMatrix(
    tf.tidy(() => tf.argMax(logits, -1).dataSync()),
    truth,
    L,
    fcnConf,
  );
  settings.forEach(([, params], s) => {
    const { q } = runMeanField(image, unary, { ...params, method: 'fast', normalize });
    confusionMatrix(
      tf.tidy(() => tf.argMax(q, -1).dataSync()),
      truth,
      L,
      crfConf[s],
    );
    q.dispose();
  });
  tf.dispose([image, logits, unary]);
  console.error(
    `scene ${k + 1}/${scenes.length} (${((Date.now() - started) / 1000).toFixed(0)} s)`,
  );
}
disposeFcnWeights(weights);

const base = segmentationScores(fcnConf);
const scored = crfConf.map((c) => segmentationScores(c));
const pct = (x: number | null) => (x === null ? '  -  ' : (100 * x).toFixed(1).padStart(5));
console.log(
  `${scenes.length} held-out scenes from ${SCENES}; CRF fast path, ${DEFAULT_CRF_PARAMS.iterations} iterations`,
);
console.log(`FCN-8s        mean IU ${pct(base.meanIU)}  pixel acc ${pct(base.pixelAccuracy)}`);
settings.forEach(([name], s) => {
  const r = scored[s];
  if (!r) return;
  const gain = 100 * (r.meanIU - base.meanIU);
  console.log(
    `8s+crf ${name.padEnd(22)} mean IU ${pct(r.meanIU)}  pixel acc ${pct(r.pixelAccuracy)}  (${gain >= 0 ? '+' : ''}${gain.toFixed(2)} points)`,
  );
});
const crf = scored[0];
if (crf) {
  console.log('\nper-class IU (%): class, 8s, 8s+crf, change');
  base.perClassIU.forEach((iu, c) => {
    const after = crf.perClassIU[c] ?? null;
    const d = iu === null || after === null ? '' : (100 * (after - iu)).toFixed(1);
    console.log(`  ${String(c).padStart(2)} ${pct(iu)} ${pct(after)} ${d}`);
  });
}

if (flag('--write') && crf) {
  const report = JSON.parse(readFileSync(EVAL, 'utf8')) as { rows: Record<string, unknown>[] };
  const row = {
    variant: '8s+crf',
    weights: 'float16 (shipped)',
    crf: { method: 'fast (bilateral grid)', normalize, ...DEFAULT_CRF_PARAMS },
    scenes: `${scenes.length} committed held-out scenes (${SCENES}), not the 500 of the other rows`,
    baseline8sOnSameScenes: {
      meanIU: base.meanIU,
      pixelAccuracy: base.pixelAccuracy,
      perClassIU: base.perClassIU,
    },
    ...crf,
    confusion: crfConf[0],
    ...(settings.length > 1
      ? {
          sweep: settings.map(([name, params], s) => ({
            name,
            ...params,
            meanIU: scored[s]?.meanIU,
            pixelAccuracy: scored[s]?.pixelAccuracy,
          })),
        }
      : {}),
    producedBy: 'npm run eval:crf -- --sweep --write (scripts/eval-crf.ts)',
  };
  report.rows = [...report.rows.filter((r) => r.variant !== '8s+crf'), row];
  writeFileSync(EVAL, JSON.stringify(report, null, 1) + '\n');
  console.log(`\nwrote the 8s+crf row to ${EVAL}`);
}
