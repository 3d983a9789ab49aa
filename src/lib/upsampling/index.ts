/** Upsampling: zero insertion, its spectrum (DFT), interpolation filters, the bilinear kernel, transposed convolution and its checkerboard overlap. */
export * from './upsampling';
export * from './dft';
export * from './spectrum';
export * from './interpolation';
export * from './bilinear';
export * from './transposed-conv';
export * from './transposed-conv-steps';
export * from './upsampling-kernels';
export * from './overlap-map';
export * from './zero-insertion-figures';
