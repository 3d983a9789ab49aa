import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHECKERBOARD_FLAT_SIDE,
  checkerboard,
  overlapMap,
  scanlineSpectrum,
  spectralImageContrast,
  spectrumFrequencies,
  transposedConvProof,
  zeroInsert2d,
  type InterpolationKind,
} from '../../src/lib/upsampling/index';
import { zeroInsertionFigures } from '../../src/lib/browser/figures/zero-insertion';
import { fromWire, isWireTensor } from '../../src/lib/browser/compute-wire';
import { expectNoLeak, prng } from '../reference/ops-golden';

const SIDE = 16;
let photo: tf.Tensor3D;
let photoValues: number[][][];

beforeAll(async () => {
  const rand = prng(11);
  photo = tf.tensor3d(Float32Array.from({ length: SIDE * SIDE * 3 }, rand), [SIDE, SIDE, 3]);
  photoValues = await photo.array();
});

afterAll(() => {
  photo.dispose();
});

/** Channel mean of the photo, `[H][W]`. */
function grey(): number[][] {
  return photoValues.map((row) => row.map((px) => px.reduce((a, b) => a + b, 0) / px.length));
}

/** |X[k]| for k = 0..floor(N/2), by the DFT's definition. */
function bruteMagnitudes(x: readonly number[]): number[] {
  const n = x.length;
  return Array.from({ length: Math.floor(n / 2) + 1 }, (_, k) => {
    let re = 0;
    let im = 0;
    x.forEach((v, t) => {
      re += v * Math.cos((2 * Math.PI * k * t) / n);
      im -= v * Math.sin((2 * Math.PI * k * t) / n);
    });
    return Math.hypot(re, im);
  });
}

/** Transposed convolution by scattering: out[s i + u][s j + v] += x[i][j] w[u][v]. */
function scatter(x: number[][], w: number[][], s: number): number[][] {
  const k = w.length;
  const h = x.length;
  const wd = x[0]?.length ?? 0;
  const out = Array.from({ length: (h - 1) * s + k }, () =>
    Array.from({ length: (wd - 1) * s + k }, () => 0),
  );
  x.forEach((row, i) =>
    row.forEach((v, j) =>
      w.forEach((wr, u) =>
        wr.forEach((wv, c) => {
          const o = out[s * i + u];
          if (o) o[s * j + c] = (o[s * j + c] ?? 0) + v * wv;
        }),
      ),
    ),
  );
  return out;
}

describe('scanlineSpectrum', () => {
  it('zero insertion by L puts exactly (L − 1)/L of the energy outside the original band', async () => {
    // Even and odd row lengths: with an even one a bin lies on the band edge.
    const odd = tf.tidy(() => tf.slice(photo, [0, 0, 0], [SIDE, SIDE - 1, 3]));
    for (const image of [photo, odd]) {
      for (const factor of [1, 2, 3, 4, 8]) {
        const f = scanlineSpectrum(image, factor, 'zeros');
        const [share] = await f.imageShare.data();
        expect(share, `width ${image.shape[1]}, L = ${factor}`).toBeCloseTo(
          (factor - 1) / factor,
          5,
        );
        tf.dispose(f);
      }
    }
    odd.dispose();
  });

  for (const kind of ['zeros', 'nearest', 'linear', 'sinc'] as const) {
    it(`gives the middle row's samples, its strip, and a brute-force DFT spectrum (${kind})`, async () => {
      const factor = 3;
      const f = scanlineSpectrum(photo, factor, kind);
      const row = grey()[SIDE / 2] ?? [];
      const signal = Array.from(await f.signal.data());
      expect(signal).toHaveLength(SIDE * factor);
      // Every filter keeps the original samples at multiples of L.
      row.forEach((v, n) => expect(signal[n * factor], `sample ${n}`).toBeCloseTo(v, 5));
      if (kind === 'zeros') {
        signal.forEach((v, n) => n % factor !== 0 && expect(v).toBe(0));
      }
      expect(f.strip.shape).toEqual([12 * factor, SIDE * factor]);
      const strip = await f.strip.array();
      expect(strip[7]).toEqual(strip[0]);

      // The spectrum of the mean-removed row, upsampled the same way, in the row's own units.
      const mean = row.reduce((a, b) => a + b, 0) / row.length;
      const centred = tf.tensor1d(row.map((v) => v - mean));
      const { interpolate1d } = await import('../../src/lib/upsampling/interpolation');
      const upCentred = tf.tidy(() => interpolate1d(centred, factor, kind));
      const expected = bruteMagnitudes(Array.from(await upCentred.data())).map(
        (m) => m / (kind === 'zeros' ? 1 : factor),
      );
      const spectrum = Array.from(await f.spectrum.data());
      expect(spectrum).toHaveLength(spectrumFrequencies(SIDE * factor).length);
      spectrum.forEach((m, k) => expect(m, `bin ${k}`).toBeCloseTo(expected[k] ?? NaN, 3));
      const peak = Math.max(...bruteMagnitudes(row.map((v) => v - mean)));
      expect((await f.peak.data())[0]).toBeCloseTo(peak, 4);
      tf.dispose([f, centred, upCentred]);
    });
  }

  it('the filters leave ever less energy outside the band', async () => {
    const shares: number[] = [];
    for (const kind of ['zeros', 'nearest', 'linear', 'sinc'] as const) {
      const f = scanlineSpectrum(photo, 4, kind);
      shares.push((await f.imageShare.data())[0] ?? NaN);
      tf.dispose(f);
    }
    expect(shares).toEqual([...shares].sort((a, b) => b - a));
    expect(new Set(shares).size).toBe(4);
  });

  it('rejects bad options with their name and value', () => {
    expect(() => scanlineSpectrum(photo, 0, 'zeros')).toThrow(/invalid factor: 0/);
    expect(() => scanlineSpectrum(photo, 2, 'cubic' as InterpolationKind)).toThrow(
      /invalid kind: "cubic"/,
    );
    const flat = tf.zeros([4, 4]);
    expect(() => scanlineSpectrum(flat as tf.Tensor3D, 2, 'zeros')).toThrow(
      /invalid photo shape: "\[4, 4\]"/,
    );
    flat.dispose();
  });
});

