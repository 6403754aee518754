/**
 * A CloudWatch Logs subscription delivery read log event by log event. The inflated payload (up to
 * maxDecompressedBytes) stays one Buffer; a single pass over its bytes finds each element of `logEvents`, which is
 * decoded and parsed alone and handed to the caller at once. Nothing else of the payload is materialised: no
 * whole-payload string, no array of every log event, no array of every record. `JSON.parse(payload)` of the whole
 * decode (cloudwatch.ts) holds the payload three times over (bytes, string, parsed tree) and then every record.
 *
 * Same answers as the whole decode: the header goes through the same checks (payloadHeaderOf) and each log event
 * through the same conversion. Anything off the common path (a payload that is not valid JSON, header fields after
 * logEvents or repeated, a payload that is not an object) makes the reader answer 'whole': the caller discards what
 * it was given and decodes the payload whole, which gives the exact error or result it always gave.
 */
import type { ParseError } from '../../model';
import { withLimits } from '../limits';
import type { RecordInput } from '../parser';
import {
  awslogsData,
  type CloudWatchDecodeOptions,
  cloudWatchOrigin,
  inflateAwslogsData,
  type PayloadHeader,
  payloadHeaderOf,
} from './cloudwatch';

/** Receives the delivery's log events in order: a record, or the log event's envelope error (no message, too big). */
export interface LogEventSink {
  record(record: RecordInput): void;
  error(error: ParseError): void;
}

/**
 * - 'records': every log event went to the sink;
 * - 'control': a CONTROL_MESSAGE (nothing went to the sink);
 * - 'error': the envelope itself is refused (not base64, gzip invalid or too large), as the whole decode refuses it;
 * - 'whole': not readable this way; discard what the sink got and use decodeCloudWatchEvent.
 */
export type StreamedDelivery =
  | { readonly kind: 'records' }
  | { readonly kind: 'control' }
  | { readonly kind: 'error'; readonly error: ParseError }
  | { readonly kind: 'whole' };

const HEADER_KEYS: ReadonlySet<string> = new Set([
  'messageType',
  'owner',
  'logGroup',
  'logStream',
  'subscriptionFilters',
]);

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

/** The payload is not on the streamed path (see the module comment). */
class NotStreamable extends Error {}

/** Read a subscription event (`{ awslogs: { data } }`) log event by log event into `sink`. */
export function streamCloudWatchEvent(
  event: unknown,
  sink: LogEventSink,
  options: CloudWatchDecodeOptions = {},
): StreamedDelivery {
  const data = awslogsData(event);
  if (data === undefined) return { kind: 'whole' };
  const limits = withLimits(options.limits);
  const origin = cloudWatchOrigin(options);
  const inflated = inflateAwslogsData(data, limits, origin);
  if (!inflated.ok) return { kind: 'error', error: inflated.error };
  try {
    return new PayloadReader(inflated.bytes, (header, logEventsIsArray) =>
      payloadHeaderOf(header, logEventsIsArray, { origin, limits, hints: options.formatHints ?? [] }),
    ).read(sink);
  } catch (error) {
    if (error instanceof NotStreamable) return { kind: 'whole' };
    throw error;
  }
}

/**
 * One pass over the payload's bytes. Between values it checks the JSON grammar itself; each value (a header field,
 * a log event) is cut out by bracket and string boundaries and checked by JSON.parse, so the payload is accepted only
 * if JSON.parse would accept it whole. Linear: every byte is looked at a bounded number of times.
 */
class PayloadReader {
  private at = 0;

  constructor(
    private readonly bytes: Buffer,
    private readonly checkHeader: (header: unknown, logEventsIsArray: boolean) => PayloadHeader,
  ) {}

