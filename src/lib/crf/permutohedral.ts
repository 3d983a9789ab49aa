/**
 * Fast appearance-kernel messages on the permutohedral lattice (Adams, Baek & Davis,
 * "Fast High-Dimensional Filtering Using the Permutohedral Lattice", Eurographics 2010), the
 * filter the reference densecrf code uses, as tfjs tensors (for GPUs). The lattice itself
 * (simplices, vertices, neighbours, gain, self term) is built in plain JavaScript by
 * `buildLatticePlan` (lattice-cpu.ts), which the typed-array CPU path runs directly; here the
 * plan is uploaded and run by the splat / blur / slice of splat-filter.ts.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { expectRank, invalid } from '../validate';
import { buildLatticePlan, LATTICE_TAPS } from './lattice-cpu';
import { makeSplatFilter, type SplatFilter, splatFilterMessages } from './splat-filter';

export { MAX_LATTICE_VERTICES } from './lattice-cpu';

/**
 * Builds the lattice from scaled features (unit-Gaussian kernel, see features.ts). Reads the
 * features back to JavaScript once (synchronously) to find the simplices and vertices.
 * @param features `[N, D]`, D in 1..8.
 */
export function buildPermutohedralLattice(features: tf.Tensor2D): SplatFilter {
  expectRank('features', features.shape, 2, '[N, D]');
  const [n, d] = features.shape;
  if (d < 1 || d > 8) invalid('feature dimensions', d, '1..8');
  const plan = buildLatticePlan(features.dataSync(), n, d);
  return makeSplatFilter({
    kind: 'permutohedral',
    numPixels: n,
    numVertices: plan.numVertices,
    cornersPerPixel: plan.cornersPerPixel,
    vertex: plan.vertex,
    weight: plan.weight,
    neighbours: plan.neighbours,
    axes: plan.cornersPerPixel,
    taps: LATTICE_TAPS,
    gain: plan.gain,
    self: plan.self,
  });
}

/** Approximate appearance messages without the self term (see `splatFilterMessages`). */
export const permutohedralMessages = splatFilterMessages;
