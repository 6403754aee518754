/**
 * fauxqs (an SNS/SQS/S3 emulator) in a child process on a random loopback port, for local mode and the tests.
 * Why a child process, not this one: see fauxqs-server.mjs. It starts in about half a second, keeps everything in
 * memory, and exits with its parent (its stdin is our pipe).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { UsageError } from '../cli-io';
import { packagePath } from '../paths';

/** The region and the (unchecked) credentials every client of the emulator uses. */
export const EMULATOR_REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export interface Emulator {
  /** http://127.0.0.1:<port>: SNS, SQS and S3 on one endpoint. */
  readonly endpoint: string;
  stop(): Promise<void>;
}

const LAUNCHER = packagePath('bin', 'local', 'fauxqs-server.mjs');

/** Start the emulator on `port` (default: any free one); a port in use is a usage error. */
export async function startEmulator(timeoutMs = 15_000, port = 0): Promise<Emulator> {
  const child = spawn(process.execPath, [LAUNCHER, String(port)], { stdio: ['pipe', 'pipe', 'pipe'] });
  const endpoint = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    let settled = false;
    const fail = (reason: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(
        /EADDRINUSE/.test(stderr)
          ? new UsageError(`port ${port} is in use: pick another with --port`)
          : new Error(`fauxqs did not start: ${reason}${stderr ? `\n${stderr.trim()}` : ''}`),
      );
    };
    const timer = setTimeout(() => fail(`no endpoint within ${timeoutMs} ms`), timeoutMs);
    child.stderr?.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
    });
    child.stdout?.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
      const newline = stdout.indexOf('\n');
      if (newline < 0 || settled) return;
      settled = true;
      clearTimeout(timer);
      resolve((JSON.parse(stdout.slice(0, newline)) as { endpoint: string }).endpoint);
    });
    child.once('error', (error) => fail(error.message));
    child.once('exit', (code) => fail(`exited with code ${code}`));
  });
  return { endpoint, stop: () => stopChild(child) };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.stdin?.end();
  });
}

export interface EmulatorClients {
  readonly sns: SNSClient;
  readonly sqs: SQSClient;
  readonly s3: S3Client;
}

/** SDK v3 clients pointed at the emulator; S3 path-style, because bucket.127.0.0.1 is not a host name. */
export function emulatorClients(endpoint: string): EmulatorClients {
  const common = { endpoint, region: EMULATOR_REGION, credentials: CREDENTIALS };
  return {
    sns: new SNSClient(common),
    sqs: new SQSClient(common),
    s3: new S3Client({ ...common, forcePathStyle: true }),
  };
}

export interface Queue {
  readonly url: string;
  readonly arn: string;
}

export async function createQueue(sqs: SQSClient, name: string, attributes?: Record<string, string>): Promise<Queue> {
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }))).QueueUrl!;
  const described = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  return { url, arn: described.Attributes!['QueueArn']! };
}

/** Subscribe a queue to a topic; attributes as SNS takes them (FilterPolicy, FilterPolicyScope, RawMessageDelivery). */
export async function subscribeQueue(
  sns: SNSClient,
  topicArn: string,
  queue: Queue,
  attributes?: Record<string, string>,
): Promise<string> {
  const out = await sns.send(
    new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queue.arn, Attributes: attributes }),
  );
  return out.SubscriptionArn!;
}

/** Receive and delete everything the queue holds now (fauxqs fans out before Publish returns: nothing is late). */
export async function drainQueue(sqs: SQSClient, queue: Queue): Promise<Message[]> {
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
}