describe('zeroInsert2d', () => {
  it('brightens the stuffed photo by L², filters it, and measures both spectra', async () => {
    const factor = 2;
    const f = zeroInsert2d(photo, factor, 'linear');
    expect(f.zeros.shape).toEqual([SIDE * factor, SIDE * factor, 3]);
    expect(f.zerosSpectrum.shape).toEqual([SIDE * factor, SIDE * factor]);
    const zeros = await f.zeros.array();
    const filtered = await f.filtered.array();
    for (const [y, x] of [
      [0, 0],
      [3, 5],
      [15, 15],
    ] as const) {
      const px = photoValues[y]?.[x] ?? [];
      px.forEach((v, c) => {
        expect(zeros[y * factor]?.[x * factor]?.[c]).toBeCloseTo(Math.min(1, v * factor ** 2), 5);
        expect(zeros[y * factor + 1]?.[x * factor]?.[c]).toBe(0);
        expect(filtered[y * factor]?.[x * factor]?.[c]).toBeCloseTo(v, 5);
      });
    }
    const contrast = Array.from(await f.contrast.data());
    const expected = await Promise.all(
      [f.zerosSpectrum, f.filteredSpectrum].map((s) =>
        tf.tidy(() => spectralImageContrast(s, factor)).data(),
      ),
    );
    expect(contrast[0]).toBeCloseTo(expected[0]?.[0] ?? NaN, 5);
    expect(contrast[1]).toBeCloseTo(expected[1]?.[0] ?? NaN, 5);
    // The images of zero insertion stand out; the filter dims them.
    expect(contrast[0]).toBeGreaterThan(1);
    expect(contrast[1]).toBeLessThan((contrast[0] ?? 0) - 0.5);
    tf.dispose(f);
  });

  it('at L = 1 there is nothing to insert and no images', async () => {
    const f = zeroInsert2d(photo, 1, 'sinc');
    expect(Array.from(await f.contrast.data())).toEqual([0, 0]);
    expect(await f.filtered.array()).toEqual(photoValues);
    tf.dispose(f);
  });
});

describe('checkerboard', () => {
  it('counts the taps on an 8×8 input, and a flat photo comes out as those counts times s²/k²', async () => {
    const level = 0.4;
    const flat = tf.fill<tf.Rank.R3>([6, 6, 3], level);
    for (const [k, s] of [
      [3, 2],
      [4, 2],
      [4, 3],
      [1, 1],
    ] as const) {
      const f = checkerboard(flat, k, s);
      const side = CHECKERBOARD_FLAT_SIDE;
      expect(await f.counts.array()).toEqual(overlapMap(k, s, [side, side]));
      const out = (await f.photoOut.array()).map((r) => r.map((px) => px[0] ?? NaN));
      const counts = overlapMap(k, s, [6, 6]);
      out.forEach((r, y) =>
        r.forEach((v, x) =>
          expect(v, `k=${k} s=${s} (${y}, ${x})`).toBeCloseTo(
            Math.min(1, (level * (counts[y]?.[x] ?? NaN) * s * s) / (k * k)),
            5,
          ),
        ),
      );
      tf.dispose(f);
    }
    flat.dispose();
  });

  it('rejects bad options with their name and value', () => {
    expect(() => checkerboard(photo, 0, 2)).toThrow(/invalid kernelSize: 0/);
    expect(() => checkerboard(photo, 3, 2.5)).toThrow(/invalid stride: 2.5/);
  });
});

