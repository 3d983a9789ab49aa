import { LitElement, html, type PropertyValues } from 'lit';
import * as Plot from '@observablehq/plot';
import type { ChartOptions } from './pw-chart';
import './pw-chart';

interface Row {
  name: string;
  meanIU: number;
  pixelAccuracy: number;
}

/**
 * @summary Bar chart of an evaluation report's mean IU and pixel accuracy per network.
 */
export class PwEvalChart extends LitElement {
  static override properties = { data: { type: Array } };
  /** JSON array of `{ name, meanIU, pixelAccuracy }` (fractions 0..1). */
  declare data: Row[];

  /** Built when `data` changes, so pw-chart redraws only then (not on every render). */
  private chartOptions: ChartOptions | undefined;

  constructor() {
    super();
    this.data = [];
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('data') || !this.chartOptions) this.chartOptions = this.options();
  }

  private options(): ChartOptions {
    const long = this.data.flatMap((r) => [
      { name: r.name, metric: 'mean IU', value: r.meanIU * 100 },
      { name: r.name, metric: 'pixel accuracy', value: r.pixelAccuracy * 100 },
    ]);
    const names = this.data.map((r) => r.name);
    // Network names label the rows on the left, in report order; the legend names the bars.
    const longest = Math.max(0, ...names.map((n) => n.length));
    return (width) => ({
      width,
      height: 60 + 40 * this.data.length,
      marginLeft: Math.min(Math.max(60, 7 * longest + 12), Math.round(width / 2)),
      marginRight: 36,
      x: { label: '%', domain: [0, 100], grid: true },
      y: { axis: null },
      fy: { label: null, axis: 'left', domain: names },
      color: { legend: true, domain: ['mean IU', 'pixel accuracy'], range: ['#3b74e0', '#e69f00'] },
      marks: [
        Plot.barX(long, { x: 'value', y: 'metric', fy: 'name', fill: 'metric', tip: true }),
        Plot.text(long, {
          x: 'value',
          y: 'metric',
          fy: 'name',
          text: (d: { value: number }) => d.value.toFixed(1),
          dx: 16,
        }),
      ],
    });
  }

  override render() {
    return html`<pw-chart
      .options=${this.chartOptions}
      label="Mean IU and pixel accuracy of each network"
    ></pw-chart>`;
  }
}

customElements.define('pw-eval-chart', PwEvalChart);

declare global {
  interface HTMLElementTagNameMap {
    'pw-eval-chart': PwEvalChart;
  }
}
