/**
 * A reactive controller that owns one tfjs computation of an element: it runs the task when its
 * arguments change (shallow comparison), disposes the previous result once the new one is in,
 * drops results that a newer run has overtaken, and exposes pending / complete / error for
 * rendering. Like `@lit/task`, but tensor-aware: nothing it produced outlives the element.
 *
 * Each run gets an AbortSignal (`@lit/task`'s contract): a newer run, or the element leaving
 * the page, aborts the older one, which stops at its next step; what it rejects with is dropped.
 * A task returns its readouts inside its result and never writes element state: the result is
 * committed only if its run is still the current one.
 *
 * Nothing a task throws escapes: the error is kept in `error` for the element's status line
 * (`retry()` runs the task again). A run whose input tensor was disposed while it ran (the
 * owner replaced it) is dropped silently, like an overtaken run: the replacement comes next.
 *
 * Runs happen only while the host is in the document. Lit still updates an element after it
 * has left (a state change in its disconnectedCallback, a draw that lands late), and a result
 * committed then would never be disposed; back in the document, the host computes again.
 *
 * A host element computes only once it has come near the viewport (`whenSeen`): figures further
 * down the page wait until the reader scrolls towards them. Once its first results are in, the
 * host gives back the height its page reserved for it (FigureHeights.astro).
 */
import { emit } from '../events';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import * as tf from '@tensorflow/tfjs-core';
import { ensureBackend } from '../../lib/browser/backend';
import { tracked } from '../../lib/browser/activity';
import { releaseHeight, whenSeen } from './visibility';
import { disposeTensors } from '../../lib/dispose';

/** Every controller of each host, so the host's reserved height goes when all have settled. */
const controllersOf = new WeakMap<object, Set<TensorTaskController<never, never>>>();

export type TaskStatus = 'initial' | 'pending' | 'complete' | 'error';

export interface TensorTaskOptions<A extends readonly unknown[], R extends tf.TensorContainer> {
  /** The inputs; the task reruns when any element changes (`!==`). Return undefined to wait. */
  args: () => A | undefined;
  /**
   * Computes the result. It owns what it returns; the controller disposes it later. `signal`
   * aborts when a newer run starts or the element disconnects.
   */
  task: (args: A, options: { signal: AbortSignal }) => R | Promise<R>;
  /**
   * Fire `pw-computed` (`CustomEvent<{ ms, ...extra }>`, bubbling, composed) from the host
   * after each update that shows a new result: true, or a function giving extra detail.
   * Benchmarks and tests time figures by it.
   */
  announce?: boolean | (() => Record<string, unknown>);
  /**
   * Run as soon as the inputs are there, without waiting for the host to come near the
   * viewport. For views that only draw what their figure (which waited) has computed: a tall
   * figure's views above or below the screen would otherwise stay blank until each is scrolled
   * near on its own.
   */
  eager?: boolean;
}

export class TensorTaskController<
  A extends readonly unknown[],
  R extends tf.TensorContainer,
> implements ReactiveController {
  status: TaskStatus = 'initial';
  value: R | undefined;
  error: unknown;
  /** Milliseconds the last completed run took, task start to result. */
  lastMs = 0;

  private lastArgs: A | undefined;
  private announced: R | undefined;
  private runId = 0;
  private abort: AbortController | undefined;
  private connected = false;
  private seen = false;
  private unwatch: (() => void) | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly options: TensorTaskOptions<A, R>,
  ) {
    host.addController(this);
    let siblings = controllersOf.get(host);
    if (!siblings) controllersOf.set(host, (siblings = new Set()));
    siblings.add(this as unknown as TensorTaskController<never, never>);
  }

  hostConnected(): void {
    this.connected = true;
    if (
      !this.seen &&
      !this.options.eager &&
      typeof Element !== 'undefined' &&
      this.host instanceof Element
    ) {
      this.unwatch = whenSeen(this.host, () => {
        this.seen = true;
        this.unwatch = undefined;
        this.host.requestUpdate();
      });
      return;
    }
    this.seen = true;
    // Disconnecting dropped the result: an element put back in the page computes it again.
    if (this.lastArgs === undefined) this.host.requestUpdate();
  }

  hostUpdate(): void {
    if (!this.connected || !this.seen) return;
    const args = this.options.args();
    if (args === undefined || sameArgs(args, this.lastArgs)) return;
    this.lastArgs = args;
    void tracked(() => this.run(args));
  }

  hostUpdated(): void {
    this.releaseHeightWhenSettled();
    const { announce } = this.options;
    if (!announce || this.status !== 'complete' || this.value === this.announced) return;
    this.announced = this.value;
    const extra = typeof announce === 'function' ? announce() : {};
    emit(this.host as unknown as EventTarget, 'pw-computed', { ms: this.lastMs, ...extra });
  }

  hostDisconnected(): void {
    this.connected = false;
    this.unwatch?.();
    this.unwatch = undefined;
    this.runId++;
    this.abort?.abort();
    this.abort = undefined;
    this.replace(undefined);
    this.lastArgs = undefined;
    this.status = 'initial';
  }

  /** The host's first results are in (none of its tasks still running): it takes its own height. */
  private releaseHeightWhenSettled(): void {
    if (this.status !== 'complete' && this.status !== 'error') return;
    if (typeof Element === 'undefined' || !(this.host instanceof Element)) return;
    const siblings = controllersOf.get(this.host) ?? new Set();
    if ([...siblings].some((c) => c.status === 'pending')) return;
    releaseHeight(this.host);
  }

  /** Runs the task again on the current arguments (after an error, say). */
  retry(): void {
    this.lastArgs = undefined;
    this.host.requestUpdate();
  }

  private async run(args: A): Promise<void> {
    const id = ++this.runId;
    this.abort?.abort();
    const controller = new AbortController();
    this.abort = controller;
    this.status = 'pending';
    this.host.requestUpdate();
    const started = performance.now();
    let result: R | undefined;
    try {
      await ensureBackend();
      // An input disposed before the task starts belongs to a run its owner has replaced.
      if (id !== this.runId || hasDisposedTensor(args)) return;
      result = await this.options.task(args, { signal: controller.signal });
      if (id !== this.runId) {
        disposeTensors(result);
        return;
      }
      this.lastMs = performance.now() - started;
      this.replace(result);
      this.error = undefined;
      this.status = 'complete';
    } catch (error) {
      if (id !== this.runId || controller.signal.aborted || hasDisposedTensor(args)) return;
      this.error = error;
      this.status = 'error';
    }
    this.host.requestUpdate();
  }

  private replace(next: R | undefined): void {
    // Not tf.dispose: it walks typed arrays (worker results) element by element.
    if (this.value !== undefined) disposeTensors(this.value);
    this.value = next;
  }
}

/** Runs again every one of `tasks` that ended in an error (an element's "Try again"). */
export function retryFailed(...tasks: readonly { status: TaskStatus; retry(): void }[]): void {
  for (const task of tasks) if (task.status === 'error') task.retry();
}

function hasDisposedTensor(args: readonly unknown[]): boolean {
  return args.some((a) => a instanceof tf.Tensor && a.isDisposed);
}

function sameArgs(a: readonly unknown[], b: readonly unknown[] | undefined): boolean {
  return b !== undefined && a.length === b.length && a.every((v, i) => v === b[i]);
}

/** A readable one-line message for anything thrown. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : JSON.stringify(error);
}
