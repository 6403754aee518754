import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { SqsAlertWaiter } from '../../lib/adapters/sqs-alert-waiter';
import { SqsQueue } from '../../lib/adapters/sqs-queue';

const sqs = mockClient(SQSClient);
const client = new SQSClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/q';
const PENDING = [{ scenarioId: 's', marker: 'vmsentry-validate-x1', expectedRules: ['r'], dedupPks: [] }];

describe('SqsAlertWaiter', () => {
  beforeEach(() => sqs.reset());

  it('deletes the messages that carry a pending marker and releases the others at once', async () => {
    sqs.on(ReceiveMessageCommand).resolves({
      Messages: [
        {
          MessageId: '1',
          ReceiptHandle: 'ours',
          Body: JSON.stringify({ ruleId: 'r', event: { fields: { CommandLine: 'vmsentry-validate-x1' } } }),
        },
        { MessageId: '2', ReceiptHandle: 'theirs', Body: JSON.stringify({ ruleId: 'r', host: 'prod' }) },
      ],
    });
    sqs.on(DeleteMessageBatchCommand).resolves({});
    sqs.on(ChangeMessageVisibilityBatchCommand).resolves({});
    const sightings = await new SqsAlertWaiter(client, URL).poll(PENDING, 7_500);
    expect(sightings).toEqual([{ marker: 'vmsentry-validate-x1', ruleId: 'r' }]);
    expect(sqs.commandCalls(ReceiveMessageCommand)[0]?.args[0].input.WaitTimeSeconds).toBe(7);
    expect(
      sqs.commandCalls(DeleteMessageBatchCommand)[0]?.args[0].input.Entries?.map((entry) => entry.ReceiptHandle),
    ).toEqual(['ours']);
    expect(sqs.commandCalls(ChangeMessageVisibilityBatchCommand)[0]?.args[0].input.Entries).toEqual([
      { Id: '1', ReceiptHandle: 'theirs', VisibilityTimeout: 0 },
    ]);
  });

  it('makes no delete or visibility call when the queue is empty', async () => {
    sqs.on(ReceiveMessageCommand).resolves({});
    expect(await new SqsAlertWaiter(client, URL).poll(PENDING, 0)).toEqual([]);
    expect(sqs.commandCalls(DeleteMessageBatchCommand)).toHaveLength(0);
    expect(sqs.commandCalls(ChangeMessageVisibilityBatchCommand)).toHaveLength(0);
  });
});

describe('SqsQueue', () => {
  beforeEach(() => sqs.reset());

  it('receives with the requested visibility and keeps the system attributes', async () => {
    sqs.on(ReceiveMessageCommand).resolves({
      Messages: [
        { MessageId: 'm', ReceiptHandle: 'h', Body: 'b', Attributes: { ApproximateReceiveCount: '3' } },
        { Body: 'no handle' },
      ],
    });
    const messages = await new SqsQueue(client, URL).receive(25, 1, 300);
    expect(messages).toEqual([
      { messageId: 'm', receiptHandle: 'h', body: 'b', attributes: { ApproximateReceiveCount: '3' } },
    ]);
    expect(sqs.commandCalls(ReceiveMessageCommand)[0]?.args[0].input).toMatchObject({
      MaxNumberOfMessages: 10,
      VisibilityTimeout: 300,
      WaitTimeSeconds: 1,
    });
  });
});
