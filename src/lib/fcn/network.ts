/**
 * The tiny FCN as a graph of layers, derived from its definition (`FCN_BLOCKS`,
 * `FCN_WEIGHT_SHAPES` and the head structure of `fcn.ts`): each layer's inputs, output shape
 * for a given image size, stride, receptive field and parameter count. Pure numbers, no tensors.
 */
import { FCN_BLOCKS, FCN_WEIGHT_SHAPES } from './weights';
import { FCN_OUTPUT_STRIDE, type FcnVariant } from './fcn';
import { NUM_FCN_CLASSES } from './classes';
import { intInRange, invalid } from '../validate';

/**
 * What a layer computes: a 3x3 / 1x1 convolution (+relu), a 2x2/2 max-pool, a 1x1 class-score
 * convolution, a learned 2x transposed convolution, a fused sum, or the fixed bilinear upsampling.
 */
export type LayerOp = 'conv' | 'pool' | 'score' | 'upsample' | 'fuse' | 'bilinear';

/** One layer of the network for one input size. */
export interface NetworkLayer {
  /** The name `fcnForward` gives its output among the intermediates. */
  readonly name: string;
  readonly op: LayerOp;
  /** Names of the layers it reads (`'input'` for the image). */
  readonly inputs: readonly string[];
  /** Kernel (or window) side; 0 for a fused sum. */
  readonly kernel: number;
  /** Output `[h, w, c]` for the image size asked for. */
  readonly shape: readonly [number, number, number];
  /** Input pixels between neighbouring output cells (1 = full resolution, 32 = pool5). */
  readonly stride: number;
  /**
   * Side in input pixels of the square the map's middle cell depends on (padding included; for
   * upsampled maps it varies a little from cell to cell with the upsampling phase).
   */
  readonly field: number;
  /** Learned parameters (kernel + bias values) of this layer; 0 for pools, sums, fixed upsampling. */
  readonly params: number;
  /** The variants whose forward pass computes it. */
  readonly variants: readonly FcnVariant[];
}

/** A span of input pixels `[lo, hi]` (inclusive) along one axis; may reach outside the image. */
export interface Span {
  readonly lo: number;
  readonly hi: number;
}

const ALL: readonly FcnVariant[] = ['32s', '16s', '8s'];
const NOT_32: readonly FcnVariant[] = ['16s', '8s'];
const ONLY_8: readonly FcnVariant[] = ['8s'];

interface Spec {
  name: string;
  op: LayerOp;
  inputs: string[];
  kernel: number;
  /** Output resolution relative to its first input: 2 (pool), 1/2 (2x upsample), ... */
  down: number;
  variants: readonly FcnVariant[];
}

/** The graph in `fcnForward`'s computation order (per variant, the same order it returns). */
function specs(): Spec[] {
  const out: Spec[] = [];
  let last = 'input';
  const add = (s: Spec) => {
    out.push(s);
    last = s.name;
  };
  FCN_BLOCKS.forEach((block, b) => {
    for (const name of block) {
      add({ name, op: 'conv', inputs: [last], kernel: kernelOf(name), down: 1, variants: ALL });
    }
    add({ name: `pool${b + 1}`, op: 'pool', inputs: [last], kernel: 2, down: 2, variants: ALL });
  });
  add({ name: 'fc6', op: 'conv', inputs: [last], kernel: kernelOf('fc6'), down: 1, variants: ALL });
  add({
    name: 'fc7',
    op: 'conv',
    inputs: ['fc6'],
    kernel: kernelOf('fc7'),
    down: 1,
    variants: ALL,
  });
  const score = (name: string, from: string, variants: readonly FcnVariant[]): Spec => ({
    name,
    op: 'score',
    inputs: [from],
    kernel: kernelOf(name),
    down: 1,
    variants,
  });
  const up = (name: string, from: string, variants: readonly FcnVariant[]): Spec => ({
    name,
    op: 'upsample',
    inputs: [from],
    kernel: FCN_WEIGHT_SHAPES[`${name}/kernel`]?.[0] ?? 0,
    down: 1 / 2,
    variants,
  });
  const fixed = (variant: FcnVariant, from: string): Spec => {
    const f = FCN_OUTPUT_STRIDE[variant];
    return {
      name: `upscore${f}`,
      op: 'bilinear',
      inputs: [from],
      kernel: 2 * f,
      down: 1 / f,
      variants: [variant],
    };
  };
  add(score('score_fr', 'fc7', ALL));
  add(up('upscore2', 'score_fr', NOT_32));
  add(score('score_pool4', 'pool4', NOT_32));
  add({
    name: 'fuse_pool4',
    op: 'fuse',
    inputs: ['upscore2', 'score_pool4'],
    kernel: 0,
    down: 1,
    variants: NOT_32,
  });
  add(up('upscore_pool4', 'fuse_pool4', ONLY_8));
  add(score('score_pool3', 'pool3', ONLY_8));
  add({
    name: 'fuse_pool3',
    op: 'fuse',
    inputs: ['upscore_pool4', 'score_pool3'],
    kernel: 0,
    down: 1,
    variants: ONLY_8,
  });
  add(fixed('8s', 'fuse_pool3'));
  add(fixed('16s', 'fuse_pool4'));
  add(fixed('32s', 'score_fr'));
  return out;
}

