import { readFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { cellField, fcnLayers, layersOf, totalParams } from '../../src/lib/fcn/network';
import { layerMaps } from '../../src/lib/fcn/network-maps';
import { disposeFcnResult, fcnForward, type FcnVariant } from '../../src/lib/fcn/fcn';
import { FCN_WEIGHT_SHAPES, type FcnWeights } from '../../src/lib/fcn/weights';
import { receptiveField, type FieldLayer } from '../../src/lib/fcn/receptive-field';

/** Weights of the right shapes (values irrelevant to shapes), owned by the caller. */
function shapedWeights(): FcnWeights {
  const tensors = new Map<string, tf.Tensor>();
  for (const [name, shape] of Object.entries(FCN_WEIGHT_SHAPES)) {
    tensors.set(name, tf.fill([...shape], 0.01));
  }
  return { tensors, byteLength: 0 };
}

describe('fcnLayers', () => {
  for (const [h, w] of [
    [64, 64],
    [96, 128],
  ] as const) {
    it(`lists, per variant, exactly fcnForward's intermediates with their shapes (${h}x${w})`, () => {
      const weights = shapedWeights();
      const layers = fcnLayers(h, w);
      for (const variant of ['32s', '16s', '8s'] as FcnVariant[]) {
        const before = tf.memory().numTensors;
        const result = fcnForward(weights, tf.zeros([1, h, w, 3]), { variant });
        const names = [...result.intermediates.keys()];
        expect(layersOf(layers, variant).map((l) => l.name)).toEqual(names);
        for (const l of layersOf(layers, variant)) {
          expect([1, ...l.shape], l.name).toEqual(result.intermediates.get(l.name)?.shape);
        }
        disposeFcnResult(result);
        // The zeros input above was not kept: one tensor fewer than a leak would leave.
        expect(tf.memory().numTensors).toBeLessThanOrEqual(before + 1);
      }
      weights.tensors.forEach((t) => t.dispose());
    });
  }

  it('counts the same parameters as the shipped weights manifest, layer by layer', async () => {
    const manifest = JSON.parse(await readFile('public/weights/model.json', 'utf8')) as {
      weightsManifest: { weights: { name: string; shape: number[] }[] }[];
    };
    const entries = manifest.weightsManifest.flatMap((g) => g.weights);
    const stored = entries.reduce((s, e) => s + e.shape.reduce((a, b) => a * b, 1), 0);
    const layers = fcnLayers(128, 128);
    expect(totalParams(layers)).toBe(stored);
    for (const l of layers) {
      const own = entries
        .filter((e) => e.name.startsWith(`${l.name}/`))
        .reduce((s, e) => s + e.shape.reduce((a, b) => a * b, 1), 0);
      expect(l.params, l.name).toBe(own);
    }
    expect(
      layers.filter((l) => l.op === 'pool' || l.op === 'bilinear').every((l) => l.params === 0),
    ).toBe(true);
  });

  it("gives the encoder's strides and fields as receptiveField() does: 118 px, 32 apart at pool5", () => {
    const layers = fcnLayers(128, 128);
    const chain: FieldLayer[] = [];
    const encoder = layers.filter((l) => l.op === 'conv' || l.op === 'pool');
    for (const l of encoder) {
      chain.push(
        l.op === 'pool'
          ? { kernel: 2, stride: 2 }
          : { kernel: l.kernel, padding: (l.kernel - 1) / 2 },
      );
    }
    const fields = receptiveField(chain);
    encoder.forEach((l, i) => {
      expect(l.field, l.name).toBe(fields[i]?.size);
      expect(l.stride, l.name).toBe(fields[i]?.jump);
    });
    const pool5 = layers.find((l) => l.name === 'pool5');
    expect(pool5).toMatchObject({ field: 118, stride: 32, shape: [4, 4, 128] });
    expect(layers.find((l) => l.name === 'upscore8')).toMatchObject({
      stride: 1,
      shape: [128, 128, 11],
    });
  });

  it('rejects sizes that are not multiples of 32, naming them', () => {
    expect(() => fcnLayers(100, 128)).toThrow(/invalid height: 100/);
    expect(() => fcnLayers(128, 0)).toThrow(/invalid width: 0/);
  });
});

describe('cellField', () => {
  it('puts cell c of an encoder layer at receptiveField().start + c * jump, size wide', () => {
    const layers = fcnLayers(128, 128).filter((l) => l.op === 'conv' || l.op === 'pool');
    const fields = receptiveField(
      layers.map((l) =>
        l.op === 'pool'
          ? { kernel: 2, stride: 2 }
          : { kernel: l.kernel, padding: (l.kernel - 1) / 2 },
      ),
    );
    layers.forEach((l, i) => {
      const f = fields[i];
      if (!f) throw new Error('missing field');
      for (const c of [0, 1, l.shape[0] - 1]) {
        const { rows, cols } = cellField(l.name, c, c);
        expect((rows.lo + rows.hi) / 2, `${l.name} cell ${c}`).toBe(f.start + c * f.jump);
        expect(rows.hi - rows.lo + 1).toBe(f.size);
        expect(cols).toEqual(rows);
      }
    });
    expect(cellField('pool5', 1, 2)).toEqual({
      rows: { lo: -11, hi: 106 },
      cols: { lo: 21, hi: 138 },
    });
  });

  it('a fused map reads the union of its streams: fuse_pool4 is wider than score_pool4', () => {
    const f = cellField('fuse_pool4', 3, 3).rows;
    const skip = cellField('score_pool4', 3, 3).rows;
    expect(f.lo).toBeLessThanOrEqual(skip.lo);
    expect(f.hi).toBeGreaterThanOrEqual(skip.hi);
    expect(f.hi - f.lo).toBeGreaterThan(skip.hi - skip.lo);
  });

  it('rejects an unknown layer and a negative cell', () => {
    expect(() => cellField('pool9', 0, 0)).toThrow(/invalid layer: "pool9"/);
    expect(() => cellField('pool1', -1, 0)).toThrow(/invalid row: -1/);
  });
});

describe('layerMaps', () => {
  it("holds every node with its shape; the 16s and 32s heads equal those variants' logits", () => {
    // Non-constant weights so the heads differ: seeded normal values of the stored shapes.
    const tensors = new Map<string, tf.Tensor>();
    Object.entries(FCN_WEIGHT_SHAPES).forEach(([name, shape], i) => {
      tensors.set(name, tf.randomNormal([...shape], 0, 0.1, 'float32', i + 1));
    });
    const weights: FcnWeights = { tensors, byteLength: 0 };
    const image = tf.randomUniform<tf.Rank.R3>([64, 96, 3], 0, 1, 'float32', 3);
    const before = tf.memory().numTensors;
    const maps = layerMaps(weights, image);
    const nodes = fcnLayers(64, 96);
    expect(Object.keys(maps.layers).sort()).toEqual(nodes.map((l) => l.name).sort());
    for (const l of nodes) expect(maps.layers[l.name]?.shape, l.name).toEqual([...l.shape]);
    for (const variant of ['16s', '32s'] as const) {
      const batch = tf.expandDims(image, 0);
      const result = fcnForward(weights, batch, { variant });
      batch.dispose();
      const head = maps.layers[`upscore${variant.slice(0, 2)}`];
      if (!head) throw new Error('missing head');
      const diff = tf.tidy(() =>
        tf.max(tf.abs(tf.sub(tf.squeeze(result.logits, [0]), head))).arraySync(),
      );
      expect(diff, variant).toBeLessThan(1e-5);
      disposeFcnResult(result);
    }
    tf.dispose(maps);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => layerMaps(weights, tf.zeros([1, 64, 64, 3]) as unknown as tf.Tensor3D)).toThrow(
      /invalid image shape/,
    );
    image.dispose();
    weights.tensors.forEach((t) => t.dispose());
  });
});
