/**
 * The dedup rows of the fault matrix (docs/fault-injection.md): correlations under retry, more than 64 events per
 * key replayed after the window, a replay after DynamoDB TTL would have deleted short-lived state, and one hot key
 * beside other hosts. Real CloudWatch handler, DynamoDB on dynalite, SNS mocked (only what SNS accepted counts).
 */
import { SNSClient } from '@aws-sdk/client-sns';
import { DeleteCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { CloudWatchLogsEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { createCloudWatchHandler } from '../../lambdas/cloudwatch-subscription';
import { sysmonProcessXml } from '../integration/fixtures/sysmon';
import { freshTables, repoRules, testConfig } from '../integration/harness';
import { subscriptionEvent, subscriptionPayload } from '../support/cloudwatch';
import { type Dynalite, startDynalite } from '../support/dynalite';
import { countBy, dedupItems, FaultState, installSnsFake, keyOf } from './harness';
import { ingestDeps, runWithRetries } from './scenario';

const T0 = Date.UTC(2026, 10, 27, 12, 0, 0);
const MINUTE = 60_000;
const DAY = 86_400_000;
const BURST = 'Burst of VM Lifecycle Commands on One Host';

const sns = mockClient(SNSClient);
let db: Dynalite;
let burstRuleId: string;

function eventOf(messages: string[], stream = 'dedup-faults'): CloudWatchLogsEvent {
  return subscriptionEvent(
    subscriptionPayload(messages, { logGroup: '/windows/sysmon', logStream: stream, startMs: T0 }),
  ) as CloudWatchLogsEvent;
}

async function scenario() {
  const tables = await freshTables(db);
  const config = testConfig(tables);
  const state = new FaultState();
  sns.reset();
  installSnsFake(sns, state);
  const handlerAt = (ms: number) => createCloudWatchHandler(ingestDeps(db, state, config, () => ms));
  return { tables, config, state, handlerAt };
}

describe('dedup under retries and replays (dynalite + mocked SNS)', () => {
  beforeAll(async () => {
    db = await startDynalite();
    const burst = repoRules().correlations.find((correlation) => correlation.metadata.title === BURST);
    if (!burst) throw new Error('the burst correlation is not in the rule pack');
    burstRuleId = burst.metadata.id;
  });

  afterAll(async () => {
    await db.stop();
  });

  it('publishes a correlation alert exactly once when its batch is retried after SNS failed', async () => {
    const { state, config } = await scenario();
    // One host builds and boots three VMs within three minutes: the burst correlation fires.
    const starts = [0, 1, 2].map((minute) =>
      sysmonProcessXml({
        computer: 'LAB-07.corp.example.com',
        recordId: 5000 + minute,
        timeMs: T0 + minute * MINUTE,
        commandLine: `"C:\\Program Files\\Oracle\\VirtualBox\\VBoxManage.exe" startvm "vm${minute}" --type headless`,
      }),
    );
    state.snsFault = { kind: 'throttle', call: 1 };
    const attempts = await runWithRetries(state, {
      build: (clock) => createCloudWatchHandler(ingestDeps(db, state, config, clock)),
      event: eventOf(starts),
      next: (attempt, current) => (attempt.status === 'ok' ? undefined : current),
      retryDelayMs: MINUTE,
      startMs: T0 + 5 * MINUTE,
    });
    expect(attempts.map((attempt) => attempt.status)).toEqual(['threw', 'ok']);
    expect(state.delivered.filter((alert) => alert.ruleId === burstRuleId)).toHaveLength(1);
    // A third delivery of the same batch (a duplicate) raises the correlation again; dedup drops it.
    await createCloudWatchHandler(ingestDeps(db, state, config, () => T0 + 10 * MINUTE))(eventOf(starts));
    expect(state.delivered.filter((alert) => alert.ruleId === burstRuleId)).toHaveLength(1);
  });

  it('does not alert again when more than 64 events of one key are replayed after the window ended', async () => {
    const { state, tables, handlerAt } = await scenario();
    const starts = Array.from({ length: 70 }, (_, index) =>
      sysmonProcessXml({ computer: 'BUSY-01.corp.example.com', recordId: 9000 + index, timeMs: T0 + index * 1000 }),
    );
    const event = eventOf(starts);
    await handlerAt(T0 + 2 * MINUTE)(event);
    const first = countBy(state.delivered, keyOf);
    const counts = async () =>
      Object.fromEntries((await dedupItems(db, tables.state)).map((item) => [keyOf(item), item.count]));
    const countedFirst = await counts();
    // The VM-start rule's key counted all 70 (the burst correlation has its own key).
    expect(Object.values(countedFirst)).toContain(70);
    // Redelivered (a redrive of the failure queue) two hours later: the window has ended.
    await handlerAt(T0 + 2 * 3600_000)(event);
    expect(countBy(state.delivered, keyOf)).toEqual(first);
    expect(await counts()).toEqual(countedFirst);
  });

  it('does not alert again on a replay 13 days later, after DynamoDB TTL deleted what had expired', async () => {
    const { state, tables, handlerAt } = await scenario();
    const event = eventOf([sysmonProcessXml({ computer: 'OLD-01.corp.example.com', recordId: 77, timeMs: T0 })]);
    await handlerAt(T0 + MINUTE)(event);
    expect(state.delivered).toHaveLength(1);
    // The failure queues keep messages up to 14 days; emulate DynamoDB TTL at the moment of the redrive.
    const replayAt = T0 + 13 * DAY;
    const scan = await db.doc.send(new ScanCommand({ TableName: tables.state }));
    for (const item of scan.Items ?? []) {
      if (typeof item['ttl'] === 'number' && item['ttl'] * 1000 <= replayAt) {
        await db.doc.send(new DeleteCommand({ TableName: tables.state, Key: { pk: item['pk'], sk: item['sk'] } }));
      }
    }
    await handlerAt(replayAt)(event);
    expect(state.delivered).toHaveLength(1);
  });

  it('delivers every other host when one key is too busy to claim, and the hot key on the retry', async () => {
    const { state, config } = await scenario();
    const hosts = ['HOT-01', 'WS-101', 'WS-102', 'WS-103'].map((name) => `${name}.corp.example.com`);
    const event = eventOf(
      hosts.map((computer, index) => sysmonProcessXml({ computer, recordId: 3000 + index, timeMs: T0 })),
    );
    // Every conditional claim write on the hot host's key loses (another writer always got there first).
    let hot = true;
    let lostWrites = 0;
    const build = (clock: () => number) => {
      const deps = ingestDeps(db, state, config, clock);
      deps.doc.middlewareStack.add(
        (next) => async (args) => {
          // The document client may hand this middleware native or marshalled values: accept both.
          const host = (args.input as { Item?: { host?: unknown } }).Item?.host;
          const name = typeof host === 'string' ? host : (host as { S?: string } | undefined)?.S;
          if (hot && name === 'hot-01.corp.example.com') {
            lostWrites += 1;
            throw Object.assign(new Error('The conditional request failed'), {
              name: 'ConditionalCheckFailedException',
              $fault: 'client',
            });
          }
          return next(args);
        },
        { step: 'initialize', name: 'vmsentryHotKey' },
      );
      return createCloudWatchHandler(deps);
    };
    const attempts = await runWithRetries(state, {
      build,
      event,
      next: (attempt, current) => {
        hot = false;
        return attempt.status === 'ok' ? undefined : current;
      },
      retryDelayMs: MINUTE,
      startMs: T0 + MINUTE,
      afterAttempt: (attempt) => {
        if (attempt.status !== 'ok') {
          // After the failed first attempt, the other hosts' alerts are already out.
          expect(new Set(state.delivered.map((alert) => alert.host))).toEqual(
            new Set(hosts.slice(1).map((h) => h.toLowerCase())),
          );
        }
      },
    });
    expect(lostWrites).toBe(10);
    expect(attempts.map((attempt) => attempt.status)).toEqual(['threw', 'ok']);
    const delivered = countBy(state.delivered, (alert) => alert.host);
    expect([...delivered.keys()].sort()).toEqual(hosts.map((h) => h.toLowerCase()).sort());
    expect([...delivered.values()].every((count) => count === 1)).toBe(true);
  });
});
