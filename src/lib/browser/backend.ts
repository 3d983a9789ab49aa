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
      emit({ phase: 'lost', message: CONTEXT_LOST_MESSAGE });
    },
    { once: true },
  );
}

const BACKENDS: readonly BackendName[] = ['webgl', 'wasm', 'cpu'];

/**
 * The backend a test, benchmark or curious reader asked for with `?backend=webgl|wasm|cpu`;
 * undefined when absent or not one of those (garbage is ignored, not an error).
 */
export function requestedBackend(
  search: string = globalThis.location?.search ?? '',
): BackendName | undefined {
  const value = new URLSearchParams(search).get('backend');
  return BACKENDS.find((b) => b === value);
}

/** Software rasterizers: WebGL through them runs on the CPU, slower than WebAssembly. */
const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|lavapipe|software|basic render driver/i;

/** A throwaway WebGL context (on a canvas, or an OffscreenCanvas inside a worker), or null. */
function probeContext(): WebGLRenderingContext | WebGL2RenderingContext | null {
  if (typeof document !== 'undefined') {
    const canvas = document.createElement('canvas');
    return canvas.getContext('webgl2') ?? canvas.getContext('webgl');
  }
  if (typeof OffscreenCanvas === 'undefined') return null;
  const canvas = new OffscreenCanvas(1, 1);
  return canvas.getContext('webgl2') ?? canvas.getContext('webgl');
}

/** Whether this thread can create a WebGL context at all (probed once, released at once). */
export function hasWebgl(): boolean {
  const gl = probeContext();
  gl?.getExtension('WEBGL_lose_context')?.loseContext();
  return gl !== null;
}

/**
 * What the backend choice depends on, probed where the page runs: a compute worker receives
 * the page's, so it makes the same choice as the page would (the worker's own URL has no query,
 * and a test that takes WebGL away from the page takes it away from the worker too).
 */
export interface BackendHints {
  /** The page's query string (`?backend=`). */
  readonly search: string;
  /** The software rasterizer's name when WebGL runs on one (see `softwareRenderer`). */
  readonly software: string | undefined;
  /** Whether the page can create a WebGL context. */
  readonly webgl: boolean;
}

/** The hints of this thread (the page's, when called on the main thread). */
export function localHints(): BackendHints {
  return {
    search: globalThis.location?.search ?? '',
    software: softwareRenderer(),
    webgl: hasWebgl(),
  };
}

/**
 * The software rasterizer's name (e.g. "SwiftShader") when WebGL runs on one, else undefined. Probed on a
 * throwaway context that is released at once, before tfjs creates its own.
 */
export function softwareRenderer(): string | undefined {
  const gl = probeContext();
  if (!gl) return undefined;
  try {
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(
      gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? '',
    );
    return SOFTWARE_RENDERER.exec(renderer)?.[0];
  } finally {
    gl.getExtension('WEBGL_lose_context')?.loseContext();
  }
}

async function startWebgl(): Promise<BackendInfo | undefined> {
  emit({ phase: 'loading', message: 'Starting the WebGL backend…' });
  const webgl = await import('@tensorflow/tfjs-backend-webgl');
  if (!(await tryBackend('webgl'))) return undefined;
  const backend = tf.backend();
  if (backend instanceof webgl.MathBackendWebGL) watchContextLoss(backend.gpgpu.gl.canvas);
  return { name: 'webgl', notice: '' };
}

async function startWasm(notice: string): Promise<BackendInfo | undefined> {
  emit({ phase: 'loading', message: 'Loading the WebAssembly backend…' });
  try {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(withBase('tfjs-wasm/'));
    if (await tryBackend('wasm')) return { name: 'wasm', notice };
  } catch {
    // The caller falls through to the next backend.
  }
  return undefined;
}

async function startCpu(notice: string): Promise<BackendInfo | undefined> {
  emit({ phase: 'loading', message: 'Loading the plain JavaScript backend…' });
  await import('@tensorflow/tfjs-backend-cpu');
  return (await tryBackend('cpu')) ? { name: 'cpu', notice } : undefined;
}

const NO_WEBGL =
  'WebGL is not available in this browser, so figures run on the CPU through WebAssembly. ' +
  'Everything works, but sliders respond more slowly.';
const NOTHING_FAST =
  'Neither WebGL nor WebAssembly is available, so figures run in plain JavaScript. ' +
  'They work, but expect each update to take a while.';

async function pick(hints: BackendHints): Promise<BackendInfo> {
  const asked = requestedBackend(hints.search);
  if (asked !== undefined && (asked !== 'webgl' || hints.webgl)) {
    const forced = `This page was opened with ?backend=${asked}, so figures run on ${asked}.`;
    const info =
      asked === 'webgl'
        ? await startWebgl()
        : asked === 'wasm'
          ? await startWasm(forced)
          : await startCpu(forced);
    if (info) return info;
  }

  // A software GPU is not a GPU: on SwiftShader or llvmpipe, WebGL runs its shaders on the
  // CPU and is 5-40x slower per figure than WebAssembly (measured on a 2-core machine).
  const software = asked === undefined ? hints.software : undefined;
  if (software !== undefined) {
    const info = await startWasm(
      `No hardware GPU found (WebGL here is ${software}, a software renderer), so figures ` +
        'run through WebAssembly, which is faster on this machine than software WebGL.',
    );
    if (info) return info;
  }

  const webgl = hints.webgl ? await startWebgl() : undefined;
  if (webgl) return webgl;
  const wasm = await startWasm(NO_WEBGL);
  if (wasm) return wasm;
  const cpu = await startCpu(NOTHING_FAST);
  if (cpu) return cpu;
  throw new Error('no TensorFlow.js backend could start (tried webgl, wasm, cpu)');
}

let chosen: Promise<BackendInfo> | undefined;

/**
 * Starts (once) and returns this thread's backend. Rejects only if even the CPU backend fails.
 * @param hints what the choice depends on; by default probed here (a worker passes the page's).
 */
export function ensureBackend(hints?: BackendHints): Promise<BackendInfo> {
  chosen ??= pick(hints ?? localHints()).then(
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

/**
 * Reports a lost WebGL context that happened elsewhere (in the compute worker): the page's
 * figures stop just as when the page's own context is lost.
 */
export function reportLost(message: string): void {
  emit({ phase: 'lost', message });
}

/** The WebGL context loss message (also sent by the compute worker). */
export const CONTEXT_LOST_MESSAGE =
  'The browser took the graphics (WebGL) context away from this page, so the live figures ' +
  'stopped. This can happen after a GPU or driver reset, or when many tabs use WebGL.';

/** Test and debugging handle: the page's tfjs instance, e.g. for `tf.memory()` in browser tests. */
declare global {
  var pixelwise: { tf: typeof tf } | undefined;
}
globalThis.pixelwise = { tf };
