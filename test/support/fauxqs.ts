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
 * Known gap: fauxqs delivers a `MessageStructure: 'json'` message whole; bin/local/subscribers.ts picks the
 * protocol's body the way SNS does.
 */
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import {
  createQueue,
  drainQueue,
  emulatorClients,
  type Queue,
  startEmulator,
  subscribeQueue,
} from '../../bin/local/emulator';
import { protocolBody } from '../../bin/local/subscribers';
import { parsePublishedAlert } from '../../lib/alerts/parse-published';
import type { PublishedAlert } from '../../lib/alerts/published-alert';

export type { Queue };

export interface Fauxqs {
  /** http://127.0.0.1:<port>, for code that builds its own clients (the CLI's --endpoint). */
  readonly endpoint: string;
  readonly sns: SNSClient;
  readonly sqs: SQSClient;
  readonly s3: S3Client;
  createTopic(name: string): Promise<string>;
  createQueue(name: string, attributes?: Record<string, string>): Promise<Queue>;
  createBucket(name: string): Promise<void>;
  /** Subscribe a queue to a topic; attributes as SNS takes them (FilterPolicy, FilterPolicyScope, RawMessageDelivery). */
  subscribe(topicArn: string, queue: Queue, attributes?: Record<string, string>): Promise<string>;
  /** Receive and delete everything the queue holds now. */
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
    createQueue: (name, attributes) => createQueue(sqs, name, attributes),
    async createBucket(name) {
      await s3.send(new CreateBucketCommand({ Bucket: name }));
    },
    subscribe: (topicArn, queue, attributes) => subscribeQueue(sns, topicArn, queue, attributes),
    drain: (queue) => drainQueue(sqs, queue),
    async stop() {
      sns.destroy();
      sqs.destroy();
      s3.destroy();
      await emulator.stop();
    },
  };
}

/** An alert topic with one queue subscribed raw, as a SIEM subscriber is: what the pipeline published, read back. */
export interface AlertTopic {
  readonly topicArn: string;
  readonly queue: Queue;
  /** The alerts delivered since the last call (each parsed; a body that is not an alert throws). */
  received(): Promise<PublishedAlert[]>;
  /** The distinct hosts of received(), sorted. */
  receivedHosts(): Promise<string[]>;
}

export async function alertTopic(aws: Fauxqs, name = 'vmsentry-alerts'): Promise<AlertTopic> {
  const topicArn = await aws.createTopic(name);
  const queue = await aws.createQueue(`${name}-siem`);
  await aws.subscribe(topicArn, queue, { RawMessageDelivery: 'true' });
  const received = async () =>
    (await aws.drain(queue)).map((m) => {
      const parsed = parsePublishedAlert(protocolBody('sqs', m.Body ?? ''));
      if (!parsed.ok) throw new Error(`not a published alert: ${parsed.reason}`);
      return parsed.alert;
    });
  return {
    topicArn,
    queue,
    received,
    receivedHosts: async () => [...new Set((await received()).map((a) => a.host))].sort(),
  };
}
