/**
 * EDR feed (SQS) -> vmsentry. A message is an S3 object notification (direct, via SNS or EventBridge, or a Falcon
 * Data Replicator manifest) whose objects are streamed (GetObject body -> gunzip -> lines, each parsed and detected
 * as it arrives -> pipeline every 10,000 records: bounded memory whatever the object's size), or inline events (one
 * object, array, NDJSON).
 * Partial batch responses: a message that could not be *delivered* (S3 read, DynamoDB, SNS failed or timed out) is
 * reported as a batchItemFailure so SQS redelivers it (then its DLQ); the others are acknowledged. A message or
 * record that cannot be *parsed* is logged, counted, sampled into the quarantine and acknowledged: redelivering it
 * cannot fix it. An object that cannot be processed at all (over MAX_OBJECT_BYTES, a whole-document JSON over
 * MAX_DECOMPRESSED_BYTES, the time budget ran out) is acknowledged only once a pointer to it (bucket, key, from which
 * line, why) is in the quarantine; without one the message fails, and its DLQ keeps the notification.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { S3Client } from '@aws-sdk/client-s3';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { S3ObjectReader, S3ReadError } from '../lib/adapters/s3-object-reader';
import { excerptOf, type ParseError, type RecordPosition } from '../lib/model';
import { BatchDetector, type DetectedBatch } from '../lib/pipeline';
import { QUARANTINE_SOURCES, type QuarantineStore, type UnprocessedObject } from '../lib/quarantine';
import {
  decodeSqsBody,
  type EnvelopeResult,
  type ObjectRef,
  type ParsedBatch,
  parseRecords,
  s3ObjectsInSqsBody,
} from '../lib/sources';
import { DocumentTooLargeError, InvalidGzipError, streamRecords } from '../lib/sources/envelopes/stream';
import { flushSamples, newSample, quarantineFor } from './quarantine';
import { createIngest, EMPTY_BATCH, type IngestDeps, ingestDepsFromEnvironment, type LogSink } from './runtime';

const SERVICE = 'vmsentry-edr-feed';

/** Request timeouts of the feed's S3 client: a hung connection or GetObject fails that object, not the invocation. */
export const S3_CONNECTION_TIMEOUT_MS = 3_000;
export const S3_READ_TIMEOUT_MS = 10_000;
/** Records per pipeline run while an object is streamed: bounds memory; AWS calls stay per host/key, per chunk. */
export const OBJECT_CHUNK_RECORDS = 10_000;
/** Stop reading an object when less than this is left of the invocation: what is left is quarantined as a pointer. */
export const TIME_RESERVE_MS = 15_000;

export interface EdrFeedDeps extends IngestDeps {
  readonly s3: S3Client;
  /** Parse-error samples and pointers to unprocessed objects. Without it an unprocessed object fails its message. */
  readonly quarantine?: QuarantineStore;
  /** Longest wait for a GetObject response and for each block of its body. */
  readonly s3TimeoutMs?: number;
  readonly chunkRecords?: number;
  readonly timeReserveMs?: number;
}

export type EdrFeedHandler = (event: SQSEvent, context?: Context) => Promise<SQSBatchResponse>;

/** An object that could not be processed and whose pointer could not be kept: the message must fail. */
export class ObjectNotProcessedError extends Error {
  override readonly name = 'ObjectNotProcessedError';
  constructor(
    readonly object: UnprocessedObject,
    options?: { cause?: unknown },
  ) {
    super(
      `s3://${object.bucket}/${object.key} not processed (${object.reason}) and no quarantine took its pointer`,
      options,
    );
  }
}

