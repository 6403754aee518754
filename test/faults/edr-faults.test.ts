import { gzipSync } from 'node:zlib';
import { SNSClient } from '@aws-sdk/client-sns';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { s3NotificationBody, sqsEventOf } from '../../bench/corpus';
import { memoryS3Client, stubCounts } from '../../bench/memory-ports';
import { createEdrFeedHandler } from '../../lambdas/edr-feed';
import { sysmonProcessXml } from '../integration/fixtures/sysmon';
import { benignSysmonLines, freshTables, repoRules, testConfig } from '../integration/harness';
import { type Dynalite, startDynalite } from '../support/dynalite';
import { type Attempt, countBy, type DeliveredAlert, dedupItems, FaultState, installSnsFake, keyOf } from './harness';
import { ingestDeps, MAX_ATTEMPTS, runWithRetries } from './scenario';

const T0 = Date.UTC(2026, 10, 27, 12, 0, 0);
/** SQS redelivers after the visibility timeout, which the stack sets well past the 30 s claim lease. */
const REDELIVERY_MS = 120_000;

const hostsOf = (prefix: string) => [1, 2, 3].map((n) => `${prefix}-${n}.corp.example.com`);
/** Message -> the hosts whose VM starts it carries (msg-2 is benign only). */
const MESSAGE_HOSTS: Readonly<Record<string, readonly string[]>> = {
  'msg-0': hostsOf('inline-a'),
  'msg-1': hostsOf('object-b'),
  'msg-2': [],
  'msg-3': hostsOf('inline-d'),
};

function positives(hosts: readonly string[], firstRecord: number): string[] {
  return hosts.map((computer, index) => sysmonProcessXml({ computer, recordId: firstRecord + index, timeMs: T0 }));
}

const OBJECT = gzipSync(
  Buffer.from(`${[...benignSysmonLines().slice(0, 3), ...positives(hostsOf('object-b'), 200)].join('\n')}\n`),
);
const OBJECTS = new Map([['edr-exports/feed/batch-0001.ndjson.gz', OBJECT as Uint8Array]]);

/** Four messages: inline events, an S3 object notification, a benign inline event, inline events again. */
function feedEvent(): SQSEvent {
  return sqsEventOf([
    positives(hostsOf('inline-a'), 100).join('\n'),
    s3NotificationBody('edr-exports', 'feed/batch-0001.ndjson.gz', OBJECT.length),
    benignSysmonLines()[5] as string,
    positives(hostsOf('inline-d'), 300).join('\n'),
  ]) as unknown as SQSEvent;
}

const sns = mockClient(SNSClient);
let db: Dynalite;
const EVENT = feedEvent();

function messageOfHost(host: string): string | undefined {
  return Object.entries(MESSAGE_HOSTS).find(([, hosts]) =>
    hosts.some((h) => h.toLowerCase() === host.toLowerCase()),
  )?.[0];
}

function expectedKeysOf(messageId: string): string[] {
  return [...new Set(reference.state.delivered.filter((a) => messageOfHost(a.host) === messageId).map(keyOf))];
}

function undelivered(messageId: string, delivered: readonly DeliveredAlert[]): boolean {
  const keys = new Set(delivered.map(keyOf));
  return expectedKeysOf(messageId).some((key) => !keys.has(key));
}

interface Run {
  readonly attempts: Attempt<SQSBatchResponse>[];
  readonly state: FaultState;
  readonly items: Awaited<ReturnType<typeof dedupItems>>;
  /** Per returned attempt: the failed message ids and the ones that should have failed. */
  readonly reported: { failed: string[]; unprocessed: string[] }[];
}

async function run(configure: (state: FaultState) => void): Promise<Run> {
  const tables = await freshTables(db);
  const config = testConfig(tables);
  const state = new FaultState();
  configure(state);
  sns.reset();
  installSnsFake(sns, state);
  const reported: Run['reported'] = [];
  const attempts = await runWithRetries<SQSEvent, SQSBatchResponse>(state, {
    build: (clock) =>
      createEdrFeedHandler({ ...ingestDeps(db, state, config, clock), s3: memoryS3Client(OBJECTS, stubCounts()) }),
    event: EVENT,
    next: (attempt, current) => {
      if (attempt.status === 'timed-out' || attempt.status === 'threw') return current;
      const failed = new Set(attempt.result.batchItemFailures.map((failure) => failure.itemIdentifier));
      return failed.size === 0 ? undefined : { Records: current.Records.filter((r) => failed.has(r.messageId)) };
    },
    retryDelayMs: REDELIVERY_MS,
    startMs: T0 + 60_000,
    afterAttempt: (attempt, current) => {
      if (attempt.status !== 'ok' || reference === undefined) return;
      reported.push({
        failed: attempt.result.batchItemFailures.map((failure) => failure.itemIdentifier).sort(),
        unprocessed: current.Records.map((r) => r.messageId)
          .filter((id) => undelivered(id, state.delivered))
          .sort(),
      });
    },
  });
  return { attempts, state, items: await dedupItems(db, tables.state), reported };
}

let reference: Run;
let firstCallOf: Record<'claimRead' | 'claimWrite', number>;

