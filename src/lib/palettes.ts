/**
 * Colour tables from d3-scale-chromatic, as 0..255 RGB triples for tensor lookups and as CSS
 * colours for legends, so a figure and its key are drawn from the same numbers (as Observable
 * Plot's `src/scales/schemes.js` uses them).
 */
import { schemeCategory10, schemeTableau10 } from 'd3-scale-chromatic';

export type Rgb = readonly [number, number, number];

/** `#rrggbb` or `rgb(r, g, b)` (what d3-scale-chromatic returns) as 0..255 numbers. */
export function parseColor(css: string): Rgb {
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(css);
  if (hex)
    return [parseInt(hex[1] ?? '0', 16), parseInt(hex[2] ?? '0', 16), parseInt(hex[3] ?? '0', 16)];
  const [r = 0, g = 0, b = 0] = (css.match(/\d+(\.\d+)?/g) ?? []).map(Number);
  return [r, g, b];
}

/** A 0..255 triple as a CSS `rgb(r, g, b)` colour. */
export function cssRgb(c: readonly number[]): string {
  return `rgb(${c[0] ?? 0}, ${c[1] ?? 0}, ${c[2] ?? 0})`;
}

/**
 * Tableau 10: blue, orange, red, teal, green, yellow, purple, pink, brown, grey; well separated
 * hues of similar weight.
 */
export const TABLEAU10: readonly Rgb[] = schemeTableau10.map(parseColor);

/** d3's Category 10: blue, orange, green, red, purple, brown, pink, grey, olive, cyan. */
export const CATEGORY10: readonly Rgb[] = schemeCategory10.map(parseColor);
