/**
 * What a failure queue kept, classified from the SQS message body (pure; no SDK):
 * - the Lambda asynchronous-invocation on-failure destination record (`requestContext` + `requestPayload`, the
 *   original event: a CloudWatch Logs subscription event for the subscription function);
 * - a raw event in a Lambda dead-letter queue (`{"awslogs":{"data":...}}`);
 * - an EDR feed message moved to the feed's DLQ by SQS (S3 notification or inline events: replayed as they are);
 * - a Kinesis/stream event-source-mapping on-failure record (`KinesisBatchInfo`): metadata only, the records
 *   themselves are not in it and must be re-read from the stream.
 */
export type FailureRecord =
  | {
      readonly kind: 'cloudwatch';
      readonly origin: 'on-failure' | 'dlq';
      readonly event: { readonly awslogs: { readonly data: string } };
      readonly requestId?: string;
      readonly condition?: string;
    }
  | { readonly kind: 'edr-feed'; readonly origin: 'on-failure' | 'dlq'; readonly bodies: readonly string[] }
  | {
      readonly kind: 'stream-metadata';
      readonly streamArn?: string;
      readonly shardId?: string;
      readonly startSequenceNumber?: string;
      readonly endSequenceNumber?: string;
      readonly batchSize?: number;
    }
  | { readonly kind: 'unknown'; readonly reason: string };

function objectOf(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function cloudWatchEventOf(value: unknown): { awslogs: { data: string } } | undefined {
  const data = objectOf(objectOf(value)?.['awslogs'])?.['data'];
  return typeof data === 'string' ? { awslogs: { data } } : undefined;
}

export function classifyFailureMessage(body: string): FailureRecord {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    // Not JSON: an inline NDJSON/text batch of the EDR feed; its handler decides what it is.
    return body.trim() === ''
      ? { kind: 'unknown', reason: 'empty message body' }
      : { kind: 'edr-feed', origin: 'dlq', bodies: [body] };
  }
  const record = objectOf(parsed);
  if (!record) return { kind: 'edr-feed', origin: 'dlq', bodies: [body] };

  const context = objectOf(record['requestContext']);
  const batchInfo = objectOf(record['KinesisBatchInfo']) ?? objectOf(record['DDBStreamBatchInfo']);
  if (batchInfo) {
    const size = batchInfo['batchSize'];
    return {
      kind: 'stream-metadata',
      ...(str(batchInfo['streamArn']) ? { streamArn: str(batchInfo['streamArn']) as string } : {}),
      ...(str(batchInfo['shardId']) ? { shardId: str(batchInfo['shardId']) as string } : {}),
      ...(str(batchInfo['startSequenceNumber'])
        ? { startSequenceNumber: str(batchInfo['startSequenceNumber']) as string }
        : {}),
      ...(str(batchInfo['endSequenceNumber'])
        ? { endSequenceNumber: str(batchInfo['endSequenceNumber']) as string }
        : {}),
      ...(typeof size === 'number' ? { batchSize: size } : {}),
    };
  }
  if (context && 'requestPayload' in record) {
    const payload = record['requestPayload'];
    const event = cloudWatchEventOf(payload);
    const requestId = str(context['requestId']);
    const condition = str(context['condition']);
    if (event) {
      return {
        kind: 'cloudwatch',
        origin: 'on-failure',
        event,
        ...(requestId ? { requestId } : {}),
        ...(condition ? { condition } : {}),
      };
    }
    const records = objectOf(payload)?.['Records'];
    if (Array.isArray(records)) {
      const bodies = records.flatMap((item) =>
        typeof objectOf(item)?.['body'] === 'string' ? [objectOf(item)?.['body'] as string] : [],
      );
      if (bodies.length > 0) return { kind: 'edr-feed', origin: 'on-failure', bodies };
    }
    return {
      kind: 'unknown',
      reason: 'on-failure record whose requestPayload is neither a CloudWatch Logs nor an SQS event',
    };
  }
  const event = cloudWatchEventOf(record);
  if (event) return { kind: 'cloudwatch', origin: 'dlq', event };
  return { kind: 'edr-feed', origin: 'dlq', bodies: [body] };
}

/** One line a person reads about a stream on-failure record. */
export function describeStreamMetadata(record: Extract<FailureRecord, { kind: 'stream-metadata' }>): string {
  return (
    `stream on-failure record (metadata only: the records are not in the message): ${record.streamArn ?? '?'} ` +
    `shard ${record.shardId ?? '?'} sequence ${record.startSequenceNumber ?? '?'}..${record.endSequenceNumber ?? '?'} ` +
    `(${record.batchSize ?? '?'} records); re-read them from the stream while it retains them`
  );
}
