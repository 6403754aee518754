export * from './memory-store';
export * from './query';
export * from './record';
export * from './store';
export * from './triage';
