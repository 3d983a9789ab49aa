/**
 * `npm run eval:crf -- [--dir DIR] [--from K] [--scenes N] [--params JSON] [--unnormalized]
 * [--grid] [--write [--variant NAME] [--label TEXT]]`: FCN-8s vs FCN-8s + dense CRF (the
 * typed-array fast path, as the page runs it on a CPU) on scenes, scored with the project's
 * metrics (FCN score.py definitions).
 *
 * Scenes come from public/images/scenes (the 24 the pages use) or from DIR, written by
 * `npm run eval -- --dump DIR --scenes 500` (the 500 held-out test scenes of the other rows) or
 * `npm run eval -- --dump DIR --scenes 100 --split validation` (validation scenes, for tuning);
 * --from K skips the first K, --scenes N stops at scene N. FCN-8s's logits for a DIR are cached
 * in DIR/fcn8s-logits.f32. As on the page, the CRF carries the labels among some pixel's two
 * best (`candidateLabels`). It runs with the page's default (tuned) setting, or with the
 * --params overrides (e.g. '{"thetaBeta":5}'); --unnormalized uses the paper's raw message sums
 * instead of densecrf's per-pixel normalisation.
 *
 * --grid also scores every setting of a joint grid over w1, thetaAlpha and thetaBeta (meant for
 * the validation scenes) and prints them best first.
 *
 * --write adds the row NAME (default "8s+crf") to public/weights/eval.json (with FCN-8s on the
 * same scenes when they are not the report's 500); with --grid it writes the grid instead, as
 * the report's crfValidationSweep.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { PNG } from 'pngjs';
import { fcnForward, disposeFcnResult } from '../src/lib/fcn/fcn';
import { loadFcnWeights, disposeFcnWeights } from '../src/lib/fcn/weights';
import { confusionMatrix, segmentationScores, type ConfusionMatrix } from '../src/lib/fcn/metrics';
import {
  CpuMeanField,
  prepareCpuKernels,
  resolveCrfParams,
  TUNED_CRF_PARAMS,
  type CpuCrfKernels,
  type CrfParams,
} from '../src/lib/crf/index';
import { fileFetch } from './lib/file-fetch';

const { values: opts } = parseArgs({
  options: {
    dir: { type: 'string', default: 'public/images/scenes' },
    from: { type: 'string', default: '0' },
    scenes: { type: 'string' },
    params: { type: 'string', default: '{}' },
    unnormalized: { type: 'boolean', default: false },
    grid: { type: 'boolean', default: false },
    write: { type: 'boolean', default: false },
    variant: { type: 'string', default: '8s+crf' },
    label: { type: 'string' },
  },
});
const SCENES = opts.dir;
const EVAL = 'public/weights/eval.json';
const from = Number(opts.from);
const limit = opts.scenes === undefined ? undefined : Number(opts.scenes);
if (!Number.isInteger(from) || from < 0) throw new Error(`invalid --from: ${opts.from}`);
if (limit !== undefined && !(Number.isInteger(limit) && limit > from)) {
  throw new Error(`invalid --scenes: ${opts.scenes} (expected an integer > --from)`);
}
const normalize = !opts.unnormalized;
const overrides = JSON.parse(opts.params) as Partial<CrfParams>;
const scored = resolveCrfParams({ ...TUNED_CRF_PARAMS, ...overrides });

/** The joint grid of --grid: w1 x thetaAlpha x thetaBeta (w2, thetaGamma, iterations fixed). */
const GRID = {
  w1: [3, 10],
  thetaAlpha: [10, 30, 60],
  thetaBeta: [5, 20],
};
const settings: CrfParams[] = [scored];
if (opts.grid) {
  for (const thetaAlpha of GRID.thetaAlpha) {
    for (const thetaBeta of GRID.thetaBeta) {
      for (const w1 of GRID.w1) settings.push({ ...scored, w1, thetaAlpha, thetaBeta });
    }
  }
}
const nameOf = (p: CrfParams) => `w1=${p.w1} thetaAlpha=${p.thetaAlpha} thetaBeta=${p.thetaBeta}`;

/** PNG as RGBA bytes. */
const png = (path: string) => PNG.sync.read(readFileSync(path));

await tf.setBackend('cpu');
const index = JSON.parse(readFileSync(`${SCENES}/index.json`, 'utf8')) as {
  numClasses: number;
  scenes: { id: string; image: string; label: string }[];
};
const all = index.scenes;
const scenes = all.slice(from, limit);
const L = index.numClasses;

