/**
 * SNS, SQS and S3 for a jest file: fauxqs (an emulator speaking their protocols, with SNS→SQS fan-out, filter
 * policies, raw delivery and DLQs) on a random loopback port, with SDK v3 clients pointed at it.
 *
 *   let aws: Fauxqs;
 *   beforeAll(async () => { aws = await startFauxqs(); });
 *   afterAll(() => aws.stop());
 *
 * fauxqs runs in a child process (bin/local/fauxqs-server.mjs says why); everything else is plain SDK calls, so what
 * a test does here is what the code does against AWS. aws-sdk-client-mock stays for fault injection only.
 */
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, type SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { emulatorClients, startEmulator } from '../../bin/local/emulator';

export interface Queue {
  readonly url: string;
  readonly arn: string;
}

export interface Fauxqs {
  readonly endpoint: string;
  readonly sns: SNSClient;
  readonly sqs: SQSClient;
  readonly s3: S3Client;
  createTopic(name: string): Promise<string>;
  createQueue(name: string, attributes?: Record<string, string>): Promise<Queue>;
  createBucket(name: string): Promise<void>;
  /** Subscribe a queue to a topic; attributes as SNS takes them (FilterPolicy, FilterPolicyScope, RawMessageDelivery). */
  subscribe(topicArn: string, queue: Queue, attributes?: Record<string, string>): Promise<string>;
  /** Receive and delete everything the queue holds now (SNS fan-out is synchronous in fauxqs, so nothing is late). */
  drain(queue: Queue): Promise<Message[]>;
  stop(): Promise<void>;
}

export async function startFauxqs(): Promise<Fauxqs> {
  const emulator = await startEmulator();
  const { sns, sqs, s3 } = emulatorClients(emulator.endpoint);
  return {
    endpoint: emulator.endpoint,
    sns,
    sqs,
    s3,
    async createTopic(name) {
      return (await sns.send(new CreateTopicCommand({ Name: name }))).TopicArn!;
    },
    async createQueue(name, attributes) {
      const url = (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }))).QueueUrl!;
      const described = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
      return { url, arn: described.Attributes!['QueueArn']! };
    },
    async createBucket(name) {
      await s3.send(new CreateBucketCommand({ Bucket: name }));
    },
    async subscribe(topicArn, queue, attributes) {
      const out = await sns.send(
        new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queue.arn, Attributes: attributes }),
      );
      return out.SubscriptionArn!;
    },
    async drain(queue) {
      const received: Message[] = [];
      for (;;) {
        const out = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queue.url,
            MaxNumberOfMessages: 10,
            MessageAttributeNames: ['All'],
            MessageSystemAttributeNames: ['All'],
          }),
        );
        const batch = out.Messages ?? [];
        if (batch.length === 0) return received;
        received.push(...batch);
        await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: queue.url,
            Entries: batch.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle! })),
          }),
        );
      }
    },
    async stop() {
      sns.destroy();
      sqs.destroy();
      s3.destroy();
      await emulator.stop();
    },
  };
}
