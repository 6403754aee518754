import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { createEdrFeedHandler } from '../../lambdas/edr-feed';
import type { QuarantineEntry, QuarantineStore } from '../../lib/quarantine';
import { type Dynalite, startDynalite } from '../support/dynalite';
import { s3NotificationBody, sqsRecordOf } from '../support/s3-notification';
import { sysmonProcessXml } from './fixtures/sysmon';
import {
  freshTables,
  handlerDeps,
  MemoryLogger,
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
  return sqsRecordOf(messageId, body, T0);
}

/** A quarantine that keeps its entries in memory. */
class ListQuarantine implements QuarantineStore {
  readonly entries: QuarantineEntry[] = [];
  async put(entries: readonly QuarantineEntry[]): Promise<void> {
    this.entries.push(...entries);
  }
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

  async function setup(options: { quarantine?: QuarantineStore; s3TimeoutMs?: number } = {}) {
    const tables = await freshTables(db);
    const metrics = new MemoryMetrics();
    const logger = new MemoryLogger();
    const config = testConfig(tables, { MAX_OBJECT_BYTES: '1000000' });
    const deps = {
      ...handlerDeps(db, config, { clock: () => T0 + 60_000, metrics, logger }),
      s3: new S3Client({ region: 'us-east-1' }),
      ...options,
    };
    return { metrics, logger, handler: createEdrFeedHandler(deps) };
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

  it('keeps a pointer to an object over the size bound in the quarantine, without reading it', async () => {
    const quarantine = new ListQuarantine();
    const { handler, metrics } = await setup({ quarantine });
    const response = await handler({ Records: [sqsRecord('m-big', s3Notification('huge.gz', 5_000_000))] });
    expect(response.batchItemFailures).toEqual([]);
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
    expect(quarantine.entries).toEqual([
      {
        kind: 'object',
        bucket: 'edr-drop',
        key: 'huge.gz',
        messageId: 'm-big',
        reason: 'S3 object is 5000000 bytes, over the 1000000-byte limit',
      },
    ]);
    expect(metrics.total('ObjectsUnprocessed')).toBe(1);
  });

  it('fails the message of an unprocessable object when no quarantine can keep its pointer (its DLQ keeps it)', async () => {
    const { handler } = await setup();
    const response = await handler({
      Records: [sqsRecord('m-big', s3Notification('huge.gz', 5_000_000)), sqsRecord('m-inline', crowdstrikeEvent)],
    });
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm-big' }]);
  });

  it('stops reading a body that grows past the bound even when the notification gave no size', async () => {
    const quarantine = new ListQuarantine();
    const { handler, metrics } = await setup({ quarantine });
    const big = Buffer.alloc(1_500_000, 0x41);
    s3.on(GetObjectCommand).resolves({
      Body: Readable.from([big.subarray(0, 800_000), big.subarray(800_000)]) as never,
    });
    const body = JSON.parse(s3Notification('nosize.gz'));
    delete body.Records[0].s3.object.size;
    const response = await handler({ Records: [sqsRecord('m-nosize', JSON.stringify(body))] });
    expect(response.batchItemFailures).toEqual([]);
    expect(metrics.total('ObjectsUnprocessed')).toBe(1);
    expect(quarantine.entries).toMatchObject([
      { kind: 'object', key: 'nosize.gz', reason: expect.stringMatching(/over the 1000000-byte limit/) },
    ]);
    expect(snsCallCount(sns)).toBe(0);
  });

  it('fails only the message whose GetObject hangs, within the read timeout, and says why', async () => {
    const { handler, metrics, logger } = await setup({ s3TimeoutMs: 200 });
    s3.on(GetObjectCommand, { Key: 'hung.gz' }).callsFake(() => new Promise(() => {}));
    s3.on(GetObjectCommand, { Key: 'fine.gz' }).resolves({
      Body: objectBody([sysmonProcessXml({ computer: 'S3-HOST-03' })]),
    });
    const response = await handler({
      Records: [sqsRecord('m-hung', s3Notification('hung.gz')), sqsRecord('m-fine', s3Notification('fine.gz'))],
    });
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm-hung' }]);
    expect(publishedAlerts(sns).map((a) => a.host)).toEqual(['s3-host-03']);
    expect(metrics.counts).toContainEqual({ name: 'S3ReadFailures', value: 1, dimensions: { Reason: 'timeout' } });
    expect(logger.lines).toContainEqual(
      expect.objectContaining({
        level: 'error',
        message: 'S3 object not read: the message is retried',
        extra: expect.objectContaining({ key: 'hung.gz', reason: 'timeout', messageId: 'm-hung' }),
      }),
    );
  });

  it('fails only the message whose object body stalls mid-stream', async () => {
    const { handler, metrics } = await setup({ s3TimeoutMs: 200 });
    const stalled = new Readable({ read() {} });
    stalled.push(Buffer.from(`${crowdstrikeEvent}\n`));
    s3.on(GetObjectCommand, { Key: 'stalled.ndjson' }).resolves({ Body: stalled as never });
    const response = await handler({
      Records: [sqsRecord('m-stalled', s3Notification('stalled.ndjson')), sqsRecord('m-inline', crowdstrikeEvent)],
    });
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm-stalled' }]);
    expect(metrics.counts).toContainEqual({ name: 'S3ReadFailures', value: 1, dimensions: { Reason: 'timeout' } });
  });

  it('logs and counts an S3 read failure with its reason (a persistent AccessDenied is seen before the DLQ fills)', async () => {
    const { handler, metrics, logger } = await setup();
    s3.on(GetObjectCommand).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));
    const response = await handler({
      Records: [sqsRecord('m-denied', s3Notification('denied.gz')), sqsRecord('m-inline', crowdstrikeEvent)],
    });
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm-denied' }]);
    expect(metrics.counts).toContainEqual({
      name: 'S3ReadFailures',
      value: 1,
      dimensions: { Reason: 'access-denied' },
    });
    expect(metrics.total('S3ReadFailures')).toBe(1);
    expect(logger.lines).toContainEqual(
      expect.objectContaining({
        level: 'error',
        extra: expect.objectContaining({ bucket: 'edr-drop', key: 'denied.gz', reason: 'access-denied' }),
      }),
    );
  });

  it('keeps a pointer to a whole-document JSON object larger than may be held in memory', async () => {
    const quarantine = new ListQuarantine();
    const tables = await freshTables(db);
    const config = testConfig(tables, { MAX_DECOMPRESSED_BYTES: '100000' });
    const handler = createEdrFeedHandler({
      ...handlerDeps(db, config, { clock: () => T0 + 60_000 }),
      s3: new S3Client({ region: 'us-east-1' }),
      quarantine,
    });
    const array = JSON.stringify(Array.from({ length: 300 }, () => JSON.parse(crowdstrikeEvent)));
    s3.on(GetObjectCommand).resolves({ Body: Readable.from([gzipSync(array)]) as never });
    const response = await handler({ Records: [sqsRecord('m-doc', s3Notification('doc.json.gz'))] });
    expect(response.batchItemFailures).toEqual([]);
    expect(quarantine.entries).toMatchObject([
      { kind: 'object', key: 'doc.json.gz', reason: expect.stringMatching(/limited to 100000 bytes/) },
    ]);
  });

  it('stops reading an object when the invocation runs out of time, and keeps a pointer to the first line not read', async () => {
    const quarantine = new ListQuarantine();
    const tables = await freshTables(db);
    const handler = createEdrFeedHandler({
      ...handlerDeps(db, testConfig(tables), { clock: () => T0 + 60_000 }),
      s3: new S3Client({ region: 'us-east-1' }),
      quarantine,
      chunkRecords: 2,
      timeReserveMs: 15_000,
    });
    s3.on(GetObjectCommand).resolves({
      Body: objectBody([1, 2, 3, 4, 5].map((n) => sysmonProcessXml({ computer: `SLOW-${n}` }))),
    });
    let remaining = 70_000;
    // Each look at the clock finds 20 s less (GetObject, then each chunk): the second chunk ends below the reserve.
    const context = { getRemainingTimeInMillis: () => (remaining -= 20_000) } as unknown as Context;
    const response = await handler({ Records: [sqsRecord('m-slow', s3Notification('slow.gz'))] }, context);
    expect(response.batchItemFailures).toEqual([]);
    expect([...new Set(publishedAlerts(sns).map((a) => a.host))].sort()).toEqual([
      'slow-1',
      'slow-2',
      'slow-3',
      'slow-4',
    ]);
    expect(quarantine.entries).toEqual([
      expect.objectContaining({ kind: 'object', key: 'slow.gz', fromLine: 5, messageId: 'm-slow' }),
    ]);
  });

  it('waits for a hung GetObject no longer than the invocation has left, minus its reserve', async () => {
    const { handler, metrics } = await setup();
    s3.on(GetObjectCommand, { Key: 'hung.gz' }).callsFake(() => new Promise(() => {}));
    // 16 s left, 15 s reserved: the read may take 1 s, not the client's 10 s.
    const context = { getRemainingTimeInMillis: () => 16_000 } as unknown as Context;
    const started = Date.now();
    const response = await handler(
      { Records: [sqsRecord('m-hung', s3Notification('hung.gz')), sqsRecord('m-inline', crowdstrikeEvent)] },
      context,
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm-hung' }]);
    expect(metrics.counts).toContainEqual({ name: 'S3ReadFailures', value: 1, dimensions: { Reason: 'timeout' } });
  });
});
