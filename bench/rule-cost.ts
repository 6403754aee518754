/**
 * Rule cost at scale (docs/benchmarks.md, "Rule cost at scale"): what a larger rule set costs to load and to keep,
 * next to the pack. Memory is what the loaded set retains: heap and RSS after a full GC, before and after, with
 * everything the load allocated and dropped already collected.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** V8's gc(), reachable without starting node with --expose-gc (tsx runs the bench). */
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  return () => {
    gc();
    gc();
  };
}

export interface Retained<T> {
  readonly value: T;
  readonly ms: number;
  /** Heap the result retains, MB (after GC). */
  readonly heapMb: number;
  /** RSS growth over the load, MB (RSS rarely shrinks: an upper bound of what the load needed). */
  readonly rssMb: number;
}

const MB = 1024 * 1024;

export function measureRetained<T>(load: () => T): Retained<T> {
  const gc = collector();
  gc();
  const before = process.memoryUsage();
  const started = performance.now();
  const value = load();
  const ms = performance.now() - started;
  gc();
  const after = process.memoryUsage();
  return {
    value,
    ms,
    heapMb: Math.round(((after.heapUsed - before.heapUsed) / MB) * 10) / 10,
    rssMb: Math.round(((after.rss - before.rss) / MB) * 10) / 10,
  };
}