describe('transposedConvProof', () => {
  for (const [s, k] of [
    [2, 3],
    [3, 7],
    [1, 1],
    [4, 2],
  ] as const) {
    it(`both sides equal a scatter-loop transposed convolution (stride ${s}, kernel ${k})`, async () => {
      const f = transposedConvProof(photo, s, k, 3);
      const w = await f.kernel.array();
      expect(w).toHaveLength(k);
      const expected = scatter(grey(), w, s);
      const direct = (await f.direct.array()).map((r) => r.map((px) => px[0] ?? NaN));
      const decomposed = (await f.decomposed.array()).map((r) => r.map((px) => px[0] ?? NaN));
      expect(direct).toHaveLength((SIDE - 1) * s + k);
      expected.forEach((r, y) =>
        r.forEach((v, x) => {
          expect(direct[y]?.[x]).toBeCloseTo(v, 4);
          expect(decomposed[y]?.[x]).toBeCloseTo(v, 4);
        }),
      );
      const diff = (await f.difference.array()).flat(2).map(Math.abs);
      expect((await f.maxDifference.data())[0]).toBe(Math.max(...diff));
      expect(Math.max(...diff)).toBeLessThan(1e-5);
      // The stuffed input: grey values at multiples of s, zeros between.
      const stuffed = await f.stuffed.array();
      expect(stuffed).toHaveLength(SIDE * s);
      expect(stuffed[s]?.[s]).toBeCloseTo(grey()[1]?.[1] ?? NaN, 5);
      if (s > 1) expect(stuffed[1]?.[0]).toBe(0);
      tf.dispose(f);
    });
  }

  it('one seed gives one kernel; another seed another', async () => {
    const [a, b, c] = [1, 1, 2].map((seed) => transposedConvProof(photo, 2, 3, seed));
    expect(await a?.kernel.array()).toEqual(await b?.kernel.array());
    expect(await a?.kernel.array()).not.toEqual(await c?.kernel.array());
    tf.dispose([a, b, c]);
  });

  it('rejects bad options with their name and value', () => {
    expect(() => transposedConvProof(photo, 0, 3, 1)).toThrow(/invalid stride: 0/);
    expect(() => transposedConvProof(photo, 2, 3, -1)).toThrow(/invalid seed: -1/);
  });
});

describe('zero-insertion figures leak no tensors', () => {
  it('every lib function', async () => {
    await expectNoLeak(() => scanlineSpectrum(photo, 4, 'sinc'));
    await expectNoLeak(() => zeroInsert2d(photo, 3, 'nearest'));
    await expectNoLeak(() => checkerboard(photo, 3, 2));
    await expectNoLeak(() => transposedConvProof(photo, 3, 5, 4));
  });

  const runs: [string, Record<string, unknown>, string[]][] = [
    ['scanline-spectrum', { factor: 4, kind: 'linear' }, ['strip', 'imageShare']],
    ['zero-insert-2d', { factor: 2, kind: 'sinc' }, ['zeros', 'contrast']],
    ['checkerboard', { kernelSize: 3, stride: 2 }, ['counts', 'photoOut']],
    ['deconv-proof', { stride: 2, kernelSize: 3, seed: 1 }, ['direct', 'maxDifference']],
  ];
  for (const [name, options, keys] of runs) {
    it(`the registry figure '${name}' sends its tensors and frees them (failing runs too)`, async () => {
      const figure = zeroInsertionFigures[name];
      if (!figure) throw new Error(`no figure ${name}`);
      const ctx = { signal: new AbortController().signal, softwareGpu: false };
      const before = tf.memory().numTensors;
      const wire = (await figure.run({ photo }, options, ctx, { photo: 't1' })) as Record<
        string,
        unknown
      >;
      expect(tf.memory().numTensors).toBe(before);
      for (const key of keys) expect(isWireTensor(wire[key]), key).toBe(true);
      const back = await fromWire<tf.TensorContainerObject>(wire);
      tf.dispose(back);
      await expect(
        figure.run({ photo }, { ...options, stride: 0, factor: 0 }, ctx, {}),
      ).rejects.toThrow(/invalid (stride|factor): 0/);
      await expect(figure.run({}, options, ctx, {})).rejects.toThrow(/needs a photo/);
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});
