import type { FormatName, ParseError, RecordPosition } from '../../model';
import { excerptOf } from '../../model';
import { type SourceLimits, withLimits } from '../limits';
import type { RecordInput, SourceContext } from '../parser';
import { boundedGunzip } from './gzip';
import { type EnvelopeResult, envelopeError, jsonObjectOf } from './result';

/** Log group (exact name or prefix) -> the format its records are in: tried first, before auto-detection. */
export interface FormatHint {
  readonly prefix: string;
  readonly format: FormatName;
}

export interface CloudWatchDecodeOptions {
  readonly limits?: Partial<SourceLimits>;
  readonly formatHints?: readonly FormatHint[];
  /** Where this payload came from when it is not a Lambda invocation (a file holding a payload). */
  readonly file?: string;
}

/** The subscription payload's envelope fields, checked before its log events (which are checked one by one). */
interface PayloadEnvelope {
  readonly messageType: string;
  readonly owner: string;
  readonly logGroup: string;
  readonly logStream: string;
}

const ENVELOPE_STRINGS = ['messageType', 'owner', 'logGroup', 'logStream'] as const;

function typeName(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

/**
 * The envelope of a decoded subscription payload as CloudWatch Logs documents it (the fields of Powertools'
 * CloudWatchLogsDecodeSchema but logEvents; other keys allowed), or the first field that is wrong, as `path: problem`.
 * Checked by hand rather than with Powertools' zod schema: that module graph (a second copy of zod, CommonJS) was a
 * sixth of a cold start (docs/benchmarks.md "Cold start"). One pass over the fields and the filter names.
 */
export function checkPayloadEnvelope(
  payload: unknown,
): { ok: true; envelope: PayloadEnvelope } | { ok: false; issue: string } {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    return { ok: false, issue: `: expected object, received ${typeName(payload)}` };
  }
  const record = payload as Record<string, unknown>;
  for (const key of ENVELOPE_STRINGS) {
    if (typeof record[key] !== 'string')
      return { ok: false, issue: `${key}: expected string, received ${typeName(record[key])}` };
  }
  const filters = record['subscriptionFilters'];
  if (!Array.isArray(filters)) {
    return { ok: false, issue: `subscriptionFilters: expected array, received ${typeName(filters)}` };
  }
  for (let index = 0; index < filters.length; index++) {
    if (typeof filters[index] !== 'string') {
      return {
        ok: false,
        issue: `subscriptionFilters.${index}: expected string, received ${typeName(filters[index])}`,
      };
    }
  }
  return { ok: true, envelope: record as unknown as PayloadEnvelope };
}

/**
 * Is the text base64 (line breaks allowed anywhere, up to two '=' of padding, trailing white space)? One pass over the
 * characters: the regex this replaces backtracked over runs of line breaks, quadratic in their length.
 */
export function isBase64Text(text: string): boolean {
  let index = 0;
  const length = text.length;
  for (; index < length; index++) {
    const c = text.charCodeAt(index);
    const alphabet =
      (c >= 65 && c <= 90) ||
      (c >= 97 && c <= 122) ||
      (c >= 48 && c <= 57) ||
      c === 43 ||
      c === 47 ||
      c === 10 ||
      c === 13;
    if (!alphabet) break;
  }
  let padding = 0;
  while (index < length && text.charCodeAt(index) === 61 /* = */ && padding < 2) {
    index++;
    padding++;
  }
  for (; index < length; index++) if (!isSpace(text.charCodeAt(index))) return false;
  return true;
}

