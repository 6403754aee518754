import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { AllowlistChange, AuditedImage } from '../alerts/allowlist-audit';
import { attributeKeyProblem, itemToEntry } from '../allowlist';

/** DynamoDB TTL deletions are made by this service principal (stream record userIdentity). */
const TTL_PRINCIPAL = 'dynamodb.amazonaws.com';

/**
 * One allowlist-table stream record as an AllowlistChange. Never throws: an image that does not unmarshal or is not
 * a valid entry becomes an unparseable side of the change, which still alerts.
 */
export function allowlistChangeOf(record: DynamoDBRecord, index: number): AllowlistChange {
  const stream = record.dynamodb;
  const seconds = stream?.ApproximateCreationDateTime;
  const identity = record.userIdentity as { type?: unknown; principalId?: unknown } | undefined;
  const arn = record.eventSourceARN;
  const arnParts = typeof arn === 'string' ? arn.split(':') : [];
  const operation =
    record.eventName === 'INSERT' || record.eventName === 'MODIFY' || record.eventName === 'REMOVE'
      ? record.eventName
      : 'UNKNOWN';
  const change: AllowlistChange = {
    operation,
    eventId: record.eventID ?? stream?.SequenceNumber ?? `record-${index}`,
    timeMs: typeof seconds === 'number' && Number.isFinite(seconds) ? seconds * 1000 : Date.now(),
    expiredByTtl: operation === 'REMOVE' && identity?.type === 'Service' && identity.principalId === TTL_PRINCIPAL,
    index,
    ...(stream?.OldImage ? { oldImage: imageOf(stream.OldImage) } : {}),
    ...(stream?.NewImage ? { newImage: imageOf(stream.NewImage) } : {}),
    ...(arn ? { tableArn: arn } : {}),
    ...(arnParts[4] ? { accountId: arnParts[4] } : {}),
    ...(record.awsRegion ? { region: record.awsRegion } : {}),
  };
  if (operation !== 'REMOVE' && !change.newImage) {
    return { ...change, newImage: { ok: false, reason: 'the stream record carries no new image', item: null } };
  }
  return change;
}

function imageOf(image: unknown): AuditedImage {
  // Before unmarshalling: unmarshall drops a "__proto__" map key, which would make the image read as narrower or
  // match-all. The Lambda runtime's JSON.parse keeps such keys as own properties, so they can be seen here.
  const problem = attributeKeyProblem(image);
  if (problem) return { ok: false, reason: problem, item: jsonSafe(image) };
  let item: unknown;
  try {
    item = unmarshall(image as Record<string, AttributeValue>);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, reason: `item does not unmarshal: ${reason.slice(0, 200)}`, item: image };
  }
  const result = itemToEntry(item);
  return result.ok ? { ok: true, entry: result.entry } : { ok: false, reason: result.reason, item: jsonSafe(item) };
}

/** Sets and binary attributes unmarshal to Set and Uint8Array; keep them readable in the alert's raw record. */
function jsonSafe(value: unknown): unknown {
  if (value instanceof Set) return [...value].map(jsonSafe);
  if (value instanceof Uint8Array) return `<${value.byteLength} bytes>`;
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      Object.defineProperty(out, key, { value: jsonSafe(item), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}
