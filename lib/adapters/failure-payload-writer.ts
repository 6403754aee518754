/**
 * Keeps the data of Kinesis records the subscription function could not process. The event source mapping's
 * on-failure record names only shard and sequence numbers, and the stream drops records after 24 h; so before the
 * handler reports a failed record, the records from it to the end of the batch are written to S3 as the Kinesis event
 * the function takes (invoking the function with the object replays them: docs/operations.md, "Redrive").
 */
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { KinesisStreamEvent } from 'aws-lambda';

/** Port: keep a failed remainder of a batch (first record = the failed one); resolves to where it was kept. */
export interface FailurePayloadSink {
  keep(event: KinesisStreamEvent): Promise<string>;
}

/**
 * `kinesis/<shardId>/<sequenceNumber>.json` of the failed record. Lambda retries from that record, so every retry
 * writes the same key (one object, never copies), and the key is the shard and start sequence number the on-failure
 * record names when Lambda finally gives up.
 */
export function failurePayloadKey(event: KinesisStreamEvent): string {
  const first = event.Records[0];
  if (!first) throw new Error('no record to keep');
  const shard = first.eventID.split(':')[0] ?? 'unknown-shard';
  return `kinesis/${safe(shard)}/${safe(first.kinesis.sequenceNumber)}.json`;
}

function safe(part: string): string {
  return part.replace(/[^\w.-]/g, '_').slice(0, 128) || '_';
}

/** Where set-aside records go: a prefix of their own, so replaying `kinesis/` never mistakes one for a batch. */
export const SET_ASIDE_PREFIX = 'kinesis-set-aside/';

/** A stream record that failed for a reason retrying cannot change, as the subscription function hands it over. */
export interface SetAsideRecord {
  readonly shardId: string;
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  /** base64 of the gzipped CloudWatch Logs payload, as delivered. */
  readonly data: string;
  readonly reason: string;
}

/** `kinesis-set-aside/<shardId>/<sequenceNumber>.json`: one object per record, the same on a retry. */
export function setAsideKey(record: Pick<SetAsideRecord, 'shardId' | 'sequenceNumber'>): string {
  return `${SET_ASIDE_PREFIX}${safe(record.shardId)}/${safe(record.sequenceNumber)}.json`;
}

export class S3FailurePayloadWriter implements FailurePayloadSink {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async keep(event: KinesisStreamEvent): Promise<string> {
    const key = failurePayloadKey(event);
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: JSON.stringify(event),
        ContentType: 'application/json',
      }),
    );
    return `s3://${this.bucket}/${key}`;
  }

  /**
   * Keep a set-aside record as `{ awslogs: { data }, setAside: { reason, ... } }`: the object is a direct subscription
   * event, so invoking the function with it replays the record (docs/operations.md), and it says why it failed.
   */
  async setAside(record: SetAsideRecord): Promise<string> {
    const key = setAsideKey(record);
    const { data, ...why } = record;
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: JSON.stringify({ awslogs: { data }, setAside: why }),
        ContentType: 'application/json',
      }),
    );
    return `s3://${this.bucket}/${key}`;
  }
}

/**
 * Keep the failed record and every record after it in the batch (Lambda discards them together if retries run
 * out). Never throws: a write that fails is logged, and the failure is still reported so Lambda retries, and the retry
 * tries to keep it again.
 */
export async function keepFailedRemainder(
  sink: FailurePayloadSink | undefined,
  event: KinesisStreamEvent,
  failedIndex: number,
  logger?: {
    info(message: string, extra?: Record<string, unknown>): void;
    error(message: string, extra?: Record<string, unknown>): void;
  },
): Promise<void> {
  if (!sink) return;
  const remainder: KinesisStreamEvent = { Records: event.Records.slice(failedIndex) };
  try {
    const location = await sink.keep(remainder);
    logger?.info('failed Kinesis records kept for replay', { location, records: remainder.Records.length });
  } catch (error) {
    logger?.error('failed Kinesis records could not be kept; they stay in the stream until Lambda gives up', {
      records: remainder.Records.length,
      error: (error as Error).message,
    });
  }
}
