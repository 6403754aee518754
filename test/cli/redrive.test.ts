import { gzipSync } from 'node:zlib';
import { PublishBatchCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import {
  type FunctionInvoker,
  InvokeReplayer,
  queueArnOf,
  type RedriveOptions,
  runRedrive,
} from '../../bin/commands/redrive';
import { privilegedContainer, qemuHeadless } from '../../lib/validate';
import { freshTables, TOPIC_ARN } from '../integration/harness';
import { subscriptionPayload } from '../support/cloudwatch';
import { type Dynalite, startDynalite } from '../support/dynalite';
import { helpOf, jsonLines, memoryIo } from '../validate/support';

const sqs = mockClient(SQSClient);
const sns = mockClient(SNSClient);
const NOW = Date.UTC(2026, 10, 27, 12, 0, 0);
const QUEUE = 'https://sqs.us-east-1.amazonaws.com/123456789012/vmsentry-subscription-failures';

function cloudWatchEvent(messages: string[], logGroup: string) {
  const payload = subscriptionPayload(messages, { logGroup, startMs: NOW });
  return { awslogs: { data: gzipSync(Buffer.from(JSON.stringify(payload))).toString('base64') } };
}

/** The Lambda on-failure destination record: requestPayload is the original event. */
function onFailureRecord(requestPayload: unknown): string {
  return JSON.stringify({
    version: '1.0',
    timestamp: '2026-11-27T12:00:05.000Z',
    requestContext: {
      requestId: 'req-1',
      functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:sub:$LATEST',
      condition: 'RetriesExhausted',
      approximateInvokeCount: 3,
    },
    requestPayload,
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    responsePayload: { errorType: 'AlertsNotPublishedError', errorMessage: 'SNS down' },
  });
}

const KINESIS_RECORD = JSON.stringify({
  requestContext: {
    requestId: 'r',
    functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:k',
    condition: 'RetryAttemptsExhausted',
    approximateInvokeCount: 3,
  },
  responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
  version: '1.0',
  timestamp: '2026-11-27T12:00:05.000Z',
  KinesisBatchInfo: {
    shardId: 'shardId-000000000000',
    startSequenceNumber: '4960',
    endSequenceNumber: '4961',
    approximateArrivalOfFirstRecord: '2026-11-27T11:59:00Z',
    approximateArrivalOfLastRecord: '2026-11-27T11:59:01Z',
    batchSize: 2,
    streamArn: 'arn:aws:kinesis:us-east-1:123456789012:stream/vmsentry-logs',
  },
});

/** A queue holding these bodies; deletes are recorded. */
function queueOf(bodies: string[]): { deleted: string[] } {
  const state = { deleted: [] as string[] };
  let served = false;
  sqs.on(ReceiveMessageCommand).callsFake(() => {
    if (served) return { Messages: [] };
    served = true;
    return {
      Messages: bodies.map((Body, index) => ({
        Body,
        MessageId: `msg-${index}`,
        ReceiptHandle: `rh-${index}`,
        Attributes: { ApproximateReceiveCount: '4' },
      })),
    };
  });
  sqs.on(DeleteMessageCommand).callsFake((input: { ReceiptHandle?: string }) => {
    state.deleted.push(input.ReceiptHandle ?? '');
    return {};
  });
  return state;
}

function snsSucceeds(): void {
  sns.on(PublishCommand).resolves({ MessageId: 'm' });
  sns.on(PublishBatchCommand).callsFake((input: { PublishBatchRequestEntries?: { Id?: string }[] }) => ({
    Successful: (input.PublishBatchRequestEntries ?? []).map((entry) => ({ Id: entry.Id, MessageId: 'm' })),
    Failed: [],
  }));
}

describe('vmsentry redrive (SQS mocked, DynamoDB on dynalite, SNS mocked)', () => {
  let db: Dynalite;
  let tables: { allowlist: string; state: string };
  beforeAll(async () => {
    db = await startDynalite();
  });
  afterAll(async () => {
    await db.stop();
  });
  beforeEach(async () => {
    sqs.reset();
    sns.reset();
    tables = await freshTables(db);
  });

  const options = (extra: Partial<RedriveOptions> = {}): RedriveOptions => ({
    queueUrl: [QUEUE],
    allowlistTable: tables.allowlist,
    stateTable: tables.state,
    topicArn: TOPIC_ARN,
    endpoint: db.endpoint,
    json: true,
    max: 100,
    ...extra,
  });
  const marker = 'vmsentry-validate-redrive';
  const qemu = () => qemuHeadless.build({ marker, nowMs: NOW, host: 'h1' }).map((record) => record.message);
  const docker = () => privilegedContainer.build({ marker, nowMs: NOW, host: 'h2' }).map((record) => record.message);

  it('replays an on-failure record and a DLQ raw event through the pipeline, publishes, then deletes each', async () => {
    const queue = queueOf([
      onFailureRecord(cloudWatchEvent(qemu(), '/vmsentry/linux/audit')),
      JSON.stringify(cloudWatchEvent(docker(), '/vmsentry/linux/audit')),
    ]);
    snsSucceeds();
    const io = memoryIo();
    const code = await runRedrive(options(), io, { env: {} });
    const lines = jsonLines(io.out());
    expect(lines.map((line) => [line['kind'], line['origin'], line['action']])).toEqual([
      ['cloudwatch', 'on-failure', 'replayed'],
      ['cloudwatch', 'dlq', 'replayed'],
    ]);
    expect(queue.deleted).toEqual(['rh-0', 'rh-1']);
    expect(code).toBe(0);
    const dedup = (await db.doc.send(new ScanCommand({ TableName: tables.state }))).Items ?? [];
    expect(dedup.filter((item) => item['state'] === 'published').length).toBeGreaterThan(0);
    expect(sns.commandCalls(PublishCommand).length + sns.commandCalls(PublishBatchCommand).length).toBeGreaterThan(0);
  });

  it('leaves a message whose replay failed in the queue (exit 1)', async () => {
    const queue = queueOf([onFailureRecord(cloudWatchEvent(qemu(), '/vmsentry/linux/audit'))]);
    sns.on(PublishCommand).rejects(new Error('SNS still down'));
    sns.on(PublishBatchCommand).rejects(new Error('SNS still down'));
    const io = memoryIo();
    expect(await runRedrive(options(), io, { env: {} })).toBe(1);
    expect(jsonLines(io.out())[0]).toMatchObject({ action: 'failed' });
    expect(queue.deleted).toEqual([]);
  });

  it('replays an EDR feed DLQ message with inline events through the EDR feed handler', async () => {
    const falco = JSON.stringify({
      output: 'Privileged container started (user=root container=abc image=alpine)',
      priority: 'Warning',
      rule: 'Launch Privileged Container',
      source: 'syscall',
      time: '2026-11-27T12:00:00.000000000Z',
      hostname: 'node-1',
      output_fields: {
        'container.id': 'abc',
        'container.image.repository': 'alpine',
        'container.privileged': true,
        'proc.cmdline': 'sh',
      },
    });
    const queue = queueOf([falco]);
    snsSucceeds();
    const io = memoryIo();
    expect(await runRedrive(options(), io, { env: {} })).toBe(0);
    expect(jsonLines(io.out())[0]).toMatchObject({ kind: 'edr-feed', action: 'replayed' });
    expect(queue.deleted).toEqual(['rh-0']);
  });

  it('reports Kinesis on-failure records as metadata only and leaves them in the queue', async () => {
    const queue = queueOf([KINESIS_RECORD]);
    const io = memoryIo();
    expect(await runRedrive(options(), io, { env: {} })).toBe(1);
    const [line] = jsonLines(io.out());
    expect(line).toMatchObject({ kind: 'stream-metadata', action: 'skipped' });
    expect(String(line?.['detail'])).toContain('metadata only');
    expect(String(line?.['detail'])).toContain('shardId-000000000000');
    expect(queue.deleted).toEqual([]);
  });

  it('--dry-run lists what it would replay and deletes nothing', async () => {
    const queue = queueOf([onFailureRecord(cloudWatchEvent(qemu(), '/vmsentry/linux/audit')), 'not-json inline line']);
    const io = memoryIo();
    expect(await runRedrive(options({ dryRun: true }), io, { env: {} })).toBe(0);
    expect(jsonLines(io.out()).map((line) => [line['kind'], line['action']])).toEqual([
      ['cloudwatch', 'listed'],
      ['edr-feed', 'listed'],
    ]);
    expect(queue.deleted).toEqual([]);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it('with --function, re-invokes the function with the original event and deletes only what succeeded', async () => {
    const event = cloudWatchEvent(qemu(), '/vmsentry/linux/audit');
    const queue = queueOf([
      onFailureRecord(event),
      JSON.stringify({ ...cloudWatchEvent(docker(), '/x'), note: 'fails' }),
    ]);
    const payloads: unknown[] = [];
    const invoker: FunctionInvoker = {
      async invoke(_name, payload) {
        payloads.push(payload);
        if (payloads.length === 2) throw new Error('function error (Unhandled)');
      },
    };
    const io = memoryIo();
    expect(
      await runRedrive(options({ function: 'sub' }), io, { env: {}, replayer: new InvokeReplayer(invoker, 'sub') }),
    ).toBe(1);
    expect(payloads[0]).toEqual(event);
    expect(queue.deleted).toEqual(['rh-0']);
  });

  it('needs the tables and topic to replay here, and says how to give them', async () => {
    queueOf([]);
    await expect(
      runRedrive(options({ allowlistTable: undefined as unknown as string }), memoryIo(), { env: {} }),
    ).rejects.toThrow('ALLOWLIST_TABLE');
    await expect(runRedrive(options({ queueUrl: ['not-a-url'] }), memoryIo(), { env: {} })).rejects.toThrow(
      'not an SQS queue URL',
    );
  });

  it('derives the queue ARN from AWS and LocalStack queue URLs', () => {
    expect(queueArnOf(QUEUE)).toBe('arn:aws:sqs:us-east-1:123456789012:vmsentry-subscription-failures');
    expect(queueArnOf('http://sqs.eu-west-1.localhost.localstack.cloud:4566/000000000000/dlq')).toBe(
      'arn:aws:sqs:eu-west-1:000000000000:dlq',
    );
  });
});

describe('vmsentry redrive --help', () => {
  it('--help explains Kinesis records and the exit codes', async () => {
    const result = await helpOf(['redrive', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Kinesis on-failure records carry only shard and sequence numbers');
    expect(result.stdout).toContain('Exit codes: 0 everything replayed');
  });
});
