export * from './auditd';
export * from './detect';
export * from './match';
export * from './report';
export * from './run';
export * from './scenarios';
export * from './telemetry';
export * from './windows-xml';
