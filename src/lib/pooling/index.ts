/** Pooling: max pooling with switches, average pooling, unpooling, what pooling costs in localization and shift invariance, and the lesson's figures. */
export * from './pooling';
export * from './unpooling';
export * from './pool-analysis';
export * from './pool-basic';
export * from './pool-figures';
