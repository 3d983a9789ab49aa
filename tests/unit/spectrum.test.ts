import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import {
  logMagnitudeSpectrum2d,
  magnitudeSpectrum,
  spectrumFrequencies,
  zeroInsert,
} from '../../src/lib';
import {
  expectClose,
  expectNoLeak,
  fromGolden,
  loadOps,
  prng,
  randomTensor,
  type Golden,
  type Tolerance,
} from '../reference/ops-golden';
import { dftMatrices, realDft1d, realDft2d } from '../../src/lib/upsampling/dft';
import { hannWindow, spectralImageContrast } from '../../src/lib/upsampling/spectrum';

const golden = loadOps<{
  signals: { x: Golden; magnitude: Golden }[];
  images: { x: Golden; logMagnitude: Golden }[];
}>('fft.json');

/**
 * FFT tolerance. A plain relative tolerance cannot work: bins near zero magnitude have an
 * unbounded relative error, because each bin's float32 rounding error scales with the signal's
 * energy (N products with rounded twiddles), not with the bin itself. So the absolute part is
 * scaled by sum|x|, an upper bound of every |X[k]|: measured worst case on these fixtures
 * (tfjs CPU) is 2.7e-8 * sum|x|; we allow 1e-6 * sum|x| plus 1e-5 relative. The same bound holds
 * for log1p(|X|), whose error is at most the magnitude's error.
 */
function fftTolerance(x: Golden): Tolerance {
  return { atol: 1e-6 * x.data.reduce((a, v) => a + Math.abs(v), 0), rtol: 1e-5 };
}

describe('magnitudeSpectrum', () => {
  it('matches |torch.fft.rfft| for power-of-two and other lengths', () => {
    for (const g of golden.signals) {
      expectClose(magnitudeSpectrum(fromGolden<tf.Tensor1D>(g.x)), g.magnitude, fftTolerance(g.x));
    }
  });

  it('of a zero-inserted signal is the original spectrum repeated f times (spectral images)', () => {
    const rand = prng(9);
    const x = randomTensor(rand, [16], -1, 1) as tf.Tensor1D;
    // Full DFT magnitudes of x (bins 0..15) from rfft plus conjugate symmetry.
    const half = Array.from(magnitudeSpectrum(x).dataSync());
    const full = Array.from({ length: 16 }, (_, k) => half[Math.min(k, 16 - k)] ?? NaN);
    for (const f of [2, 3, 4]) {
      const up = magnitudeSpectrum(zeroInsert(x, f));
      const want = Array.from({ length: 8 * f + 1 }, (_, k) => full[k % 16] ?? NaN);
      expectClose(up, tf.tensor1d(want), { atol: 1e-6 * 16, rtol: 1e-5 });
    }
  });

  it('lists bin frequencies k/N in cycles per sample', () => {
    expect(spectrumFrequencies(4)).toEqual([0, 0.25, 0.5]);
    expect(spectrumFrequencies(5)).toEqual([0, 0.2, 0.4]);
    expect(() => spectrumFrequencies(0)).toThrow('invalid n: 0 (expected an integer >= 1)');
  });

  it('rejects a signal that is not 1-D', () => {
    expect(() => magnitudeSpectrum(tf.zeros([2, 2]) as unknown as tf.Tensor1D)).toThrow(
      'invalid signal shape: "[2, 2]" (expected [N] with N >= 1)',
    );
  });
});

