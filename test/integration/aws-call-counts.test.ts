import { gzipSync } from 'node:zlib';
import { SNSClient } from '@aws-sdk/client-sns';
import type { CloudWatchLogsEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { createCloudWatchHandler } from '../../lambdas/cloudwatch-subscription';
import { subscriptionPayload } from '../support/cloudwatch';
import { type Dynalite, startDynalite } from '../support/dynalite';
import { sysmonProcessXml } from './fixtures/sysmon';
import {
  benignSysmonLines,
  countDynamoCalls,
  type DynamoCall,
  freshTables,
  handlerDeps,
  repoRules,
  snsCallCount,
  snsSucceeds,
  testConfig,
} from './harness';

const T0 = Date.UTC(2026, 10, 27, 12, 0, 0);
const sns = mockClient(SNSClient);

function payload(messages: string[]): CloudWatchLogsEvent {
  // A log stream that is not an instance id: each event's host keys are then its hostname (and short name) only.
  const body = subscriptionPayload(messages, {
    logGroup: '/windows/sysmon',
    logStream: 'sysmon-forwarder',
    startMs: T0,
  });
  // Fast gzip: the payload is ~30 MB of real event JSON and the compression level does not matter here.
  return { awslogs: { data: gzipSync(Buffer.from(JSON.stringify(body)), { level: 1 }).toString('base64') } };
}

describe('AWS calls per invocation', () => {
  let db: Dynalite;
  let calls: DynamoCall[];

  beforeAll(async () => {
    db = await startDynalite();
    calls = countDynamoCalls(db);
    repoRules();
  });

  afterAll(async () => {
    await db.stop();
  });

  beforeEach(() => {
    sns.reset();
    snsSucceeds(sns);
  });

  it('makes no DynamoDB and no SNS call for 10,000 real events without a detection', async () => {
    const tables = await freshTables(db);
    const handler = createCloudWatchHandler(handlerDeps(db, testConfig(tables), { clock: () => T0 }));
    const benign = benignSysmonLines();
    const messages = Array.from({ length: 10_000 }, (_, i) => benign[i % benign.length] as string);
    calls.length = 0;
    const outcome = await handler(payload(messages));
    expect(outcome?.counts).toMatchObject({ records: 10_000, events: 10_000, detections: 0, parseErrors: 0 });
    expect(calls).toEqual([]);
    expect(snsCallCount(sns)).toBe(0);
  });

  it('reads the allowlist once per host (plus the global partition), and not at all again within the cache TTL', async () => {
    const tables = await freshTables(db);
    let now = T0 + 60_000;
    const handler = createCloudWatchHandler(handlerDeps(db, testConfig(tables), { clock: () => now }));
    const hosts = ['LAB-01', 'LAB-02', 'LAB-03', 'LAB-04', 'LAB-05'];
    const detections = hosts.flatMap((computer, h) =>
      [0, 1].map((n) => sysmonProcessXml({ computer, recordId: h * 10 + n, timeMs: T0 + n * 1000 })),
    );
    const benign = benignSysmonLines();
    calls.length = 0;
    const first = await handler(payload([...benign, ...detections]));
    expect(first?.counts.detections).toBe(10);
    const allowlistQueries = (list: readonly DynamoCall[]) =>
      list.filter((call) => call.table === tables.allowlist && call.command === 'QueryCommand');
    expect(allowlistQueries(calls)).toHaveLength(hosts.length + 1);
    expect(snsCallCount(sns)).toBe(1);

    calls.length = 0;
    now += 30_000;
    await handler(payload([...benign, ...detections]));
    expect(allowlistQueries(calls)).toEqual([]);
    expect(calls.every((call) => call.table === tables.state)).toBe(true);
    expect(snsCallCount(sns)).toBe(1);

    now += 60_000;
    calls.length = 0;
    await handler(payload(detections));
    expect(allowlistQueries(calls)).toHaveLength(hosts.length + 1);
  });
});
