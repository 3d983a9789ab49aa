/**
 * The dense CRF's mean field written from the paper's definitions with plain loops over every
 * pixel pair, in float64: the reference both mean-field implementations are tested against.
 */
import { type CrfParams } from '../../src/lib/crf/index';
import { prng } from '../reference/ops-golden';

export interface Brute {
  q: Float64Array[];
  energy: number[];
}

/**
 * Mean field written from the paper's definitions with plain loops over every pixel pair, in
 * float64: messages sum_{j != i} k(f_i, f_j) Q_j(l'), Potts potential, softmax update, and the
 * free energy (1/N) sum Q (U + P/2 + ln Q).
 */
export function bruteForceMeanField(
  rgb01: Float64Array,
  unary: Float64Array,
  h: number,
  w: number,
  labels: number,
  p: CrfParams,
  normalize = false,
): Brute {
  const n = h * w;
  const pairwise = (q: Float64Array): Float64Array => {
    const out = new Float64Array(n * labels);
    for (let i = 0; i < n; i++) {
      const [xi, yi] = [i % w, Math.floor(i / w)];
      const mA = new Float64Array(labels);
      const mS = new Float64Array(labels);
      let [nA, nS] = [0, 0];
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        const [xj, yj] = [j % w, Math.floor(j / w)];
        const dp2 = (xi - xj) ** 2 + (yi - yj) ** 2;
        let dc2 = 0;
        for (let c = 0; c < 3; c++)
          dc2 += (255 * ((rgb01[i * 3 + c] ?? 0) - (rgb01[j * 3 + c] ?? 0))) ** 2;
        const kA = Math.exp(-dp2 / (2 * p.thetaAlpha ** 2) - dc2 / (2 * p.thetaBeta ** 2));
        const kS = Math.exp(-dp2 / (2 * p.thetaGamma ** 2));
        nA += kA;
        nS += kS;
        for (let l = 0; l < labels; l++) {
          mA[l] = (mA[l] ?? 0) + kA * (q[j * labels + l] ?? 0);
          mS[l] = (mS[l] ?? 0) + kS * (q[j * labels + l] ?? 0);
        }
      }
      const [dA, dS] = normalize ? [nA, nS] : [1, 1];
      const m = mA.map((a, l) => (p.w1 * a) / dA + (p.w2 * (mS[l] ?? 0)) / dS);
      for (let l = 0; l < labels; l++) {
        let s = 0;
        for (let l2 = 0; l2 < labels; l2++) if (l2 !== l) s += m[l2] ?? 0;
        out[i * labels + l] = s;
      }
    }
    return out;
  };
  const softmaxNeg = (a: Float64Array): Float64Array => {
    const q = new Float64Array(n * labels);
    for (let i = 0; i < n; i++) {
      let max = -Infinity;
      for (let l = 0; l < labels; l++) max = Math.max(max, -(a[i * labels + l] ?? 0));
      let z = 0;
      for (let l = 0; l < labels; l++) z += Math.exp(-(a[i * labels + l] ?? 0) - max);
      for (let l = 0; l < labels; l++)
        q[i * labels + l] = Math.exp(-(a[i * labels + l] ?? 0) - max) / z;
    }
    return q;
  };
  const energy = (q: Float64Array, pw: Float64Array): number => {
    let e = 0;
    for (let t = 0; t < n * labels; t++) {
      const qt = q[t] ?? 0;
      e += qt * ((unary[t] ?? 0) + 0.5 * (pw[t] ?? 0) + Math.log(Math.max(qt, 1e-30)));
    }
    return e / n;
  };
  let q = softmaxNeg(unary);
  let pw = pairwise(q);
  const result: Brute = { q: [q], energy: [energy(q, pw)] };
  for (let t = 0; t < p.iterations; t++) {
    q = softmaxNeg(unary.map((u, k) => u + (pw[k] ?? 0)));
    pw = pairwise(q);
    result.q.push(q);
    result.energy.push(energy(q, pw));
  }
  return result;
}

export function randomProblem(h: number, w: number, labels: number, seed: number) {
  const r = prng(seed);
  const rgb = Float64Array.from({ length: h * w * 3 }, r);
  const unary = Float64Array.from({ length: h * w * labels }, () => 3 * r());
  return { rgb, unary };
}
