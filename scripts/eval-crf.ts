/**
 * `npm run eval:crf -- [--dir DIR] [--from K] [--scenes N] [--params JSON] [--sweep]
 * [--unnormalized] [--write [--variant NAME] [--label TEXT] | --sweep-only]`: FCN-8s vs
 * FCN-8s + dense CRF (fast path) on held-out test scenes, scored with the project's metrics
 * (FCN score.py definitions).
 *
 * Scenes come from public/images/scenes (the 24 the pages use) or from DIR, written by
 * `npm run eval -- --dump DIR --scenes 500` (the 500 held-out scenes of the other rows);
 * --from K skips the first K, --scenes N stops at scene N. The CRF runs with the defaults, or
 * with the --params overrides (e.g. '{"thetaBeta":5}'). --unnormalized uses the paper's raw
 * message sums instead of densecrf's per-pixel normalisation (the default). --sweep also
 * scores w1, thetaBeta and thetaAlpha one at a time around the defaults, and the other
 * normalisation, on the first --sweep-scenes scenes (default 100).
 *
 * --write adds the row NAME (default "8s+crf") to public/weights/eval.json, with FCN-8s on the
 * same scenes when they are not all 500; --sweep-only instead writes just the sweep, as the
 * report's crfSweep.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { PNG } from 'pngjs';
import { fcnForward, disposeFcnResult } from '../src/lib/fcn';
import { loadFcnWeights, disposeFcnWeights } from '../src/lib/weights';
import { confusionMatrix, segmentationScores, type ConfusionMatrix } from '../src/lib/metrics';
import {
  runMeanField,
  unaryFromLogits,
  DEFAULT_CRF_PARAMS,
  type CrfParams,
  type MeanFieldOptions,
} from '../src/lib/crf/index';
import { fileFetch } from './lib/file-fetch';

const SCENES = argValue('--dir') ?? 'public/images/scenes';
const EVAL = 'public/weights/eval.json';
const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
function argValue(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : undefined;
}
const limit = Number(argValue('--scenes') ?? NaN);
const from = Number(argValue('--from') ?? 0);
const sweepLimit = Number(argValue('--sweep-scenes') ?? 100);
const normalize = !flag('--unnormalized');
// The scored setting: the defaults, or these overrides (a JSON object of CrfParams).
const overrides = JSON.parse(argValue('--params') ?? '{}') as Partial<CrfParams>;
const variant = argValue('--variant') ?? '8s+crf';
const rowLabel = argValue('--label');
const sweepOnly = flag('--sweep-only');

/** PNG as RGBA bytes. */
const png = (path: string) => PNG.sync.read(readFileSync(path));

await tf.setBackend('cpu');
const index = JSON.parse(readFileSync(`${SCENES}/index.json`, 'utf8')) as {
  numClasses: number;
  scenes: { id: string; image: string; label: string }[];
};
const scenes = index.scenes.slice(from, Number.isFinite(limit) && limit > 0 ? limit : undefined);
const L = index.numClasses;
const weights = await loadFcnWeights('public/weights/model.json', { fetch: fileFetch });

const settings: [string, MeanFieldOptions][] = [
  [Object.keys(overrides).length ? JSON.stringify(overrides) : 'defaults', overrides],
];
if (flag('--sweep')) {
  // One parameter at a time around the defaults (w1 10, thetaBeta 20, thetaAlpha 60): a full
  // grid is too slow for the CPU backend here.
  for (const w1 of [3, 5, 20, 40]) settings.push([`w1=${w1}`, { w1 }]);
  for (const thetaBeta of [5, 10, 40]) settings.push([`thetaBeta=${thetaBeta}`, { thetaBeta }]);
  for (const thetaAlpha of [10, 30]) settings.push([`thetaAlpha=${thetaAlpha}`, { thetaAlpha }]);
  settings.push([normalize ? 'unnormalised sums' : 'normalised', { normalize: !normalize }]);
}
const square = (): ConfusionMatrix => Array.from({ length: L }, () => new Array<number>(L).fill(0));
// Defaults are scored on every scene; the sweep (defaults included, for comparison) on the
// first sweepScenes scenes only, next to FCN-8s alone on those scenes.
const fcnConf = square();
const crfConf = square();
const sweepScenes = Math.min(scenes.length, sweepLimit);
const fcnSweepConf = square();
const sweepConf = settings.map(square);
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
  const inSweep = settings.length > 1 && k < sweepScenes;
  const fcnLabels = tf.tidy(() => tf.argMax(logits, -1).dataSync());
  confusionMatrix(fcnLabels, truth, L, fcnConf);
  if (inSweep) confusionMatrix(fcnLabels, truth, L, fcnSweepConf);
  settings.forEach(([, params], s) => {
    if (s > 0 && !inSweep) return;
    const { q } = runMeanField(image, unary, { method: 'fast', normalize, ...params });
    const labels = tf.tidy(() => tf.argMax(q, -1).dataSync());
    if (s === 0) confusionMatrix(labels, truth, L, crfConf);
    if (inSweep) confusionMatrix(labels, truth, L, sweepConf[s]);
    q.dispose();
  });
  tf.dispose([image, logits, unary]);
  console.error(
    `scene ${k + 1}/${scenes.length} (${((Date.now() - started) / 1000).toFixed(0)} s)`,
  );
}
disposeFcnWeights(weights);

