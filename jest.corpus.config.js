/**
 * The corpus suite (`npm run test:corpus`): tests on the real OTRF corpus kept outside the repository
 * (VMSENTRY_CORPUS_DIR, else ../shared/data; see test/corpus/corpus-dir.ts). `npm test` leaves test/corpus out, so a
 * clone alone passes; here an absent corpus fails loudly.
 */
const base = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/test/corpus'],
  testPathIgnorePatterns: ['/node_modules/'],
};
