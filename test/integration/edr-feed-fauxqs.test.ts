/**
 * The EDR feed end to end on real protocols: objects in S3 (fauxqs), their event notifications in the feed's SQS
 * queue (directly, or wrapped by an SNS topic), the real handler with DynamoDB on dynalite, and the alerts read back
 * from an SQS queue subscribed to the alert topic. The test drives the handler as Lambda's SQS event source does:
 * receive, invoke, delete what was not reported in batchItemFailures. Faults (S3 or SNS failing) are injected with
 * aws-sdk-client-mock in edr-feed.test.ts and test/faults.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { PublishCommand } from '@aws-sdk/client-sns';
import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createEdrFeedHandler, type EdrFeedHandler } from '../../lambdas/edr-feed';
import { SnsAlertPublisher } from '../../lib/adapters/sns-publisher';
import type { PublishedAlert } from '../../lib/alerts/published-alert';
import { type Dynalite, startDynalite } from '../support/dynalite';
import { type AlertTopic, alertTopic, type Fauxqs, type Queue, startFauxqs } from '../support/fauxqs';
import { s3NotificationBody } from '../support/s3-notification';
import { sysmonProcessXml } from './fixtures/sysmon';
import { freshTables, MemoryMetrics, repoRules, testConfig } from './harness';

const T0 = Date.UTC(2026, 10, 27, 12, 0, 0);
const BUCKET = 'edr-drop';
const QEMU_RULE = 'b00bdefb-960f-4e30-8c9a-2f483722a761';

const crowdstrikeEvent = JSON.stringify(
  JSON.parse(
    readFileSync(path.join(__dirname, '..', 'fixtures', 'edr', 'crowdstrike-pr2-vboxmanage-windows.json'), 'utf8'),
  ),
);

let db: Dynalite;
let aws: Fauxqs;
let alerts: AlertTopic;
let topicArn: string;

beforeAll(async () => {
  [db, aws] = await Promise.all([startDynalite(), startFauxqs()]);
  repoRules();
  await aws.createBucket(BUCKET);
  alerts = await alertTopic(aws);
  topicArn = alerts.topicArn;
});
afterAll(async () => {
  await Promise.all([db?.stop(), aws?.stop()]);
});

let queueCounter = 0;
async function setup() {
  const tables = await freshTables(db);
  const metrics = new MemoryMetrics();
  const config = testConfig(tables, { ALERT_TOPIC_ARN: topicArn });
  const handler = createEdrFeedHandler({
    config,
    doc: db.doc,
    publisher: new SnsAlertPublisher(aws.sns, topicArn, { allowlistTable: config.allowlistTable }),
    rules: repoRules(),
    clock: () => T0 + 60_000,
    metrics,
    s3: aws.s3,
  });
  queueCounter += 1;
  const feed = await aws.createQueue(`edr-feed-${queueCounter}`);
  return { handler, metrics, feed };
}

async function putObject(key: string, lines: string[], gzip: boolean): Promise<number> {
  const text = Buffer.from(`${lines.join('\n')}\n`);
  const body = gzip ? gzipSync(text) : text;
  await aws.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
  return body.length;
}

async function send(queue: Queue, body: string): Promise<void> {
  await aws.sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: body }));
}

/** The event Lambda's SQS event source builds from received messages. */
function lambdaEvent(queue: Queue, messages: readonly Message[]): SQSEvent {
  return {
    Records: messages.map((m) => ({
      messageId: m.MessageId!,
      receiptHandle: m.ReceiptHandle!,
      body: m.Body!,
      attributes: {
        ApproximateReceiveCount: m.Attributes?.['ApproximateReceiveCount'] ?? '1',
        SentTimestamp: m.Attributes?.['SentTimestamp'] ?? String(T0),
        SenderId: m.Attributes?.['SenderId'] ?? 'AIDAEXAMPLE',
        ApproximateFirstReceiveTimestamp: m.Attributes?.['ApproximateFirstReceiveTimestamp'] ?? String(T0),
      },
      messageAttributes: {},
      md5OfBody: m.MD5OfBody!,
      eventSource: 'aws:sqs',
      eventSourceARN: queue.arn,
      awsRegion: 'us-east-1',
    })),
  };
}