const base = segmentationScores(fcnConf);
const crf = segmentationScores(crfConf);
const pct = (x: number | null) => (x === null ? '  -  ' : (100 * x).toFixed(1).padStart(5));
const points = (a: number, b: number) => {
  const d = 100 * (a - b);
  return `${d >= 0 ? '+' : ''}${d.toFixed(2)} points`;
};
const mode = normalize ? 'normalised messages' : 'unnormalised messages';
console.log(
  `${scenes.length} held-out scenes from ${SCENES}; CRF fast path, ${mode}, ${DEFAULT_CRF_PARAMS.iterations} iterations`,
);
console.log(`FCN-8s            mean IU ${pct(base.meanIU)}  pixel acc ${pct(base.pixelAccuracy)}`);
console.log(
  `FCN-8s + CRF      mean IU ${pct(crf.meanIU)}  pixel acc ${pct(crf.pixelAccuracy)}  (${points(crf.meanIU, base.meanIU)})`,
);
console.log('\nper-class IU (%): class, 8s, 8s+crf, change');
base.perClassIU.forEach((iu, c) => {
  const after = crf.perClassIU[c] ?? null;
  const d = iu === null || after === null ? '' : (100 * (after - iu)).toFixed(1);
  console.log(`  ${String(c).padStart(2)} ${pct(iu)} ${pct(after)} ${d}`);
});
const sweep = settings.length > 1 ? sweepConf.map((c) => segmentationScores(c)) : [];
const sweepBase = sweep.length ? segmentationScores(fcnSweepConf) : base;
if (sweep.length) {
  console.log(
    `\nsweep on the first ${sweepScenes} scenes: FCN-8s alone mean IU ${pct(sweepBase.meanIU)}`,
  );
  settings.forEach(([name], s) => {
    const r = sweep[s];
    if (!r) return;
    console.log(
      `  ${name.padEnd(16)} mean IU ${pct(r.meanIU)}  pixel acc ${pct(r.pixelAccuracy)}  (${points(r.meanIU, sweepBase.meanIU)})`,
    );
  });
}

const sweepRecord = sweep.length
  ? {
      scenes: sweepScenes,
      fcn8sMeanIU: sweepBase.meanIU,
      settings: settings.map(([name, params], k) => ({
        name,
        ...params,
        meanIU: sweep[k]?.meanIU,
        pixelAccuracy: sweep[k]?.pixelAccuracy,
      })),
      producedBy: `npm run eval:crf -- ${process.argv.slice(2).join(' ')}`,
    }
  : undefined;

if (flag('--write')) {
  const report = JSON.parse(readFileSync(EVAL, 'utf8')) as {
    rows: Record<string, unknown>[];
    dataset: { scenes: number };
    crfSweep?: unknown;
  };
  if (sweepOnly) {
    // Only the sweep, as the report's crfSweep (the rows are scored by other runs).
    if (!sweepRecord) throw new Error('--sweep-only needs --sweep');
    report.crfSweep = {
      crf: { method: 'fast (permutohedral lattice)', normalize, ...DEFAULT_CRF_PARAMS },
      ...sweepRecord,
    };
  } else {
    const sameAsOthers =
      scenes.length === report.dataset.scenes && SCENES !== 'public/images/scenes';
    const span = from > 0 ? `scenes ${from + 1}-${from + scenes.length} of ` : '';
    const row = {
      variant,
      ...(rowLabel ? { label: rowLabel } : {}),
      weights: 'float16 (shipped)',
      crf: {
        method: 'fast (permutohedral lattice)',
        normalize,
        ...DEFAULT_CRF_PARAMS,
        ...overrides,
      },
      ...(sameAsOthers
        ? {}
        : {
            scenes: `${scenes.length} held-out scenes (${span}${SCENES === 'public/images/scenes' ? 'the committed ones' : `the ${report.dataset.scenes}`}), not the ${report.dataset.scenes} of the other rows`,
            baseline8sOnSameScenes: {
              meanIU: base.meanIU,
              pixelAccuracy: base.pixelAccuracy,
              perClassIU: base.perClassIU,
            },
          }),
      ...crf,
      confusion: crfConf,
      ...(sweepRecord ? { sweep: sweepRecord } : {}),
      producedBy: `npm run eval:crf -- ${process.argv.slice(2).join(' ')} (scripts/eval-crf.ts)`,
    };
    report.rows = [...report.rows.filter((r) => r.variant !== variant), row];
  }
  writeFileSync(EVAL, JSON.stringify(report, null, 1) + '\n');
  console.log(`\nwrote ${sweepOnly ? 'crfSweep' : `the ${variant} row`} to ${EVAL}`);
}
