import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  gatherAt,
  maxTransposedPadding,
  transposedConvSteps,
} from '../../src/lib/upsampling/transposed-conv-steps';
import { transposedConv2d } from '../../src/lib/upsampling/transposed-conv';

const INPUT = [
  [1, 2, 0],
  [0, 1, 3],
  [2, 0, 1],
];
const kernelOf = (k: number) =>
  Array.from({ length: k }, (_, u) => Array.from({ length: k }, (_, v) => u * k + v + 1));

describe('transposedConvSteps', () => {
  it('equals transposedConv2d for every kernel 1..4, stride 1..3 and padding 0..k-1', () => {
    const before = tf.memory().numTensors;
    let settings = 0;
    for (let k = 1; k <= 4; k++) {
      for (let s = 1; s <= 3; s++) {
        for (let p = 0; p < k; p++) {
          if (p > maxTransposedPadding(3, k, s)) {
            expect(() =>
              transposedConvSteps(INPUT, kernelOf(k), { stride: s, padding: p }),
            ).toThrow(/invalid padding/);
            continue;
          }
          const steps = transposedConvSteps(INPUT, kernelOf(k), { stride: s, padding: p });
          const ref = tf.tidy(() =>
            transposedConv2d(
              tf.tensor3d(INPUT.flat(), [3, 3, 1]),
              tf.tensor4d(kernelOf(k).flat(), [k, k, 1, 1]),
              { stride: s, padding: p },
            ).arraySync(),
          );
          const expected = ref.map((r) => r.map((c) => c[0]));
          expect(steps.output, `k=${k} s=${s} p=${p}`).toEqual(expected);
          steps.output.forEach((r, y) =>
            r.forEach((v, x) =>
              expect(gatherAt(steps, y, x), `gather k=${k} s=${s} p=${p}`).toBe(v),
            ),
          );
          settings++;
        }
      }
    }
    expect(settings).toBe(29); // k=4, s=1, p=3 leaves nothing
    expect(tf.memory().numTensors).toBe(before);
  });

  it('3x3 input, 3x3 kernel, stride 2: a 7x7 output where odd cells get 1 tap and even ones 4', () => {
    const steps = transposedConvSteps(INPUT, kernelOf(3), { stride: 2 });
    expect(steps.output.length).toBe(7);
    expect(steps.taps[1]?.[1]?.length).toBe(1); // between four input cells: only the centre tap
    expect(steps.taps[2]?.[2]?.length).toBe(4); // where four stamps overlap
    expect(steps.taps[0]?.[0]).toEqual([{ inRow: 0, inCol: 0, kRow: 0, kCol: 0, product: 1 }]);
    expect(steps.output[0]?.[0]).toBe(1);
    // out[2][2] = x00 w22 + x01 w20 + x10 w02 + x11 w00 = 1*9 + 2*7 + 0*3 + 1*1
    expect(steps.output[2]?.[2]).toBe(24);
    expect(steps.flipped[0]).toEqual([9, 8, 7]);
    expect(steps.pad).toBe(2);
    expect(steps.stuffed.length).toBe(9);
    expect(steps.source[2]?.[2]).toEqual({ row: 0, col: 0 });
    expect(steps.source[3]?.[2]).toBeUndefined();
  });

  it('rejects bad options naming them', () => {
    expect(() => transposedConvSteps(INPUT, kernelOf(3), { stride: 0 })).toThrow(
      /invalid stride: 0/,
    );
    expect(() => transposedConvSteps(INPUT, kernelOf(2), { stride: 2, padding: 2 })).toThrow(
      /invalid padding: 2/,
    );
    expect(() => transposedConvSteps([[1, 2], [3]], kernelOf(2), { stride: 1 })).toThrow(
      /invalid input/,
    );
  });
});
