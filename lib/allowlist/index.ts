export * from './field';
export * from './file';
export * from './glob';
export * from './host';
export * from './item';
export * from './match';
export * from './store';