function expectDelivery(result: Run, options: { duplicatesAllowed?: boolean } = {}): void {
  expect(result.attempts.at(-1)?.status).toBe('ok');
  expect(result.attempts.length).toBeLessThanOrEqual(MAX_ATTEMPTS);
  // Partial batch responses name exactly the messages whose alerts did not all go out: nothing unprocessed is
  // acknowledged, nothing processed is sent back.
  for (const report of result.reported) expect(report.failed).toEqual(report.unprocessed);
  const delivered = countBy(result.state.delivered, keyOf);
  expect([...delivered.keys()].sort()).toEqual([...countBy(reference.state.delivered, keyOf).keys()].sort());
  if (options.duplicatesAllowed) {
    const ids = countBy(result.state.delivered, (alert) => `${keyOf(alert)}|${alert.id}`);
    expect(ids.size).toBe(delivered.size);
  } else {
    expect([...delivered.values()].every((count) => count === 1)).toBe(true);
  }
  const counts = (items: Run['items']) => Object.fromEntries(items.map((item) => [keyOf(item), item.count]));
  expect(counts(result.items)).toEqual(counts(reference.items));
}

describe('EDR feed handler under injected faults (dynalite + mocked SNS, partial batch responses)', () => {
  beforeAll(async () => {
    db = await startDynalite();
    repoRules();
    reference = await run(() => {});
    const calls: string[] = [];
    const tables = await freshTables(db);
    const state = new FaultState();
    sns.reset();
    installSnsFake(sns, state);
    const deps = ingestDeps(db, state, testConfig(tables), () => T0 + 60_000);
    deps.doc.middlewareStack.add(
      (next, context) => async (args) => {
        calls.push(context.commandName ?? '?');
        return next(args);
      },
      { step: 'initialize', name: 'vmsentryOperationLog' },
    );
    await createEdrFeedHandler({ ...deps, s3: memoryS3Client(OBJECTS, stubCounts()) })(EVENT);
    const first = (name: string) => calls.indexOf(name) + 1;
    firstCallOf = { claimRead: first('GetItemCommand'), claimWrite: first('PutItemCommand') };
  });

  afterAll(async () => {
    await db.stop();
  });

  it('publishes one alert per host of messages 0, 1 (S3 object) and 3 in the clean run, in three SNS calls', () => {
    expect(reference.attempts.map((attempt) => attempt.status)).toEqual(['ok']);
    const [only] = reference.attempts;
    expect(only?.status === 'ok' && only.result.batchItemFailures).toEqual([]);
    expect(new Set(reference.state.delivered.map((alert) => messageOfHost(alert.host)))).toEqual(
      new Set(['msg-0', 'msg-1', 'msg-3']),
    );
    expect(reference.state.snsCalls).toBe(3);
  });

  describe.each([
    ['throttled', 'throttle'],
    ['rejected', 'rejected'],
  ] as const)('SNS %s', (_label, kind) => {
    it.each([1, 2, 3])('at publish call %i: only that message is reported failed and redelivered', async (call) => {
      const result = await run((state) => {
        state.snsFault = { kind, call };
      });
      expect(result.reported[0]?.failed).toEqual([`msg-${call === 1 ? 0 : call === 2 ? 1 : 3}`]);
      expectDelivery(result);
    });
  });

  describe.each([
    ['ProvisionedThroughputExceededException', 'throttle'],
    ['InternalServerError', 'internal'],
  ] as const)('DynamoDB %s', (_label, kind) => {
    it.each([1, 2, 3])(
      'at call %i: the failed message alone is redelivered; each alert goes out once',
      async (call) => {
        const result = await run((state) => {
          state.dynamoFault = { kind, call };
        });
        expectDelivery(result);
      },
    );

    it.each(['claimRead', 'claimWrite'] as const)('at the first %s: message 0 is redelivered', async (operation) => {
      const result = await run((state) => {
        state.dynamoFault = { kind, call: firstCallOf[operation] };
      });
      expect(result.reported[0]?.failed).toEqual(['msg-0']);
      expectDelivery(result);
    });
  });

  describe('a Lambda timeout in the middle of the batch (no response: SQS redelivers every message)', () => {
    it.each([
      ['a claim of message 0', 'dynamo', 'claimRead'],
      ['the SNS call of message 1, before SNS accepts', 'sns-before-accept', 2],
    ] as const)('at %s: every alert goes out once', async (_label, at, where) => {
      const result = await run((state) => {
        state.freeze =
          at === 'dynamo' ? { at, call: firstCallOf[where as 'claimRead'] } : { at, call: where as number };
      });
      expect(result.attempts[0]?.status).toBe('timed-out');
      expectDelivery(result);
    });

    it('after SNS accepted message 1, before confirming: repeats carry the same alert id (at-least-once)', async () => {
      const result = await run((state) => {
        state.freeze = { at: 'sns-after-accept', call: 2 };
      });
      expect(result.attempts[0]?.status).toBe('timed-out');
      expectDelivery(result, { duplicatesAllowed: true });
    });
  });

  it('the same messages delivered twice publish nothing the second time and do not recount', async () => {
    const tables = await freshTables(db);
    const config = testConfig(tables);
    const state = new FaultState();
    sns.reset();
    installSnsFake(sns, state);
    const build = (now: number) =>
      createEdrFeedHandler({ ...ingestDeps(db, state, config, () => now), s3: memoryS3Client(OBJECTS, stubCounts()) });
    expect((await build(T0 + 60_000)(EVENT)).batchItemFailures).toEqual([]);
    const afterFirst = state.delivered.length;
    expect((await build(T0 + 120_000)(EVENT)).batchItemFailures).toEqual([]);
    expect(state.delivered.length).toBe(afterFirst);
    const counts = (items: Run['items']) => Object.fromEntries(items.map((item) => [keyOf(item), item.count]));
    expect(counts(await dedupItems(db, tables.state))).toEqual(counts(reference.items));
  });
});