describe('logMagnitudeSpectrum2d', () => {
  it('matches log1p(|fftshift(torch.fft.fft2)|) for even and odd sizes', () => {
    for (const g of golden.images) {
      // log1p compresses the magnitude error: d log1p(m) = dm / (1 + m) <= dm.
      expectClose(
        logMagnitudeSpectrum2d(fromGolden<tf.Tensor2D>(g.x)),
        g.logMagnitude,
        fftTolerance(g.x),
      );
    }
  });

  it('puts the zero frequency (log1p of the pixel sum) at [floor(H/2), floor(W/2)]', () => {
    const x = randomTensor(prng(4), [7, 6]) as tf.Tensor2D;
    const spec = logMagnitudeSpectrum2d(x).arraySync();
    const sum = Array.from(x.dataSync()).reduce((a, b) => a + b, 0);
    expect(spec[3]?.[3]).toBeCloseTo(Math.log1p(sum), 5);
  });

  it('averages the channels of a colour image first', () => {
    const rgb = randomTensor(prng(8), [8, 6, 3]) as tf.Tensor3D;
    expectClose(logMagnitudeSpectrum2d(rgb), logMagnitudeSpectrum2d(tf.mean(rgb, 2)), {
      atol: 1e-6,
      rtol: 0,
    });
  });

  it('with a Hann window, transforms the image times the outer product of two Hann windows', () => {
    const x = randomTensor(prng(5), [8, 6]) as tf.Tensor2D;
    const w = (n: number) =>
      Array.from({ length: n }, (_, k) => 0.5 - 0.5 * Math.cos((2 * Math.PI * k) / n));
    expect(Array.from(hannWindow(6).dataSync())).toEqual(
      w(6).map((v) => expect.closeTo(v, 6) as unknown as number),
    );
    const manual = tf.mul(x, tf.outerProduct(tf.tensor1d(w(8)), tf.tensor1d(w(6))));
    expectClose(
      logMagnitudeSpectrum2d(x, { window: 'hann' }),
      logMagnitudeSpectrum2d(manual as tf.Tensor2D),
      { atol: 1e-5, rtol: 0 },
    );
    expect(() => logMagnitudeSpectrum2d(x, { window: 'box' as 'hann' })).toThrow(
      /invalid window: "box"/,
    );
  });

  it('measures the spectral images of a zero insertion above the mean of the spectrum', async () => {
    const x = tf.add<tf.Tensor2D>(0.5, randomTensor(prng(6), [16, 16]));
    const spec = logMagnitudeSpectrum2d(zeroInsert<tf.Tensor2D>(x, 4));
    const values = spec.arraySync();
    // Brute force: the 15 image centres (32 + 16a, 32 + 16b) mod 64, minus the overall mean.
    let peaks = 0;
    for (let a = 0; a < 4; a++)
      for (let b = 0; b < 4; b++)
        if (a || b) peaks += values[(32 + 16 * a) % 64]?.[(32 + 16 * b) % 64] ?? NaN;
    const mean = values.flat().reduce((s, v) => s + v, 0) / 64 ** 2;
    const contrast = spectralImageContrast(spec, 4);
    expect(contrast.dataSync()[0]).toBeCloseTo(peaks / 15 - mean, 4);
    // Zero insertion copies the spectrum exactly: each image centre equals zero frequency.
    expect(values[48]?.[16]).toBeCloseTo(values[32]?.[32] ?? NaN, 3);
    expect(contrast.dataSync()[0]).toBeGreaterThan(2);
    expect(spectralImageContrast(spec, 1).dataSync()[0]).toBe(0);
    expect(() => spectralImageContrast(spec, 3)).toThrow(/invalid factor: 3/);
    await expectNoLeak(() => spectralImageContrast(spec, 4));
    await expectNoLeak(() => logMagnitudeSpectrum2d(x, { window: 'hann' }));
  });

  it('rejects other ranks', () => {
    expect(() => logMagnitudeSpectrum2d(tf.zeros([4]) as unknown as tf.Tensor2D)).toThrow(
      'invalid image shape: "[4]" (expected [H, W] or [H, W, C])',
    );
  });
});

describe('spectra on the wasm backend (no FFT kernels: DFT matrix products)', () => {
  it('match torch.fft like the FFT path, within the same tolerance', async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
    try {
      expect(tf.getKernel('FFT', 'wasm')).toBeUndefined();
      for (const g of golden.signals) {
        const x = fromGolden<tf.Tensor1D>(g.x);
        const m = magnitudeSpectrum(x);
        expectClose(m, g.magnitude, fftTolerance(g.x));
        tf.dispose([x, m]);
      }
      for (const g of golden.images) {
        const x = fromGolden<tf.Tensor2D | tf.Tensor3D>(g.x);
        const s = logMagnitudeSpectrum2d(x);
        expectClose(s, g.logMagnitude, fftTolerance(g.x));
        tf.dispose([x, s]);
      }
      const z = tf.zeros<tf.Rank.R2>([4, 4]);
      await expectNoLeak(() => logMagnitudeSpectrum2d(z));
      z.dispose();
    } finally {
      await tf.setBackend('cpu');
    }
  });
});

describe('spectra leak no tensors', () => {
  it('magnitudeSpectrum', () => {
    const x = randomTensor(prng(2), [30]) as tf.Tensor1D;
    return expectNoLeak(() => magnitudeSpectrum(x));
  });
  it('logMagnitudeSpectrum2d', () => {
    const x = randomTensor(prng(2), [9, 8, 3]) as tf.Tensor3D;
    return expectNoLeak(() => logMagnitudeSpectrum2d(x));
  });
});

describe('DFT matrix products', () => {
  it('equal the FFT on the cpu backend (same tolerance) and leak no tensors', async () => {
    const x = randomTensor(prng(5), [12, 10]) as tf.Tensor2D;
    const viaMatrices = realDft2d(x);
    const viaFft = tf.tidy(() => {
      const rows = tf.spectral.fft(tf.complex(x, tf.zerosLike(x)));
      const cols = tf.spectral.fft(tf.transpose(rows));
      return { re: tf.transpose(tf.real(cols)), im: tf.transpose(tf.imag(cols)) };
    });
    const atol = 1e-6 * (await tf.sum(tf.abs(x)).data())[0]!;
    for (const part of ['re', 'im'] as const) {
      const diff = tf.max(tf.abs(tf.sub(viaMatrices[part], viaFft[part])));
      expect((await diff.data())[0]).toBeLessThan(atol);
      diff.dispose();
    }
    tf.dispose([viaMatrices, viaFft]);
    const s = randomTensor(prng(6), [17]) as tf.Tensor1D;
    await expectNoLeak(() => realDft1d(s));
    await expectNoLeak(() => realDft2d(x));
    await expectNoLeak(() => dftMatrices(5));
    tf.dispose([x, s]);
  });
});
