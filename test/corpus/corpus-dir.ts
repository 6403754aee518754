/**
 * Where the shared corpus (real OTRF Security-Datasets telemetry, read-only, never copied into the repository) lives,
 * for the corpus suite (`npm run test:corpus`) and, when present, the fuzz seeds.
 *
 * VMSENTRY_CORPUS_DIR names the directory that holds `otrf/`; otherwise it is `../shared/data` beside the repository.
 * The default is resolved from this file's own path, not process.cwd(), so running jest from another directory (or
 * through a tool that changes it) looks in the same place.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

export const CORPUS_DIR_ENV = 'VMSENTRY_CORPUS_DIR';
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** The corpus directory (the one holding `otrf/`); an empty variable counts as unset. */
export function corpusDir(env: NodeJS.ProcessEnv = process.env): string {
  const given = env[CORPUS_DIR_ENV];
  return given ? path.resolve(given) : path.resolve(REPO_ROOT, '..', 'shared', 'data');
}

/** The OTRF recordings inside the corpus directory. */
export function otrfDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(corpusDir(env), 'otrf');
}

/**
 * A corpus test file's body, run only when the OTRF directory exists. When it does not, the file holds one failing
 * test instead, named after the place looked in: an absent corpus must fail the corpus suite loudly, never pass or
 * skip it (`npm test` is the suite that runs without it).
 */
export function describeCorpus(name: string, body: (dir: string) => void): void {
  const dir = otrfDir();
  if (existsSync(dir)) {
    describe(name, () => body(dir));
    return;
  }
  it(`corpus present at ${dir}`, () => {
    throw new Error(
      `The corpus suite needs the shared OTRF corpus, and ${dir} does not exist. ` +
        `Set ${CORPUS_DIR_ENV} to the directory that holds otrf/ (e.g. ${CORPUS_DIR_ENV}=/path/to/shared/data ` +
        'npm run test:corpus), or place the shared data at ../shared/data beside the repository. ' +
        '`npm test` runs everything else without it.',
    );
  });
}
