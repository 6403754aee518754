import type { EventCategory, EventFields, FormatName, HostIdentity, NormalizedEvent, Platform } from '../../model';
import { defined, failure, provenanceOf, timeOf } from '../common';
import { ok, type ParseOutcome, type RecordInput } from '../parser';

/** EventFields whose members may be explicitly undefined (what `str()`/`int()` give back). */
export type LooseFields = { [K in keyof EventFields]?: EventFields[K] | undefined };

/** What an EDR parser extracted from one process-start record. */
export interface ProcessStart {
  readonly platform: Platform;
  /** The raw time value; resolved with timeOf() (envelope timestamp as fallback). */
  readonly time: unknown;
  readonly host: HostIdentity;
  /** Undefined values are dropped before the event is built. */
  readonly fields: LooseFields;
  readonly recordId: string | undefined;
  /** The source object the fields came from (one element of a batch, not the batch). */
  readonly raw: Readonly<Record<string, unknown>>;
}

export type ParseFailure = Extract<ParseOutcome, { readonly ok: false }>;

/** The result of building one event: the event or the typed failure of this record. */
export type Built = { readonly ok: true; readonly event: NormalizedEvent } | ParseFailure;

/** failure() narrowed to its failing branch (it never returns success). */
export function fail(...args: Parameters<typeof failure>): ParseFailure {
  return failure(...args) as ParseFailure;
}

/**
 * The process_creation event for an EDR record, or a typed failure when it names neither an image nor a command
 * line (nothing a rule could match) or carries no usable time.
 */
export function buildProcessStart(input: RecordInput, format: FormatName, start: ProcessStart): Built {
  if (start.fields.Image === undefined && start.fields.CommandLine === undefined) {
    return fail(input, format, 'missing-field', 'process start without image path or command line');
  }
  return assemble(input, format, 'process_creation', start, 'process start');
}

/** The event of a category from what a parser extracted, or missing-field when it carries no usable time. */
export function assemble(
  input: RecordInput,
  format: FormatName,
  category: EventCategory,
  start: ProcessStart,
  what: string,
): Built {
  const when = timeOf(start.time, input);
  if (when === undefined) return fail(input, format, 'missing-field', `${what} without a usable time`);
  const event: NormalizedEvent = {
    category,
    platform: start.platform,
    time: when.time,
    timeMs: when.timeMs,
    host: start.host,
    provenance: provenanceOf(input, format, start.recordId),
    fields: defined(start.fields as Record<string, unknown>) as EventFields,
    raw: start.raw,
  };
  return { ok: true, event };
}

/**
 * Runs a parse body and turns an unexpected exception into a typed failure: hostile input must never escape the
 * parse layer, even through a bug.
 */
export function guarded(input: RecordInput, format: FormatName, body: () => ParseOutcome): ParseOutcome {
  try {
    return body();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return failure(input, format, 'invalid-record', `parser error: ${reason}`);
  }
}

/** One built event as a parse outcome. */
export function outcomeOf(built: Built): ParseOutcome {
  return built.ok ? ok([built.event]) : built;
}
