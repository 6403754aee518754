import type { S3Client } from '@aws-sdk/client-s3';
import type { CloudWatchLogsEvent, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import type { FailurePayloadSink, SetAsideRecord } from '../lib/adapters/failure-payload-writer';
import type { PipelineOutcome } from '../lib/pipeline';
import { detectCloudWatchDelivery } from '../lib/pipeline/detect-stream';
import { failureReason, isRetryable } from '../lib/pipeline/failure-kind';
import { QUARANTINE_SOURCES, type QuarantineCollector, type QuarantineStore } from '../lib/quarantine';
import { SETTING_BOUNDS } from '../lib/settings';
import { clientOptions } from './clients';
import { deferred } from './deferred';
import { flushSamples, newSample, quarantineFor } from './quarantine';
import { createIngest, EMPTY_BATCH, type Ingest, type IngestDeps, ingestDepsFromEnvironment } from './runtime';

const SERVICE = 'vmsentry-cloudwatch-subscription';

/** The S3 side of the failure paths, loaded when a Kinesis batch first fails (the SDK's S3 client with it). */
const failurePayloads = () =>
  require('../lib/adapters/failure-payload-writer') as typeof import('../lib/adapters/failure-payload-writer');

export interface SubscriptionDeps extends IngestDeps {
  /**
   * Where samples of unparseable records go (reason, position, excerpt): at most MAX_QUARANTINED_RECORDS per
   * invocation (per batch on the Kinesis path), written in one call at its end. Without it they are only logged.
   */
  readonly quarantine?: QuarantineStore;
}

type Deliver = (
  event: CloudWatchLogsEvent,
  samples: QuarantineCollector | undefined,
) => Promise<PipelineOutcome | undefined>;

/** One subscription delivery through the pipeline, its parse errors added to `samples`. */
function createDelivery(deps: SubscriptionDeps): { deliver: Deliver; ingest: Ingest } {
  const ingest = createIngest(deps);
  const { config } = deps;
  const deliver: Deliver = async (event, samples) => {
    // Decoded, parsed and detected log event by log event: only the detections are held (lib/pipeline/detect-stream.ts).
    const decoded = detectCloudWatchDelivery(event, deps.rules.ruleSet, {
      limits: { maxDecompressedBytes: config.maxDecompressedBytes },
      formatHints: config.sourceHints,
    });
    if (decoded.kind === 'error') {
      samples?.add([decoded.error]);
      return ingest.run(EMPTY_BATCH, [decoded.error]);
    }
    if (decoded.kind === 'control') {
      ingest.logger.debug('CloudWatch control message: nothing to do');
      return undefined;
    }
    samples?.add(decoded.envelopeErrors);
    samples?.add(decoded.batch.errors);
    return ingest.run(decoded.batch, decoded.envelopeErrors);
  };
  return { deliver, ingest };
}

/**
 * The handler over injected dependencies (tests point the clients at dynalite and a mocked SNS). The quarantine
 * sample is written at the end of the invocation, whether delivery succeeded or not; writing it never fails it.
 */
export function createCloudWatchHandler(
  deps: SubscriptionDeps,
): (event: CloudWatchLogsEvent) => Promise<PipelineOutcome | undefined> {
  const { deliver, ingest } = createDelivery(deps);
  return async (event) => {
    const samples = newSample(deps.quarantine);
    try {
      return await deliver(event, samples);
    } finally {
      await flushSamples(samples, ingest.logger, ingest.metrics);
    }
  };
}

/** A Kinesis record that failed for a reason retrying cannot change: its data and why, for the failure path. */
export type FailedStreamRecord = SetAsideRecord;

export interface KinesisHandlerOptions {
  /**
   * Keeps a record that failed for good (with its data and reason) so it stops blocking the shard. Without it, such
   * a record is reported like any failure, retried until the event source mapping's maximum record age, and its data
   * kept by `failurePayloads`.
   */
  readonly setAside?: (record: FailedStreamRecord) => Promise<void>;
  /**
   * Keeps the data of the records Lambda retries (from the first retryable failure to the end of the batch) before
   * they are reported: if retries run out, the on-failure record names only shard and sequence numbers.
   */
  readonly failurePayloads?: FailurePayloadSink;
}

/**
 * The Kinesis scale path: CloudWatch Logs puts each subscription delivery into the stream as one record whose data is
 * the same base64 gzip payload. Every record is processed on every attempt, each on its own: one that fails never
 * keeps the records after it from being delivered now. A record that fails for a reason retrying can change (an
 * effect failed: SNS, DynamoDB) is reported as the batch item failure (the first such record: Lambda checkpoints
 * before it and retries from there; the records after it that were delivered are deduplicated on the retry). A record
 * that fails for a reason that will never change goes to `setAside` with its data and reason instead, and the shard
 * moves on. Before a failure is reported, the records from it on are kept (`failurePayloads`).
 */
export function createKinesisHandler(
  deps: SubscriptionDeps,
  options: KinesisHandlerOptions = {},
): (event: KinesisStreamEvent) => Promise<KinesisStreamBatchResponse> {
  const { deliver, ingest } = createDelivery(deps);
  return async (event) => {
    // One sample per batch: one PutObject at most, however many records of the batch had unparseable lines.
    const samples = newSample(deps.quarantine);
    try {
      return await deliverBatch(event, samples);
    } finally {
      await flushSamples(samples, ingest.logger, ingest.metrics);
    }
  };

  async function deliverBatch(
    event: KinesisStreamEvent,
    samples: QuarantineCollector | undefined,
  ): Promise<KinesisStreamBatchResponse> {
    let retryFrom: string | undefined;
    let retryIndex = -1;
    for (const [index, record] of event.Records.entries()) {
      const { sequenceNumber, partitionKey, data } = record.kinesis;
      const shardId = record.eventID.split(':')[0] || 'unknown-shard';
      try {
        await deliver({ awslogs: { data } }, samples);
      } catch (error) {
        const reason = failureReason(error);
        if (
          !isRetryable(error) &&
          (await setAside(options, deps, { shardId, sequenceNumber, partitionKey, data, reason }))
        ) {
          continue;
        }
        deps.logger?.error('Kinesis record failed; Lambda retries from the first failed record', {
          sequenceNumber,
          reason,
        });
        if (retryFrom === undefined) {
          retryFrom = sequenceNumber;
          retryIndex = index;
        }
      }
    }
    if (retryFrom === undefined) return { batchItemFailures: [] };
    // The on-failure record Lambda writes if retries run out is only a pointer: keep the data from here on first.
    await failurePayloads().keepFailedRemainder(options.failurePayloads, event, retryIndex, deps.logger);
    return { batchItemFailures: [{ itemIdentifier: retryFrom }] };
  }
}

/** True when the record is kept on the failure path; false (logged) when there is none or keeping it failed. */
async function setAside(
  options: KinesisHandlerOptions,
  deps: IngestDeps,
  record: FailedStreamRecord,
): Promise<boolean> {
  if (!options.setAside) return false;
  try {
    await options.setAside(record);
  } catch (error) {
    deps.logger?.error('Kinesis record could not be set aside; it is retried', {
      sequenceNumber: record.sequenceNumber,
      error: failureReason(error),
    });
    return false;
  }
  deps.logger?.error('Kinesis record failed for a reason retrying cannot change: set aside with its data', {
    sequenceNumber: record.sequenceNumber,
    partitionKey: record.partitionKey,
    reason: record.reason,
  });
  deps.metrics?.count('StreamRecordsSetAside', 1);
  deps.metrics?.flush();
  return true;
}

/**
 * The Kinesis handler's failure paths in production: with the stack's failure bucket (Kinesis-enabled stacks), the
 * failed remainder of a batch is kept under `kinesis/` and a record that failed for good is set aside under
 * `kinesis-set-aside/` (then the shard moves on); without a bucket, neither.
 */
export function kinesisOptionsFor(
  bucket: string | undefined,
  s3: S3Client,
  logger?: IngestDeps['logger'],
): KinesisHandlerOptions {
  if (!bucket) return {};
  const writer = deferred(() => new (failurePayloads().S3FailurePayloadWriter)(s3, bucket));
  return {
    failurePayloads: writer,
    setAside: async (record) => {
      const location = await writer.setAside(record);
      logger?.info('set-aside Kinesis record kept for replay', { location, sequenceNumber: record.sequenceNumber });
    },
  };
}

function isKinesisEvent(event: CloudWatchLogsEvent | KinesisStreamEvent): event is KinesisStreamEvent {
  return Array.isArray((event as KinesisStreamEvent).Records);
}

// Cold start: configuration, clients and rules once; warm invocations reuse them (and the allowlist cache).
let cached: { deps: SubscriptionDeps; s3: S3Client } | undefined;
let direct: ((event: CloudWatchLogsEvent) => Promise<PipelineOutcome | undefined>) | undefined;
let streamed: ((event: KinesisStreamEvent) => Promise<KinesisStreamBatchResponse>) | undefined;

function build(): { deps: SubscriptionDeps; s3: S3Client } {
  const deps = ingestDepsFromEnvironment(SERVICE, __dirname);
  // A hung PutObject must not hold the invocation: every S3 write here is best effort or reported either way.
  // Created on first use: only unparseable records (quarantine) and failed Kinesis batches write to S3.
  const s3 = deferred(() => {
    const { S3Client } = require('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3');
    return new S3Client(
      clientOptions(deps.config.functionTimeoutSeconds ?? SETTING_BOUNDS.functionTimeoutSeconds.fallback),
    );
  });
  return { deps: { ...deps, ...subscriptionQuarantine(process.env['QUARANTINE_BUCKET'], s3) }, s3 };
}

/** The function's quarantine in production: the stack's bucket, under `quarantine/cloudwatch-subscription/`. */
export function subscriptionQuarantine(
  bucket: string | undefined,
  client: S3Client,
  clock?: () => number,
): Pick<SubscriptionDeps, 'quarantine'> {
  const quarantine = quarantineFor(bucket, client, QUARANTINE_SOURCES.cloudwatchSubscription, clock);
  return quarantine ? { quarantine } : {};
}

/** Direct subscription (asynchronous invoke) or the Kinesis path, told apart by the event's shape. */
export async function handler(
  event: CloudWatchLogsEvent | KinesisStreamEvent,
): Promise<KinesisStreamBatchResponse | undefined> {
  cached ??= build();
  const { deps, s3 } = cached;
  if (isKinesisEvent(event)) {
    streamed ??= createKinesisHandler(deps, kinesisOptionsFor(deps.config.failurePayloadBucket, s3, deps.logger));
    return streamed(event);
  }
  direct ??= createCloudWatchHandler(deps);
  await direct(event);
  return undefined;
}
