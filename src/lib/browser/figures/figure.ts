/**
 * What a compute figure is: a named function the compute layer runs (in the worker, or on the
 * page where workers are missing). Figures are grouped by lesson page in this folder and
 * gathered by compute-registry.ts.
 */
import type * as tf from '@tensorflow/tfjs-core';

export interface RunContext {
  readonly signal: AbortSignal;
  /** Whether WebGL here runs on a software rasterizer (the CRF then takes the typed arrays). */
  readonly softwareGpu: boolean;
}

/** Tensors of a run's inputs, made from the stored refs; disposed when the run ends. */
export type Inputs = Record<string, tf.Tensor>;

/**
 * One figure: its page tensors (by the names the element sent), its options, the run's context
 * and the ids of the inputs (stable across runs, for caches). It returns a plain structure whose
 * tensors are `WireTensor`s (`toWire`), and frees every tensor it made, whether it finishes,
 * fails or is aborted.
 */
export interface Figure {
  run(
    tensors: Inputs,
    options: Record<string, unknown>,
    ctx: RunContext,
    ids: Record<string, string>,
  ): Promise<unknown>;
}
