/**
 * Side-by-side timing on a noisy machine: baseline and candidate run in alternating rounds (the order flips every
 * round so neither always runs on a warmer or cooler CPU), and each side's median is kept. Only ratios measured in
 * the same run are meaningful here; absolute numbers move 20-30 % from run to run.
 */
import { performance } from 'node:perf_hooks';

export type Work = () => unknown | Promise<unknown>;

export interface Paired {
  readonly baselineMs: number;
  readonly candidateMs: number;
  readonly rounds: number;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

async function timeOnce(work: Work): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

/** One warm-up run of each, then `rounds` alternating rounds; medians of each side. */
export async function paired(baseline: Work, candidate: Work, rounds: number): Promise<Paired> {
  await baseline();
  await candidate();
  const base: number[] = [];
  const cand: number[] = [];
  for (let round = 0; round < rounds; round++) {
    if (round % 2 === 0) {
      base.push(await timeOnce(baseline));
      cand.push(await timeOnce(candidate));
    } else {
      cand.push(await timeOnce(candidate));
      base.push(await timeOnce(baseline));
    }
  }
  return { baselineMs: median(base), candidateMs: median(cand), rounds };
}

export function eventsPerSecond(events: number, ms: number): number {
  return ms > 0 ? Math.round((events * 1000) / ms) : 0;
}
