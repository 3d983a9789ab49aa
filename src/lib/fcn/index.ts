/** The FCN: class list, weights, the forward pass and its layer list, skip fusion, receptive fields, feature mosaics and the segmentation metrics. */
export * from './classes';
export * from './weights';
export * from './fcn';
export * from './network';
export * from './network-maps';
export * from './skip-fusion';
export * from './receptive-field';
export * from './effective-rf';
export * from './mosaic';
export * from './confusion';
export * from './metrics';
export * from './knowledge-transfer';
