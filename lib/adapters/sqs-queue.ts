import { DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** One message of a failure queue. */
export interface QueueMessage {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  /** ApproximateReceiveCount, SentTimestamp, ... */
  readonly attributes: Readonly<Record<string, string>>;
}

/** Port: receive and delete on one queue (redrive). */
export interface QueuePort {
  readonly queueUrl: string;
  receive(max: number, waitSeconds: number, visibilitySeconds: number): Promise<QueueMessage[]>;
  delete(message: QueueMessage): Promise<void>;
}

/** QueuePort on SQS. */
export class SqsQueue implements QueuePort {
  constructor(
    private readonly client: SQSClient,
    readonly queueUrl: string,
  ) {}

  async receive(max: number, waitSeconds: number, visibilitySeconds: number): Promise<QueueMessage[]> {
    const response = await this.client.send(
      new ReceiveMessageCommand({
        QueueUrl: this.queueUrl,
        MaxNumberOfMessages: Math.min(10, Math.max(1, max)),
        WaitTimeSeconds: waitSeconds,
        VisibilityTimeout: visibilitySeconds,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    return (response.Messages ?? []).flatMap((message) =>
      message.ReceiptHandle && message.MessageId
        ? [
            {
              messageId: message.MessageId,
              receiptHandle: message.ReceiptHandle,
              body: message.Body ?? '',
              attributes: { ...(message.Attributes ?? {}) } as Record<string, string>,
            },
          ]
        : [],
    );
  }

  async delete(message: QueueMessage): Promise<void> {
    await this.client.send(new DeleteMessageCommand({ QueueUrl: this.queueUrl, ReceiptHandle: message.receiptHandle }));
  }
}
