import { describe, expect, it } from 'vitest';
import { schemeCategory10, schemeTableau10 } from 'd3-scale-chromatic';
import { CATEGORY10, TABLEAU10, cssRgb, parseColor } from '../../src/lib/palettes';
import { FCN_PALETTE } from '../../src/lib/fcn/classes';
import { CATEGORICAL } from '../../src/lib/colormap';

describe('palettes', () => {
  it('parseColor reads #rrggbb and rgb(r, g, b) as 0..255 numbers', () => {
    expect(parseColor('#4e79a7')).toEqual([78, 121, 167]);
    expect(parseColor('rgb(12, 0, 255)')).toEqual([12, 0, 255]);
  });

  it('cssRgb writes a triple back as a CSS colour that parseColor reads', () => {
    expect(cssRgb([78, 121, 167])).toBe('rgb(78, 121, 167)');
    expect(parseColor(cssRgb(TABLEAU10[3] ?? []))).toEqual(TABLEAU10[3]);
  });

  it("the categorical tables are d3-scale-chromatic's, colour for colour", () => {
    expect(
      TABLEAU10.map((c) => `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`),
    ).toEqual(schemeTableau10);
    expect(CATEGORY10).toHaveLength(schemeCategory10.length);
  });

  it('the class palette is a grey background followed by Tableau 10 in order', () => {
    expect(FCN_PALETTE[0]).toEqual([112, 112, 112]);
    expect(FCN_PALETTE.slice(1)).toEqual(TABLEAU10);
    expect(CATEGORICAL.slice(1)).toEqual(CATEGORY10);
  });
});
