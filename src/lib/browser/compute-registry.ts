/**
 * The figures the compute layer runs, by name: each takes page tensors (as `TensorRef`s) and
 * options and returns a tensor container, numbers and typed arrays. The same registry runs in
 * the compute worker and, where workers are missing, on the page (compute-client.ts). A run
 * frees every tensor it made, whether it finishes, fails or is aborted.
 */
import * as tf from '@tensorflow/tfjs-core';
import { loadModel } from './model';
import { CrfScene, crfSceneData, type CrfPath } from '../crf/crf-scene';
import { fcnFigure } from '../fcn/fcn-figure';
import { skipFusionFigure } from '../fcn/skip-fusion';
import { layerMaps } from '../fcn/network-maps';
import { confusionTensor } from '../fcn/confusion';
import { FCN_CLASSES } from '../fcn/classes';
import type { CrfMethod, CrfParams, ScribbleDab } from '../crf/index';
import { scribbleFigure } from '../crf/scribble-figure';
import type { FcnVariant } from '../fcn/fcn';
import { isTensorRef, toWire, type TensorRef } from './compute-wire';
import type { Figure, Inputs, RunContext } from './figures/figure';
import { knowledgeTransferFigures } from './figures/knowledge-transfer';
import { bilinearDeconvolutionFigures } from './figures/bilinear-deconvolution';
import { poolingFigures } from './figures/pooling';
import { zeroInsertionFigures } from './figures/zero-insertion';
import { DECODER_TRAINING_FIGURES } from './figures/decoder-training';

export type { RunContext } from './figures/figure';

/** Thrown when a request names a tensor this thread no longer holds; the client resends it. */
export const MISSING_REF = 'compute: missing tensor ';

const stored = new Map<string, TensorRef>();
const STORE_LIMIT = 48;

/** Keeps `ref`'s values by id (the oldest goes beyond STORE_LIMIT); returns the stored one. */
function remember(ref: TensorRef): TensorRef {
  if (ref.data) {
    stored.delete(ref.id);
    stored.set(ref.id, ref);
    while (stored.size > STORE_LIMIT) stored.delete(stored.keys().next().value as string);
    return ref;
  }
  const kept = stored.get(ref.id);
  if (!kept?.data) throw new Error(MISSING_REF + ref.id);
  return kept;
}

/** One CRF scene per (image, truth) pair, most recent last. */
const scenes = new Map<string, Promise<CrfScene>>();
const SCENE_LIMIT = 4;

/** Iteration counters of CRF runs, for the cancellation test: what each aborted run did. */
export interface AbortedRun {
  readonly figure: string;
  /** Iteration the run had reached when the abort arrived. */
  readonly atAbort: number;
  /** Iteration it had reached when it stopped. */
  readonly stopped: number;
  /** Iteration it was asked to reach. */
  readonly target: number;
}
const aborted: AbortedRun[] = [];

