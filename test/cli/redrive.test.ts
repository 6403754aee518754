import { gzipSync } from 'node:zlib';
import { PublishBatchCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
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
import { onFailureRecord } from '../support/failure-records';
import { helpOf, jsonLines, memoryIo } from '../validate/support';

const sqs = mockClient(SQSClient);
const sns = mockClient(SNSClient);
const NOW = Date.UTC(2026, 10, 27, 12, 0, 0);
const QUEUE = 'https://sqs.us-east-1.amazonaws.com/123456789012/vmsentry-subscription-failures';

function cloudWatchEvent(messages: string[], logGroup: string) {
  const payload = subscriptionPayload(messages, { logGroup, startMs: NOW });
  return { awslogs: { data: gzipSync(Buffer.from(JSON.stringify(payload))).toString('base64') } };
}

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

// Replays on working services run on real queues (redrive-fauxqs.test.ts); here SNS is mocked to inject its faults, and
// SQS to serve one fixed batch.
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

  it('leaves a message whose replay failed in the queue (exit 1)', async () => {
    const queue = queueOf([onFailureRecord(cloudWatchEvent(qemu(), '/vmsentry/linux/audit'))]);
    sns.on(PublishCommand).rejects(new Error('SNS still down'));
    sns.on(PublishBatchCommand).rejects(new Error('SNS still down'));
    const io = memoryIo();
    expect(await runRedrive(options(), io, { env: {} })).toBe(1);
    expect(jsonLines(io.out())[0]).toMatchObject({ action: 'failed' });
    expect(queue.deleted).toEqual([]);
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
    ).rejects.toThrow('VMSENTRY_ALLOWLIST_TABLE (or ALLOWLIST_TABLE)');
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