/** FCN-8s logits of every scene in the folder, `[scenes][H * W * L]`, cached for a DIR. */
async function fcnLogits(): Promise<Float32Array[]> {
  const cache = `${SCENES}/fcn8s-logits.f32`;
  const side = png(`${SCENES}/${all[0]?.image}`).width;
  const per = side * side * L;
  if (SCENES !== 'public/images/scenes' && existsSync(cache)) {
    const buf = readFileSync(cache);
    const flat = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
    if (flat.length === per * all.length) {
      return all.map((_, k) => flat.subarray(k * per, (k + 1) * per));
    }
  }
  const weights = await loadFcnWeights('public/weights/model.json', { fetch: fileFetch });
  const out = all.map((scene, k) => {
    const img = png(`${SCENES}/${scene.image}`);
    const logits = tf.tidy(() => {
      const rgba = tf.tensor3d(Uint8Array.from(img.data), [img.height, img.width, 4], 'int32');
      const image = tf.div(tf.cast(tf.slice(rgba, [0, 0, 0], [-1, -1, 3]), 'float32'), 255);
      const result = fcnForward(weights, tf.expandDims(image, 0));
      const l = tf.clone(result.logits);
      disposeFcnResult(result);
      return l;
    });
    const data = logits.dataSync() as Float32Array;
    logits.dispose();
    if (k % 50 === 0) console.error(`FCN-8s on scene ${k + 1}/${all.length}`);
    return Float32Array.from(data);
  });
  disposeFcnWeights(weights);
  if (SCENES !== 'public/images/scenes') {
    const flat = new Float32Array(per * all.length);
    out.forEach((l, k) => flat.set(l, k * per));
    writeFileSync(cache, new Uint8Array(flat.buffer));
  }
  return out;
}

/**
 * The labels among some pixel's two best scores (as `candidateLabels` on the page), and the
 * unary -log softmax over those labels only, `[N * K]`.
 */
function candidateUnary(
  logits: Float32Array,
  n: number,
): { classes: number[]; unary: Float32Array } {
  const keep = new Set<number>();
  for (let i = 0; i < n; i++) {
    let [a, b] = [-1, -1];
    for (let l = 0; l < L; l++) {
      const v = logits[i * L + l] ?? -Infinity;
      if (a < 0 || v > (logits[i * L + a] ?? -Infinity)) [a, b] = [l, a];
      else if (b < 0 || v > (logits[i * L + b] ?? -Infinity)) b = l;
    }
    keep.add(a);
    keep.add(b);
  }
  const classes = [...keep].sort((x, y) => x - y);
  const k = classes.length;
  const unary = new Float32Array(n * k);
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (const c of classes) max = Math.max(max, logits[i * L + c] ?? -Infinity);
    let z = 0;
    for (const c of classes) z += Math.exp((logits[i * L + c] ?? 0) - max);
    const lse = max + Math.log(z);
    classes.forEach((c, j) => (unary[i * k + j] = lse - (logits[i * L + c] ?? 0)));
  }
  return { classes, unary };
}

const square = (): ConfusionMatrix => Array.from({ length: L }, () => new Array<number>(L).fill(0));
const logitsOf = await fcnLogits();
const fcnConf = square();
const conf = settings.map(square);
const started = Date.now();
for (const [k, scene] of scenes.entries()) {
  const img = png(`${SCENES}/${scene.image}`);
  const lab = png(`${SCENES}/${scene.label}`);
  const n = img.width * img.height;
  const truth = Int32Array.from({ length: n }, (_, i) => lab.data[4 * i] ?? 0);
  const rgb = Float32Array.from(
    { length: n * 3 },
    (_, t) => (img.data[4 * Math.floor(t / 3) + (t % 3)] ?? 0) / 255,
  );
  const logits = logitsOf[from + k] ?? new Float32Array();
  const fcnLabels = Int32Array.from({ length: n }, (_, i) => {
    let best = 0;
    for (let l = 1; l < L; l++)
      if ((logits[i * L + l] ?? 0) > (logits[i * L + best] ?? 0)) best = l;
    return best;
  });
  confusionMatrix(fcnLabels, truth, L, fcnConf);
  const { classes, unary } = candidateUnary(logits, n);
  // Kernels depend on the thetas only: build once per (thetaAlpha, thetaBeta) for all w1.
  const kernels = new Map<string, CpuCrfKernels>();
  settings.forEach((p, s) => {
    const key = `${p.thetaAlpha} ${p.thetaBeta} ${p.thetaGamma}`;
    let kern = kernels.get(key);
    if (!kern) {
      kern = prepareCpuKernels(rgb, img.height, img.width, p, normalize);
      kernels.set(key, kern);
    }
    const run = new CpuMeanField(kern, unary, classes.length, p);
    run.goTo(p.iterations);
    const labels = run.labels().map((c) => classes[c] ?? 0);
    confusionMatrix(labels, truth, L, conf[s] ?? square());
  });
  if ((k + 1) % 5 === 0 || k + 1 === scenes.length) {
    console.error(
      `scene ${k + 1}/${scenes.length} (${((Date.now() - started) / 1000).toFixed(0)} s)`,
    );
  }
}

