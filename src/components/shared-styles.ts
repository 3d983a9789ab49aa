/** Styles every live element shares; colours come from the page theme's custom properties. */
import { css } from 'lit';

export const elementStyles = css`
  :host {
    display: block;
    margin: 1.5rem 0;
    padding: 1rem;
    border: 1px solid var(--pw-border, #ccc);
    border-radius: 0.5rem;
    background: var(--pw-surface, #fff);
    color: var(--pw-text, #111);
    font: inherit;
  }
  .controls {
    display: flex;
    flex-wrap: wrap;
    gap: 0.75rem 1.5rem;
    align-items: center;
    margin-bottom: 0.75rem;
  }
  label {
    display: inline-flex;
    gap: 0.5rem;
    align-items: center;
    /* On a narrow screen a control wraps under its label instead of leaving the figure. */
    flex-wrap: wrap;
    max-inline-size: 100%;
  }
  select {
    max-inline-size: 100%;
    min-inline-size: 0;
  }
  fieldset {
    border: none;
    margin: 0;
    padding: 0;
    display: inline-flex;
    flex-wrap: wrap;
    gap: 0.75rem;
    align-items: center;
  }
  legend {
    float: left;
    margin-inline-end: 0.5rem;
  }
  input[type='range'] {
    inline-size: min(16rem, 60vw);
    accent-color: var(--pw-accent, #2456c9);
  }
  output,
  .readout {
    font-variant-numeric: tabular-nums;
  }
  .panels {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(min(100%, 12rem), 1fr));
    gap: 1rem;
  }
  figure {
    margin: 0;
  }
  figcaption {
    font-size: 0.875rem;
    color: var(--pw-muted, #555);
    margin-top: 0.25rem;
  }
  canvas {
    display: block;
    inline-size: 100%;
    aspect-ratio: 1;
    image-rendering: pixelated;
    background: var(--pw-canvas-bg, #eee);
    border-radius: 0.25rem;
  }
  .status {
    min-block-size: 1.5em;
    font-size: 0.875rem;
    color: var(--pw-muted, #555);
  }
  .error {
    color: var(--pw-error, #b00020);
  }
  .error .retry {
    font: inherit;
    margin-inline-start: 0.5rem;
  }
  :focus-visible {
    outline: 3px solid var(--pw-focus, #2456c9);
    outline-offset: 2px;
  }
`;