  read(sink: LogEventSink): StreamedDelivery {
    const header: Record<string, unknown> = {};
    let outcome: StreamedDelivery | undefined;
    this.skipSpace();
    this.expect(OPEN_OBJECT);
    this.skipSpace();
    if (this.peek() === CLOSE_OBJECT) throw new NotStreamable();
    for (;;) {
      this.skipSpace();
      const key = this.parseValue();
      if (typeof key !== 'string') throw new NotStreamable();
      this.skipSpace();
      this.expect(COLON);
      this.skipSpace();
      if (key === 'logEvents') {
        // The header must be complete and final before the first log event is handed on.
        if (outcome !== undefined || this.peek() !== OPEN_ARRAY) throw new NotStreamable();
        const checked = this.checkHeader(header, true);
        if (checked.kind === 'error') throw new NotStreamable();
        if (checked.kind === 'control') {
          this.parseValue();
          outcome = { kind: 'control' };
        } else {
          this.readLogEvents(checked.recordOf, sink);
          outcome = { kind: 'records' };
        }
      } else {
        if (outcome !== undefined && HEADER_KEYS.has(key)) throw new NotStreamable();
        const value = this.parseValue();
        if (HEADER_KEYS.has(key)) header[key] = value;
      }
      this.skipSpace();
      const next = this.take();
      if (next === CLOSE_OBJECT) break;
      if (next !== COMMA) throw new NotStreamable();
    }
    this.skipSpace();
    if (this.at !== this.bytes.length || outcome === undefined) throw new NotStreamable();
    return outcome;
  }

  private readLogEvents(recordOf: (logEvent: unknown, index: number) => RecordInput | ParseError, sink: LogEventSink) {
    this.expect(OPEN_ARRAY);
    this.skipSpace();
    if (this.peek() === CLOSE_ARRAY) {
      this.at++;
      return;
    }
    for (let index = 0; ; index++) {
      this.skipSpace();
      const item = recordOf(this.parseValue(), index);
      if ('code' in item) sink.error(item);
      else sink.record(item);
      this.skipSpace();
      const next = this.take();
      if (next === CLOSE_ARRAY) return;
      if (next !== COMMA) throw new NotStreamable();
    }
  }

  /** The value starting here, cut out by its boundaries and parsed alone (SyntaxError when it is not JSON). */
  private parseValue(): unknown {
    const start = this.at;
    const end = this.valueEnd(start);
    this.at = end;
    try {
      return JSON.parse(this.bytes.toString('utf8', start, end));
    } catch {
      // Not JSON, or nested past the stack: the whole decode says which, with the message it always gave.
      throw new NotStreamable();
    }
  }

  /**
   * Where the value starting at `start` ends: after the closing quote of a string, after the bracket that closes an
   * object or array (strings inside skipped), or at the next delimiter for a number or literal. Only the cut; the
   * content is JSON.parse's to check.
   */
  private valueEnd(start: number): number {
    const bytes = this.bytes;
    const length = bytes.length;
    let at = start;
    const first = bytes[at];
    if (first === QUOTE) return this.stringEnd(at);
    if (first === OPEN_OBJECT || first === OPEN_ARRAY) {
      let depth = 0;
      while (at < length) {
        const c = bytes[at] as number;
        if (c === QUOTE) {
          at = this.stringEnd(at);
          continue;
        }
        if (c === OPEN_OBJECT || c === OPEN_ARRAY) depth++;
        else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
          depth--;
          if (depth === 0) return at + 1;
        }
        at++;
      }
      throw new NotStreamable();
    }
    while (at < length) {
      const c = bytes[at] as number;
      if (c === COMMA || c === CLOSE_OBJECT || c === CLOSE_ARRAY || isSpace(c)) break;
      at++;
    }
    if (at === start) throw new NotStreamable();
    return at;
  }

  /** After the closing quote of the string whose opening quote is at `start`. */
  private stringEnd(start: number): number {
    const bytes = this.bytes;
    const length = bytes.length;
    let at = start + 1;
    while (at < length) {
      const c = bytes[at] as number;
      if (c === QUOTE) return at + 1;
      at += c === BACKSLASH ? 2 : 1;
    }
    throw new NotStreamable();
  }

  private skipSpace(): void {
    const bytes = this.bytes;
    while (this.at < bytes.length && isSpace(bytes[this.at] as number)) this.at++;
  }

  private peek(): number | undefined {
    return this.bytes[this.at];
  }

  private take(): number | undefined {
    return this.bytes[this.at++];
  }

  private expect(byte: number): void {
    if (this.take() !== byte) throw new NotStreamable();
  }
}

/** JSON's white space: space, tab, line feed, carriage return. */
function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}
