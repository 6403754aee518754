import type { RecordPosition } from '../../model';
import { type EnvelopeResult, envelopeError } from './result';
import { recordsFromText, type TextDecodeOptions } from './text';

/** An object to fetch and read, named by an SQS message. */
export interface ObjectRef {
  readonly bucket: string;
  readonly key: string;
  readonly size?: number;
}

/**
 * The S3 objects an SQS message points at, or undefined when the body is not an object notification (then it holds
 * inline events). Understands S3 event notifications (direct, wrapped by SNS, via EventBridge), the s3:TestEvent
 * (no objects), and CrowdStrike Falcon Data Replicator notifications (`bucket` + `files[].path`).
 */
export function s3ObjectsInSqsBody(body: string): ObjectRef[] | undefined {
  const value = parseJson(body);
  if (value === undefined) return undefined;
  const unwrapped = snsMessageOf(value) ?? value;
  if (isTestEvent(unwrapped)) return [];
  // Powertools' schemas load on first use (see cloudwatch.ts): most CLI runs never see an SQS body.
  const { S3Schema, S3EventNotificationEventBridgeSchema } =
    require('@aws-lambda-powertools/parser/schemas/s3') as typeof import('@aws-lambda-powertools/parser/schemas/s3');
  const direct = S3Schema.safeParse(unwrapped);
  if (direct.success) {
    return direct.data.Records.map((record) => ({
      bucket: record.s3.bucket.name,
      key: decodeS3Key(record.s3.object.key),
      ...(typeof record.s3.object.size === 'number' ? { size: record.s3.object.size } : {}),
    }));
  }
  const bridged = S3EventNotificationEventBridgeSchema.safeParse(unwrapped);
  if (bridged.success) {
    const { bucket, object } = bridged.data.detail;
    return [
      { bucket: bucket.name, key: object.key, ...(typeof object.size === 'number' ? { size: object.size } : {}) },
    ];
  }
  return falconReplicatorObjects(unwrapped);
}

/** Inline events in an SQS body: one JSON object, a JSON array, or NDJSON. An SNS wrapper is removed first. */
export function decodeSqsBody(body: string, origin: RecordPosition, options: TextDecodeOptions = {}): EnvelopeResult {
  if (body.trim() === '') return envelopeError('envelope-invalid', 'empty SQS message body', origin);
  const value = parseJson(body);
  const inner = value === undefined ? undefined : snsMessageOf(value);
  return recordsFromText(
    typeof inner === 'string' ? inner : inner !== undefined ? JSON.stringify(inner) : body,
    origin,
    options,
  );
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** SNS -> SQS without raw delivery wraps the payload: { Type: 'Notification', Message: '<string>' }. */
function snsMessageOf(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return undefined;
  const record = value as Record<string, unknown>;
  if (record['Type'] !== 'Notification' || typeof record['Message'] !== 'string') return undefined;
  return parseJson(record['Message']) ?? record['Message'];
}

function isTestEvent(value: unknown): boolean {
  return value !== null && typeof value === 'object' && (value as Record<string, unknown>)['Event'] === 's3:TestEvent';
}

/** S3 notification keys are URL-encoded with '+' for spaces. */
function decodeS3Key(key: string): string {
  try {
    return decodeURIComponent(key.replace(/\+/g, ' '));
  } catch {
    return key;
  }
}

function falconReplicatorObjects(value: unknown): ObjectRef[] | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const record = value as Record<string, unknown>;
  const bucket = record['bucket'];
  const files = record['files'];
  if (typeof bucket !== 'string' || !Array.isArray(files) || typeof record['cid'] !== 'string') return undefined;
  const refs: ObjectRef[] = [];
  for (const file of files) {
    const path = (file as { path?: unknown } | null)?.path;
    const size = (file as { size?: unknown } | null)?.size;
    if (typeof path === 'string') refs.push({ bucket, key: path, ...(typeof size === 'number' ? { size } : {}) });
  }
  return refs;
}
