/**
 * Parameters of the fully connected CRF of Kraehenbuehl & Koltun (NIPS 2011) and their
 * validation. Pairwise potential between pixels i and j with Potts compatibility:
 *
 *   k(f_i, f_j) = w1 exp(-|p_i - p_j|^2 / 2 thetaAlpha^2 - |I_i - I_j|^2 / 2 thetaBeta^2)
 *               + w2 exp(-|p_i - p_j|^2 / 2 thetaGamma^2)
 *
 * with positions p in pixels and colours I in 0..255.
 */
import { intInRange, numberInRange } from '../validate';

export interface CrfParams {
  /** Appearance (bilateral) kernel weight w1 >= 0. Default 10. */
  readonly w1: number;
  /** Appearance kernel spatial standard deviation theta_alpha in pixels. Default 60. */
  readonly thetaAlpha: number;
  /** Appearance kernel colour standard deviation theta_beta in 0..255 units. Default 20. */
  readonly thetaBeta: number;
  /** Smoothness kernel weight w2 >= 0. Default 3. */
  readonly w2: number;
  /** Smoothness kernel standard deviation theta_gamma in pixels. Default 3. */
  readonly thetaGamma: number;
  /** Number of mean-field iterations, 0..100. Default 10. */
  readonly iterations: number;
}

/**
 * The reference densecrf v1 example's setting (Kraehenbuehl's densecrf 1.0,
 * `examples/dense_inference.cpp`: `addPairwiseGaussian(3, 3, 3)`,
 * `addPairwiseBilateral(60, 60, 20, 20, 20, im, 10)`, `map(10, ...)`): smoothness sigma 3,
 * weight 3; bilateral sigma_xy 60, sigma_rgb 20, weight 10; 10 iterations. The library's
 * defaults. (pydensecrf's README uses sxy 80, srgb 13, compat 10 instead.)
 */
export const DEFAULT_CRF_PARAMS: CrfParams = Object.freeze({
  w1: 10,
  thetaAlpha: 60,
  thetaBeta: 20,
  w2: 3,
  thetaGamma: 3,
  iterations: 10,
});

/** Largest accepted kernel weight; beyond it exp() in the update underflows everywhere. */
const MAX_WEIGHT = 1000;
/** Largest accepted standard deviation (pixels or colour units). */
const MAX_THETA = 10000;

/**
 * Fills in defaults and validates every parameter: weights in 0..1000, thetas > 0 (we accept
 * 1e-3..1e4), iterations an integer in 0..100. Throws `invalid <name>: <value> (expected ...)`.
 */
export function resolveCrfParams(options: Partial<CrfParams> = {}): CrfParams {
  const p = { ...DEFAULT_CRF_PARAMS, ...options };
  return {
    w1: numberInRange('w1', p.w1, 0, MAX_WEIGHT),
    thetaAlpha: numberInRange('thetaAlpha', p.thetaAlpha, 1e-3, MAX_THETA),
    thetaBeta: numberInRange('thetaBeta', p.thetaBeta, 1e-3, MAX_THETA),
    w2: numberInRange('w2', p.w2, 0, MAX_WEIGHT),
    thetaGamma: numberInRange('thetaGamma', p.thetaGamma, 1e-3, MAX_THETA),
    iterations: intInRange('iterations', p.iterations, 0, 100),
  };
}

/** The reference example's setting under its own name (the page's "reference defaults"). */
export const REFERENCE_CRF_PARAMS: CrfParams = DEFAULT_CRF_PARAMS;

/**
 * The setting the pages start from: a best setting of a joint grid over w1, thetaAlpha and
 * thetaBeta on 100 validation scenes (never the test scenes), `npm run eval:crf -- --dir ...
 * --grid` (tied at 58.9 mean IU with thetaAlpha 60 after the 2026-12-02 retraining; it was the
 * best alone before); the sweep and its scores are in public/weights/eval.json
 * (crfValidationSweep).
 */
export const TUNED_CRF_PARAMS: CrfParams = Object.freeze({
  ...DEFAULT_CRF_PARAMS,
  thetaAlpha: 30,
  thetaBeta: 5,
});
