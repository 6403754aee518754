import {
  excerptOf,
  type FormatName,
  type HostIdentity,
  isInstanceId,
  isPlausibleEventTime,
  type ParseErrorCode,
  type Provenance,
} from '../model';
import type { ParseOutcome, RecordInput } from './parser';

/** A typed failure for this record: the one way parsers report bad input (they never throw). */
export function failure(
  input: RecordInput,
  format: FormatName | 'unknown',
  code: ParseErrorCode,
  reason: string,
): ParseOutcome {
  return { ok: false, error: { code, format, reason, position: input.position, excerpt: excerptOf(input.text) } };
}

/** Provenance for an event parsed from this record. */
export function provenanceOf(input: RecordInput, format: FormatName, recordId?: string): Provenance {
  return recordId === undefined ? { ...input.position, format } : { ...input.position, format, recordId };
}

/**
 * Host identity from what the record says, completed from the envelope: the log stream is kept as a fallback
 * identity (the CloudWatch agent names streams after the instance id), and an instance-id stream fills instanceId.
 */
export function hostOf(
  input: RecordInput,
  fromRecord: Partial<Record<keyof HostIdentity, string | undefined>>,
): HostIdentity {
  const host: { -readonly [K in keyof HostIdentity]?: string } = {};
  for (const [key, value] of Object.entries(fromRecord) as [keyof HostIdentity, string | undefined][]) {
    if (typeof value === 'string' && value.trim() !== '' && value !== '-') host[key] = value.trim();
  }
  const stream = input.context.logStream ?? input.position.logStream;
  if (stream) {
    host.logStream = stream;
    if (!host.instanceId && isInstanceId(stream)) host.instanceId = stream;
  }
  if (!host.accountId && input.context.accountId) host.accountId = input.context.accountId;
  if (!host.region && input.context.region) host.region = input.context.region;
  return host;
}

/**
 * Event time as ISO string and epoch ms. Accepts ISO strings, epoch seconds or ms (number or numeric string),
 * Windows SystemTime; falls back to the envelope timestamp, then to `undefined` (the caller decides). A time outside
 * 1970..9999 is not believed (isPlausibleEventTime): the event is kept and timed by its delivery, and its own claim
 * stays in the raw record.
 */
export function timeOf(value: unknown, input: RecordInput): { time: string; timeMs: number } | undefined {
  const claimed = toEpochMs(value);
  const ms = claimed !== undefined && isPlausibleEventTime(claimed) ? claimed : input.timestampMs;
  if (ms === undefined || !isPlausibleEventTime(ms)) return undefined;
  return { time: new Date(ms).toISOString(), timeMs: ms };
}

function toEpochMs(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return fromEpochNumber(value);
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return fromEpochNumber(Number(text));
  const parsed = Date.parse(text);
  return Number.isNaN(parsed) ? undefined : parsed;
}

/** Seconds, milliseconds, microseconds or nanoseconds since the epoch, told apart by magnitude. */
function fromEpochNumber(value: number): number {
  if (value > 1e17) return Math.floor(value / 1e6); // ns
  if (value > 1e14) return Math.floor(value / 1e3); // µs
  if (value > 1e11) return value; // ms
  return value * 1000; // s
}

/** The value as a non-empty string, or undefined. Numbers are stringified. */
export function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** The value as a finite integer (numbers or numeric strings, decimal or 0x hex), or undefined. */
export function int(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^-?\d+$/.test(text)) return Number(text);
  if (/^0x[0-9a-f]+$/i.test(text)) return Number.parseInt(text.slice(2), 16);
  return undefined;
}

/** Object property lookup that never walks the prototype chain (hostile keys such as __proto__ stay data). */
export function prop(value: unknown, key: string): unknown {
  if (value === null || typeof value !== 'object') return undefined;
  return Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
}

/** Nested lookup by path segments, own properties only. */
export function path(value: unknown, ...keys: string[]): unknown {
  let current = value;
  for (const key of keys) {
    current = prop(current, key);
    if (current === undefined) return undefined;
  }
  return current;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Drop undefined values so objects satisfy exactOptionalPropertyTypes. */
export function defined<T extends Record<string, unknown>>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) if (field !== undefined) out[key] = field;
  return out as { [K in keyof T]: Exclude<T[K], undefined> };
}
