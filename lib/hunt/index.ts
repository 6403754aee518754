export * from './detect';
export * from './pages';
export * from './run';
export * from './state';
export * from './time';
