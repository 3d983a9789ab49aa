/**
 * @summary FCN's bilinear upsampling filter for a chosen factor: the 2-D kernel as a heat map
 * and its 1-D profile (the kernel is the profile's outer product with itself).
 *
 * @attr factor - upsampling factor f, 1..8 (default 2).
 * @fires pw-computed - `CustomEvent<{ ms: number }>` after each redraw.
 */
import { LitElement, html, nothing } from 'lit';
import { rangeControl, statusLine } from './templates';
import * as Plot from '@observablehq/plot';
import * as tf from '@tensorflow/tfjs-core';
import { TensorTaskController } from './controllers/tensor-task';
import { elementStyles } from './shared-styles';
import { bilinearKernel, bilinearKernelSize, bilinearProfile } from '../lib/bilinear';
import type { ChartOptions } from './pw-chart';
import './pw-chart';
import './pw-tensor-view';

export class PwBilinearKernel extends LitElement {
  static override properties = {
    factor: { type: Number },
  };
  static override styles = elementStyles;

  declare factor: number;

  private readonly figure = new TensorTaskController(this, {
    announce: true,
    args: () => [this.factor] as const,
    task: ([f]) => {
      const k = bilinearKernelSize(f);
      return tf.tidy(() => tf.reshape<tf.Rank.R2>(bilinearKernel(f, 1), [k, k]));
    },
  });

  constructor() {
    super();
    this.factor = 2;
  }

  private profileChart(): ChartOptions {
    const points = bilinearProfile(this.factor).map((weight, tap) => ({ tap, weight }));
    return (width) => ({
      width,
      height: 220,
      marginLeft: 45,
      x: { label: 'tap', ticks: Math.min(points.length, 16) },
      y: { label: 'weight', domain: [0, 1], grid: true },
      marks: [
        Plot.ruleY([0], { stroke: '#999999' }),
        Plot.line(points, { x: 'tap', y: 'weight', stroke: '#3b74e0' }),
        Plot.dot(points, { x: 'tap', y: 'weight', fill: '#3b74e0', tip: true }),
      ],
    });
  }

  override render() {
    const f = this.factor;
    const k = bilinearKernelSize(f);
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
                .tensor=${this.figure.value}
                mode="grey"
                .range=${[0, 1]}
                label=${`The ${k}×${k} kernel (size 2f − f mod 2 = ${k})`}
              ></pw-tensor-view>`
            : nothing
        }
        <pw-chart
          .options=${this.profileChart()}
          label=${`Its profile: ${bilinearProfile(f)
            .map((w) => w.toFixed(3))
            .join(', ')}`}
        ></pw-chart>
      </div>
      ${statusLine(error, '')}`;
  }
}

customElements.define('pw-bilinear-kernel', PwBilinearKernel);

declare global {
  interface HTMLElementTagNameMap {
    'pw-bilinear-kernel': PwBilinearKernel;
  }
}
