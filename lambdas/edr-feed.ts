/**
 * EDR feed (SQS) -> vmsentry. A message is an S3 object notification (direct, via SNS or EventBridge, or a Falcon
 * Data Replicator manifest) whose objects are read with bounded size, or inline events (one object, array, NDJSON).
 * Partial batch responses: a message that could not be *delivered* (S3 read, DynamoDB, SNS failed) is reported as a
 * batchItemFailure so SQS redelivers it (then its DLQ); the others are acknowledged. A message or record that cannot
 * be *parsed* is logged, counted and acknowledged: redelivering it cannot fix it.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { GetObjectCommand, type GetObjectCommandOutput, S3Client } from '@aws-sdk/client-s3';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { excerptOf, type ParseError, type RecordPosition } from '../lib/model';
import {
  decodeObjectBody,
  decodeSqsBody,
  type EnvelopeResult,
  type ObjectRef,
  parseRecords,
  s3ObjectsInSqsBody,
} from '../lib/sources';
import { createIngest, EMPTY_BATCH, type IngestDeps, ingestDepsFromEnvironment } from './runtime';

const SERVICE = 'vmsentry-edr-feed';

export interface EdrFeedDeps extends IngestDeps {
  readonly s3: S3Client;
}

export type EdrFeedHandler = (event: SQSEvent, context?: Context) => Promise<SQSBatchResponse>;

/** The handler over injected dependencies (tests point the clients at dynalite and mocks). */
export function createEdrFeedHandler(deps: EdrFeedDeps): EdrFeedHandler {
  const ingest = createIngest(deps);
  const { config } = deps;
  const decodeOptions = {
    limits: { maxDecompressedBytes: config.maxDecompressedBytes },
    formatHints: config.sourceHints,
  };

  const runDecoded = async (decoded: EnvelopeResult): Promise<void> => {
    if (!decoded.ok) await ingest.run(EMPTY_BATCH, [decoded.error]);
    else await ingest.run(parseRecords(decoded.records), decoded.errors);
  };

  const recordHandler = async (record: SQSRecord): Promise<void> => {
    const objects = s3ObjectsInSqsBody(record.body);
    if (objects === undefined) {
      const origin: RecordPosition = { envelope: 'sqs', index: 0, messageId: record.messageId };
      await runDecoded(decodeSqsBody(record.body, origin, decodeOptions));
      return;
    }
    for (const object of objects) {
      const origin: RecordPosition = {
        envelope: 's3',
        index: 0,
        bucket: object.bucket,
        key: object.key,
        messageId: record.messageId,
      };
      const read = await readObject(deps.s3, object, config.maxObjectBytes, origin);
      if (!read.ok) await ingest.run(EMPTY_BATCH, [read.error]);
      else await runDecoded(decodeObjectBody(read.bytes, origin, decodeOptions));
    }
  };

  return async (event, context) => {
    // One processor per invocation: its state is per batch.
    const processor = new BatchProcessor(EventType.SQS);
    return processPartialResponse(event, recordHandler, processor, {
      ...(context ? { context } : {}),
      processInParallel: false,
    });
  };
}

/** Objects that cannot be read by retrying (too large, deleted) become parse errors; transient failures throw. */
type ObjectRead =
  | { readonly ok: true; readonly bytes: Uint8Array }
  | { readonly ok: false; readonly error: ParseError };

async function readObject(
  s3: S3Client,
  object: ObjectRef,
  maxBytes: number,
  origin: RecordPosition,
): Promise<ObjectRead> {
  const tooLarge = (size: number): ObjectRead => ({
    ok: false,
    error: {
      code: 'envelope-too-large',
      format: 'unknown',
      reason: `S3 object is ${size} bytes, over the ${maxBytes}-byte limit`,
      position: origin,
      excerpt: excerptOf(`s3://${object.bucket}/${object.key}`),
    },
  });
  if (object.size !== undefined && object.size > maxBytes) return tooLarge(object.size);
  let response: GetObjectCommandOutput;
  try {
    response = await s3.send(new GetObjectCommand({ Bucket: object.bucket, Key: object.key }));
  } catch (error) {
    if (error instanceof Error && (error.name === 'NoSuchKey' || error.name === 'NotFound')) {
      return {
        ok: false,
        error: {
          code: 'envelope-invalid',
          format: 'unknown',
          reason: 'S3 object no longer exists',
          position: origin,
          excerpt: excerptOf(`s3://${object.bucket}/${object.key}`),
        },
      };
    }
    throw error;
  }
  if (response.ContentLength !== undefined && response.ContentLength > maxBytes) {
    destroy(response.Body);
    return tooLarge(response.ContentLength);
  }
  const bytes = await readBounded(response.Body, maxBytes);
  return bytes === undefined ? tooLarge(maxBytes + 1) : { ok: true, bytes };
}

/** The body's bytes, or undefined once more than maxBytes arrived (the stream is then destroyed). */
async function readBounded(body: unknown, maxBytes: number): Promise<Uint8Array | undefined> {
  if (body === undefined || body === null) return new Uint8Array();
  if (body instanceof Uint8Array) return body.length > maxBytes ? undefined : body;
  if (typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] !== 'function') {
    throw new TypeError('S3 object body is not a stream');
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body as AsyncIterable<Uint8Array | string>) {
    const buffer =
      typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    total += buffer.length;
    if (total > maxBytes) {
      destroy(body);
      return undefined;
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks, total);
}

function destroy(body: unknown): void {
  const stream = body as { destroy?: () => void } | undefined;
  if (stream && typeof stream.destroy === 'function') stream.destroy();
}

// Cold start: configuration, clients and rules once; warm invocations reuse them (and the allowlist cache).
let cached: EdrFeedHandler | undefined;

function build(): EdrFeedHandler {
  return createEdrFeedHandler({ ...ingestDepsFromEnvironment(SERVICE, __dirname), s3: new S3Client({}) });
}

export async function handler(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  cached ??= build();
  return cached(event, context);
}