function kernelOf(name: string): number {
  const shape = FCN_WEIGHT_SHAPES[`${name}/kernel`];
  if (!shape?.[0]) throw new Error(`FCN_WEIGHT_SHAPES lacks "${name}/kernel"`);
  return shape[0];
}

function paramsOf(name: string): number {
  let n = 0;
  for (const part of ['kernel', 'bias']) {
    const shape = FCN_WEIGHT_SHAPES[`${name}/${part}`];
    if (shape) n += shape.reduce((a, b) => a * b, 1);
  }
  return n;
}

function channelsOf(spec: Spec, byName: ReadonlyMap<string, NetworkLayer>): number {
  if (spec.op === 'pool' || spec.op === 'fuse' || spec.op === 'bilinear') {
    return byName.get(spec.inputs[0] ?? '')?.shape[2] ?? NUM_FCN_CLASSES;
  }
  const shape = FCN_WEIGHT_SHAPES[`${spec.name}/kernel`];
  // Conv kernels are [kh, kw, in, out]; transposed-conv kernels are [kh, kw, out, in].
  return (spec.op === 'upsample' ? shape?.[2] : shape?.[3]) ?? 0;
}

/**
 * Every layer of the FCN (all three heads) for an `height` x `width` input (positive multiples
 * of 32, up to 4096), in computation order. `layersOf(variant)` picks one head's path.
 */
export function fcnLayers(height: number, width: number): NetworkLayer[] {
  for (const [name, v] of [
    ['height', height],
    ['width', width],
  ] as const) {
    intInRange(name, v, 32, 4096);
    if (v % 32 !== 0) invalid(name, v, 'a multiple of 32');
  }
  const byName = new Map<string, NetworkLayer>();
  const all = specs();
  for (const spec of all) {
    const source = byName.get(spec.inputs[0] ?? '');
    const stride = (source?.stride ?? 1) * spec.down;
    const layer: NetworkLayer = {
      name: spec.name,
      op: spec.op,
      inputs: spec.inputs,
      kernel: spec.kernel,
      shape: [height / stride, width / stride, channelsOf(spec, byName)],
      stride,
      field: 0,
      params: paramsOf(spec.name),
      variants: spec.variants,
    };
    byName.set(spec.name, layer);
    // An interior cell's span (no image border in the way), traced back to the input.
    const mid = Math.floor(height / stride / 2);
    const span = traceSpan(all, spec.name, { lo: mid, hi: mid });
    byName.set(spec.name, { ...layer, field: span.hi - span.lo + 1 });
  }
  return [...byName.values()];
}

/** The layers one variant's forward pass computes, in its order (`fcnForward`'s intermediates). */
export function layersOf(layers: readonly NetworkLayer[], variant: FcnVariant): NetworkLayer[] {
  return layers.filter((l) => l.variants.includes(variant));
}

/** Total learned parameters of a layer list. */
export function totalParams(layers: readonly NetworkLayer[]): number {
  return layers.reduce((sum, l) => sum + l.params, 0);
}

/**
 * The input pixels output cell (`row`, `col`) of `layer` depends on, per axis, as inclusive
 * spans traced back through every path of the graph (a fused sum takes the union of its
 * inputs). Spans may reach outside the image: convolution padding, like `receptiveField()`.
 */
export function cellField(layer: string, row: number, col: number): { rows: Span; cols: Span } {
  const all = specs();
  if (!all.some((s) => s.name === layer)) {
    invalid('layer', layer, `one of ${all.map((s) => s.name).join(', ')}`);
  }
  intInRange('row', row, 0, 4095);
  intInRange('col', col, 0, 4095);
  return {
    rows: traceSpan(all, layer, { lo: row, hi: row }),
    cols: traceSpan(all, layer, { lo: col, hi: col }),
  };
}

/** One axis: the cells of `name`'s input(s) that cells `span` of `name` read, down to the image. */
function traceSpan(all: readonly Spec[], name: string, span: Span): Span {
  if (name === 'input') return span;
  const spec = all.find((s) => s.name === name);
  if (!spec) throw new Error(`unknown layer "${name}"`);
  const back = (from: string, s: Span) => traceSpan(all, from, s);
  const { lo, hi } = span;
  const k = spec.kernel;
  switch (spec.op) {
    case 'conv':
    case 'score': {
      const pad = (k - 1) / 2; // 'same', odd kernels
      return back(spec.inputs[0] ?? '', { lo: lo - pad, hi: hi + pad });
    }
    case 'pool':
      return back(spec.inputs[0] ?? '', { lo: lo * k, hi: hi * k + k - 1 });
    case 'fuse': {
      const spans = spec.inputs.map((i) => back(i, span));
      return {
        lo: Math.min(...spans.map((s) => s.lo)),
        hi: Math.max(...spans.map((s) => s.hi)),
      };
    }
    case 'upsample':
    case 'bilinear': {
      // Transposed conv, kernel k = 2s, stride s, 'same': full-output index q = o + floor((k -
      // s) / 2) (fcn.ts's fixed upsampling crops floor(s / 2), the same for k = 2s) receives
      // input i when 0 <= q - i s <= k - 1; every tap of both kernels is nonzero.
      const s = Math.round(1 / spec.down);
      const crop = Math.floor((k - s) / 2);
      return back(spec.inputs[0] ?? '', {
        lo: Math.ceil((lo + crop - k + 1) / s),
        hi: Math.floor((hi + crop) / s),
      });
    }
  }
}
