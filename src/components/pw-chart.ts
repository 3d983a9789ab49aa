import { LitElement, css, html } from 'lit';
import * as Plot from '@observablehq/plot';

export type ChartOptions = (width: number) => Plot.PlotOptions;

/**
 * @summary An Observable Plot chart that redraws when its options change, when its box is
 * resized and when the page theme changes.
 */
export class PwChart extends LitElement {
  static override properties = {
    options: { attribute: false },
    label: { type: String },
  };

  static override styles = css`
    :host {
      display: block;
      min-block-size: 8rem;
      color: var(--pw-text, #111);
    }
    figure {
      margin: 0;
    }
    svg {
      max-inline-size: 100%;
      block-size: auto;
      background: transparent;
    }
  `;

  /**
   * A function `(width: number) => Plot options` (so marks can depend on width), or undefined for an
   * empty chart.
   */
  declare options: ChartOptions | undefined;
  /** Accessible description of the chart. */
  declare label: string;
  private observer: ResizeObserver | undefined;
  private width = 0;
  private readonly onTheme = (): void => this.draw();

  constructor() {
    super();
    this.options = undefined;
    this.label = '';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.observer = new ResizeObserver((entries) => {
      const width = Math.round(entries[0]?.contentRect.width ?? 0);
      if (width > 0 && Math.abs(width - this.width) >= 8) {
        this.width = width;
        this.draw();
      }
    });
    this.observer.observe(this);
    document.addEventListener('pw-theme-change', this.onTheme);
  }

  override disconnectedCallback(): void {
    this.observer?.disconnect();
    document.removeEventListener('pw-theme-change', this.onTheme);
    super.disconnectedCallback();
  }

  protected override updated(): void {
    this.draw();
  }

  private draw(): void {
    const figure = this.renderRoot.querySelector('figure');
    if (!figure) return;
    const width = this.width || Math.round(this.getBoundingClientRect().width) || 640;
    figure.replaceChildren();
    if (!this.options) return;
    const chart = Plot.plot({
      ...this.options(width),
      width,
      style: { background: 'transparent' },
    });
    // Plot labels its <g> mark groups with aria-label, which a role-less <g> may not carry; the
    // figure's role="img" and label already describe the chart, so the drawing is hidden and
    // its inner labels removed.
    const svgs = chart instanceof SVGSVGElement ? [chart] : [...chart.querySelectorAll('svg')];
    for (const svg of svgs) {
      svg.setAttribute('aria-hidden', 'true');
      svg.querySelectorAll('[aria-label], [aria-description]').forEach((el) => {
        el.removeAttribute('aria-label');
        el.removeAttribute('aria-description');
      });
    }
    figure.append(chart);
  }

  override render() {
    return html`<figure role="img" aria-label=${this.label || 'Chart'}></figure>`;
  }
}

customElements.define('pw-chart', PwChart);

declare global {
  interface HTMLElementTagNameMap {
    'pw-chart': PwChart;
  }
}
