/**
 * The compute worker: starts tfjs with the page's backend choice (WebGL through OffscreenCanvas,
 * else WASM, else CPU; see backend.ts), runs the registry's figures on request and answers with
 * transferable results. Backend progress and a lost WebGL context are forwarded to the page.
 */
import * as tf from '@tensorflow/tfjs-core';
import { backendEvents, ensureBackend, type BackendEventDetail } from './backend';
import { registryStats, runFigure } from './compute-registry';
import { transferables } from './compute-wire';
import type { FromWorker, ToWorker } from './compute-protocol';

const scope = globalThis as unknown as {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
};

function post(message: FromWorker, transfer: Transferable[] = []): void {
  scope.postMessage(message, transfer);
}

backendEvents.addEventListener('backend', (event) => {
  post({ type: 'backend', detail: (event as CustomEvent<BackendEventDetail>).detail });
});

let started: Promise<unknown> | undefined;
let softwareGpu = false;
const runs = new Map<number, AbortController>();

async function run(message: Extract<ToWorker, { type: 'run' }>): Promise<void> {
  const controller = new AbortController();
  runs.set(message.id, controller);
  try {
    if (!started) throw new Error('compute worker: run before init');
    await started;
    const result = await runFigure(message.name, message.refs, message.options, {
      signal: controller.signal,
      softwareGpu,
    });
    post({ type: 'done', id: message.id, result }, transferables(result));
  } catch (error) {
    post({
      type: 'failed',
      id: message.id,
      message: error instanceof Error ? error.message : String(error),
      aborted: controller.signal.aborted,
    });
  } finally {
    runs.delete(message.id);
  }
}

scope.onmessage = (event) => {
  const message = event.data;
  switch (message.type) {
    case 'init':
      softwareGpu = message.hints.software !== undefined;
      started ??= ensureBackend(message.hints);
      break;
    case 'run':
      void run(message);
      break;
    case 'abort':
      runs.get(message.id)?.abort();
      break;
    case 'stats':
      post({ type: 'stats', id: message.id, stats: registryStats() });
      break;
    case 'lose-context': {
      const backend = tf.backend() as unknown as { gpgpu?: { gl: WebGLRenderingContext } };
      backend.gpgpu?.gl.getExtension('WEBGL_lose_context')?.loseContext();
      break;
    }
  }
};
