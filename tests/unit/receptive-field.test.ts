import { describe, expect, it } from 'vitest';
import { receptiveField, type FieldLayer } from '../../src/lib';
import { prng, randInt } from '../reference/ops-golden';

/**
 * Brute force: unit u of a layer reads units u * s - p + t (t = 0..k-1) of the layer below
 * (padding positions included). Follow units 0 and 1 down to the input and measure the spans.
 */
function bruteField(layers: readonly Required<FieldLayer>[]) {
  const span = (unit: number) => {
    let lo = unit;
    let hi = unit;
    for (let l = layers.length - 1; l >= 0; l--) {
      const { kernel, stride, padding } = layers[l]!;
      lo = lo * stride - padding;
      hi = hi * stride - padding + kernel - 1;
    }
    return { lo, hi };
  };
  const first = span(0);
  const second = span(1);
  return {
    size: first.hi - first.lo + 1,
    jump: second.lo - first.lo,
    start: (first.lo + first.hi) / 2,
  };
}

describe('receptiveField', () => {
  it('grows by (k - 1) * jump per layer: two 3x3 convs see 5 pixels, three see 7', () => {
    const conv = { kernel: 3, padding: 1 };
    expect(receptiveField([conv, conv, conv]).map((f) => f.size)).toEqual([3, 5, 7]);
  });

  it('gives the tiny VGG block stack strides 2..32 after each 2x2 pool', () => {
    const block = [
      { kernel: 3, padding: 1 },
      { kernel: 3, padding: 1 },
      { kernel: 2, stride: 2 },
    ];
    const fields = receptiveField([...block, ...block, ...block, ...block, ...block]);
    expect(fields.filter((_, i) => i % 3 === 2).map((f) => f.jump)).toEqual([2, 4, 8, 16, 32]);
    expect(fields[2]).toEqual({ size: 6, jump: 2, start: 0.5 });
  });

  it('agrees with brute-force tracing on random stacks', () => {
    const rand = prng(77);
    for (let t = 0; t < 200; t++) {
      const layers = Array.from({ length: randInt(rand, 1, 6) }, () => {
        const kernel = randInt(rand, 1, 7);
        return { kernel, stride: randInt(rand, 1, 3), padding: randInt(rand, 0, kernel) };
      });
      const fields = receptiveField(layers);
      layers.forEach((_, i) => expect(fields[i]).toEqual(bruteField(layers.slice(0, i + 1))));
    }
  });

  it('names the offending layer option', () => {
    expect(() => receptiveField([{ kernel: 3 }, { kernel: 3, stride: 0 }])).toThrow(
      'invalid layers[1].stride: 0 (expected an integer in 1..1024)',
    );
  });
});
