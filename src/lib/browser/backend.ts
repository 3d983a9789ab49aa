/**
 * Picks the tfjs backend once per page: WebGL, else WASM, else plain CPU, and reports progress so
 * the page can say what is happening. Every live element awaits `ensureBackend()` before it
 * computes; the status element listens to `backendEvents` to show a badge and notices.
 *
 * If the browser takes the WebGL context away (GPU reset, driver update, too many contexts),
 * every tensor on it is gone: a 'lost' event says so, and the status element offers a reload.
 */
import * as tf from '@tensorflow/tfjs-core';
import { withBase } from '../url';

export type BackendName = 'webgl' | 'wasm' | 'cpu';

export interface BackendInfo {
  readonly name: BackendName;
  /** Why a faster backend was skipped, in plain language; empty on WebGL. */
  readonly notice: string;
}

export type BackendEventDetail =
  | { readonly phase: 'loading'; readonly message: string }
  | { readonly phase: 'ready'; readonly info: BackendInfo }
  | { readonly phase: 'failed'; readonly message: string }
  /** The WebGL context was lost after start-up; figures stop until the page reloads. */
  | { readonly phase: 'lost'; readonly message: string };

/** Fires `backend` events (`CustomEvent<BackendEventDetail>`); the last one is kept in `lastBackendEvent`. */
export const backendEvents = new EventTarget();
export let lastBackendEvent: BackendEventDetail = {
  phase: 'loading',
  message: 'Loading TensorFlow.js…',
};

function emit(detail: BackendEventDetail): void {
  lastBackendEvent = detail;
  backendEvents.dispatchEvent(new CustomEvent<BackendEventDetail>('backend', { detail }));
}

async function tryBackend(name: BackendName): Promise<boolean> {
  try {
    return await tf.setBackend(name);
  } catch {
    return false;
  }
}

/** Reports the loss of tfjs's WebGL context (tfjs itself only forgets the context). */
function watchContextLoss(canvas: HTMLCanvasElement | OffscreenCanvas): void {
  canvas.addEventListener(
    'webglcontextlost',
    () => {
      emit({
        phase: 'lost',
        message:
          'The browser took the graphics (WebGL) context away from this page, so the live figures ' +
          'stopped. This can happen after a GPU or driver reset, or when many tabs use WebGL.',
      });
    },
    { once: true },
  );
}

async function pick(): Promise<BackendInfo> {
  emit({ phase: 'loading', message: 'Starting the WebGL backend…' });
  const webgl = await import('@tensorflow/tfjs-backend-webgl');
  if (await tryBackend('webgl')) {
    const backend = tf.backend();
    if (backend instanceof webgl.MathBackendWebGL) watchContextLoss(backend.gpgpu.gl.canvas);
    return { name: 'webgl', notice: '' };
  }

  emit({ phase: 'loading', message: 'WebGL is unavailable; loading the WebAssembly backend…' });
  try {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(withBase('tfjs-wasm/'));
    if (await tryBackend('wasm')) {
      return {
        name: 'wasm',
        notice:
          'WebGL is not available in this browser, so figures run on the CPU through WebAssembly. ' +
          'Everything works, but sliders respond more slowly.',
      };
    }
  } catch {
    // Fall through to the plain JavaScript backend, which always exists.
  }

  emit({ phase: 'loading', message: 'Loading the plain JavaScript backend…' });
  await import('@tensorflow/tfjs-backend-cpu');
  if (await tryBackend('cpu')) {
    return {
      name: 'cpu',
      notice:
        'Neither WebGL nor WebAssembly is available, so figures run in plain JavaScript. ' +
        'They work, but expect each update to take a while.',
    };
  }
  throw new Error('no TensorFlow.js backend could start (tried webgl, wasm, cpu)');
}

let chosen: Promise<BackendInfo> | undefined;

/** Starts (once) and returns the page's backend. Rejects only if even the CPU backend fails. */
export function ensureBackend(): Promise<BackendInfo> {
  chosen ??= pick().then(
    (info) => {
      emit({ phase: 'ready', info });
      return info;
    },
    (error: unknown) => {
      emit({ phase: 'failed', message: error instanceof Error ? error.message : String(error) });
      throw error;
    },
  );
  return chosen;
}

/** Test and debugging handle: the page's tfjs instance, e.g. for `tf.memory()` in browser tests. */
declare global {
  var pixelwise: { tf: typeof tf } | undefined;
}
globalThis.pixelwise = { tf };
