/**
 * The public entry of src/lib: pure TypeScript + tfjs-core, no DOM. Pages and components import
 * from here (or from src/lib/browser for canvas/ImageData conversion).
 */
export { invalid, intInRange, numberInRange, oneOf } from './validate';
export { maxPoolWithSwitches, avgPool } from './pooling/pooling';
export { maxUnpool } from './pooling/unpooling';
export type { PoolOptions, PooledWithSwitches } from './pooling/pooling';
export {
  POOL_MODES,
  poolFigure,
  unpoolFigure,
  shiftFigure,
  localizationFigure,
  uniformLocalizationError,
  rimCellShare,
} from './pooling/pool-figures';
export type {
  PoolMode,
  UnpoolFigure,
  ShiftFigure,
  LocalizationFigure,
} from './pooling/pool-figures';
export { zeroInsert, nearestUpsample } from './upsampling/upsampling';
export type { UpsampleFactor } from './upsampling/upsampling';
export {
  magnitudeSpectrum,
  spectrumFrequencies,
  logMagnitudeSpectrum2d,
} from './upsampling/spectrum';
export {
  transposedConv2d,
  transposedConvByZeroInsertion,
  transposedConvOutputSize,
} from './upsampling/transposed-conv';
export type { TransposedConvOptions } from './upsampling/transposed-conv';
export { overlapMap } from './upsampling/overlap-map';
export {
  bilinearKernel,
  bilinearKernelSize,
  bilinearProfile,
  bilinearUpsample,
  compareWithResizeBilinear,
} from './upsampling/bilinear';
export type { ConventionDifference } from './upsampling/bilinear';
export { receptiveField } from './fcn/receptive-field';
export type { FieldLayer, ReceptiveField } from './fcn/receptive-field';
export { FCN_CLASSES, NUM_FCN_CLASSES, FCN_PALETTE } from './fcn/classes';
export type { FcnClassName } from './fcn/classes';
export { FCN_BLOCKS, FCN_WEIGHT_SHAPES, loadFcnWeights, disposeFcnWeights } from './fcn/weights';
export type { FcnWeights, FetchResponseLike, LoadFcnWeightsOptions } from './fcn/weights';
export { fcnForward, disposeFcnResult, fixedBilinearUpsample, FCN_OUTPUT_STRIDE } from './fcn/fcn';
export type { FcnVariant, FcnForwardOptions, FcnResult } from './fcn/fcn';
export { skipFusionFigure, SKIP_STREAMS, SKIP_VARIANTS, STREAMS_OF } from './fcn/skip-fusion';
export type { SkipFusionResult, SkipStream } from './fcn/skip-fusion';
export { confusionMatrix, segmentationScores } from './fcn/metrics';
export type { ConfusionMatrix, SegmentationScores } from './fcn/metrics';
export {
  INTERPOLATION_KINDS,
  interpolationFilter,
  interpolate1d,
  interpolate2d,
  scanline,
} from './upsampling/interpolation';
export type { InterpolationKind, InterpolationFilter } from './upsampling/interpolation';
export {
  UPSAMPLING_KERNELS,
  upsamplingKernel,
  upsampleWithKernel,
} from './upsampling/upsampling-kernels';
export type { UpsamplingKernel, UpsamplingKernelKind } from './upsampling/upsampling-kernels';
export * from './crf/index';
