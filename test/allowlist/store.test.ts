import {
  type AllowlistPartitionReader,
  AllowlistUnavailableError,
  CachedAllowlistStore,
  StaticAllowlistStore,
} from '../../lib/allowlist/store';
import type { AllowlistEntry } from '../../lib/model';

const LAB: AllowlistEntry = { host: 'lab01', rule: 'attack.t1564.006', reason: 'lab', owner: 'secops' };
const GLOBAL: AllowlistEntry = { host: '*', rule: 'attack.t1564.006', reason: 'all', owner: 'secops' };
const FQDN: AllowlistEntry = { host: 'build01.corp.example.com', rule: 'r1', reason: 'ci', owner: 'platform' };

/** A reader over fixed entries that records which partitions it was asked for. */
function countingReader(entries: readonly AllowlistEntry[]) {
  const inner = new StaticAllowlistStore(entries);
  const calls: string[][] = [];
  let failing = false;
  const reader: AllowlistPartitionReader = {
    async readPartitions(partitions) {
      calls.push([...partitions]);
      if (failing) throw new AllowlistUnavailableError('down');
      return inner.readPartitions(partitions);
    },
  };
  return { reader, calls, fail: (value: boolean) => (failing = value) };
}

describe('CachedAllowlistStore', () => {
  it('returns the host entries and the global entries', async () => {
    const { reader } = countingReader([LAB, GLOBAL]);
    const store = new CachedAllowlistStore(reader);
    expect(await store.entriesFor(['lab01'])).toEqual([LAB, GLOBAL]);
    expect(await store.entriesFor(['ws09'])).toEqual([GLOBAL]);
  });

  it('reads each partition once within the TTL, empty partitions included', async () => {
    let now = 0;
    const { reader, calls } = countingReader([LAB]);
    const store = new CachedAllowlistStore(reader, { ttlSeconds: 60, clock: () => now });
    await store.entriesFor(['lab01', 'ws09']);
    now = 59_000;
    await store.entriesFor(['ws09', 'lab01']);
    expect(calls).toEqual([['lab01', 'ws09', '*']]);
  });

  it('reads only the partitions it has not cached', async () => {
    const { reader, calls } = countingReader([LAB]);
    const store = new CachedAllowlistStore(reader, { clock: () => 0 });
    await store.entriesFor(['lab01']);
    await store.entriesFor(['lab01', 'ws02']);
    expect(calls).toEqual([['lab01', '*'], ['ws02']]);
  });

  it('reads again once the TTL has passed', async () => {
    let now = 0;
    const { reader, calls } = countingReader([LAB]);
    const store = new CachedAllowlistStore(reader, { ttlSeconds: 60, clock: () => now });
    await store.entriesFor(['lab01']);
    now = 60_000;
    await store.entriesFor(['lab01']);
    expect(calls).toHaveLength(2);
  });

  it('does not cache a failure: the next call asks again', async () => {
    const { reader, calls, fail } = countingReader([LAB]);
    const store = new CachedAllowlistStore(reader, { clock: () => 0 });
    fail(true);
    await expect(store.entriesFor(['lab01'])).rejects.toBeInstanceOf(AllowlistUnavailableError);
    fail(false);
    expect(await store.entriesFor(['lab01'])).toEqual([LAB]);
    expect(calls).toHaveLength(2);
  });

  it('compiles each entry once: the same compiled entries within the TTL and after a re-read of unchanged items', async () => {
    let now = 0;
    const { reader, calls } = countingReader([LAB, GLOBAL]);
    const store = new CachedAllowlistStore(reader, { ttlSeconds: 60, clock: () => now });
    const first = await store.compiledFor(['lab01']);
    expect(first.map((compiled) => compiled.entry)).toEqual([LAB, GLOBAL]);
    const again = await store.compiledFor(['lab01']);
    expect(again[0]).toBe(first[0]);
    expect(again[1]).toBe(first[1]);
    now = 61_000;
    const reread = await store.compiledFor(['lab01']);
    expect(calls).toHaveLength(2);
    expect(reread[0]).toBe(first[0]);
  });

  it('recompiles an entry whose item changed', async () => {
    let now = 0;
    let current: AllowlistEntry = LAB;
    const reader: AllowlistPartitionReader = {
      async readPartitions(partitions) {
        return new Map(partitions.map((p) => [p, p === 'lab01' ? [{ ...current }] : []]));
      },
    };
    const store = new CachedAllowlistStore(reader, { ttlSeconds: 60, clock: () => now });
    const [before] = await store.compiledFor(['lab01']);
    current = { ...LAB, reason: 'changed' };
    now = 61_000;
    const [after] = await store.compiledFor(['lab01']);
    expect(after).not.toBe(before);
    expect(after?.entry.reason).toBe('changed');
  });

  it('evicts the oldest partitions when full', async () => {
    const { reader, calls } = countingReader([]);
    const store = new CachedAllowlistStore(reader, { clock: () => 0, maxPartitions: 2 });
    await store.entriesFor(['a']); // a, *
    await store.entriesFor(['b']); // evicts a
    await store.entriesFor(['a']);
    expect(calls).toEqual([['a', '*'], ['b'], ['a']]);
  });
});

describe('StaticAllowlistStore', () => {
  it('finds an FQDN entry from the short name a host key list carries', async () => {
    const store = new StaticAllowlistStore([FQDN, LAB]);
    expect(await store.entriesFor(['build01'])).toEqual([FQDN]);
    expect(await store.entriesFor(['ws01'])).toEqual([]);
  });
});
