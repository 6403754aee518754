/**
 * `vmsentry redrive` against real queues: failure messages sit in an SQS queue (fauxqs), replay publishes to an SNS
 * topic whose subscribed queue shows what went out, DynamoDB is dynalite. Deletion and what is left are read back
 * from the queue itself. Fault cases (SNS still down) stay on aws-sdk-client-mock in redrive.test.ts.
 */
import { gzipSync } from 'node:zlib';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { LocalReplayer, type RedriveOptions, runRedrive } from '../../bin/commands/redrive';
import { SnsAlertPublisher } from '../../lib/adapters/sns-publisher';
import { SqsQueue } from '../../lib/adapters/sqs-queue';
import { privilegedContainer, qemuHeadless } from '../../lib/validate';
import { sysmonProcessXml } from '../integration/fixtures/sysmon';
import { freshTables, repoRules, testConfig } from '../integration/harness';
import { subscriptionEvent, subscriptionPayload } from '../support/cloudwatch';
import { type Dynalite, startDynalite } from '../support/dynalite';
import { onFailureRecord } from '../support/failure-records';
import { type AlertTopic, alertTopic, type Fauxqs, type Queue, startFauxqs } from '../support/fauxqs';
import { s3NotificationBody } from '../support/s3-notification';
import { jsonLines, memoryIo, runWithEnv } from '../validate/support';

const NOW = Date.UTC(2026, 10, 27, 12, 0, 0);
const marker = 'vmsentry-redrive-fauxqs';
const qemu = (host: string) => qemuHeadless.build({ marker, nowMs: NOW, host }).map((record) => record.message);
const docker = (host: string) =>
  privilegedContainer.build({ marker, nowMs: NOW, host }).map((record) => record.message);

const cloudWatchEvent = (messages: string[]) =>
  subscriptionEvent(subscriptionPayload(messages, { logGroup: '/vmsentry/linux/audit', startMs: NOW }));

const KINESIS_RECORD = JSON.stringify({
  requestContext: { requestId: 'r', condition: 'RetryAttemptsExhausted', approximateInvokeCount: 3 },
  version: '1.0',
  KinesisBatchInfo: {
    shardId: 'shardId-000000000000',
    startSequenceNumber: '4960',
    endSequenceNumber: '4961',
    batchSize: 2,
    streamArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/vmsentry-logs',
  },
});

let db: Dynalite;
let aws: Fauxqs;
let alerts: AlertTopic;
let topicArn: string;
beforeAll(async () => {
  [db, aws] = await Promise.all([startDynalite(), startFauxqs()]);
  repoRules();
  alerts = await alertTopic(aws);
  topicArn = alerts.topicArn;
});
afterAll(async () => {
  await Promise.all([db?.stop(), aws?.stop()]);
});

let counter = 0;
/** A failure queue holding these bodies, and fresh tables. */
async function failureQueue(bodies: readonly string[]) {
  counter += 1;
  const queue = await aws.createQueue(`failures-${counter}`);
  for (const body of bodies) await aws.sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: body }));
  return { queue, tables: await freshTables(db) };
}

/** Messages still in the queue: waiting, or received and not deleted (in flight until their visibility ends). */
async function leftIn(queue: Queue): Promise<number> {
  const out = await aws.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queue.url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(out.Attributes?.['ApproximateNumberOfMessages']) +
    Number(out.Attributes?.['ApproximateNumberOfMessagesNotVisible'])
  );
}

/** runRedrive in this process, on the real queue, replaying into dynalite and the fauxqs topic. */
async function redriveHere(queue: Queue, tables: { allowlist: string; state: string }, extra: Partial<RedriveOptions>) {
  const config = testConfig(tables, { ALERT_TOPIC_ARN: topicArn });
  const replayer = new LocalReplayer({
    config,
    doc: db.doc,
    publisher: new SnsAlertPublisher(aws.sns, topicArn, { allowlistTable: config.allowlistTable }),
    rules: repoRules(),
    s3: aws.s3,
  });
  const io = memoryIo();
  const code = await runRedrive({ queueUrl: [queue.url], json: true, max: 100, ...extra }, io, {
    env: {},
    queues: (url) => new SqsQueue(aws.sqs, url),
    ...(extra.dryRun ? {} : { replayer }),
  });
  return { code, lines: jsonLines(io.out()) };
}