/** The handler over injected dependencies (tests point the clients at dynalite, fauxqs and mocks). */
export function createEdrFeedHandler(deps: EdrFeedDeps): EdrFeedHandler {
  const ingest = createIngest(deps);
  const { config } = deps;
  const { logger, metrics } = ingest;
  const reader = new S3ObjectReader(deps.s3, { timeoutMs: deps.s3TimeoutMs ?? S3_READ_TIMEOUT_MS });
  const limits = { maxDecompressedBytes: config.maxDecompressedBytes };
  const decodeOptions = { limits, formatHints: config.sourceHints };
  const timeReserveMs = deps.timeReserveMs ?? TIME_RESERVE_MS;

  return async (event, context) => {
    // Per invocation: the batch processor's state and the quarantine sample.
    const processor = new BatchProcessor(EventType.SQS);
    const samples = newSample(deps.quarantine);

    const run = async (batch: ParsedBatch | DetectedBatch, envelopeErrors: readonly ParseError[]): Promise<void> => {
      const events = 'eventCount' in batch ? batch.eventCount : batch.events.length;
      if (batch.records === 0 && events === 0 && batch.errors.length === 0 && envelopeErrors.length === 0) return;
      samples?.add(envelopeErrors);
      samples?.add(batch.errors);
      await ingest.run(batch, envelopeErrors);
    };

    const runDecoded = async (decoded: EnvelopeResult): Promise<void> => {
      if (!decoded.ok) await run(EMPTY_BATCH, [decoded.error]);
      else await run(parseRecords(decoded.records), decoded.errors);
    };

    const unprocessed = async (entry: UnprocessedObject): Promise<void> => {
      metrics.count('ObjectsUnprocessed', 1);
      logger.error('S3 object not processed', { ...entry });
      if (!deps.quarantine) throw new ObjectNotProcessedError(entry);
      try {
        await deps.quarantine.put([entry]);
      } catch (error) {
        throw new ObjectNotProcessedError(entry, { cause: error });
      }
    };

    const ingestObject = async (object: ObjectRef, messageId: string): Promise<void> => {
      const origin: RecordPosition = { envelope: 's3', index: 0, bucket: object.bucket, key: object.key, messageId };
      const pointer = { kind: 'object', bucket: object.bucket, key: object.key, messageId } as const;
      const overSize = (size: number) =>
        unprocessed({ ...pointer, reason: `S3 object is ${size} bytes, over the ${config.maxObjectBytes}-byte limit` });
      if (object.size !== undefined && object.size > config.maxObjectBytes) return overSize(object.size);
      // Never wait past the time reserve: a hung GetObject then fails this message, not the invocation.
      const left = context ? Math.max(1_000, context.getRemainingTimeInMillis() - timeReserveMs) : undefined;
      const opened = await reader.open(object.bucket, object.key, left);
      if (!opened.ok) {
        const error = envelopeError('envelope-invalid', 'S3 object no longer exists', origin, object);
        return run(EMPTY_BATCH, [error]);
      }
      if (opened.contentLength !== undefined && opened.contentLength > config.maxObjectBytes) {
        await opened.body[Symbol.asyncIterator]().return?.();
        return overSize(opened.contentLength);
      }
      // Each line is parsed and detected as it arrives (only detections are held); the pipeline runs every
      // chunkRecords records, so AWS calls stay per host/key per chunk whatever the object's size.
      const parser = new BatchDetector(deps.rules.ruleSet);
      const runRecords = deps.chunkRecords ?? OBJECT_CHUNK_RECORDS;
      let chunkErrors: ParseError[] = [];
      let throughLine = 0;
      try {
        for await (const chunk of streamRecords(bounded(opened.body, config.maxObjectBytes), origin, {
          ...decodeOptions,
          gunzip: true,
          chunkRecords: 1,
        })) {
          for (const record of chunk.records) parser.push(record);
          for (const error of chunk.errors) chunkErrors.push(error);
          throughLine = chunk.throughLine ?? throughLine;
          if (parser.records < runRecords) continue;
          await run(parser.drain(), chunkErrors);
          chunkErrors = [];
          if (context && context.getRemainingTimeInMillis() < timeReserveMs) {
            await run(parser.finish(), []);
            return unprocessed({
              ...pointer,
              ...(throughLine > 0 ? { fromLine: throughLine + 1 } : {}),
              reason: `the invocation's time ran out after line ${throughLine}; the rest of the object was not read`,
            });
          }
        }
        if (parser.records > 0 || chunkErrors.length > 0) await run(parser.drain(), chunkErrors);
        await run(parser.finish(), []);
      } catch (error) {
        if (error instanceof DocumentTooLargeError) return unprocessed({ ...pointer, reason: error.message });
        if (error instanceof ObjectTooLargeError) {
          await run(parser.drain(), chunkErrors);
          await run(parser.finish(), []);
          return unprocessed({
            ...pointer,
            ...(throughLine > 0 ? { fromLine: throughLine + 1 } : {}),
            reason: `${error.message}; lines after ${throughLine} were not read`,
          });
        }
        if (error instanceof InvalidGzipError) {
          await run(parser.drain(), chunkErrors);
          await run(parser.finish(), [envelopeError('envelope-invalid', error.message, origin, object)]);
          return;
        }
        throw error;
      }
    };

    const recordHandler = async (record: SQSRecord): Promise<void> => {
      const objects = s3ObjectsInSqsBody(record.body);
      if (objects === undefined) {
        const origin: RecordPosition = { envelope: 'sqs', index: 0, messageId: record.messageId };
        await runDecoded(decodeSqsBody(record.body, origin, decodeOptions));
        return;
      }
      for (const object of objects) {
        try {
          await ingestObject(object, record.messageId);
        } catch (error) {
          if (error instanceof S3ReadError) reportReadFailure(error, record.messageId, logger, metrics);
          throw error;
        }
      }
    };

    try {
      return await processPartialResponse(event, recordHandler, processor, {
        ...(context ? { context } : {}),
        processInParallel: false,
      });
    } finally {
      await flushSamples(samples, logger, metrics);
    }
  };
}