/** One poll of the event source: receive up to 10, invoke, delete every message the handler did not report. */
async function poll(handler: EdrFeedHandler, feed: Queue): Promise<SQSBatchResponse> {
  const received = await aws.sqs.send(
    new ReceiveMessageCommand({ QueueUrl: feed.url, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['All'] }),
  );
  const messages = received.Messages ?? [];
  const response = await handler(lambdaEvent(feed, messages));
  const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
  const done = messages.filter((m) => !failed.has(m.MessageId!));
  if (done.length > 0) {
    await aws.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: feed.url,
        Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
      }),
    );
  }
  return response;
}

const hostsOf = (published: readonly PublishedAlert[]) => [...new Set(published.map((a) => a.host))].sort();

describe('EDR feed through S3 and SQS (fauxqs), DynamoDB on dynalite', () => {
  it('reads each notified object with GetObject, publishes its detections, and acknowledges the whole batch', async () => {
    const { handler, metrics, feed } = await setup();
    // S3 URL-encodes keys in notifications ('+' for a space): the handler must read the real key.
    const gzipped = await putObject(
      'fdr/2026 11 27/part-0.ndjson.gz',
      [sysmonProcessXml({ computer: 'S3-HOST-01' })],
      true,
    );
    const plain = await putObject('fdr/part-1.ndjson', [sysmonProcessXml({ computer: 'S3-HOST-02' })], false);
    await send(feed, s3NotificationBody(BUCKET, 'fdr/2026+11+27/part-0.ndjson.gz', gzipped));
    await send(feed, s3NotificationBody(BUCKET, 'fdr/part-1.ndjson', plain));
    await send(feed, crowdstrikeEvent);
    await send(feed, 'this is not an event %%%');

    expect(await poll(handler, feed)).toEqual({ batchItemFailures: [] });

    const published = await alerts.received();
    expect(hostsOf(published)).toEqual(['s3-host-01', 's3-host-02', 'ws-fin-0142']);
    expect(published.map((a) => a.ruleId)).toContain(QEMU_RULE);
    expect(metrics.total('ParseErrors')).toBe(1);
    expect(await aws.drain(feed)).toEqual([]);
  });

  it('reads objects whose notification reached the queue through an SNS topic (the SNS envelope)', async () => {
    const { handler, feed } = await setup();
    const size = await putObject('via-sns/part-0.ndjson.gz', [sysmonProcessXml({ computer: 'SNS-HOST-01' })], true);
    const notifications = await aws.createTopic(`edr-notifications-${queueCounter}`);
    await aws.subscribe(notifications, feed);
    await aws.sns.send(
      new PublishCommand({
        TopicArn: notifications,
        Message: s3NotificationBody(BUCKET, 'via-sns/part-0.ndjson.gz', size),
      }),
    );

    expect(await poll(handler, feed)).toEqual({ batchItemFailures: [] });
    expect(hostsOf(await alerts.received())).toEqual(['sns-host-01']);
  });

  it('acknowledges a notification whose object S3 no longer has (NoSuchKey), counted as a parse error', async () => {
    const { handler, metrics, feed } = await setup();
    await send(feed, s3NotificationBody(BUCKET, 'deleted/part-9.ndjson.gz', 1234));

    expect(await poll(handler, feed)).toEqual({ batchItemFailures: [] });
    expect(await alerts.received()).toEqual([]);
    expect(metrics.total('ParseErrors')).toBe(1);
  });

  it('publishes once when S3 notifies the same object twice (dedup across deliveries)', async () => {
    const { handler, feed } = await setup();
    const size = await putObject('twice/part-0.ndjson.gz', [sysmonProcessXml({ computer: 'TWICE-01' })], true);
    await send(feed, s3NotificationBody(BUCKET, 'twice/part-0.ndjson.gz', size));
    await poll(handler, feed);
    await send(feed, s3NotificationBody(BUCKET, 'twice/part-0.ndjson.gz', size));
    await poll(handler, feed);

    expect((await alerts.received()).map((a) => a.host)).toEqual(['twice-01']);
  });
});
