/** Dense CRF (Kraehenbuehl & Koltun 2011): parameters, unaries, filters and mean-field inference. */
export {
  DEFAULT_CRF_PARAMS,
  REFERENCE_CRF_PARAMS,
  TUNED_CRF_PARAMS,
  resolveCrfParams,
  type CrfParams,
} from './params';
export { unaryFromLogits, probabilitiesFromUnary } from './unary';
export {
  scribbleUnary,
  strokesToLabelMap,
  type ScribbleDab,
  type ScribbleUnaryOptions,
} from './scribble';
export { appearanceFeatures, smoothnessFeatures } from './features';
export {
  exactGaussianMessages,
  exactGaussianKernel,
  MAX_EXACT_KERNEL_PIXELS,
} from './exact-filter';
export {
  separableGaussianMessages,
  exactSpatialGaussianMessages,
  gaussianTaps,
} from './separable-gaussian';
export { makeSplatFilter, splatFilterMessages, type SplatFilter } from './splat-filter';
export {
  buildPermutohedralLattice,
  permutohedralMessages,
  MAX_LATTICE_VERTICES,
} from './permutohedral';
export {
  buildBilateralGrid,
  bilateralGridMessages,
  MAX_GRID_VERTICES,
  type BilateralGrid,
} from './bilateral-grid';
export {
  prepareMeanField,
  initialMeanFieldState,
  meanFieldStep,
  disposeMeanFieldState,
  runMeanField,
  type CrfMethod,
  type MeanFieldOptions,
  type MeanFieldProblem,
  type MeanFieldState,
  type MeanFieldTrace,
} from './mean-field';
export { buildLatticePlan, LatticeFilter, LATTICE_TAPS, type LatticePlan } from './lattice-cpu';
export {
  prepareCpuKernels,
  CpuMeanField,
  runCpuMeanField,
  MAX_CPU_SIDE,
  type CpuCrfKernels,
  type CpuCrfMethod,
  type CpuTracePoint,
} from './mean-field-cpu';
export * from './crf-figure';
