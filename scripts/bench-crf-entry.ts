/**
 * Browser side of `npm run bench:crf` (bundled by scripts/bench-crf.mjs): times dense-CRF mean
 * field (10 iterations, the pages' tuned setting) on a photo with a noisy stand-in unary: the
 * tfjs path (exact at 64x64, the permutohedral 'lattice' at 64, 128 and 256, the bilateral
 * 'grid' at 64) on each requested backend (WebGL, WASM, CPU), and the typed-array path
 * ('typed-array', mean-field-cpu.ts; it does not use the backend) at 64, 128 and 256 with 11
 * labels and at 256 with 4. Exposes `window.runCrfBench`.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import {
  CpuMeanField,
  prepareCpuKernels,
  TUNED_CRF_PARAMS,
  disposeMeanFieldState,
  initialMeanFieldState,
  meanFieldStep,
  prepareMeanField,
  type MeanFieldOptions,
} from '../src/lib/crf/index';
import { imageToTensor, loadImage } from '../src/lib/browser/image';

const LABELS = 11;
/** The pages' default setting, used by every row. */
const PARAMS = TUNED_CRF_PARAMS;

/** What a row times: the exact path, or the fast path with one of its two filters. */
type Variant = 'exact' | 'lattice' | 'grid' | 'typed-array';
const OPTIONS: Record<Variant, MeanFieldOptions> = {
  exact: { method: 'exact' },
  lattice: { method: 'fast', fastFilter: 'permutohedral' },
  grid: { method: 'fast', fastFilter: 'grid' },
  'typed-array': { method: 'fast' },
};

interface Row {
  backend: string;
  size: number;
  method: Variant;
  labelCount: number;
  runs: number;
  cold: boolean;
  prepareMs: number;
  iterateMs: number;
  medianMs: number;
  gridVertices: number;
  labels: Int32Array;
}

