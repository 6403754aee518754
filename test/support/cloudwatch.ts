import { gzipSync } from 'node:zlib';
import type { KinesisStreamEvent } from 'aws-lambda';

/** A CloudWatch Logs subscription payload as CloudWatch builds it, for tests and local mode. */
export interface SubscriptionPayload {
  messageType: 'DATA_MESSAGE' | 'CONTROL_MESSAGE';
  owner: string;
  logGroup: string;
  logStream: string;
  subscriptionFilters: string[];
  logEvents: { id: string; timestamp: number; message: string }[];
}

export function subscriptionPayload(
  messages: readonly string[],
  options: { logGroup?: string; logStream?: string; owner?: string; startMs?: number } = {},
): SubscriptionPayload {
  const start = options.startMs ?? Date.UTC(2026, 10, 27, 12, 0, 0);
  return {
    messageType: 'DATA_MESSAGE',
    owner: options.owner ?? '123456789012',
    logGroup: options.logGroup ?? '/vmsentry/test',
    logStream: options.logStream ?? 'i-0123456789abcdef0',
    subscriptionFilters: ['vmsentry'],
    logEvents: messages.map((message, index) => ({
      id: `3${String(start + index).padStart(55, '0')}`,
      timestamp: start + index,
      message,
    })),
  };
}

/** The Lambda event CloudWatch sends: base64 of gzip of the JSON payload. */
export function subscriptionEvent(payload: unknown): { awslogs: { data: string } } {
  return { awslogs: { data: gzipSync(Buffer.from(JSON.stringify(payload))).toString('base64') } };
}

/**
 * A Kinesis batch as Lambda delivers it when CloudWatch Logs subscribes a stream: one delivery per record (log stream
 * `stream-<index>`), its data the same base64 gzip payload as a direct subscription.
 */
export function kinesisEvent(
  deliveries: readonly (readonly string[])[],
  options: { logGroup?: string; startMs?: number } = {},
): KinesisStreamEvent {
  const startMs = options.startMs ?? Date.UTC(2026, 10, 27, 12, 0, 0);
  return {
    Records: deliveries.map((messages, index) => ({
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: `p${index}`,
        sequenceNumber: `4959${String(index).padStart(10, '0')}`,
        data: subscriptionEvent(
          subscriptionPayload(messages, {
            logStream: `stream-${index}`,
            startMs,
            ...(options.logGroup ? { logGroup: options.logGroup } : {}),
          }),
        ).awslogs.data,
        approximateArrivalTimestamp: startMs / 1000,
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `shardId-000000000000:${index}`,
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: 'arn:aws:iam::123456789012:role/vmsentry',
      awsRegion: 'us-east-1',
      eventSourceARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/vmsentry',
    })),
  };
}
