/**
 * The page's side of the compute layer: `compute(name, tensors, options, { signal })` runs a
 * registry figure (compute-registry.ts) in the compute worker, or on the page where module
 * workers or OffscreenCanvas are missing (or with `?worker=off`, for tests). Page tensors go to
 * the worker once and are referred to by id afterwards.
 *
 * A worker that fails to start or dies rejects its runs with `ComputeWorkerLost`; the next
 * `compute` starts a fresh one (an element's retry button). A lost WebGL context in the worker
 * is reported like the page's own (backend.ts `reportLost`).
 */
import type * as tf from '@tensorflow/tfjs-core';
import { ensureBackend, localHints, reportLost, softwareRenderer } from './backend';
import type { FromWorker, ToWorker, WorkerStats } from './compute-protocol';
import type { TensorRef } from './compute-wire';

/** The worker stopped (or never started); the run may be retried. */
export class ComputeWorkerLost extends Error {
  constructor(why: string) {
    super(
      `the background computation stopped (${why}). The rest of the page still works; ` +
        'press Try again to restart it.',
    );
    this.name = 'ComputeWorkerLost';
  }
}

/** Set when the browser refused to construct the worker (a policy, say): the page computes. */
let workerRefused = false;

/** Where figures run: 'worker', or 'page' where workers are missing or `?worker=off`. */
export function computeMode(search: string = globalThis.location?.search ?? ''): 'worker' | 'page' {
  if (workerRefused || new URLSearchParams(search).get('worker') === 'off') return 'page';
  return typeof Worker === 'undefined' || typeof OffscreenCanvas === 'undefined'
    ? 'page'
    : 'worker';
}

/** Ids of page tensors (one per tensor object, for as long as it lives). */
const ids = new WeakMap<tf.Tensor, string>();
let nextId = 0;

function refOf(tensor: tf.Tensor): TensorRef {
  let id = ids.get(tensor);
  if (id === undefined) {
    id = `t${++nextId}`;
    ids.set(tensor, id);
  }
  const dtype = tensor.dtype === 'int32' || tensor.dtype === 'bool' ? tensor.dtype : 'float32';
  return { wire: 'ref', id, dtype, shape: [...tensor.shape] };
}

interface Pending {
  resolve(result: unknown): void;
  reject(error: unknown): void;
}

/** One worker's life: its runs in flight and the tensors it already holds. */
class WorkerLink {
  readonly worker: Worker;
  readonly sent = new Set<string>();
  private readonly waiting = new Map<number, Pending>();
  private nextRun = 0;
  dead: ComputeWorkerLost | undefined;

  constructor(private readonly onDeath: () => void) {
    this.worker = new Worker(new URL('./compute-worker.ts', import.meta.url), {
      type: 'module',
      name: 'pixelwise-compute',
    });
    this.worker.onmessage = (event: MessageEvent<FromWorker>) => this.receive(event.data);
    this.worker.onerror = (event) => {
      event.preventDefault();
      this.die(event.message || 'the compute worker could not start');
    };
    this.worker.onmessageerror = () => this.die('a result could not be read');
    this.post({ type: 'init', hints: localHints() });
  }

  post(message: ToWorker, transfer: Transferable[] = []): void {
    this.worker.postMessage(message, transfer);
  }

  /** Posts `message(id)` with a fresh id and resolves with the worker's answer to it. */
  request(
    message: (id: number) => ToWorker,
    transfer: Transferable[] = [],
  ): { id: number; answer: Promise<unknown> } {
    const id = ++this.nextRun;
    if (this.dead) return { id, answer: Promise.reject(this.dead) };
    const answer = new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.post(message(id), transfer);
    }).finally(() => this.waiting.delete(id));
    return { id, answer };
  }

  private receive(message: FromWorker): void {
    if (message.type === 'backend') {
      if (message.detail.phase === 'lost') reportLost(message.detail.message);
      return;
    }
    const waiting = this.waiting.get(message.id);
    if (!waiting) return;
    if (message.type === 'failed') {
      const error = new Error(message.message);
      if (message.aborted) error.name = 'AbortError';
      waiting.reject(error);
    } else if (message.type === 'done') {
      waiting.resolve(message.result);
    } else {
      waiting.resolve(message.stats);
    }
  }

  /** Ends the worker and fails everything in flight. */
  die(why: string): void {
    if (this.dead) return;
    this.dead = new ComputeWorkerLost(why);
    this.worker.terminate();
    for (const w of this.waiting.values()) w.reject(this.dead);
    this.waiting.clear();
    this.onDeath();
  }
}