const base = segmentationScores(fcnConf);
const results = conf.map((c) => segmentationScores(c));
const crf = results[0] ?? base;
const pct = (x: number | null) => (x === null ? '  -  ' : (100 * x).toFixed(1).padStart(5));
const points = (a: number, b: number) => {
  const d = 100 * (a - b);
  return `${d >= 0 ? '+' : ''}${d.toFixed(2)} points`;
};
const mode = normalize ? 'normalised messages' : 'unnormalised messages';
console.log(
  `${scenes.length} scenes from ${SCENES} (${from + 1}-${from + scenes.length}); CRF typed-array fast path, ${mode}`,
);
console.log(`FCN-8s            mean IU ${pct(base.meanIU)}  pixel acc ${pct(base.pixelAccuracy)}`);
console.log(
  `FCN-8s + CRF      mean IU ${pct(crf.meanIU)}  pixel acc ${pct(crf.pixelAccuracy)}  (${points(crf.meanIU, base.meanIU)})  ${JSON.stringify(scored)}`,
);
const ranked = settings
  .map((p, s) => ({ p, r: results[s] ?? base }))
  .slice(1)
  .sort((a, b) => b.r.meanIU - a.r.meanIU);
if (opts.grid) {
  console.log(`\ngrid, best first (FCN-8s alone: mean IU ${pct(base.meanIU)})`);
  for (const { p, r } of ranked) {
    console.log(
      `  ${nameOf(p).padEnd(36)} mean IU ${pct(r.meanIU)}  (${points(r.meanIU, base.meanIU)})`,
    );
  }
}

const command = `npm run eval:crf -- ${process.argv.slice(2).join(' ')}`;
if (opts.write) {
  const report = JSON.parse(readFileSync(EVAL, 'utf8')) as {
    rows: Record<string, unknown>[];
    dataset: { scenes: number };
    crfSweep?: unknown;
    crfValidationSweep?: unknown;
  };
  if (opts.grid) {
    delete report.crfSweep;
    report.crfValidationSweep = {
      scenes: `${scenes.length} validation scenes, not among the ${report.dataset.scenes} test scenes`,
      fcn8sMeanIU: base.meanIU,
      fixed: {
        w2: scored.w2,
        thetaGamma: scored.thetaGamma,
        iterations: scored.iterations,
        normalize,
      },
      grid: GRID,
      settings: ranked.map(({ p, r }) => ({
        w1: p.w1,
        thetaAlpha: p.thetaAlpha,
        thetaBeta: p.thetaBeta,
        meanIU: r.meanIU,
        pixelAccuracy: r.pixelAccuracy,
      })),
      producedBy: `${command} (scripts/eval-crf.ts)`,
    };
  } else {
    const sameAsOthers =
      scenes.length === report.dataset.scenes && SCENES !== 'public/images/scenes';
    const row = {
      variant: opts.variant,
      ...(opts.label ? { label: opts.label } : {}),
      weights: 'float16 (shipped)',
      crf: {
        method: 'fast (permutohedral lattice, typed arrays), candidate labels',
        normalize,
        ...scored,
      },
      ...(sameAsOthers
        ? {}
        : {
            scenes: `${scenes.length} scenes (${SCENES}, ${from + 1}-${from + scenes.length}), not the ${report.dataset.scenes} of the other rows`,
            baseline8sOnSameScenes: {
              meanIU: base.meanIU,
              pixelAccuracy: base.pixelAccuracy,
              perClassIU: base.perClassIU,
            },
          }),
      ...crf,
      confusion: conf[0],
      producedBy: `${command} (scripts/eval-crf.ts)`,
    };
    report.rows = [...report.rows.filter((r) => r.variant !== opts.variant), row];
  }
  writeFileSync(EVAL, JSON.stringify(report, null, 1) + '\n');
  console.log(`\nwrote ${opts.grid ? 'crfValidationSweep' : `the ${opts.variant} row`} to ${EVAL}`);
}
