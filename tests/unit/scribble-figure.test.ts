import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { scribbleFigure } from '../../src/lib/crf/scribble-figure';
import { DEFAULT_CRF_PARAMS, type ScribbleDab } from '../../src/lib/crf/index';

/** 32 x 32: a dark left half and a bright right half, one stroke in each. */
function photo(): tf.Tensor3D {
  return tf.tidy(() => {
    const x = tf.tile(tf.reshape(tf.range(0, 32), [1, 32, 1]), [32, 1, 3]);
    return tf.add<tf.Tensor3D>(tf.mul(tf.cast(tf.greaterEqual(x, 16), 'float32'), 0.8), 0.1);
  });
}
const strokes: ScribbleDab[] = [
  { x: 6, y: 16, radius: 3, label: 0 },
  { x: 26, y: 16, radius: 3, label: 1 },
];
const params = { ...DEFAULT_CRF_PARAMS, thetaAlpha: 10, thetaBeta: 10, iterations: 5 };

describe('scribbleFigure', () => {
  for (const path of ['typed-array', 'tfjs'] as const) {
    it(`labels each half by its stroke (${path})`, async () => {
      const image = photo();
      const f = await scribbleFigure(image, strokes, 2, params, path);
      const labels = (await tf.argMax(f.q, -1).array()) as number[][];
      expect(labels[16]?.[2]).toBe(0);
      expect(labels[2]?.[12]).toBe(0);
      expect(labels[16]?.[30]).toBe(1);
      expect(labels[30]?.[20]).toBe(1);
      expect(f.confidence.shape).toEqual([32, 32]);
      tf.dispose([image, f]);
    });
  }

  it('an abort stops it between iterations and frees what it made', async () => {
    const image = photo();
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    let reached = 0;
    await expect(
      scribbleFigure(image, strokes, 2, { ...params, iterations: 20 }, 'typed-array', {
        signal: controller.signal,
        onIteration: (t) => {
          reached = t;
          if (t === 3) controller.abort(new Error('superseded'));
        },
      }),
    ).rejects.toThrow('superseded');
    expect(reached).toBe(3);
    expect(tf.memory().numTensors).toBe(before);
    image.dispose();
  });

  it('leaks no tensors (the caller disposes the result)', async () => {
    const image = photo();
    const before = tf.memory().numTensors;
    tf.dispose(await scribbleFigure(image, strokes, 2, params, 'typed-array'));
    tf.dispose(await scribbleFigure(image, strokes, 2, params, 'tfjs'));
    expect(tf.memory().numTensors).toBe(before);
    image.dispose();
  });
});
