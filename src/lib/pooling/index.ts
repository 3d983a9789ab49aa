/** Pooling: max pooling with switches, average pooling, unpooling, and what pooling costs in localization and shift invariance. */
export * from './pooling';
export * from './unpooling';
export * from './pool-analysis';
export * from './pool-basic';
