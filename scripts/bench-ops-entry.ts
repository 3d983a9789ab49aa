/**
 * Browser side of `npm run bench:ops` (bundled by scripts/bench-ops.mjs): times each op of the
 * numerics core on a 256x256x3 image on the WebGL and CPU backends, counts the kernels one call
 * launches, and checks that both backends give the same numbers. Exposes `window.runOpsBench`.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import {
  avgPool,
  bilinearUpsample,
  logMagnitudeSpectrum2d,
  magnitudeSpectrum,
  maxPoolWithSwitches,
  maxUnpool,
  nearestUpsample,
  transposedConv2d,
  transposedConvByZeroInsertion,
  zeroInsert,
} from '../src/lib';
import { switchesByOrdinaryOps } from '../src/lib/pooling/pooling';
import { imageToTensor, loadImage } from '../src/lib/browser/image';

interface OpResult {
  op: string;
  backend: string;
  calls: number;
  medianMs: number;
  p95Ms: number;
  kernels: number;
  outputs: Float32Array[];
}

/** Inputs shared by every op, created on the active backend from the same numbers. */
interface Inputs {
  x: tf.Tensor3D;
  x4: tf.Tensor4D;
  kernel: tf.Tensor4D;
  scanline: tf.Tensor1D;
  pooled: tf.Tensor3D;
  switches: tf.Tensor3D;
  pooled3: tf.Tensor3D;
  switches3: tf.Tensor3D;
}

const OPS: [string, (i: Inputs) => tf.Tensor | tf.Tensor[], string[]?][] = [
  [
    'maxPoolWithSwitches 2x2',
    (i) => {
      const { pooled, switches } = maxPoolWithSwitches(i.x, { size: 2 });
      return [pooled, switches];
    },
  ],
  ['switches by ordinary ops 2x2', (i) => switchesByOrdinaryOps(i.x4, 2, 2)],
  [
    'maxUnpool 2x2 (window given: dense)',
    (i) => maxUnpool(i.pooled, i.switches, i.x.shape, { size: 2 }),
  ],
  [
    'maxUnpool 3x3 s2 (window given: per offset)',
    (i) => maxUnpool(i.pooled3, i.switches3, i.x.shape, { size: 3, stride: 2 }),
  ],
  // tfjs's WebGL scatter loops over all switches per output value: minutes here, so CPU only.
  [
    'maxUnpool 2x2 (no window: scatter)',
    (i) => maxUnpool(i.pooled, i.switches, i.x.shape),
    ['cpu'],
  ],
  ['avgPool 2x2', (i) => avgPool(i.x, { size: 2 })],
  ['nearestUpsample x2', (i) => nearestUpsample(i.x, 2)],
  ['zeroInsert x2', (i) => zeroInsert(i.x, 2)],
  ['magnitudeSpectrum (256 scanline)', (i) => magnitudeSpectrum(i.scanline)],
  ['logMagnitudeSpectrum2d', (i) => logMagnitudeSpectrum2d(i.x)],
  ['transposedConv2d k4 s2 p1', (i) => transposedConv2d(i.x, i.kernel, { stride: 2, padding: 1 })],
  [
    'transposedConvByZeroInsertion k4 s2 p1',
    (i) => transposedConvByZeroInsertion(i.x, i.kernel, { stride: 2, padding: 1 }),
  ],
  ['bilinearUpsample x2', (i) => bilinearUpsample(i.x, 2)],
  ['tf.image.resizeBilinear x2 (reference)', (i) => tf.image.resizeBilinear(i.x, [512, 512])],
];

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
}

async function readAll(out: tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  const list = Array.isArray(out) ? out : [out];
  return Promise.all(list.map(async (t) => Float32Array.from(await t.data())));
}

function makeInputs(pixels: Float32Array, kernelValues: Float32Array): Inputs {
  const x = tf.tensor3d(pixels, [256, 256, 3]);
  const { pooled, switches } = maxPoolWithSwitches(x, { size: 2 });
  const overlapping = maxPoolWithSwitches(x, { size: 3, stride: 2 });
  return {
    x,
    x4: tf.expandDims(x, 0),
    kernel: tf.tensor4d(kernelValues, [4, 4, 3, 3]),
    scanline: tf.tidy(() => tf.reshape(tf.slice(tf.mean(x, 2), [128, 0], [1, 256]), [256])),
    pooled,
    switches,
    pooled3: overlapping.pooled,
    switches3: overlapping.switches,
  };
}

