/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The corpus suite reads data outside the repository; it has its own config (jest.corpus.config.js) so that
  // `npm test` passes on a clone alone.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/corpus/'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testTimeout: 30000,
  // The AWS SDK warns on Node 20 once per process; tests do not need to see it.
  setupFiles: ['<rootDir>/test/setup-env.ts'],
};
