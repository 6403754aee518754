export * from './key';
export * from './memory-store';
export * from './state';
export * from './store';