async function benchBackend(
  backend: string,
  pixels: Float32Array,
  kernelValues: Float32Array,
  budgetMs: number,
): Promise<{ results: OpResult[]; badSwitches: number }> {
  if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} unavailable`);
  await tf.ready();
  const inputs = makeInputs(pixels, kernelValues);
  const results: OpResult[] = [];
  for (const [op, fn, only] of OPS) {
    if (only && !only.includes(backend)) continue;
    // Warm-up: WebGL compiles shaders lazily on the first call.
    for (let w = 0; w < 3; w++) {
      const out = fn(inputs);
      await readAll(out);
      tf.dispose(out);
    }
    const times: number[] = [];
    const start = performance.now();
    while (times.length < 5 || (times.length < 50 && performance.now() - start < budgetMs)) {
      const t0 = performance.now();
      const out = fn(inputs);
      await readAll(out); // includes GPU completion and the download
      times.push(performance.now() - t0);
      tf.dispose(out);
    }
    const profile = await tf.profile(() => fn(inputs));
    tf.dispose(profile.result);
    const out = fn(inputs);
    const outputs = await readAll(out);
    tf.dispose(out);
    times.sort((a, b) => a - b);
    console.log(`${backend} ${op}: median ${percentile(times, 0.5).toFixed(2)} ms`);
    results.push({
      op,
      backend,
      calls: times.length,
      medianMs: percentile(times, 0.5),
      p95Ms: percentile(times, 0.95),
      kernels: profile.kernels.length,
      outputs,
    });
  }
  const badSwitches = await invalidSwitches(inputs.x);
  tf.dispose(Object.values(inputs));
  return { results, badSwitches };
}

/** Per output of one op: largest |a - b| and how many elements differ at all. */
function compareOutputs(a: Float32Array[], b: Float32Array[]) {
  return a.map((values, k) => {
    const other = b[k] ?? new Float32Array();
    let maxAbsDiff = 0;
    let differing = 0;
    values.forEach((v, i) => {
      const d = Math.abs(v - (other[i] ?? NaN));
      if (!(d === 0)) differing++;
      maxAbsDiff = Math.max(maxAbsDiff, Number.isNaN(d) ? Infinity : d);
    });
    return { maxAbsDiff, differing, size: values.length };
  });
}

/** Switches that do not point at an input value equal to their window's maximum. */
async function invalidSwitches(x: tf.Tensor3D): Promise<number> {
  const { pooled, switches } = maxPoolWithSwitches(x, { size: 2 });
  const bad = tf.tidy(() =>
    tf.sum(
      tf.cast(
        tf.notEqual(
          tf.gather(tf.reshape(x, [-1]), tf.reshape(switches, [-1])),
          tf.reshape(pooled, [-1]),
        ),
        'int32',
      ),
    ),
  );
  const count = (await bad.data())[0] ?? NaN;
  tf.dispose([pooled, switches, bad]);
  return count;
}

async function runOpsBench(photoUrl: string | null, budgetMs: number) {
  await tf.setBackend('cpu');
  let pixels: Float32Array;
  let source: string;
  if (photoUrl) {
    const image = imageToTensor(await loadImage(photoUrl), 256);
    pixels = Float32Array.from(await image.data());
    image.dispose();
    source = photoUrl;
  } else {
    let s = 12345;
    pixels = Float32Array.from(
      { length: 256 * 256 * 3 },
      () => (s = (s * 16807) % 2147483647) / 2147483647,
    );
    source = 'seeded random image (Park-Miller, seed 12345)';
  }
  let s = 777;
  const kernelValues = Float32Array.from(
    { length: 4 * 4 * 3 * 3 },
    () => (s = (s * 16807) % 2147483647) / 2147483647 - 0.5,
  );
  const webgl = await benchBackend('webgl', pixels, kernelValues, budgetMs);
  const glInfo = (() => {
    const gl = document.createElement('canvas').getContext('webgl2');
    const ext = gl?.getExtension('WEBGL_debug_renderer_info');
    return ext && gl ? String(gl.getParameter(ext.UNMASKED_RENDERER_WEBGL)) : 'unknown';
  })();
  const cpu = await benchBackend('cpu', pixels, kernelValues, budgetMs);
  const rows = [...webgl.results, ...cpu.results].map(({ outputs: _o, ...rest }) => rest);
  const agreement = webgl.results.map((r) => ({
    op: r.op,
    outputs: compareOutputs(r.outputs, cpu.results.find((c) => c.op === r.op)?.outputs ?? []),
  }));
  const switchesNotAtMaximum = { webgl: webgl.badSwitches, cpu: cpu.badSwitches };
  return { source, renderer: glInfo, tfjs: tf.version_core, rows, agreement, switchesNotAtMaximum };
}

declare global {
  interface Window {
    runOpsBench: typeof runOpsBench;
  }
}
window.runOpsBench = runOpsBench;
