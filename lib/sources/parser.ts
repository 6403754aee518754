import type { FormatName, NormalizedEvent, ParseError, RecordPosition } from '../model';

/** What the envelope knows about where a batch of records came from; parsers use it for host fallback. */
export interface SourceContext {
  readonly logGroup?: string;
  readonly logStream?: string;
  /** Account/region of the CloudWatch envelope (owner), if known. */
  readonly accountId?: string;
  readonly region?: string;
  /**
   * The format a log-group hint names: tried first for every record; a record that does not fit it is still
   * auto-detected (log groups often carry more than one shape).
   */
  readonly formatHint?: FormatName;
}

/** One record as the envelope delivered it. */
export interface RecordInput {
  /** The record text: one log line, one CloudWatch message, one SQS inline event. */
  readonly text: string;
  /**
   * The record parsed as JSON when its text is a JSON object (done once by the dispatcher), else undefined.
   * Parsers for JSON formats read this and never parse `text` again.
   */
  readonly json: Readonly<Record<string, unknown>> | undefined;
  /** CloudWatch event timestamp (epoch ms) when the envelope has one: the fallback event time. */
  readonly timestampMs?: number;
  readonly position: RecordPosition;
  readonly context: SourceContext;
}

/**
 * The result of feeding one record to a parser.
 * `events` may be empty: the record was valid but produced nothing yet (an auditd line waiting for the rest of its
 * group, a PowerShell fragment waiting for its siblings) or is valid but irrelevant (a Kubernetes `get`).
 */
export type ParseOutcome =
  | { readonly ok: true; readonly events: readonly NormalizedEvent[] }
  | { readonly ok: false; readonly error: ParseError };

/** A parser instance for one batch. Stateful parsers (auditd, PowerShell 4104) group records within a batch. */
export interface RecordParser {
  readonly format: FormatName;
  /** Cheap structural check: does this record look like this format? No full parse. */
  sniff(input: RecordInput): boolean;
  parse(input: RecordInput): ParseOutcome;
  /** End of batch: emit what is still grouped (incomplete groups are emitted, marked, never dropped). */
  flush?(): readonly ParseOutcome[];
}

/** A format's entry in the registry: a fresh parser per batch. */
export interface ParserFactory {
  readonly format: FormatName;
  readonly description: string;
  create(): RecordParser;
}

export function ok(events: readonly NormalizedEvent[]): ParseOutcome {
  return { ok: true, events };
}

export const NOTHING: ParseOutcome = { ok: true, events: [] };
