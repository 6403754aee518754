import { type AllowlistEntry, GLOBAL_HOST } from '../model';
import { partitionOf } from './host';
import { type CompiledEntry, compileEntry } from './match';

/** Port: the allowlist entries that may apply to a host (its keys) plus the global "*" entries. */
export interface AllowlistStore {
  entriesFor(hostKeys: readonly string[]): Promise<AllowlistEntry[]>;
  /** The same entries compiled; a store that caches entries caches their compiled form too. */
  compiledFor?(hostKeys: readonly string[]): Promise<CompiledEntry[]>;
}

/** Compiled entries for the keys: cached by the store when it can, compiled here otherwise. */
export async function compiledEntriesFor(store: AllowlistStore, hostKeys: readonly string[]): Promise<CompiledEntry[]> {
  if (store.compiledFor) return store.compiledFor(hostKeys);
  return (await store.entriesFor(hostKeys)).map(compileEntry);
}

/** Lower-level port: exactly the given partitions (host keys or "*"), each with its entries (possibly none). */
export interface AllowlistPartitionReader {
  readPartitions(partitions: readonly string[]): Promise<ReadonlyMap<string, readonly AllowlistEntry[]>>;
}

/** The allowlist could not be read. The pipeline fails closed on it: alerts go out marked 'unfiltered'. */
export class AllowlistUnavailableError extends Error {
  override readonly name = 'AllowlistUnavailableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

function partitionsFor(hostKeys: readonly string[]): string[] {
  return [...new Set([...hostKeys.map((key) => key.toLowerCase()), GLOBAL_HOST])];
}

interface CachedPartition {
  readonly entries: readonly AllowlistEntry[];
  readonly compiled: readonly CompiledEntry[];
  /** Compiled entries by item version (the entry's content): a re-read of an unchanged item is not recompiled. */
  readonly byVersion: ReadonlyMap<string, CompiledEntry>;
  readonly until: number;
}

/**
 * Per-partition cache in front of a reader. Kept at module scope in a Lambda, it survives warm invocations: a host
 * seen within the TTL costs no read. Empty partitions are cached too (most hosts have no entries). Failures are not
 * cached: the next invocation asks again. Entries are compiled when their partition is read, and a re-read after the
 * TTL reuses the compiled form of every item whose content did not change.
 */
export class CachedAllowlistStore implements AllowlistStore {
  private readonly cache = new Map<string, CachedPartition>();
  private readonly ttlMs: number;
  private readonly clock: () => number;
  private readonly maxPartitions: number;
  private readonly onEntryWarnings: ((entry: AllowlistEntry, warnings: readonly string[]) => void) | undefined;

  constructor(
    private readonly reader: AllowlistPartitionReader,
    options: {
      ttlSeconds?: number;
      clock?: () => number;
      maxPartitions?: number;
      /** Called when an entry with warnings is compiled: once per entry content, not per read or per event. */
      onEntryWarnings?: (entry: AllowlistEntry, warnings: readonly string[]) => void;
    } = {},
  ) {
    this.ttlMs = (options.ttlSeconds ?? 60) * 1000;
    this.clock = options.clock ?? Date.now;
    this.maxPartitions = options.maxPartitions ?? 10_000;
    this.onEntryWarnings = options.onEntryWarnings;
  }

  async entriesFor(hostKeys: readonly string[]): Promise<AllowlistEntry[]> {
    const partitions = await this.partitions(hostKeys);
    return partitions.flatMap((partition) => [...partition.entries]);
  }

  async compiledFor(hostKeys: readonly string[]): Promise<CompiledEntry[]> {
    const partitions = await this.partitions(hostKeys);
    return partitions.flatMap((partition) => [...partition.compiled]);
  }

  private async partitions(hostKeys: readonly string[]): Promise<CachedPartition[]> {
    const now = this.clock();
    const wanted = partitionsFor(hostKeys);
    const missing = wanted.filter((partition) => {
      const cached = this.cache.get(partition);
      return cached === undefined || cached.until <= now;
    });
    if (missing.length > 0) {
      const read = await this.reader.readPartitions(missing);
      const previous = new Map(missing.map((partition) => [partition, this.cache.get(partition)?.byVersion]));
      for (const partition of missing) this.cache.delete(partition);
      this.evictIfFull(missing.length);
      const until = this.clock() + this.ttlMs;
      for (const partition of missing) {
        const compile = (entry: AllowlistEntry): CompiledEntry => {
          const compiled = compileEntry(entry);
          if (compiled.warnings.length > 0) this.onEntryWarnings?.(entry, compiled.warnings);
          return compiled;
        };
        this.cache.set(partition, cachedPartition(read.get(partition) ?? [], previous.get(partition), until, compile));
      }
    }
    return wanted.flatMap((partition) => {
      const cached = this.cache.get(partition);
      return cached ? [cached] : [];
    });
  }

  /** Forget everything (tests; an operator-triggered refresh). */
  clear(): void {
    this.cache.clear();
  }

  private evictIfFull(incoming: number): void {
    if (this.cache.size + incoming <= this.maxPartitions) return;
    // Oldest insertions first: Map iteration order is insertion order.
    for (const key of this.cache.keys()) {
      this.cache.delete(key);
      if (this.cache.size + incoming <= this.maxPartitions) break;
    }
  }
}

function cachedPartition(
  entries: readonly AllowlistEntry[],
  previous: ReadonlyMap<string, CompiledEntry> | undefined,
  until: number,
  compile: (entry: AllowlistEntry) => CompiledEntry,
): CachedPartition {
  const byVersion = new Map<string, CompiledEntry>();
  const compiled = entries.map((entry) => {
    const version = JSON.stringify(entry);
    const reused = previous?.get(version) ?? byVersion.get(version) ?? compile(entry);
    byVersion.set(version, reused);
    return reused;
  });
  return { entries, compiled, byVersion, until };
}

/** Entries from an allowlist file (`vmsentry scan --allowlist FILE`) or a test. */
export class StaticAllowlistStore implements AllowlistStore, AllowlistPartitionReader {
  private readonly byPartition = new Map<string, AllowlistEntry[]>();

  constructor(entries: readonly AllowlistEntry[]) {
    for (const entry of entries) {
      const partition = partitionOf(entry.host);
      const list = this.byPartition.get(partition) ?? [];
      list.push(entry);
      this.byPartition.set(partition, list);
    }
  }

  async readPartitions(partitions: readonly string[]): Promise<ReadonlyMap<string, readonly AllowlistEntry[]>> {
    return new Map(partitions.map((partition) => [partition, this.byPartition.get(partition) ?? []]));
  }

  async entriesFor(hostKeys: readonly string[]): Promise<AllowlistEntry[]> {
    // Candidates only: whether an entry applies is decided by the matcher, which checks the host scope again.
    const read = await this.readPartitions(partitionsFor(hostKeys));
    return [...read.values()].flat();
  }
}
