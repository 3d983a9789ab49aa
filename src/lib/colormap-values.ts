/**
 * The colour maps of colormap.ts for values that are already on the page as a typed array (what
 * a figure gets back from the compute worker): the same ranges, the same lookup tables and the
 * same rounding as the tensor path, in one plain loop, so drawing them makes no tensor on the
 * page. RGBA bytes out; putting them on a canvas is lib/browser's job.
 */
import { DIVERGING_TABLE, SEQUENTIAL_TABLE, TABLE_SIZE, autoMap, type Range } from './colormap';
import { invalid, oneOf } from './validate';

/** Values laid out row-major in `shape`: `[H, W]` or `[H, W, C]` (a `WireTensor` is one). */
export type ValueGrid = {
  readonly data: Float32Array | Int32Array | Uint8Array;
  readonly shape: number[];
};

/** How values become colours; see `PaintOptions.mode`. */
export type PaintMode = 'grey' | 'sequential' | 'diverging' | 'auto' | 'labels' | 'rgb';
const MODES: readonly PaintMode[] = ['grey', 'sequential', 'diverging', 'auto', 'labels', 'rgb'];

export interface PaintOptions {
  /**
   * 'rgb': `[H, W, 3]` in [0, 1] (clipped), or one channel as grey; 'labels': class scores
   * `[H, W, C]` (the largest wins) or class indices `[H, W]`, coloured by `palette`; the
   * others colour one channel as colormap.ts's `colorize` does.
   */
  mode: PaintMode;
  /** Channel of `[H, W, C]` shown in the single-channel modes (default 0; clamped to C - 1). */
  channel?: number;
  /** Fixed `[min, max]`; default the data's range (symmetric for 'diverging'). */
  range?: Range;
  /** `[r, g, b]` (0..255) per class, for 'labels'. */
  palette?: readonly (readonly number[])[];
}

export interface Painted {
  /** `width * height * 4` bytes, opaque, row-major. */
  readonly rgba: Uint8ClampedArray;
  readonly width: number;
  readonly height: number;
  /** The range the colours span (`[0, 1]` for 'rgb', `[0, P - 1]` for 'labels'). */
  readonly bounds: Range;
}

/** `[H, W, C]` of a grid (C = 1 for `[H, W]`), checked against its data. */
export function gridDims(grid: ValueGrid): [number, number, number] {
  const { shape, data } = grid;
  if (shape.length !== 2 && shape.length !== 3) {
    invalid('grid shape', shape, 'rank 2 or 3: [H, W] or [H, W, C]');
  }
  const [h = 0, w = 0, c = 1] = shape;
  if (![h, w, c].every((d) => Number.isInteger(d) && d >= 0) || h * w * c !== data.length) {
    invalid('grid shape', shape, `dimensions whose product is the data length ${data.length}`);
  }
  return [h, w, c];
}

/** The values at column x, row y (one per channel), or undefined outside the grid. */
export function valuesAt(grid: ValueGrid, x: number, y: number): number[] | undefined {
  const [h, w, c] = gridDims(grid);
  if (!Number.isInteger(x) || !Number.isInteger(y) || x < 0 || y < 0 || x >= w || y >= h) {
    return undefined;
  }
  const at = (y * w + x) * c;
  return Array.from(grid.data.subarray(at, at + c));
}

/** colormap.ts's default range (`rangeTensor`) of one channel. */
function planeRange(grid: ValueGrid, c: number, channels: number, map: PaintMode): Range {
  const { data } = grid;
  let lo = Infinity;
  let hi = -Infinity;
  let abs = 0;
  for (let i = c; i < data.length; i += channels) {
    const v = data[i] ?? NaN;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
    const a = Math.abs(v);
    if (a > abs) abs = a;
  }
  if (data.length === 0) return [0, 0];
  if (map === 'grey' || map === 'sequential' || (map === 'auto' && lo >= 0)) return [lo, hi];
  return [-abs, abs];
}

function validRange(range: Range): Range {
  const [lo, hi] = range;
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi) {
    invalid('range', [lo, hi], 'finite [min, max] with min <= max');
  }
  return range;
}

/** 0..255 bytes of a lookup table, three per entry. */
function tableBytes(table: readonly (readonly number[])[]): Uint8Array {
  return Uint8Array.from(table.flatMap((rgb) => [rgb[0] ?? 0, rgb[1] ?? 0, rgb[2] ?? 0]));
}
const SEQUENTIAL_BYTES = tableBytes(SEQUENTIAL_TABLE);
const DIVERGING_BYTES = tableBytes(DIVERGING_TABLE);

/**
 * Colours `grid` as pw-tensor-view's tensor path would draw it (the same pixels, to within one
 * level of rounding: that path works in float32): RGBA bytes and the range shown.
 */
export function paintValues(grid: ValueGrid, options: PaintOptions): Painted {
  const mode = oneOf('mode', options.mode, MODES);
  const [height, width, channels] = gridDims(grid);
  const n = width * height;
  const rgba = new Uint8ClampedArray(n * 4);
  const { data } = grid;
  for (let i = 3; i < rgba.length; i += 4) rgba[i] = 255;

  if (mode === 'rgb') {
    for (let p = 0; p < n; p++) {
      for (let k = 0; k < 3; k++) {
        const v = data[p * channels + Math.min(k, channels - 1)] ?? 0;
        rgba[p * 4 + k] = Math.round(Math.min(1, Math.max(0, v)) * 255);
      }
    }
    return { rgba, width, height, bounds: [0, 1] };
  }

  if (mode === 'labels') {
    const palette = options.palette ?? [];
    if (palette.length === 0) invalid('palette', '[]', 'at least one [r, g, b] colour');
    const bytes = tableBytes(palette);
    for (let p = 0; p < n; p++) {
      let label = 0;
      if (channels === 1) {
        label = Math.trunc(data[p] ?? 0);
      } else {
        let best = -Infinity;
        for (let k = 0; k < channels; k++) {
          const v = data[p * channels + k] ?? -Infinity;
          if (v > best) {
            best = v;
            label = k;
          }
        }
      }
      const at = 3 * Math.min(palette.length - 1, Math.max(0, label));
      rgba.set(bytes.subarray(at, at + 3), p * 4);
    }
    return { rgba, width, height, bounds: [0, palette.length - 1] };
  }

  // A channel past the end (fewer channels than the view was set to) shows the last one.
  const c = Math.min(Math.max(0, Math.trunc(options.channel ?? 0)), channels - 1);
  const bounds = options.range ? validRange(options.range) : planeRange(grid, c, channels, mode);
  const map = mode === 'auto' ? autoMap(bounds) : mode;
  const [lo, hi] = bounds;
  const span = hi - lo;
  const table = map === 'sequential' ? SEQUENTIAL_BYTES : DIVERGING_BYTES;
  for (let p = 0; p < n; p++) {
    const v = data[p * channels + c] ?? 0;
    // t in [0, 1] across the range; a flat range shows the middle of the map.
    const t = span > 0 ? Math.min(1, Math.max(0, (v - lo) / span)) : 0.5;
    if (map === 'grey') {
      const g = Math.round(t * 255);
      rgba[p * 4] = g;
      rgba[p * 4 + 1] = g;
      rgba[p * 4 + 2] = g;
    } else {
      const at = 3 * Math.round(t * (TABLE_SIZE - 1));
      rgba[p * 4] = table[at] ?? 0;
      rgba[p * 4 + 1] = table[at + 1] ?? 0;
      rgba[p * 4 + 2] = table[at + 2] ?? 0;
    }
  }
  return { rgba, width, height, bounds };
}
