import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { createEdrFeedHandler } from '../../lambdas/edr-feed';
import { type Dynalite, startDynalite } from '../support/dynalite';
import { s3NotificationBody } from '../support/s3-notification';
import { sysmonProcessXml } from './fixtures/sysmon';
import {
  freshTables,
  handlerDeps,
  MemoryMetrics,
  publishedAlerts,
  repoRules,
  snsCallCount,
  snsSucceeds,
  testConfig,
} from './harness';

const T0 = Date.UTC(2026, 10, 27, 12, 0, 0);
const sns = mockClient(SNSClient);
const s3 = mockClient(S3Client);

const crowdstrikeEvent = JSON.stringify(
  JSON.parse(
    readFileSync(path.join(__dirname, '..', 'fixtures', 'edr', 'crowdstrike-pr2-vboxmanage-windows.json'), 'utf8'),
  ),
);

function s3Notification(key: string, size = 2048): string {
  return s3NotificationBody('edr-drop', key, size);
}

function sqsRecord(messageId: string, body: string): SQSRecord {
  return {
    messageId,
    receiptHandle: `rh-${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(T0),
      SenderId: 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp: String(T0),
    },
    messageAttributes: {},
    md5OfBody: 'd41d8cd98f00b204e9800998ecf8427e',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:vmsentry-edr-feed',
    awsRegion: 'us-east-1',
  };
}

function objectBody(lines: string[]) {
  return Readable.from([gzipSync(Buffer.from(`${lines.join('\n')}\n`))]) as never;
}

describe('EDR feed handler (SQS + S3, dynalite + mocked SNS/S3)', () => {
  let db: Dynalite;

  beforeAll(async () => {
    db = await startDynalite();
    repoRules();
  });

  afterAll(async () => {
    await db.stop();
  });

  beforeEach(() => {
    sns.reset();
    s3.reset();
    snsSucceeds(sns);
  });

  async function setup() {
    const tables = await freshTables(db);
    const metrics = new MemoryMetrics();
    const config = testConfig(tables, { MAX_OBJECT_BYTES: '1000000' });
    const deps = {
      ...handlerDeps(db, config, { clock: () => T0 + 60_000, metrics }),
      s3: new S3Client({ region: 'us-east-1' }),
    };
    return { metrics, handler: createEdrFeedHandler(deps) };
  }

  it('reports only the message it could not deliver, and acknowledges the rest (garbage included)', async () => {
    const { handler, metrics } = await setup();
    s3.on(GetObjectCommand, { Key: 'good.ndjson.gz' }).resolves({
      Body: objectBody([sysmonProcessXml({ computer: 'S3-HOST-01' })]),
    });
    s3.on(GetObjectCommand, { Key: 'unreadable.gz' }).rejects(
      Object.assign(new Error('slow down'), { name: 'SlowDown' }),
    );
    const event: SQSEvent = {
      Records: [
        sqsRecord('m-inline', crowdstrikeEvent),
        sqsRecord('m-object', s3Notification('good.ndjson.gz')),
        sqsRecord('m-broken-s3', s3Notification('unreadable.gz')),
        sqsRecord('m-garbage', 'this is not an event %%%'),
      ],
    };
    const response = await handler(event);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm-broken-s3' }]);
    const alerts = publishedAlerts(sns);
    expect([...new Set(alerts.map((a) => a.host))].sort()).toEqual(['s3-host-01', 'ws-fin-0142']);
    expect(alerts.map((a) => a.ruleId)).toContain('b00bdefb-960f-4e30-8c9a-2f483722a761');
    expect(metrics.total('ParseErrors')).toBe(1);
  });

  it('delivers the failed message when SQS redelivers it', async () => {
    const { handler } = await setup();
    s3.on(GetObjectCommand)
      .rejectsOnce(Object.assign(new Error('internal'), { name: 'InternalError' }))
      .resolves({
        Body: objectBody([sysmonProcessXml({ computer: 'S3-HOST-02' })]),
      });
    const event: SQSEvent = { Records: [sqsRecord('m-1', s3Notification('later.gz'))] };
    await expect(handler(event)).rejects.toThrow();
    expect(snsCallCount(sns)).toBe(0);
    const retry = await handler(event);
    expect(retry.batchItemFailures).toEqual([]);
    expect(publishedAlerts(sns).map((a) => a.host)).toEqual(['s3-host-02']);
  });

  it('fails a message whose alert SNS refused, without failing the others', async () => {
    const { handler } = await setup();
    sns.on(PublishCommand).rejectsOnce(new Error('Throttling'));
    const response = await handler({
      Records: [
        sqsRecord('m-a', sysmonProcessXml({ computer: 'INLINE-01' })),
        sqsRecord('m-b', sysmonProcessXml({ computer: 'INLINE-02' })),
      ],
    });
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm-a' }]);
    // The refused attempt is recorded by the mock too: INLINE-01 was tried once and failed, INLINE-02 went out.
    expect(publishedAlerts(sns).map((a) => a.host)).toEqual(['inline-01', 'inline-02']);
  });

  it('acknowledges an object over the size bound without reading it, and counts it', async () => {
    const { handler, metrics } = await setup();
    const response = await handler({ Records: [sqsRecord('m-big', s3Notification('huge.gz', 5_000_000))] });
    expect(response.batchItemFailures).toEqual([]);
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
    expect(metrics.counts).toContainEqual({ name: 'ParseErrors', value: 1, dimensions: { Format: 'unknown' } });
  });

  it('stops reading a body that grows past the bound even when the notification gave no size', async () => {
    const { handler, metrics } = await setup();
    const big = Buffer.alloc(1_500_000, 0x41);
    s3.on(GetObjectCommand).resolves({
      Body: Readable.from([big.subarray(0, 800_000), big.subarray(800_000)]) as never,
    });
    const body = JSON.parse(s3Notification('nosize.gz'));
    delete body.Records[0].s3.object.size;
    const response = await handler({ Records: [sqsRecord('m-nosize', JSON.stringify(body))] });
    expect(response.batchItemFailures).toEqual([]);
    expect(metrics.total('ParseErrors')).toBe(1);
    expect(snsCallCount(sns)).toBe(0);
  });
});
