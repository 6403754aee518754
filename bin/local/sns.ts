/**
 * A local stand-in for the alert topic: an SNSClient whose `send` never leaves the process. A middleware at the
 * front of the stack records Publish / PublishBatch inputs and answers as SNS would, so the real SnsAlertPublisher
 * (batching, size bounds, per-entry results) runs unchanged.
 */
import { SNSClient } from '@aws-sdk/client-sns';

export interface CapturedMessage {
  readonly messageId: string;
  readonly subject?: string;
  /** The SNS message body (with MessageStructure 'json': the per-protocol bodies). */
  readonly message: string;
  readonly structure?: string;
}

interface PublishLike {
  readonly Subject?: string;
  readonly Message?: string;
  readonly MessageStructure?: string;
}

export class LocalSnsTopic {
  readonly client: SNSClient;
  readonly messages: CapturedMessage[] = [];
  private callCount = 0;
  private nextId = 1;

  constructor(readonly topicArn = 'arn:aws:sns:us-east-1:000000000000:vmsentry-local-alerts') {
    this.client = new SNSClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    this.client.middlewareStack.add(
      () => async (args) => {
        this.callCount++;
        return { output: this.answer(args.input as Record<string, unknown>) as never, response: {} };
      },
      { step: 'initialize', name: 'vmsentryLocalSnsStandIn', priority: 'high' },
    );
  }

  /** SNS API calls made so far. */
  calls(): number {
    return this.callCount;
  }

  private capture(entry: PublishLike): string {
    const messageId = `local-${String(this.nextId++).padStart(6, '0')}`;
    this.messages.push({
      messageId,
      message: entry.Message ?? '',
      ...(entry.Subject !== undefined ? { subject: entry.Subject } : {}),
      ...(entry.MessageStructure !== undefined ? { structure: entry.MessageStructure } : {}),
    });
    return messageId;
  }

  private answer(input: Record<string, unknown>): Record<string, unknown> {
    const metadata = { $metadata: { httpStatusCode: 200 } };
    const entries = input['PublishBatchRequestEntries'];
    if (Array.isArray(entries)) {
      const successful = (entries as (PublishLike & { Id?: string })[]).map((entry) => ({
        Id: entry.Id,
        MessageId: this.capture(entry),
      }));
      return { ...metadata, Successful: successful, Failed: [] };
    }
    return { ...metadata, MessageId: this.capture(input as PublishLike) };
  }
}