describe('vmsentry redrive on real queues (fauxqs SQS/SNS, dynalite)', () => {
  it('replays an on-failure record and a DLQ raw event, publishes their alerts, and deletes both', async () => {
    const { queue, tables } = await failureQueue([
      onFailureRecord(cloudWatchEvent(qemu('redrive-h1'))),
      JSON.stringify(cloudWatchEvent(docker('redrive-h2'))),
    ]);
    const { code, lines } = await redriveHere(queue, tables, {});
    expect(lines.map((line) => [line['kind'], line['origin'], line['action']]).sort()).toEqual([
      ['cloudwatch', 'dlq', 'replayed'],
      ['cloudwatch', 'on-failure', 'replayed'],
    ]);
    expect(code).toBe(0);
    expect(await leftIn(queue)).toBe(0);
    expect(await alerts.receivedHosts()).toEqual(['redrive-h1', 'redrive-h2']);
  });

  it('leaves Kinesis metadata records in the queue (exit 1), and replays the rest', async () => {
    const { queue, tables } = await failureQueue([KINESIS_RECORD, JSON.stringify(cloudWatchEvent(qemu('redrive-h3')))]);
    const { code, lines } = await redriveHere(queue, tables, {});
    expect(lines.map((line) => [line['kind'], line['action']]).sort()).toEqual([
      ['cloudwatch', 'replayed'],
      ['stream-metadata', 'skipped'],
    ]);
    const detail = String(lines.find((line) => line['kind'] === 'stream-metadata')?.['detail']);
    expect(detail).toContain('metadata only');
    expect(detail).toContain('shardId-000000000000');
    expect(code).toBe(1);
    expect(await leftIn(queue)).toBe(1);
    expect(await alerts.receivedHosts()).toEqual(['redrive-h3']);
  });

  it('--dry-run lists what it would replay, publishes nothing and deletes nothing', async () => {
    const { queue, tables } = await failureQueue([
      onFailureRecord(cloudWatchEvent(qemu('redrive-h4'))),
      'not-json inline line',
    ]);
    const { code, lines } = await redriveHere(queue, tables, { dryRun: true });
    expect(lines.map((line) => [line['kind'], line['action']]).sort()).toEqual([
      ['cloudwatch', 'listed'],
      ['edr-feed', 'listed'],
    ]);
    expect(code).toBe(0);
    expect(await leftIn(queue)).toBe(2);
    expect(await alerts.receivedHosts()).toEqual([]);
  });

  it('replays an EDR feed DLQ message with inline events through the EDR feed handler', async () => {
    const falco = JSON.stringify({
      output: 'Privileged container started (user=root container=abc image=alpine)',
      priority: 'Warning',
      rule: 'Launch Privileged Container',
      source: 'syscall',
      time: '2026-11-27T12:00:00.000000000Z',
      hostname: 'redrive-node-1',
      output_fields: {
        'container.id': 'abc',
        'container.image.repository': 'alpine',
        'container.privileged': true,
        'proc.cmdline': 'sh',
      },
    });
    const { queue, tables } = await failureQueue([falco]);
    const { code, lines } = await redriveHere(queue, tables, {});
    expect(lines).toMatchObject([{ kind: 'edr-feed', action: 'replayed' }]);
    expect(code).toBe(0);
    expect(await leftIn(queue)).toBe(0);
    expect(await alerts.receivedHosts()).toEqual(['redrive-node-1']);
  });
});

describe('vmsentry redrive, the command as a user runs it, on emulators', () => {
  it('--endpoint plus AWS_ENDPOINT_URL_DYNAMODB: replays an EDR feed message whose object is in S3 (path-style)', async () => {
    const bucket = 'edr-drop';
    await aws.createBucket(bucket);
    const object = gzipSync(Buffer.from(`${sysmonProcessXml({ computer: 'REDRIVE-S3' })}\n`));
    await aws.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'fdr/part-0.ndjson.gz', Body: object }));
    const { queue, tables } = await failureQueue([s3NotificationBody(bucket, 'fdr/part-0.ndjson.gz', object.length)]);

    // SQS, SNS and S3 on fauxqs (--endpoint), DynamoDB on dynalite (the SDK's per-service endpoint variable).
    const result = await runWithEnv(
      [
        'redrive',
        '--endpoint',
        aws.endpoint,
        '--queue-url',
        queue.url,
        '--allowlist-table',
        tables.allowlist,
        '--state-table',
        tables.state,
        '--topic-arn',
        topicArn,
        '--json',
      ],
      {
        AWS_ENDPOINT_URL_DYNAMODB: db.endpoint,
      },
    );
    expect({ code: result.code, stderr: result.stderr, lines: jsonLines(result.stdout) }).toMatchObject({
      code: 0,
      lines: [{ kind: 'edr-feed', action: 'replayed' }],
    });
    expect(await leftIn(queue)).toBe(0);
    expect(await alerts.receivedHosts()).toEqual(['redrive-s3']);
  });
});
