/**
 * Node side of `npm run bench:crf`: ms per 10 mean-field iterations of the typed-array path
 * (mean-field-cpu.ts) and the tfjs path (mean-field.ts, tfjs CPU backend) at 64², 128² and 256²
 * on public/images/photos/chelsea.jpg with a noisy stand-in unary, and each path's label
 * agreement with the exact path at 64². Prints wall-clock ms and this process's CPU ms (the
 * figure to trust on a shared, loaded machine). A benchmark: it asserts nothing.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import jpeg from 'jpeg-js';
import {
  CpuMeanField,
  prepareCpuKernels,
  REFERENCE_CRF_PARAMS,
  runMeanField,
  TUNED_CRF_PARAMS,
  type CrfParams,
} from '../src/lib/crf/index';

const TFJS_BUDGET_MS = Number(process.env.BENCH_TFJS_BUDGET_MS ?? 60_000);

await tf.setBackend('cpu');
const raw = jpeg.decode(readFileSync('public/images/photos/chelsea.jpg'), { useTArray: true });

function photo(size: number): tf.Tensor3D {
  return tf.tidy(() => {
    const rgba = tf.tensor3d(raw.data, [raw.height, raw.width, 4], 'int32');
    const rgb = tf.cast(tf.slice(rgba, [0, 0, 0], [-1, -1, 3]), 'float32');
    return tf.div<tf.Tensor3D>(tf.image.resizeBilinear(rgb, [size, size]), 255);
  });
}

/** Luminance bands as 4 of `labels` classes plus logit noise. */
function noisyUnary(image: tf.Tensor3D, labels: number): tf.Tensor3D {
  const [h, w] = image.shape;
  return tf.tidy(() => {
    const bands = tf.cast(tf.minimum(tf.floor(tf.mul(tf.mean(image, -1), 4)), 3), 'int32');
    const logits = tf.add<tf.Tensor3D>(
      tf.mul(tf.oneHot(bands, labels), 2),
      tf.randomNormal([h, w, labels], 0, 1.5, 'float32', 5),
    );
    return tf.neg(tf.logSoftmax(logits, -1));
  });
}

const clock = () => ({ wall: performance.now(), cpu: process.cpuUsage().user / 1000 });
const since = (t: ReturnType<typeof clock>) => {
  const now = clock();
  return { wall: now.wall - t.wall, cpu: now.cpu - t.cpu };
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

interface Row {
  path: string;
  size: number;
  labels: number;
  params: string;
  prepareMs: number;
  iterateWallMs: number;
  iterateCpuMs: number;
  runs: number;
}
const rows: Row[] = [];
const labelsOf: Record<string, Int32Array> = {};

function argmax(q: ArrayLike<number>, c: number): Int32Array {
  const out = new Int32Array(q.length / c);
  for (let i = 0; i < out.length; i++) {
    let best = 0;
    for (let l = 1; l < c; l++) if ((q[i * c + l] ?? 0) > (q[i * c + best] ?? 0)) best = l;
    out[i] = best;
  }
  return out;
}

function typedArray(
  size: number,
  labels: number,
  params: CrfParams,
  name: string,
  method: 'fast' | 'exact' = 'fast',
) {
  const image = photo(size);
  const unary = noisyUnary(image, labels);
  const [rgb, u] = [image.dataSync(), unary.dataSync()];
  tf.dispose([image, unary]);
  const prep: number[] = [];
  const wall: number[] = [];
  const cpu: number[] = [];
  let run: CpuMeanField | undefined;
  for (let r = 0; r < (method === 'exact' ? 1 : 5); r++) {
    const t0 = clock();
    const kernels = prepareCpuKernels(rgb, size, size, params, true, method);
    run = new CpuMeanField(kernels, u, labels, params);
    prep.push(since(t0).wall);
    const t1 = clock();
    run.goTo(10);
    const d = since(t1);
    wall.push(d.wall);
    cpu.push(d.cpu);
  }
  if (run)
    labelsOf[`${method === 'exact' ? 'exact' : 'typed-array'} ${size} ${labels} ${name}`] =
      run.labels();
  rows.push({
    path: method === 'exact' ? 'typed-array exact' : 'typed-array',
    size,
    labels,
    params: name,
    prepareMs: median(prep),
    iterateWallMs: median(wall),
    iterateCpuMs: median(cpu),
    runs: wall.length,
  });
}

function tfjs(size: number, labels: number, params: CrfParams, name: string) {
  const image = photo(size);
  const unary = noisyUnary(image, labels);
  const t0 = clock();
  // runMeanField prepares and runs; time the two together, then a prepare alone.
  const { q } = runMeanField(image, unary, { ...params, method: 'fast' });
  const total = since(t0);
  const labelsArr = argmax(q.dataSync(), labels);
  q.dispose();
  const t1 = clock();
  const probe = runMeanField(image, unary, { ...params, iterations: 0, method: 'fast' });
  const prep = since(t1);
  probe.q.dispose();
  labelsOf[`tfjs ${size} ${labels} ${name}`] = labelsArr;
  rows.push({
    path: 'tfjs (CPU backend)',
    size,
    labels,
    params: name,
    prepareMs: prep.wall,
    iterateWallMs: total.wall - prep.wall,
    iterateCpuMs: total.cpu - prep.cpu,
    runs: 1,
  });
  tf.dispose([image, unary]);
  return total.wall;
}

const settings: [string, CrfParams][] = [
  ['tuned', TUNED_CRF_PARAMS],
  ['reference', REFERENCE_CRF_PARAMS],
];
for (const [name, params] of settings) {
  for (const size of [64, 128, 256]) typedArray(size, 11, params, name);
  typedArray(256, 4, params, name);
  typedArray(64, 11, params, name, 'exact');
}
let spent = 0;
for (const size of [64, 128, 256]) {
  if (spent > TFJS_BUDGET_MS) break;
  spent += tfjs(size, 11, TUNED_CRF_PARAMS, 'tuned');
}

console.log(
  `chelsea.jpg, noisy unary, 10 iterations; ms: prepare (lattice, kernels), iterate (10 its)`,
);
console.log(
  '| path | size | labels | params | prepare ms | 10 its wall ms | 10 its CPU ms | runs |',
);
console.log('|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(
    `| ${r.path} | ${r.size}² | ${r.labels} | ${r.params} | ${r.prepareMs.toFixed(0)} | ${r.iterateWallMs.toFixed(0)} | ${r.iterateCpuMs.toFixed(0)} | ${r.runs} |`,
  );
}
const agree = (a?: Int32Array, b?: Int32Array) =>
  a && b ? ((100 * a.filter((v, i) => v === b[i]).length) / a.length).toFixed(2) + '%' : 'n/a';
for (const [name] of settings) {
  console.log(
    `label agreement with exact at 64², 11 labels, ${name}: typed-array ${agree(labelsOf[`typed-array 64 11 ${name}`], labelsOf[`exact 64 11 ${name}`])}` +
      (name === 'tuned'
        ? `, tfjs ${agree(labelsOf[`tfjs 64 11 ${name}`], labelsOf[`exact 64 11 ${name}`])}`
        : ''),
  );
}
