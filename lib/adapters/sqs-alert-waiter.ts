import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { sightingsInBody } from '../validate/match';
import type { AlertWaiter, PendingScenario, Sighting } from '../validate/run';

/**
 * AlertWaiter on the SIEM SQS queue subscribed to the alert topic. Messages that carry a pending marker are deleted
 * (they were ours); every other message is made visible again at once, so the real consumer of the queue still gets
 * it.
 */
export class SqsAlertWaiter implements AlertWaiter {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async poll(pending: readonly PendingScenario[], maxWaitMs: number): Promise<readonly Sighting[]> {
    const response = await this.client.send(
      new ReceiveMessageCommand({
        QueueUrl: this.queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: Math.min(20, Math.max(0, Math.floor(maxWaitMs / 1000))),
        VisibilityTimeout: 30,
      }),
    );
    const sightings: Sighting[] = [];
    const ours: { Id: string; ReceiptHandle: string }[] = [];
    const others: { Id: string; ReceiptHandle: string; VisibilityTimeout: number }[] = [];
    for (const [index, message] of (response.Messages ?? []).entries()) {
      if (!message.ReceiptHandle) continue;
      const found = sightingsInBody(message.Body ?? '', pending);
      if (found.length > 0) {
        sightings.push(...found);
        ours.push({ Id: String(index), ReceiptHandle: message.ReceiptHandle });
      } else {
        others.push({ Id: String(index), ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 0 });
      }
    }
    if (ours.length > 0)
      await this.client.send(new DeleteMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: ours }));
    if (others.length > 0) {
      await this.client.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: this.queueUrl, Entries: others }));
    }
    return sightings;
  }
}
