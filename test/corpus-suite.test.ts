/**
 * The brief's promise "tests pass on a clone alone": `npm test` never reads the shared corpus beside the repository;
 * the corpus lives in its own suite (`npm run test:corpus`), which fails loudly when the corpus is absent.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CORPUS_DIR_ENV, corpusDir, REPO_ROOT } from './corpus/corpus-dir';

const JEST = path.join(REPO_ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
const CORPUS_TESTS = path.join(REPO_ROOT, 'test', 'corpus') + path.sep;

function tsFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) tsFiles(full, out);
    else if (full.endsWith('.ts')) out.push(full);
  }
  return out;
}

function listTests(configFile: string): string[] {
  const out = execFileSync(process.execPath, [JEST, '--config', configFile, '--listTests'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  return out.split('\n').filter((line) => line.trim() !== '');
}

describe('the corpus suite', () => {
  it('is the only place that knows where the shared corpus lives', () => {
    // This file is left out: it states the default location in order to test it.
    const outside = tsFiles(path.join(REPO_ROOT, 'test')).filter(
      (file) => !file.startsWith(CORPUS_TESTS) && file !== __filename,
    );
    const naming = outside.filter((file) => /['"`]shared['"`]|shared\/data/.test(readFileSync(file, 'utf8')));
    expect(naming.map((file) => path.relative(REPO_ROOT, file))).toEqual([]);
  });

  it('is left out of `npm test` and is all that `npm run test:corpus` runs', () => {
    const unit = listTests('jest.config.js');
    const corpus = listTests('jest.corpus.config.js');
    expect(unit.length).toBeGreaterThan(0);
    expect(unit.filter((file) => file.startsWith(CORPUS_TESTS))).toEqual([]);
    expect(corpus.length).toBeGreaterThan(0);
    expect(corpus.filter((file) => !file.startsWith(CORPUS_TESTS))).toEqual([]);
    const scripts = (
      JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
        scripts: Record<string, string>;
      }
    ).scripts;
    expect(scripts['test:corpus']).toBe('jest --config jest.corpus.config.js');
  });

  it('is found beside the repository, from the helper file rather than the working directory', () => {
    const before = process.cwd();
    try {
      process.chdir(tmpdir());
      expect(corpusDir({})).toBe(path.resolve(REPO_ROOT, '..', 'shared', 'data'));
    } finally {
      process.chdir(before);
    }
    expect(REPO_ROOT).toBe(path.resolve(__dirname, '..'));
  });

  it(`is found where ${CORPUS_DIR_ENV} says, when it is set`, () => {
    expect(corpusDir({ [CORPUS_DIR_ENV]: '/data/corpus' })).toBe(path.resolve('/data/corpus'));
    expect(corpusDir({ [CORPUS_DIR_ENV]: '' })).toBe(path.resolve(REPO_ROOT, '..', 'shared', 'data'));
  });

  it('fails with one test naming where it looked and how to point it elsewhere when the corpus is absent', () => {
    const missing = mkdtempSync(path.join(tmpdir(), 'vmsentry-no-corpus-'));
    const report = path.join(missing, 'report.json');
    try {
      const run = spawnSync(
        process.execPath,
        [JEST, '--config', 'jest.corpus.config.js', '--ci', '--json', `--outputFile=${report}`, 'sysmon-linux-otrf'],
        { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, [CORPUS_DIR_ENV]: missing } },
      );
      expect(run.status).not.toBe(0);
      const result = JSON.parse(readFileSync(report, 'utf8')) as {
        numPassedTests: number;
        numFailedTests: number;
        numPendingTests: number;
        testResults: { assertionResults: { title: string; status: string; failureMessages: string[] }[] }[];
      };
      expect([result.numPassedTests, result.numFailedTests, result.numPendingTests]).toEqual([0, 1, 0]);
      const [only] = result.testResults.flatMap((file) => file.assertionResults);
      expect(only?.title).toBe(`corpus present at ${path.join(missing, 'otrf')}`);
      expect(only?.failureMessages.join('\n')).toContain(CORPUS_DIR_ENV);
    } finally {
      rmSync(missing, { recursive: true, force: true });
    }
  });
});
