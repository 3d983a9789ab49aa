/**
 * The public entry of src/lib: pure TypeScript + tfjs-core, no DOM. Pages and components import
 * from here (or from src/lib/browser for canvas/ImageData conversion).
 */
export { invalid, intInRange, numberInRange, oneOf } from './validate';
export { maxPoolWithSwitches, avgPool } from './pooling';
export { maxUnpool } from './unpooling';
export type { PoolOptions, PooledWithSwitches } from './pooling';
export { zeroInsert, nearestUpsample } from './upsampling';
export type { UpsampleFactor } from './upsampling';
export { magnitudeSpectrum, spectrumFrequencies, logMagnitudeSpectrum2d } from './spectrum';
export {
  transposedConv2d,
  transposedConvByZeroInsertion,
  transposedConvOutputSize,
} from './transposed-conv';
export type { TransposedConvOptions } from './transposed-conv';
export { overlapMap } from './overlap-map';
export {
  bilinearKernel,
  bilinearKernelSize,
  bilinearProfile,
  bilinearUpsample,
  compareWithResizeBilinear,
} from './bilinear';
export type { ConventionDifference } from './bilinear';
export { receptiveField } from './receptive-field';
export type { FieldLayer, ReceptiveField } from './receptive-field';
export { FCN_CLASSES, NUM_FCN_CLASSES, FCN_PALETTE } from './classes';
export type { FcnClassName } from './classes';
export { FCN_BLOCKS, FCN_WEIGHT_SHAPES, loadFcnWeights, disposeFcnWeights } from './weights';
export type { FcnWeights, FetchResponseLike, LoadFcnWeightsOptions } from './weights';
export { fcnForward, disposeFcnResult, fixedBilinearUpsample, FCN_OUTPUT_STRIDE } from './fcn';
export type { FcnVariant, FcnForwardOptions, FcnResult } from './fcn';
export { skipFusionFigure, SKIP_STREAMS, SKIP_VARIANTS, STREAMS_OF } from './skip-fusion';
export type { SkipFusionResult, SkipStream } from './skip-fusion';
export { confusionMatrix, segmentationScores } from './metrics';
export type { ConfusionMatrix, SegmentationScores } from './metrics';
export {
  INTERPOLATION_KINDS,
  interpolationFilter,
  interpolate1d,
  interpolate2d,
  scanline,
} from './interpolation';
export type { InterpolationKind, InterpolationFilter } from './interpolation';
export { UPSAMPLING_KERNELS, upsamplingKernel, upsampleWithKernel } from './upsampling-kernels';
export type { UpsamplingKernel, UpsamplingKernelKind } from './upsampling-kernels';
export * from './crf/index';
