import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { rangeControl, statusLine, UNIT_RANGE } from './templates';
import * as Plot from '@observablehq/plot';
import { TensorTaskController } from './controllers/tensor-task';
import { elementStyles } from './shared-styles';
import {
  bilinearFilterValues,
  bilinearKernelSize,
  bilinearPhases,
  bilinearProfile,
} from '../lib/upsampling/index';
import type { ChartOptions } from './pw-chart';
import './pw-chart';
import './pw-tensor-view';
import { UrlStateController } from './controllers/url-state';

/**
 * @summary FCN's bilinear upsampling filter for a chosen factor: the 2-D kernel as a heat map,
 * its 1-D profile with each tap coloured by the output phase it feeds (tap mod f), and the
 * polyphase sums: a stacked bar per phase whose taps add up to exactly 1, for odd f too, where
 * phases get 2 or 1 taps.
 *
 * @fires pw-computed - `CustomEvent<{ ms: number }>` after each redraw.
 *
 * The phase readout carries `data-sums` and `data-taps` (JSON arrays, one entry per phase).
 */
export class PwBilinearKernel extends LitElement {
  static override properties = {
    factor: { type: Number },
  };
  static override styles = elementStyles;

  /** Upsampling factor f, 1..8 (default 2). */
  declare factor: number;

  // At most 15×15 numbers, made in plain JavaScript: cheaper here than a trip to the worker.
  private readonly figure = new TensorTaskController(this, {
    announce: true,
    args: () => [this.factor] as const,
    task: ([f]) => bilinearFilterValues(f),
  });

  /** Settings shared by URL (`?id=...`), copy-link and PNG controls. */
  readonly share = new UrlStateController(this, ['factor:int:1..8']);

  constructor() {
    super();
    this.factor = 2;
  }

  private profileChart(): ChartOptions {
    const f = this.factor;
    const points = bilinearProfile(f).map((weight, tap) => ({
      tap,
      weight,
      phase: `phase ${tap % f}`,
    }));
    return (width) => ({
      width,
      height: 220,
      marginLeft: 45,
      x: { label: 'tap', ticks: Math.min(points.length, 16) },
      y: { label: 'weight', domain: [0, 1], grid: true },
      color: { type: 'categorical', domain: phaseNames(f) },
      marks: [
        Plot.ruleY([0], { stroke: '#999999' }),
        Plot.line(points, { x: 'tap', y: 'weight', stroke: '#999999' }),
        Plot.dot(points, { x: 'tap', y: 'weight', fill: 'phase', r: 5, tip: true }),
      ],
    });
  }

  /** One stacked bar per output phase: its taps' weights, adding up to 1. */
  private phaseChart(): ChartOptions {
    const f = this.factor;
    const segments = bilinearPhases(f).flatMap((p, r) =>
      p.taps.map((tap, i) => ({
        phase: `phase ${r}`,
        tap: `tap ${tap}`,
        weight: p.weights[i] ?? NaN,
      })),
    );
    return (width) => ({
      width,
      height: 220,
      marginLeft: 45,
      x: { label: 'output phase (pixel index mod f)', domain: phaseNames(f) },
      y: { label: 'sum of its taps', domain: [0, 1.1], grid: true },
      color: { type: 'categorical', domain: phaseNames(f) },
      marks: [
        Plot.barY(segments, {
          x: 'phase',
          y: 'weight',
          fill: 'phase',
          stroke: 'currentColor',
          strokeWidth: 1,
          tip: true,
          title: (d: { tap: string; weight: number }) => `${d.tap}: ${d.weight.toFixed(3)}`,
        }),
        Plot.ruleY([1], { stroke: 'currentColor', strokeDasharray: '4,3' }),
      ],
    });
  }

  /** The two charts' options, rebuilt only when the factor changes (pw-chart redraws on a new one). */
  private profileOptions: ChartOptions | undefined;
  private phaseOptions: ChartOptions | undefined;

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('factor')) {
      this.profileOptions = this.profileChart();
      this.phaseOptions = this.phaseChart();
    }
  }

  override render() {
    const f = this.factor;
    const k = bilinearKernelSize(f);
    const phases = bilinearPhases(f);
    const error = this.figure.error;
    return html`<div class="controls">
        ${rangeControl({
          label: html`Factor <var>f</var>`,
          name: 'factor',
          min: 1,
          max: 8,
          value: f,
          onInput: (v) => (this.factor = v),
        })}
      </div>
      <div class="panels">
        ${
          this.figure.value
            ? html`<pw-tensor-view
                .values=${this.figure.value}
                mode="grey"
                .range=${UNIT_RANGE}
                label=${`The ${k}×${k} kernel (size 2f − f mod 2 = ${k})`}
              ></pw-tensor-view>`
            : nothing
        }
        <pw-chart
          .options=${this.profileOptions}
          label=${`Its profile: ${bilinearProfile(f)
            .map((w) => w.toFixed(3))
            .join(', ')}; each colour is one output phase`}
        ></pw-chart>
        <pw-chart
          .options=${this.phaseOptions}
          label="Each output phase stacks its taps: every bar reaches exactly 1"
        ></pw-chart>
      </div>
      <p
        class="readout phases"
        data-sums=${JSON.stringify(phases.map((p) => p.sum))}
        data-taps=${JSON.stringify(phases.map((p) => p.taps.length))}
      >
        ${phases.map(
          (p, r) =>
            html`<span class="phase"
                >Phase ${r}: ${p.weights.map((w) => w.toFixed(3)).join(' + ')} =
                <strong>${p.sum.toFixed(3)}</strong></span
              >${r < phases.length - 1 ? ' · ' : ''}`,
        )}
      </p>
      ${statusLine(error, '')}`;
  }
}

function phaseNames(f: number): string[] {
  return Array.from({ length: f }, (_, r) => `phase ${r}`);
}

customElements.define('pw-bilinear-kernel', PwBilinearKernel);

declare global {
  interface HTMLElementTagNameMap {
    'pw-bilinear-kernel': PwBilinearKernel;
  }
}