/** The FCN and CRF figures; the other pages' figures are in ./figures/, one file per page. */
const CORE_FIGURES: Record<string, Figure> = {
  /** pw-crf-scene: FCN-8s on the scene (once per scene), then the CRF. */
  'crf-scene': {
    async run({ image, truth }, options, ctx, ids) {
      const params = options['params'] as CrfParams;
      const method = options['method'] as CrfMethod;
      const key = `${ids['image']} ${ids['truth']}`;
      let scene = scenes.get(key);
      if (!scene) {
        scene = loadModel().then(
          async (weights) =>
            new CrfScene(await crfSceneData(weights, image as tf.Tensor3D, truth as tf.Tensor2D)),
        );
        scenes.set(key, scene);
        scene.catch(() => scenes.delete(key));
        while (scenes.size > SCENE_LIMIT) scenes.delete(scenes.keys().next().value as string);
      }
      const s = await scene;
      const path: CrfPath =
        tf.getBackend() === 'webgl' && !ctx.softwareGpu ? 'tfjs' : 'typed-array';
      let reached = 0;
      let atAbort = -1;
      const onAbort = () => (atAbort = reached);
      ctx.signal.addEventListener('abort', onAbort, { once: true });
      try {
        const result = await s.run(params, method, path, {
          signal: ctx.signal,
          onIteration: (t) => (reached = t),
        });
        // A copy: the result is transferred, and the scene keeps its own.
        return { ...result, logits: s.data.logits.slice(), sceneSide: s.data.side };
      } catch (error) {
        if (ctx.signal.aborted) {
          aborted.push({
            figure: 'crf-scene',
            atAbort,
            stopped: reached,
            target: params.iterations,
          });
          if (aborted.length > 20) aborted.shift();
        }
        throw error;
      } finally {
        ctx.signal.removeEventListener('abort', onAbort);
      }
    },
  },
  /** pw-crf-scribble: the CRF from the reader's strokes. */
  'crf-scribble': {
    async run({ image }, options, ctx) {
      const params = options['params'] as CrfParams;
      const path: CrfPath =
        tf.getBackend() === 'webgl' && !ctx.softwareGpu ? 'tfjs' : 'typed-array';
      let reached = 0;
      try {
        const figure = await scribbleFigure(
          image as tf.Tensor3D,
          options['strokes'] as ScribbleDab[],
          Number(options['labels']),
          params,
          path,
          { signal: ctx.signal, onIteration: (t) => (reached = t) },
        );
        try {
          return await toWire(figure);
        } finally {
          tf.dispose(figure);
        }
      } catch (error) {
        if (ctx.signal.aborted) {
          aborted.push({
            figure: 'crf-scribble',
            atAbort: reached,
            stopped: reached,
            target: params.iterations,
          });
          if (aborted.length > 20) aborted.shift();
        }
        throw error;
      }
    },
  },
  /** pw-fcn-explorer: the forward pass with every map, scored against the truth if given. */
  fcn: {
    async run({ image, truth }, options) {
      const figure = fcnFigure(
        await loadModel(),
        image as tf.Tensor3D,
        options['variant'] as FcnVariant,
      );
      try {
        let confusion: number[][] | undefined;
        if (truth) {
          const c = tf.tidy(() =>
            confusionTensor(tf.argMax(figure.logits, 2), truth, FCN_CLASSES.length),
          );
          confusion = await c.array().finally(() => c.dispose());
        }
        return { ...((await toWire(figure)) as object), confusion };
      } finally {
        tf.dispose(figure);
      }
    },
  },
  /** pw-skip-fusion: the three heads, their streams and confusions. */
  'skip-fusion': {
    async run({ image, truth }, options) {
      const figure = skipFusionFigure(
        await loadModel(),
        image as tf.Tensor3D,
        truth as tf.Tensor2D,
        options['skipWeights'] as { pool4: number; pool3: number },
      );
      try {
        return await toWire(figure);
      } finally {
        tf.dispose(figure);
      }
    },
  },
  /** pw-network: every layer's maps of all three heads. */
  'layer-maps': {
    async run({ image }) {
      const maps = layerMaps(await loadModel(), image as tf.Tensor3D);
      try {
        return await toWire(maps);
      } finally {
        tf.dispose(maps);
      }
    },
  },
};

/** Every figure by name. */
const FIGURES: Record<string, Figure> = {
  ...CORE_FIGURES,
  ...knowledgeTransferFigures,
  ...bilinearDeconvolutionFigures,
  ...poolingFigures,
  ...zeroInsertionFigures,
  ...DECODER_TRAINING_FIGURES,
};

export function hasFigure(name: string): boolean {
  return Object.hasOwn(FIGURES, name);
}

/** In-flight runs on this thread. */
let pending = 0;

/**
 * Runs figure `name` on `refs` (page tensors by id) with `options`; the result has its
 * tensors as `WireTensor`s. Rejects with the signal's reason when aborted.
 */
export async function runFigure(
  name: string,
  refs: Record<string, TensorRef | undefined>,
  options: Record<string, unknown>,
  ctx: RunContext,
): Promise<unknown> {
  const figure = FIGURES[name];
  if (!figure) throw new Error(`compute: unknown figure ${JSON.stringify(name)}`);
  pending++;
  const tensors: Inputs = {};
  const ids: Record<string, string> = {};
  try {
    for (const [key, ref] of Object.entries(refs)) {
      if (!isTensorRef(ref)) continue;
      const { data, shape, dtype } = remember(ref);
      if (!data) throw new Error(MISSING_REF + ref.id);
      tensors[key] = tf.tensor(data, shape, dtype);
      ids[key] = ref.id;
    }
    ctx.signal.throwIfAborted();
    const result = await figure.run(tensors, options, ctx, ids);
    ctx.signal.throwIfAborted();
    return result;
  } finally {
    tf.dispose(Object.values(tensors));
    pending--;
  }
}

/** This thread's compute state, for tests and the debugging handle. */
export function registryStats(): {
  numTensors: number;
  pending: number;
  aborted: AbortedRun[];
  backend: string;
} {
  return {
    numTensors: tf.memory().numTensors,
    pending,
    aborted: aborted.slice(),
    backend: tf.getBackend(),
  };
}
