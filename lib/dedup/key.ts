import { createHash } from 'node:crypto';
import { fieldValues } from '../allowlist/field';
import { type Detection, type NormalizedEvent, primaryHostName } from '../model';

/** What makes two detections "the same alert" within a window. */
export interface DedupKey {
  /** sha256 (hex) of the key parts: the id alerts carry and the hash in the state-table partition key. */
  readonly hash: string;
  /** State-table partition key. */
  readonly pk: string;
  readonly ruleId: string;
  readonly host: string;
  /** The dedup field values, lowercased, in the rule's field order. */
  readonly values: readonly string[];
  readonly windowSeconds: number;
}

export const DEDUP_PK_PREFIX = 'dedup#';
const SEPARATOR = '\u001f';

/**
 * rule id + host (primaryHostName) + the rule's dedup field values. A rule that names no dedup fields dedups on what
 * was started: the image basename, else the container image, else the container name.
 */
export function dedupKeyOf(detection: Detection, defaultWindowSeconds: number): DedupKey {
  const ruleId = detection.rule.id;
  const host = primaryHostName(detection.event.host);
  const values =
    detection.rule.dedupFields.length > 0
      ? detection.rule.dedupFields.map((field) => fieldValues(detection.event, field).join(',').toLowerCase())
      : [defaultDedupValue(detection.event)];
  const hash = createHash('sha256')
    .update([ruleId.toLowerCase(), host, ...values].join(SEPARATOR))
    .digest('hex');
  const windowSeconds = detection.rule.dedupWindowSeconds ?? defaultWindowSeconds;
  return { hash, pk: `${DEDUP_PK_PREFIX}${hash}`, ruleId, host, values, windowSeconds };
}

function defaultDedupValue(event: NormalizedEvent): string {
  const { Image, ContainerImage, ContainerName } = event.fields;
  if (Image) return basename(Image).toLowerCase();
  return (ContainerImage ?? ContainerName ?? '').toLowerCase();
}

/** Last path component, for both Windows and POSIX paths. */
export function basename(path: string): string {
  const cut = Math.max(path.lastIndexOf('\\'), path.lastIndexOf('/'));
  return cut >= 0 ? path.slice(cut + 1) : path;
}

/**
 * A short, stable id for the event, from where it sat (envelope coordinates and the source's record id), so a retried
 * batch presents the same ids and is not counted twice.
 */
export function eventKeyOf(event: NormalizedEvent): string {
  const p = event.provenance;
  const parts = [
    p.envelope,
    p.logGroup,
    p.logStream,
    p.eventId,
    p.messageId,
    p.bucket,
    p.key,
    p.file,
    p.line,
    p.index,
    p.recordId,
    p.format,
    event.timeMs,
  ];
  return createHash('sha256')
    .update(parts.map((part) => (part === undefined ? '' : String(part))).join(SEPARATOR))
    .digest('hex')
    .slice(0, 20);
}
