/** The messages between the page (compute-client.ts) and the compute worker (compute-worker.ts). */
import type { BackendEventDetail, BackendHints } from './backend';
import type { TensorRef } from './compute-wire';
import type { AbortedRun } from './compute-registry';

export type ToWorker =
  | { readonly type: 'init'; readonly hints: BackendHints }
  | {
      readonly type: 'run';
      readonly id: number;
      readonly name: string;
      readonly refs: Record<string, TensorRef | undefined>;
      readonly options: Record<string, unknown>;
    }
  | { readonly type: 'abort'; readonly id: number }
  | { readonly type: 'stats'; readonly id: number }
  /** Test hook: lose the worker's WebGL context. */
  | { readonly type: 'lose-context' };

export interface WorkerStats {
  readonly numTensors: number;
  readonly pending: number;
  readonly aborted: AbortedRun[];
  readonly backend: string;
}

export type FromWorker =
  | { readonly type: 'backend'; readonly detail: BackendEventDetail }
  | { readonly type: 'done'; readonly id: number; readonly result: unknown }
  | {
      readonly type: 'failed';
      readonly id: number;
      readonly message: string;
      readonly aborted: boolean;
    }
  | { readonly type: 'stats'; readonly id: number; readonly stats: WorkerStats };
