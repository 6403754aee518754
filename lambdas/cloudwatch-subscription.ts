import type { CloudWatchLogsEvent, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import type { PipelineOutcome } from '../lib/pipeline';
import { decodeCloudWatchEvent, parseRecords } from '../lib/sources';
import { createIngest, EMPTY_BATCH, type IngestDeps, ingestDepsFromEnvironment } from './runtime';

const SERVICE = 'vmsentry-cloudwatch-subscription';

/** The handler over injected dependencies (tests point the clients at dynalite and a mocked SNS). */
export function createCloudWatchHandler(
  deps: IngestDeps,
): (event: CloudWatchLogsEvent) => Promise<PipelineOutcome | undefined> {
  const ingest = createIngest(deps);
  const { config } = deps;
  return async (event) => {
    const decoded = decodeCloudWatchEvent(event, {
      limits: { maxDecompressedBytes: config.maxDecompressedBytes },
      formatHints: config.sourceHints,
    });
    if (!decoded.ok) return ingest.run(EMPTY_BATCH, [decoded.error]);
    if (decoded.control) {
      ingest.logger.debug('CloudWatch control message: nothing to do');
      return undefined;
    }
    return ingest.run(parseRecords(decoded.records), decoded.errors);
  };
}

/**
 * The Kinesis scale path: CloudWatch Logs puts each subscription delivery into the stream as one record whose data is
 * the same base64 gzip payload. Records are processed in order; the first that fails (an effect failed: SNS,
 * DynamoDB) is reported as the batch item failure, so Lambda checkpoints before it and retries from there
 * (bisect-on-error and the on-failure destination are set on the event source mapping).
 */
export function createKinesisHandler(
  deps: IngestDeps,
): (event: KinesisStreamEvent) => Promise<KinesisStreamBatchResponse> {
  const handleDelivery = createCloudWatchHandler(deps);
  return async (event) => {
    for (const record of event.Records) {
      try {
        await handleDelivery({ awslogs: { data: record.kinesis.data } });
      } catch (error) {
        deps.logger?.error('Kinesis record failed; Lambda retries from it', {
          sequenceNumber: record.kinesis.sequenceNumber,
          error: (error as Error).message,
        });
        return { batchItemFailures: [{ itemIdentifier: record.kinesis.sequenceNumber }] };
      }
    }
    return { batchItemFailures: [] };
  };
}

function isKinesisEvent(event: CloudWatchLogsEvent | KinesisStreamEvent): event is KinesisStreamEvent {
  return Array.isArray((event as KinesisStreamEvent).Records);
}

// Cold start: configuration, clients and rules once; warm invocations reuse them (and the allowlist cache).
let cached: IngestDeps | undefined;
let direct: ((event: CloudWatchLogsEvent) => Promise<PipelineOutcome | undefined>) | undefined;
let streamed: ((event: KinesisStreamEvent) => Promise<KinesisStreamBatchResponse>) | undefined;

function build(): IngestDeps {
  return ingestDepsFromEnvironment(SERVICE, __dirname);
}

/** Direct subscription (asynchronous invoke) or the Kinesis path, told apart by the event's shape. */
export async function handler(
  event: CloudWatchLogsEvent | KinesisStreamEvent,
): Promise<KinesisStreamBatchResponse | undefined> {
  cached ??= build();
  if (isKinesisEvent(event)) {
    streamed ??= createKinesisHandler(cached);
    return streamed(event);
  }
  direct ??= createCloudWatchHandler(cached);
  await direct(event);
  return undefined;
}