/** JavaScript's \s for the characters a base64 tail can carry. */
function isSpace(c: number): boolean {
  return (
    c === 32 ||
    (c >= 9 && c <= 13) ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/**
 * Decode a CloudWatch Logs subscription event: `{ awslogs: { data } }` (base64 of gzip of JSON), or an already decoded
 * payload `{ messageType, logGroup, logStream, logEvents }` (files and tests).
 */
export function decodeCloudWatchEvent(event: unknown, options: CloudWatchDecodeOptions = {}): EnvelopeResult {
  const limits = withLimits(options.limits);
  const origin = cloudWatchOrigin(options);
  const data = awslogsData(event);
  let payload: unknown = event;
  if (data !== undefined) {
    const inflated = inflateAwslogsData(data, limits, origin);
    if (!inflated.ok) return inflated;
    try {
      payload = JSON.parse(inflated.bytes.toString('utf8'));
    } catch (error) {
      return envelopeError('envelope-invalid', `payload is not JSON: ${(error as Error).message}`, origin);
    }
  }
  return recordsOfPayload(payload, origin, limits, options.formatHints ?? []);
}

/** Where a CloudWatch payload's records are placed: the file it was read from, or the subscription delivery. */
export function cloudWatchOrigin(options: Pick<CloudWatchDecodeOptions, 'file'>): RecordPosition {
  return options.file ? { envelope: 'file', index: 0, file: options.file } : { envelope: 'cloudwatch', index: 0 };
}

/** `awslogs.data` checked as base64 and inflated (bounded): the payload's JSON bytes, or the envelope's error. */
export function inflateAwslogsData(
  data: unknown,
  limits: SourceLimits,
  origin: RecordPosition,
): { ok: true; bytes: Buffer } | { ok: false; error: ParseError } {
  if (typeof data !== 'string' || !isBase64Text(data)) {
    const shown = typeof data === 'string' ? data.slice(0, 200) : `(${data === null ? 'null' : typeof data})`;
    return envelopeError('envelope-invalid', 'awslogs.data is not base64', origin, shown);
  }
  const gunzipped = boundedGunzip(Buffer.from(data, 'base64'), limits.maxDecompressedBytes);
  if (!gunzipped.ok) {
    return envelopeError(
      gunzipped.code === 'too-large' ? 'envelope-too-large' : 'envelope-invalid',
      gunzipped.reason,
      origin,
    );
  }
  return { ok: true, bytes: gunzipped.bytes };
}

/** True when the value looks like a CloudWatch subscription event or decoded payload. */
export function isCloudWatchPayload(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (awslogsData(value) !== undefined) return true;
  const record = value as Record<string, unknown>;
  return typeof record['messageType'] === 'string' && Array.isArray(record['logEvents']);
}

export function awslogsData(event: unknown): unknown {
  if (event === null || typeof event !== 'object' || !Object.hasOwn(event, 'awslogs')) return undefined;
  const awslogs = (event as Record<string, unknown>)['awslogs'];
  if (awslogs === null || typeof awslogs !== 'object' || !Object.hasOwn(awslogs, 'data')) return null;
  return (awslogs as Record<string, unknown>)['data'];
}

function recordsOfPayload(
  payload: unknown,
  origin: RecordPosition,
  limits: SourceLimits,
  hints: readonly FormatHint[],
): EnvelopeResult {
  const header = payloadHeaderOf(payload, Array.isArray((payload as { logEvents?: unknown } | null)?.logEvents), {
    origin,
    limits,
    hints,
  });
  if (header.kind === 'error') return { ok: false, error: header.error };
  if (header.kind === 'control') return { ok: true, records: [], control: true, errors: [] };
  const logEvents = (payload as { logEvents: unknown[] }).logEvents;
  const records: RecordInput[] = [];
  const errors: ParseError[] = [];
  for (let index = 0; index < logEvents.length; index++) {
    const record = header.recordOf(logEvents[index], index);
    if ('code' in record) errors.push(record);
    else records.push(record);
  }
  return { ok: true, records, control: false, errors };
}

/** A payload's header as checked: an envelope error, a control message, or how its log events become records. */
export type PayloadHeader =
  | { readonly kind: 'error'; readonly error: ParseError }
  | { readonly kind: 'control' }
  | { readonly kind: 'data'; readonly recordOf: (logEvent: unknown, index: number) => RecordInput | ParseError };

/**
 * Check a payload's header fields (messageType, owner, logGroup, logStream, subscriptionFilters) by hand (checkPayloadEnvelope, no zod at cold start), whether logEvents is an array, and the message type. Shared by the whole decode above and the streamed
 * one (cloudwatch-stream.ts), so both accept, refuse and place records the same way.
 */
export function payloadHeaderOf(
  header: unknown,
  logEventsIsArray: boolean,
  options: { origin: RecordPosition; limits: SourceLimits; hints: readonly FormatHint[] },
): PayloadHeader {
  const { origin, limits, hints } = options;
  const checked = checkPayloadEnvelope(header);
  if (!checked.ok || !logEventsIsArray) {
    const reason = checked.ok ? 'logEvents is not an array' : checked.issue;
    return {
      kind: 'error',
      error: envelopeError('envelope-invalid', `not a CloudWatch Logs subscription payload (${reason})`, origin).error,
    };
  }
  const { messageType, logGroup, logStream, owner } = checked.envelope;
  if (messageType === 'CONTROL_MESSAGE') return { kind: 'control' };
  if (messageType !== 'DATA_MESSAGE') {
    return {
      kind: 'error',
      error: envelopeError('envelope-invalid', `unknown messageType ${excerptOf(messageType, 40)}`, origin).error,
    };
  }
  const formatHint = hints.find((hint) => logGroup === hint.prefix || logGroup.startsWith(hint.prefix))?.format;
  const context: SourceContext = {
    logGroup,
    logStream,
    ...(/^\d{12}$/.test(owner) ? { accountId: owner } : {}),
    ...(formatHint ? { formatHint } : {}),
  };
  const recordOf = (logEvent: unknown, index: number): RecordInput | ParseError => {
    const base: RecordPosition = { ...origin, index, logGroup, logStream };
    const message = (logEvent as { message?: unknown } | null)?.message;
    const id = (logEvent as { id?: unknown } | null)?.id;
    const timestamp = (logEvent as { timestamp?: unknown } | null)?.timestamp;
    const position: RecordPosition = typeof id === 'string' ? { ...base, eventId: id } : base;
    if (typeof message !== 'string') return invalid('log event has no string message', position);
    if (message.length > limits.maxRecordBytes) {
      return {
        code: 'record-too-large',
        format: 'unknown',
        reason: `log event is ${message.length} characters, over the ${limits.maxRecordBytes} limit`,
        position,
        excerpt: excerptOf(message),
      };
    }
    return {
      text: message,
      json: jsonObjectOf(message),
      position,
      context,
      ...(typeof timestamp === 'number' && Number.isFinite(timestamp) ? { timestampMs: timestamp } : {}),
    };
  };
  return { kind: 'data', recordOf };
}

function invalid(reason: string, position: RecordPosition): ParseError {
  return { code: 'envelope-invalid', format: 'unknown', reason, position, excerpt: '' };
}
