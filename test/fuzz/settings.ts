/** CI settings of the fuzz properties: a fixed seed (reproducible failures), overridable with FUZZ_SEED / FUZZ_RUNS. */
import type fc from 'fast-check';

export function ciParameters(runs: number): fc.Parameters<unknown> {
  const seed = process.env['FUZZ_SEED'];
  const scale = Number(process.env['FUZZ_RUNS_SCALE'] ?? 1);
  return {
    numRuns: Math.max(1, Math.round(runs * (Number.isFinite(scale) ? scale : 1))),
    seed: seed !== undefined ? Number(seed) : 20261127,
    endOnFailure: false,
  };
}
