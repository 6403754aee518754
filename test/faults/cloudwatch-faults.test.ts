import { SNSClient } from '@aws-sdk/client-sns';
import type { CloudWatchLogsEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { createCloudWatchHandler } from '../../lambdas/cloudwatch-subscription';
import type { PipelineOutcome } from '../../lib/pipeline';
import { sysmonProcessXml } from '../integration/fixtures/sysmon';
import { benignSysmonLines, freshTables, repoRules, testConfig } from '../integration/harness';
import { subscriptionEvent, subscriptionPayload } from '../support/cloudwatch';
import { type Dynalite, startDynalite } from '../support/dynalite';
import { type Attempt, countBy, dedupItems, FaultState, installSnsFake, keyOf } from './harness';
import { ingestDeps, MAX_ATTEMPTS, runWithRetries } from './scenario';

const T0 = Date.UTC(2026, 10, 27, 12, 0, 0);
/** Lambda's first async retry comes about a minute later: past the 30 s claim lease. */
const ASYNC_RETRY_MS = 60_000;
/** 21 hosts: 21 alerts need three PublishBatch calls (10 + 10 + 1), so a fault can hit publish 1, 2 or 3. */
const HOSTS = Array.from({ length: 21 }, (_, index) => `WS-${String(index + 1).padStart(3, '0')}.corp.example.com`);

/** 21 hosts start a VM, the first host twice, among real benign Sysmon records. */
function batchEvent(): CloudWatchLogsEvent {
  const positives = HOSTS.map((computer, index) => sysmonProcessXml({ computer, recordId: 1000 + index, timeMs: T0 }));
  const repeat = sysmonProcessXml({ computer: HOSTS[0] as string, recordId: 2000, timeMs: T0 + 5_000 });
  const messages = [...benignSysmonLines().slice(0, 4), ...positives, repeat, ...benignSysmonLines().slice(4, 8)];
  return subscriptionEvent(
    subscriptionPayload(messages, { logGroup: '/windows/sysmon', logStream: 'faults', startMs: T0 }),
  ) as CloudWatchLogsEvent;
}

const sns = mockClient(SNSClient);
let db: Dynalite;
const EVENT = batchEvent();

interface Run {
  readonly attempts: Attempt<PipelineOutcome | undefined>[];
  readonly state: FaultState;
  readonly items: Awaited<ReturnType<typeof dedupItems>>;
}

async function run(configure: (state: FaultState) => void, event: CloudWatchLogsEvent = EVENT): Promise<Run> {
  const tables = await freshTables(db);
  const config = testConfig(tables);
  const state = new FaultState();
  configure(state);
  sns.reset();
  installSnsFake(sns, state);
  const attempts = await runWithRetries(state, {
    build: (clock) => createCloudWatchHandler(ingestDeps(db, state, config, clock)),
    event,
    next: (attempt, current) => (attempt.status === 'ok' ? undefined : current),
    retryDelayMs: ASYNC_RETRY_MS,
    startMs: T0 + 60_000,
  });
  return { attempts, state, items: await dedupItems(db, tables.state) };
}

let reference: Run;
/** DynamoDB call numbers of the clean run, by operation (where a fault at call k lands). */
let firstCallOf: Record<'claimRead' | 'claimWrite' | 'confirm', number>;

function expectDelivery(result: Run, options: { duplicatesAllowed?: boolean; confirmLost?: boolean } = {}): void {
  const last = result.attempts.at(-1);
  expect(last?.status).toBe('ok');
  expect(result.attempts.length).toBeLessThanOrEqual(MAX_ATTEMPTS);
  const expected = [...countBy(reference.state.delivered, keyOf).keys()].sort();
  const delivered = countBy(result.state.delivered, keyOf);
  // At least once: every alert of the clean run went out.
  expect([...delivered.keys()].sort()).toEqual(expected);
  if (options.duplicatesAllowed) {
    // At-least-once: a repeat carries the first attempt's alert id, so consumers can drop it.
    const ids = countBy(result.state.delivered, (alert) => `${keyOf(alert)}|${alert.id}`);
    expect(ids.size).toBe(delivered.size);
  } else {
    // At most once per dedup window, across every retry.
    expect([...delivered.values()].every((count) => count === 1)).toBe(true);
  }
  // Counts: every dedup item counts exactly the events seen for its rule and host (retries do not recount).
  const counts = (items: Run['items']) => Object.fromEntries(items.map((item) => [keyOf(item), item.count]));
  expect(counts(result.items)).toEqual(counts(reference.items));
  // A lost confirm leaves that one claim 'claimed' until its lease ends (the alert did go out; see the doc).
  const unconfirmed = result.items.filter((item) => item.state !== 'published');
  expect(unconfirmed.length).toBeLessThanOrEqual(options.confirmLost ? 1 : 0);
  expect(unconfirmed.every((item) => item.state === 'claimed')).toBe(true);
}

describe('CloudWatch subscription handler under injected faults (dynalite + mocked SNS)', () => {
  beforeAll(async () => {
    db = await startDynalite();
    repoRules();
    const calls: string[] = [];
    reference = await run((state) => {
      state.dynamoFault = undefined;
    });
    // Second clean run with a logging middleware-free count: operation order of the first invocation.
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
    await createCloudWatchHandler(deps)(EVENT);
    const first = (name: string) => calls.indexOf(name) + 1;
    firstCallOf = {
      claimRead: first('GetItemCommand'),
      claimWrite: first('PutItemCommand'),
      confirm: first('UpdateItemCommand'),
    };
  });

  afterAll(async () => {
    await db.stop();
  });

  it('publishes one alert per host and rule in the clean run (the reference the faults are held to)', () => {
    expect(reference.attempts.map((attempt) => attempt.status)).toEqual(['ok']);
    expect(new Set(reference.state.delivered.map((alert) => alert.host)).size).toBe(HOSTS.length);
    expect(reference.state.snsCalls).toBe(3);
    expect(Object.values(firstCallOf).every((call) => call > 0)).toBe(true);
  });

  describe.each([
    ['throttled (ThrottledException thrown)', 'throttle'],
    ['rejected (every batch entry failed)', 'rejected'],
  ] as const)('SNS %s', (_label, kind) => {
    it.each([1, 2, 3])(
      'at publish call %i: the invocation fails, the retry delivers each alert exactly once',
      async (call) => {
        const result = await run((state) => {
          state.snsFault = { kind, call };
        });
        expect(result.attempts[0]?.status).toBe('threw');
        expectDelivery(result);
      },
    );
  });

  describe.each([
    ['ProvisionedThroughputExceededException', 'throttle'],
    ['InternalServerError', 'internal'],
  ] as const)('DynamoDB %s', (_label, kind) => {
    it.each([1, 2, 3])(
      'at call %i (correlation state, read before anything is claimed): alerts go out once each',
      async (call) => {
        const result = await run((state) => {
          state.dynamoFault = { kind, call };
        });
        expect(result.attempts[0]?.status).toBe('threw');
        expectDelivery(result);
      },
    );

    it.each(['claimRead', 'claimWrite', 'confirm'] as const)(
      'at the first %s: delivered once each, counts unchanged',
      async (operation) => {
        const result = await run((state) => {
          state.dynamoFault = { kind, call: firstCallOf[operation] };
        });
        // A failed confirm is logged and counted (ConfirmLost); the alert went out, so the invocation succeeds.
        expect(result.attempts[0]?.status).toBe(operation === 'confirm' ? 'ok' : 'threw');
        expectDelivery(result, { confirmLost: operation === 'confirm' });
      },
    );
  });

  describe('a Lambda timeout in the middle of the batch (the process freezes; retried after the lease)', () => {
    it.each(['claimRead', 'claimWrite', 'confirm'] as const)(
      'at the first %s: every alert goes out once',
      async (operation) => {
        const result = await run((state) => {
          state.freeze = { at: 'dynamo', call: firstCallOf[operation] + 2 };
        });
        expect(result.attempts[0]?.status).toBe('timed-out');
        expectDelivery(result, { duplicatesAllowed: operation === 'confirm' });
      },
    );

    it('before SNS accepts the first batch: every alert goes out once', async () => {
      const result = await run((state) => {
        state.freeze = { at: 'sns-before-accept', call: 1 };
      });
      expect(result.attempts[0]?.status).toBe('timed-out');
      expectDelivery(result);
    });

    it('after SNS accepted the first batch, before confirming: repeats carry the same alert id (at-least-once)', async () => {
      const result = await run((state) => {
        state.freeze = { at: 'sns-after-accept', call: 1 };
      });
      expect(result.attempts[0]?.status).toBe('timed-out');
      expectDelivery(result, { duplicatesAllowed: true });
    });
  });

  it('the same batch delivered twice publishes nothing the second time and does not recount', async () => {
    const tables = await freshTables(db);
    const config = testConfig(tables);
    const state = new FaultState();
    sns.reset();
    installSnsFake(sns, state);
    const handler = createCloudWatchHandler(ingestDeps(db, state, config, () => T0 + 60_000));
    await handler(EVENT);
    const afterFirst = state.delivered.length;
    await createCloudWatchHandler(ingestDeps(db, state, config, () => T0 + 120_000))(EVENT);
    expect(state.delivered.length).toBe(afterFirst);
    const counts = (items: Run['items']) => Object.fromEntries(items.map((item) => [keyOf(item), item.count]));
    expect(counts(await dedupItems(db, tables.state))).toEqual(counts(reference.items));
  });

  it('two concurrent invocations of the same batch raise each alert once between them, retries included', async () => {
    const tables = await freshTables(db);
    const config = testConfig(tables);
    const state = new FaultState();
    sns.reset();
    installSnsFake(sns, state);
    const invocation = () =>
      runWithRetries(state, {
        build: (clock) => createCloudWatchHandler(ingestDeps(db, state, config, clock)),
        event: EVENT,
        next: (attempt, current) => (attempt.status === 'ok' ? undefined : current),
        retryDelayMs: ASYNC_RETRY_MS,
        startMs: T0 + 60_000,
      });
    const [first, second] = await Promise.all([invocation(), invocation()]);
    // The loser finds the claims in flight and fails (ClaimsPendingError) so Lambda retries it after the lease.
    expect([first?.at(-1)?.status, second?.at(-1)?.status]).toEqual(['ok', 'ok']);
    const delivered = countBy(state.delivered, keyOf);
    expect([...delivered.keys()].sort()).toEqual([...countBy(reference.state.delivered, keyOf).keys()].sort());
    expect([...delivered.values()].every((count) => count === 1)).toBe(true);
    const counts = (items: Run['items']) => Object.fromEntries(items.map((item) => [keyOf(item), item.count]));
    expect(counts(await dedupItems(db, tables.state))).toEqual(counts(reference.items));
  });
});
