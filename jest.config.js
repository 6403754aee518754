/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testTimeout: 30000,
  // The AWS SDK warns on Node 20 once per process; tests do not need to see it.
  setupFiles: ['<rootDir>/test/setup-env.ts'],
};