/** The body grew past MAX_OBJECT_BYTES (the notification gave no size, or a wrong one). */
class ObjectTooLargeError extends Error {
  override readonly name = 'ObjectTooLargeError';
}

/** The body's blocks until more than maxBytes arrived; then ObjectTooLargeError (the reader releases the stream). */
async function* bounded(body: AsyncIterable<Uint8Array>, maxBytes: number): AsyncGenerator<Uint8Array> {
  let total = 0;
  for await (const block of body) {
    total += block.byteLength;
    if (total > maxBytes) throw new ObjectTooLargeError(`S3 object is over the ${maxBytes}-byte limit`);
    yield block;
  }
}

function envelopeError(
  code: ParseError['code'],
  reason: string,
  origin: RecordPosition,
  object: ObjectRef,
): ParseError {
  return {
    code,
    format: 'unknown',
    reason,
    position: origin,
    excerpt: excerptOf(`s3://${object.bucket}/${object.key}`),
  };
}

/** A failed or hung GetObject is retried by SQS; say so, so a persistent AccessDenied is seen before the DLQ fills. */
function reportReadFailure(
  error: S3ReadError,
  messageId: string,
  logger: LogSink,
  metrics: ReturnType<typeof createIngest>['metrics'],
): void {
  metrics.count('S3ReadFailures', 1, { Reason: error.reason });
  metrics.count('S3ReadFailures', 1);
  metrics.flush();
  logger.error('S3 object not read: the message is retried', {
    bucket: error.bucket,
    key: error.key,
    reason: error.reason,
    messageId,
    error: error.message,
  });
}

/** The feed's S3 client: bounded connection and request time, so a hung GetObject cannot eat the invocation. */
export function createFeedS3Client(
  timeouts: { connectionTimeoutMs?: number; requestTimeoutMs?: number } = {},
  options: ConstructorParameters<typeof S3Client>[0] = {},
): S3Client {
  return new S3Client({
    ...options,
    requestHandler: {
      connectionTimeout: timeouts.connectionTimeoutMs ?? S3_CONNECTION_TIMEOUT_MS,
      requestTimeout: timeouts.requestTimeoutMs ?? S3_READ_TIMEOUT_MS,
      // Without it the handler only logs a warning when the timeout passes and keeps waiting.
      throwOnRequestTimeout: true,
    },
  });
}

// Cold start: configuration, clients and rules once; warm invocations reuse them (and the allowlist cache).
let cached: EdrFeedHandler | undefined;

function build(): EdrFeedHandler {
  const s3 = createFeedS3Client();
  const quarantine = quarantineFor(process.env['QUARANTINE_BUCKET'], s3, QUARANTINE_SOURCES.edrFeed);
  return createEdrFeedHandler({
    ...ingestDepsFromEnvironment(SERVICE, __dirname),
    s3,
    ...(quarantine ? { quarantine } : {}),
  });
}

export async function handler(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  cached ??= build();
  return cached(event, context);
}
