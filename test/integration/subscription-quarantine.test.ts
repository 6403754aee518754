/**
 * The subscription function keeps a sample of what it could not parse, like the EDR feed: one NDJSON object per
 * invocation (per batch on the Kinesis path) under quarantine/cloudwatch-subscription/ in the quarantine bucket,
 * each entry with reason and position. Real S3 protocol (fauxqs), DynamoDB on dynalite, SNS mocked.
 */
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import type { CloudWatchLogsEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import {
  createCloudWatchHandler,
  createKinesisHandler,
  subscriptionQuarantine,
} from '../../lambdas/cloudwatch-subscription';
import { kinesisEvent, subscriptionEvent, subscriptionPayload } from '../support/cloudwatch';
import { type Dynalite, startDynalite } from '../support/dynalite';
import { type Fauxqs, startFauxqs } from '../support/fauxqs';
import { sysmonProcessXml } from './fixtures/sysmon';
import {
  freshTables,
  handlerDeps,
  MemoryLogger,
  MemoryMetrics,
  publishedAlerts,
  repoRules,
  snsSucceeds,
  testConfig,
} from './harness';

const T0 = Date.UTC(2026, 10, 27, 12, 0, 0);
const BUCKET = 'vmsentry-quarantine';
const PREFIX = 'quarantine/cloudwatch-subscription/2026/11/27/';
const GARBAGE = 'not an event at all';
const sns = mockClient(SNSClient);
const SYSMON = { logGroup: '/windows/sysmon', startMs: T0 };

function payload(messages: string[], logStream: string) {
  return subscriptionPayload(messages, { logGroup: '/windows/sysmon', logStream, startMs: T0 });
}

/** The hosts SNS was asked to alert on, sorted. */
const alertedHosts = (): string[] =>
  publishedAlerts(sns)
    .map((alert) => alert.host)
    .sort();

describe('quarantine samples of the subscription function (S3 on fauxqs)', () => {
  let db: Dynalite;
  let aws: Fauxqs;
  let bucket = 0;

  beforeAll(async () => {
    [db, aws] = await Promise.all([startDynalite(), startFauxqs()]);
    repoRules();
  });

  afterAll(async () => {
    await Promise.all([db.stop(), aws.stop()]);
  });

  beforeEach(() => {
    sns.reset();
    snsSucceeds(sns);
  });

  /** The function's deps as production composes them, the quarantine on a fresh fauxqs bucket (or a missing one). */
  async function deps(options: { missingBucket?: boolean } = {}) {
    const tables = await freshTables(db);
    const name = `${BUCKET}-${++bucket}`;
    if (!options.missingBucket) await aws.createBucket(name);
    const metrics = new MemoryMetrics();
    const logger = new MemoryLogger();
    const base = handlerDeps(db, testConfig(tables), { clock: () => T0 + 60_000, metrics, logger });
    return { name, metrics, logger, deps: { ...base, ...subscriptionQuarantine(name, aws.s3, () => T0) } };
  }

  async function quarantined(name: string): Promise<Record<string, unknown>[][]> {
    const listed = await aws.s3.send(new ListObjectsV2Command({ Bucket: name, Prefix: 'quarantine/' }));
    const objects = [];
    for (const { Key } of listed.Contents ?? []) {
      expect(Key?.startsWith(PREFIX)).toBe(true);
      const object = await aws.s3.send(new GetObjectCommand({ Bucket: name, Key }));
      const text = await object.Body!.transformToString();
      objects.push(
        text
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line) as Record<string, unknown>),
      );
    }
    return objects;
  }

  it('keeps the unparseable line with reason and position and still delivers the good line', async () => {
    const { name, deps: composed } = await deps();
    const handler = createCloudWatchHandler(composed);
    await handler(
      subscriptionEvent(payload([sysmonProcessXml({ recordId: 1 }), GARBAGE], 'ws-stream')) as CloudWatchLogsEvent,
    );
    expect(alertedHosts()).toEqual(['fin-ws042.corp.example.com']);
    expect(await quarantined(name)).toEqual([
      [
        expect.objectContaining({
          kind: 'record',
          code: 'unknown-format',
          reason: expect.stringMatching(/\S/),
          where: '/windows/sysmon/ws-stream#1',
          position: expect.objectContaining({ logGroup: '/windows/sysmon', logStream: 'ws-stream', index: 1 }),
          excerpt: GARBAGE,
        }),
      ],
    ]);
  });

  it('writes nothing when every line parses', async () => {
    const { name, deps: composed } = await deps();
    await createCloudWatchHandler(composed)(
      subscriptionEvent(payload([sysmonProcessXml({ recordId: 1 })], 'ws-stream')) as CloudWatchLogsEvent,
    );
    expect(publishedAlerts(sns)).toHaveLength(1);
    expect(await quarantined(name)).toEqual([]);
  });

  it('on the Kinesis path, keeps one sample per batch: one object with every record of the batch that failed to parse', async () => {
    const { name, deps: composed } = await deps();
    const handler = createKinesisHandler(composed);
    const response = await handler(
      kinesisEvent(
        [
          [GARBAGE, sysmonProcessXml({ recordId: 1 })],
          [sysmonProcessXml({ recordId: 2, computer: 'FIN-WS043' }), '<<garbage>>'],
        ],
        SYSMON,
      ),
    );
    expect(response.batchItemFailures).toEqual([]);
    expect(alertedHosts()).toEqual(['fin-ws042.corp.example.com', 'fin-ws043']);
    expect(await quarantined(name)).toEqual([
      [
        expect.objectContaining({ where: '/windows/sysmon/stream-0#0', excerpt: GARBAGE }),
        expect.objectContaining({ where: '/windows/sysmon/stream-1#1', excerpt: '<<garbage>>' }),
      ],
    ]);
  });

  it('never fails delivery when the sample cannot be written: the alert goes out, the failure is logged and counted', async () => {
    const { metrics, logger, deps: composed } = await deps({ missingBucket: true });
    const direct = createCloudWatchHandler(composed);
    await expect(
      direct(
        subscriptionEvent(payload([sysmonProcessXml({ recordId: 1 }), GARBAGE], 'ws-stream')) as CloudWatchLogsEvent,
      ),
    ).resolves.toMatchObject({ counts: expect.objectContaining({ parseErrors: 1 }) });
    const streamed = createKinesisHandler(composed);
    const response = await streamed(
      kinesisEvent([[GARBAGE, sysmonProcessXml({ recordId: 2, computer: 'FIN-WS043' })]], SYSMON),
    );
    expect(response.batchItemFailures).toEqual([]);
    expect(alertedHosts()).toEqual(['fin-ws042.corp.example.com', 'fin-ws043']);
    expect(metrics.total('QuarantineFailures')).toBe(2);
    expect(logger.lines.filter((line) => line.message === 'quarantine sample not written')).toHaveLength(2);
  });
});