/** Luminance bands as 4 of `labels` classes plus logit noise. */
function noisyUnary(image: tf.Tensor3D, labels = LABELS): tf.Tensor3D {
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

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/** One full inference: prepare + initial state + 10 steps (each step reads energy and changes). */
function once(image: tf.Tensor3D, unary: tf.Tensor3D, method: Variant) {
  if (method === 'typed-array') {
    const [h, w] = image.shape;
    const params = PARAMS;
    const labelCount = unary.shape[2];
    const [rgb, u] = [image.dataSync(), unary.dataSync()];
    const t0 = performance.now();
    const kernels = prepareCpuKernels(rgb, h, w, params);
    const run = new CpuMeanField(kernels, u, labelCount, params);
    const t1 = performance.now();
    run.goTo(params.iterations);
    const labels = run.labels();
    return { prepareMs: t1 - t0, iterateMs: performance.now() - t1, labels };
  }
  const t0 = performance.now();
  const problem = prepareMeanField(image, unary, { ...PARAMS, ...OPTIONS[method] });
  const t1 = performance.now();
  let state = initialMeanFieldState(problem);
  for (let t = 0; t < problem.params.iterations; t++) {
    const next = meanFieldStep(state);
    disposeMeanFieldState(state);
    state = next;
  }
  const labels = tf.tidy(() => tf.argMax(state.q, -1).dataSync()) as Int32Array;
  const t2 = performance.now();
  disposeMeanFieldState(state);
  problem.dispose();
  return { prepareMs: t1 - t0, iterateMs: t2 - t1, labels };
}

/**
 * @param backends tfjs backends to time the tfjs path on ('webgl', 'wasm', 'cpu'); the
 *   typed-array path does not use the backend and is timed once (backend 'none').
 */
async function runCrfBench(photoUrl: string, budgetMs: number, backends: string[]) {
  const img = await loadImage(photoUrl);
  const rows: Row[] = [];
  setWasmPaths('./');
  const tfjsConfigs: [number, Variant][] = [
    [64, 'exact'],
    [64, 'lattice'],
    [64, 'grid'],
    [128, 'lattice'],
    [256, 'lattice'],
  ];
  const typedConfigs: [number, Variant, number][] = [
    [64, 'typed-array', LABELS],
    [128, 'typed-array', LABELS],
    [256, 'typed-array', LABELS],
    [256, 'typed-array', 4],
    [64, 'exact', LABELS],
  ];
  const plan: [string, number, Variant, number][] = [
    ...backends.flatMap((b) =>
      tfjsConfigs
        // The plain-JS backend takes tens of seconds per run beyond 64x64.
        .filter(([size]) => b !== 'cpu' || size <= 128)
        .map(([size, method]) => [b, size, method, LABELS] as [string, number, Variant, number]),
    ),
    // The typed-array rows, and the exact reference for their agreement, on the CPU backend
    // (the typed-array path reads and makes no tensors while it runs).
    ...typedConfigs.map(
      ([size, method, labels]) =>
        [method === 'exact' ? 'cpu' : 'none', size, method, labels] as [
          string,
          number,
          Variant,
          number,
        ],
    ),
  ];
  for (const [backend, size, method, labels] of plan) {
    // A row already timed (the exact reference on the CPU backend) is not repeated.
    const done = (r: Row) =>
      r.backend === backend && r.size === size && r.method === method && r.labelCount === labels;
    if (rows.some(done)) continue;
    await tf.setBackend(backend === 'none' ? 'cpu' : backend);
    await tf.ready();
    const image = imageToTensor(img, size);
    const unary = noisyUnary(image, labels);
    // The first run compiles shaders; it is the only one where it alone exceeds the budget
    // (reported as cold), else it is a warm-up and the timed runs follow.
    const warm = once(image, unary, method);
    // (The typed-array path compiles nothing: always timed after its warm-up.)
    const cold = method !== 'typed-array' && warm.prepareMs + warm.iterateMs > budgetMs;
    const runs: ReturnType<typeof once>[] = cold ? [warm] : [];
    const start = performance.now();
    while (
      !cold &&
      runs.length < 5 &&
      (runs.length < 1 || method === 'typed-array' || performance.now() - start < budgetMs)
    ) {
      runs.push(once(image, unary, method));
    }
    let gridVertices = 0;
    if (method !== 'typed-array') {
      const probe = prepareMeanField(image, unary, { ...PARAMS, ...OPTIONS[method] });
      gridVertices = probe.gridVertices;
      probe.dispose();
    }
    rows.push({
      backend,
      size,
      method,
      labelCount: labels,
      runs: runs.length,
      cold,
      prepareMs: median(runs.map((r) => r.prepareMs)),
      iterateMs: median(runs.map((r) => r.iterateMs)),
      medianMs: median(runs.map((r) => r.prepareMs + r.iterateMs)),
      gridVertices,
      labels: warm.labels,
    });
    const last = rows[rows.length - 1];
    console.log(
      `${backend} ${size}x${size} ${labels} labels ${method}: ${last?.medianMs.toFixed(0)} ms`,
    );
    tf.dispose([image, unary]);
  }
  const exact64 = rows.find((r) => r.size === 64 && r.method === 'exact' && r.backend === 'cpu');
  const typed64 = rows.find((r) => r.size === 64 && r.method === 'typed-array');
  const agree = (a?: Int32Array, b?: Int32Array) =>
    a && b ? a.filter((v, i) => v === b[i]).length / a.length : NaN;
  const agreement = [...backends, 'none'].map((backend) => {
    const at = (m: Variant) =>
      rows.find((r) => r.backend === backend && r.size === 64 && r.method === m)?.labels;
    // Each backend's fast paths against its own exact path where it ran, else the CPU one.
    const exact = at('exact') ?? exact64?.labels;
    return {
      backend,
      latticeVsCpuExactLabelAgreement64: agree(exact64?.labels, at('lattice')),
      exactVsCpuExactLabelAgreement64: agree(exact64?.labels, at('exact')),
      latticeVsExactLabelAgreement64: agree(exact, at('lattice')),
      gridVsExactLabelAgreement64: agree(exact, at('grid')),
      typedArrayVsExactLabelAgreement64:
        backend === 'none' ? agree(exact64?.labels, typed64?.labels) : NaN,
    };
  });

  const gl = tf.findBackend('webgl') as unknown as { gpgpu?: { gl?: WebGL2RenderingContext } };
  const ctx = gl.gpgpu?.gl;
  const info = ctx?.getExtension('WEBGL_debug_renderer_info');
  const renderer = info && ctx ? String(ctx.getParameter(info.UNMASKED_RENDERER_WEBGL)) : 'unknown';
  return {
    renderer,
    tfjs: tf.version_core,
    labels: LABELS,
    iterations: 10,
    rows: rows.map(({ labels: _labels, ...r }) => r),
    agreement,
  };
}

declare global {
  interface Window {
    runCrfBench: typeof runCrfBench;
  }
}
window.runCrfBench = runCrfBench;
