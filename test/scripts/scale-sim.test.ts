import { checkBenchRows } from '../../bench/check-rows';
import {
  buildDeliveries,
  type CheckedRun,
  checkRun,
  hotHostName,
  runScaleSimulation,
  type ScaleSimOptions,
  type ScaleSimResult,
  scaleSimRows,
} from '../../bench/scale-sim';

// Tiny: five deliveries all in flight at once, two hot hosts in every one of them, four cold hosts twice each.
const TINY: ScaleSimOptions = { invocations: 5, concurrency: 5, hosts: 4, hotKeys: 2, eventsPerBatch: 20 };
const RULES_DIR = `${__dirname}/../../rules`;

describe('bench: scale simulation (concurrent handlers on dynalite + fauxqs)', () => {
  let result: ScaleSimResult;

  beforeAll(async () => {
    result = await runScaleSimulation(TINY, RULES_DIR);
    // CPU is a few seconds; the budget is for a machine shared with other jobs.
  }, 180_000);

  it('builds deliveries where every hot host fires in every delivery and each cold host in two', () => {
    const deliveries = buildDeliveries(TINY);
    expect(deliveries).toHaveLength(5);
    for (const delivery of deliveries) {
      expect(delivery.positiveHosts.slice(0, 2)).toEqual([hotHostName(0), hotHostName(1)]);
      expect(delivery.events).toBe(20);
    }
    const cold = deliveries.flatMap((d) => d.positiveHosts.slice(2));
    expect(new Set(cold).size).toBe(4);
    expect(cold).toHaveLength(8);
    // Each cold host's two firings land in two different deliveries.
    for (const host of new Set(cold)) {
      expect(deliveries.filter((d) => d.positiveHosts.includes(host))).toHaveLength(2);
    }
  });

  it('publishes every dedup key exactly once, the same keys with and without concurrency', () => {
    for (const [run, other] of [
      [result.baseline, result.concurrent],
      [result.concurrent, result.baseline],
    ] as const) {
      const check = checkRun(run, other);
      expect(check.duplicates).toEqual([]);
      expect(check.missing).toEqual([]);
      expect(run.gaveUp).toBe(0);
      // No claim was taken over from a live invocation: the only window for a duplicate stayed shut.
      expect(run.confirmLost).toBe(0);
      // One base-rule key per firing host (2 hot + 4 cold), plus what correlations raised on the hot hosts.
      expect(run.expectedCounts.size).toBeGreaterThanOrEqual(6);
      expect(check.distinctKeys).toBeGreaterThanOrEqual(run.expectedCounts.size);
      expect(check.alerts).toBe(check.distinctKeys);
    }
    expect([...result.concurrent.published.keys()].sort()).toEqual([...result.baseline.published.keys()].sort());
  });

  it('stores, for every base-rule key, the count of events sent for it (hot keys: one per delivery)', () => {
    for (const run of [result.baseline, result.concurrent]) {
      expect(checkRun(run, run).countMismatches).toEqual([]);
      const hot = [...run.expectedCounts].filter(([key]) => key.includes('|hot-'));
      expect(hot).toHaveLength(2);
      for (const [, count] of hot) expect(count).toBe(TINY.invocations);
    }
  });

  it('counts contention: lost claim races happen only with concurrency, and the write accounting adds up', () => {
    const { baseline, concurrent } = result;
    expect(baseline.conditionalCheckFailures).toBe(0);
    expect(baseline.retriedInvocations).toBe(0);
    // Five invocations claim the same two hot keys at the same moment: all but one lose the first write of each.
    expect(concurrent.conditionalCheckFailuresByCommand['PutItemCommand'] ?? 0).toBeGreaterThan(0);
    for (const run of [baseline, concurrent]) {
      const succeeded = (command: string) =>
        (run.dynamoByCommand[command] ?? 0) - (run.conditionalCheckFailuresByCommand[command] ?? 0);
      // Every successful dedup write adds exactly one to its record's version; nothing else writes them here.
      expect(run.versionSum).toBe(succeeded('PutItemCommand') + succeeded('UpdateItemCommand'));
      expect(run.conditionalCheckFailures).toBe(
        Object.values(run.conditionalCheckFailuresByCommand).reduce((a, b) => a + b, 0),
      );
      // Every DynamoDB call the handlers made went to the state table or was an allowlist query (none uncounted).
      expect(run.stateTableCalls + run.allowlistQueries).toBe(run.dynamoCalls);
      expect(run.dynamoCalls).toBeGreaterThan(0);
      // A retried delivery took at least two attempts.
      expect(run.attempts).toBeGreaterThanOrEqual(run.invocations + run.retriedInvocations);
    }
  });

  it('reports the rows the bench prints, each well-formed with a ratio', () => {
    const rows = scaleSimRows(result, TINY);
    expect(rows.map((row) => row.name)).toEqual([
      'scale-sim:throughput',
      'scale-sim:latency',
      'scale-sim:contention',
      'scale-sim:aws-calls',
      'scale-sim:exactly-once',
    ]);
    const text = rows.map((row) => JSON.stringify(row)).join('\n');
    expect(checkBenchRows(text, ['scale-sim:']).problems).toEqual([]);
    const exactly = rows.find((row) => row.name === 'scale-sim:exactly-once');
    expect(exactly).toMatchObject({ duplicates: 0, missing: 0, count_mismatches: 0, confirm_lost: 0, ratio: 1 });
    const calls = rows.find((row) => row.name === 'scale-sim:aws-calls');
    expect(calls?.['sns_calls']).toBe(result.concurrent.snsCalls);
  });
});

describe('bench: scale simulation checks can fail', () => {
  const run = (
    published: [string, number][],
    stored: [string, number][],
    expected: [string, number][],
  ): CheckedRun => ({
    published: new Map(published),
    storedCounts: new Map(stored),
    expectedCounts: new Map(expected),
  });

  it('flags a key published twice, a key never published, a key only one run published and a wrong count', () => {
    const reference = run(
      [
        ['r|a', 1],
        ['r|b', 1],
        ['c|a', 1],
      ],
      [],
      [],
    );
    const doubled = run(
      [
        ['r|a', 2],
        ['r|x', 1],
      ],
      [
        ['r|a', 3],
        ['r|b', 1],
      ],
      [
        ['r|a', 2],
        ['r|b', 1],
      ],
    );
    const check = checkRun(doubled, reference);
    expect(check.duplicates).toEqual(['r|a']);
    expect([...check.missing].sort()).toEqual(['c|a', 'r|b', 'r|x (only here)'].sort());
    expect(check.countMismatches).toEqual(['r|a: stored 3, sent 2']);
  });

  it('rejects bench output without a ratio, with a non-finite value, or missing a required row', () => {
    const good = '{"name":"corpus","source":"x"}\n{"name":"a","eps":1,"ratio":0.5}\n{"name":"bundle:x","bytes":1}';
    expect(checkBenchRows(good, ['a']).problems).toEqual([]);
    expect(checkBenchRows('{"name":"a","eps":1}').problems).toEqual(['a: no finite numeric ratio']);
    expect(checkBenchRows('{"name":"a","ratio":null}').problems).toContain('a: field ratio is null');
    expect(checkBenchRows('not json').problems[0]).toMatch(/not JSON/);
    expect(checkBenchRows(good, ['scale-sim:']).problems).toEqual(['no row named scale-sim:*']);
    expect(checkBenchRows('').problems).toEqual(['no rows']);
  });
});
