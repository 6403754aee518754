import { excerptOf, type FormatName, type NormalizedEvent, type ParseError } from '../model';
import type { ParseOutcome, RecordInput, RecordParser } from './parser';
import { PARSERS, parserFor } from './registry';
import { unrecognisedReason } from './unrecognised';

/** The outcome of parsing a batch: every record is accounted for as events, an error, or valid-but-irrelevant. */
export interface ParsedBatch {
  readonly events: NormalizedEvent[];
  readonly errors: ParseError[];
  /** Records offered (envelope-level errors are not records). */
  readonly records: number;
  readonly eventsByFormat: Partial<Record<FormatName, number>>;
  readonly errorsByFormat: Partial<Record<FormatName | 'unknown', number>>;
  /** Records no parser recognised (also in errors, code unknown-format). */
  readonly unknown: number;
}

export interface ParseOptions {
  /** Parse every record with this format only (`--format NAME`); no detection. */
  readonly format?: FormatName;
  /**
   * Auto-detect vmsentry's own `normalized` event JSON too. Off by default: that format names its host and fields
   * directly, so anyone able to write one line into a subscribed log group could forge any event for any host.
   * Only local, operator-supplied input (rule samples, `vmsentry scan` of saved events) turns it on.
   */
  readonly acceptNormalized?: boolean;
}

/**
 * Parse a batch of records. Format detection is per record (sniffers in registry order, the last format that matched
 * tried first, a log-group hint tried before that); parser instances live for the batch so auditd and PowerShell
 * fragments group across records; everything still grouped is flushed at the end.
 * Never throws: a parser that throws is a bug, and its record becomes an `invalid-record` error instead.
 */
export function parseRecords(records: readonly RecordInput[], options: ParseOptions = {}): ParsedBatch {
  const batch = new BatchParser(options);
  for (const record of records) batch.push(record);
  return batch.finish();
}

const NO_EVENTS: readonly NormalizedEvent[] = [];

/** Incremental form of parseRecords, for streams (stdin, large files): push records, then finish once. */
export class BatchParser {
  private readonly parsers = new Map<FormatName, RecordParser>();
  private events: NormalizedEvent[] = [];
  private errors: ParseError[] = [];
  private eventsByFormat: Partial<Record<FormatName, number>> = {};
  private errorsByFormat: Partial<Record<FormatName | 'unknown', number>> = {};
  private records = 0;
  private unknown = 0;
  private lastMatched: RecordParser | undefined;

  constructor(private readonly options: ParseOptions = {}) {}

  push(record: RecordInput): void {
    this.records++;
    const parser = this.detect(record);
    if (!parser) {
      this.unknown++;
      this.addError({
        code: 'unknown-format',
        format: 'unknown',
        reason: this.options.format
          ? `record is not ${this.options.format}`
          : unrecognisedReason(record.text, record.json),
        position: record.position,
        excerpt: excerptOf(record.text),
      });
      return;
    }
    this.take(parser, record, () => parser.parse(record));
  }

  /**
   * Hand over the events parsed since the last take, leaving the counts to accumulate: a caller that detects on each
   * record's events as they come (lib/pipeline/detect-stream.ts) never holds the batch's events at once.
   */
  takeEvents(): readonly NormalizedEvent[] {
    if (this.events.length === 0) return NO_EVENTS;
    const events = this.events;
    this.events = [];
    return events;
  }

  /** Add envelope-level errors (a record over the size cap, a bad log event) to the counts. */
  addErrors(errors: readonly ParseError[]): void {
    for (const error of errors) this.addError(error);
  }

  /**
   * Hand over what was parsed since the last drain and start counting afresh, keeping the parsers and what they still
   * group (an auditd event or a PowerShell script block straddling two chunks of a stream stays whole).
   */
  drain(): ParsedBatch {
    const batch: ParsedBatch = {
      events: this.events,
      errors: this.errors,
      records: this.records,
      eventsByFormat: this.eventsByFormat,
      errorsByFormat: this.errorsByFormat,
      unknown: this.unknown,
    };
    this.events = [];
    this.errors = [];
    this.eventsByFormat = {};
    this.errorsByFormat = {};
    this.records = 0;
    this.unknown = 0;
    return batch;
  }

  /** End of input: flush what parsers still group, then drain. */
  finish(): ParsedBatch {
    for (const parser of this.parsers.values()) {
      if (!parser.flush) continue;
      let outcomes: readonly ParseOutcome[] = [];
      try {
        outcomes = parser.flush();
      } catch (error) {
        this.addError({
          code: 'invalid-record',
          format: parser.format,
          reason: `parser failed while flushing: ${(error as Error).message}`,
          position: { envelope: 'inline', index: this.records },
          excerpt: '',
        });
      }
      for (const outcome of outcomes) this.record(parser, outcome);
    }
    return this.drain();
  }

  private detect(record: RecordInput): RecordParser | undefined {
    if (this.options.format) {
      const forced = this.instance(this.options.format);
      return this.sniffs(forced, record) ? forced : undefined;
    }
    const hint = record.context.formatHint;
    if (hint && (hint !== 'normalized' || this.options.acceptNormalized)) {
      const hinted = this.instance(hint);
      if (this.sniffs(hinted, record)) return hinted;
    }
    if (this.lastMatched && this.sniffs(this.lastMatched, record)) return this.lastMatched;
    for (const factory of PARSERS) {
      if (factory.format === 'normalized' && !this.options.acceptNormalized) continue;
      const parser = this.instance(factory.format);
      if (parser !== this.lastMatched && this.sniffs(parser, record)) {
        this.lastMatched = parser;
        return parser;
      }
    }
    return undefined;
  }

  private sniffs(parser: RecordParser, record: RecordInput): boolean {
    try {
      return parser.sniff(record);
    } catch {
      return false;
    }
  }

  private instance(format: FormatName): RecordParser {
    let parser = this.parsers.get(format);
    if (!parser) {
      parser = parserFor(format).create();
      this.parsers.set(format, parser);
    }
    return parser;
  }

  private take(parser: RecordParser, record: RecordInput, run: () => ParseOutcome): void {
    let outcome: ParseOutcome;
    try {
      outcome = run();
    } catch (error) {
      outcome = {
        ok: false,
        error: {
          code: 'invalid-record',
          format: parser.format,
          reason: `parser failed: ${(error as Error).message}`,
          position: record.position,
          excerpt: excerptOf(record.text),
        },
      };
    }
    this.record(parser, outcome);
  }

  private record(parser: RecordParser, outcome: ParseOutcome): void {
    if (!outcome.ok) {
      this.addError(outcome.error);
      return;
    }
    if (outcome.events.length === 0) return;
    for (const event of outcome.events) this.events.push(event);
    this.eventsByFormat[parser.format] = (this.eventsByFormat[parser.format] ?? 0) + outcome.events.length;
  }

  private addError(error: ParseError): void {
    this.errors.push(error);
    this.errorsByFormat[error.format] = (this.errorsByFormat[error.format] ?? 0) + 1;
  }
}