let link: WorkerLink | undefined;

function currentLink(): WorkerLink {
  link ??= new WorkerLink(() => {
    link = undefined;
  });
  return link;
}

let registry: Promise<typeof import('./compute-registry')> | undefined;

async function runOnPage(
  name: string,
  refs: Record<string, TensorRef | undefined>,
  options: Record<string, unknown>,
  signal: AbortSignal,
): Promise<unknown> {
  await ensureBackend();
  registry ??= import('./compute-registry');
  const r = await registry;
  return r.runFigure(name, refs, options, {
    signal,
    softwareGpu: softwareRenderer() !== undefined,
  });
}

/** Reads `tensors`' values for the refs that must carry them. */
async function withData(
  tensors: Record<string, tf.Tensor | undefined>,
  needs: (id: string) => boolean,
): Promise<Record<string, TensorRef | undefined>> {
  const refs: Record<string, TensorRef | undefined> = {};
  for (const [key, tensor] of Object.entries(tensors)) {
    if (!tensor) continue;
    const ref = refOf(tensor);
    if (needs(ref.id)) {
      ref.data = (await tensor.data()).slice();
    }
    refs[key] = ref;
  }
  return refs;
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('aborted', 'AbortError');
}

/**
 * Runs figure `name` on `tensors` (page tensors; they stay the caller's) with `options` and
 * resolves with its result (tensors as `WireTensor`s: see `fromWire`). Aborting `signal` stops
 * the run at its next step and rejects.
 */
export async function compute(
  name: string,
  tensors: Record<string, tf.Tensor | undefined>,
  options: Record<string, unknown>,
  { signal = new AbortController().signal }: { signal?: AbortSignal } = {},
): Promise<unknown> {
  signal.throwIfAborted();
  let first: WorkerLink | undefined;
  if (computeMode() === 'worker') {
    try {
      first = currentLink();
    } catch {
      // The Worker constructor threw: the same registry runs on the page instead.
      workerRefused = true;
    }
  }
  if (!first) return runOnPage(name, await withData(tensors, () => true), options, signal);
  let l = first;
  for (let attempt = 0; ; attempt++) {
    const refs = await withData(tensors, (id) => attempt > 0 || !l.sent.has(id));
    signal.throwIfAborted();
    if (l.dead) l = currentLink();
    const transfer = Object.values(refs).flatMap((r) => (r?.data ? [r.data.buffer] : []));
    for (const r of Object.values(refs)) if (r) l.sent.add(r.id);
    const { id, answer: running } = l.request(
      (id) => ({ type: 'run', id, name, refs, options }),
      transfer,
    );
    const target = l;
    const onAbort = () => target.post({ type: 'abort', id });
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      return await running;
    } catch (error) {
      if (signal.aborted) throw abortError(signal);
      // The worker dropped a tensor it was sent (more than it keeps): send them again, once.
      const missing = error instanceof Error && error.message.startsWith('compute: missing tensor');
      if (!missing || attempt > 0) throw error;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }
}

/** The compute layer's state for tests: the worker's tensors and runs, or the page's. */
export async function computeStats(): Promise<WorkerStats & { mode: 'worker' | 'page' }> {
  if (computeMode() === 'page') {
    const r = await (registry ?? import('./compute-registry'));
    // On the page the registry's tensors are the page's own (counted there already).
    return { ...r.registryStats(), numTensors: 0, mode: 'page' };
  }
  if (!link) return { numTensors: 0, pending: 0, aborted: [], backend: '', mode: 'worker' };
  const stats = (await link.request((id) => ({ type: 'stats', id })).answer) as WorkerStats;
  return { ...stats, mode: 'worker' };
}

declare global {
  var pixelwiseCompute:
    | {
        stats: typeof computeStats;
        /** Test hook: end the worker as if it had crashed. */
        terminate: () => void;
        /** Test hook: lose the worker's WebGL context. */
        loseContext: () => void;
      }
    | undefined;
}
globalThis.pixelwiseCompute = {
  stats: computeStats,
  terminate: () => link?.die('it was terminated'),
  loseContext: () => link?.post({ type: 'lose-context' }),
};
