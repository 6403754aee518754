import {
  type Alert,
  type AllowlistStatus,
  describePosition,
  type EventCategory,
  isSeverity,
  type Platform,
  type RecordPosition,
} from '../model';
import { truncate } from './text';
import { clampedTime, isoTime, timeRangeNote } from './time';

/**
 * The last resort of alert building: when building or rendering an alert throws (a defect we have not met yet, a
 * record no bound foresaw), the detection still goes out as this minimal alert. It keeps what routes and identifies
 * the alert (id, rule, severity, host, dedup state, where the record sat) and drops the evidence, saying why.
 *
 * Every read of the original is guarded: the part that threw may throw again, so nothing here trusts a property
 * access, a type or a length.
 */

/** Why an alert was degraded and where its record sat: counted and logged by the pipeline. */
export interface AlertFallback {
  readonly id: string;
  readonly reason: string;
  readonly position: string;
}

const TEXT_MAX = 512;
const fallbacks = new WeakMap<object, AlertFallback>();

/** The reason an alert is a fallback, when it is one (the pipeline counts them; the model stays unchanged). */
export function fallbackOf(alert: object): AlertFallback | undefined {
  return fallbacks.get(alert);
}

/** The failure as one short line, whatever was thrown. */
export function reasonOf(error: unknown): string {
  try {
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return truncate(text, TEXT_MAX);
  } catch {
    return 'unknown error';
  }
}

/**
 * A minimal alert from whatever `source` (an Alert, or the parts one is built from) still yields. Never throws.
 * `id` is kept from the source so a retry of the same detection carries the same id.
 */
export function fallbackAlert(source: unknown, error: unknown): Alert {
  const reason = reasonOf(error);
  const get = (from: unknown, key: string): unknown => {
    try {
      return from !== null && typeof from === 'object' ? (from as Record<string, unknown>)[key] : undefined;
    } catch {
      return undefined;
    }
  };
  const text = (value: unknown, otherwise: string): string =>
    typeof value === 'string' && value !== '' ? truncate(value, TEXT_MAX) : otherwise;
  const num = (value: unknown, otherwise: number): number =>
    typeof value === 'number' && Number.isFinite(value) ? value : otherwise;

  const event = get(source, 'event');
  const dedup = get(source, 'dedup');
  const host = text(get(source, 'host'), 'unknown-host');
  const timeMs = num(get(event, 'timeMs'), Number.NaN);
  const input = positionOf(get(source, 'input') ?? get(event, 'provenance'), get);
  const severity = get(source, 'severity');
  const allowlist = get(source, 'allowlist');
  const position = describePosition(input);
  const note = timeRangeNote('event time', timeMs);
  const alert: Alert = {
    id: text(get(source, 'id'), 'unidentified'),
    ruleId: text(get(source, 'ruleId'), 'unknown-rule'),
    title: text(get(source, 'title'), 'Detection (alert content could not be rendered)'),
    // A detection we cannot read the severity of is treated as serious: fail closed.
    severity: isSeverity(severity) ? severity : 'high',
    technique: strings(get(source, 'technique'), get),
    tags: [],
    host,
    hostKeys: [host],
    description:
      'The full alert for this detection could not be built or rendered, so this minimal alert stands in for it. ' +
      'Open the source record at the position below for the evidence.',
    falsepositives: [],
    context: [`Alert content could not be rendered (${reason}); record at ${position}.`, ...(note ? [note] : [])],
    event: {
      category: text(get(event, 'category'), 'process_creation') as EventCategory,
      platform: text(get(event, 'platform'), 'linux') as Platform,
      time: isoTime(timeMs),
      timeMs: clampedTime(timeMs),
      host: { hostname: host },
      provenance: { ...input, format: text(get(get(event, 'provenance'), 'format'), 'normalized') as 'normalized' },
      fields: {},
    },
    input,
    dedup: {
      key: text(get(dedup, 'key'), 'unknown'),
      count: num(get(dedup, 'count'), 1),
      firstSeen: text(get(dedup, 'firstSeen'), isoTime(timeMs)),
      lastSeen: text(get(dedup, 'lastSeen'), isoTime(timeMs)),
      windowSeconds: num(get(dedup, 'windowSeconds'), 0),
    },
    allowlist: allowlist === 'checked' || allowlist === 'bypassed' ? allowlist : ('unfiltered' as AllowlistStatus),
  };
  fallbacks.set(alert, { id: alert.id, reason, position });
  return alert;
}

function strings(value: unknown, get: (from: unknown, key: string) => unknown): string[] {
  if (!Array.isArray(value)) return [];
  const out: string[] = [];
  for (let i = 0; i < Math.min(value.length, 10); i++) {
    const item = get(value, String(i));
    if (typeof item === 'string') out.push(truncate(item, 64));
  }
  return out;
}

const POSITION_KEYS = ['line', 'file', 'logGroup', 'logStream', 'eventId', 'messageId', 'bucket', 'key'] as const;
const ENVELOPES = new Set(['cloudwatch', 'sqs', 's3', 'file', 'stdin', 'inline']);

/** Only the known position keys, and only strings and numbers: the position is what lets an analyst find the record. */
function positionOf(value: unknown, get: (from: unknown, key: string) => unknown): RecordPosition {
  const envelope = get(value, 'envelope');
  const index = get(value, 'index');
  const out: Record<string, string | number> = {
    envelope: typeof envelope === 'string' && ENVELOPES.has(envelope) ? envelope : 'inline',
    index: typeof index === 'number' && Number.isFinite(index) ? index : 0,
  };
  for (const key of POSITION_KEYS) {
    const item = get(value, key);
    if (typeof item === 'string') out[key] = truncate(item, TEXT_MAX);
    else if (typeof item === 'number' && Number.isFinite(item)) out[key] = item;
  }
  return out as unknown as RecordPosition;
}
