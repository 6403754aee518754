/**
 * Parse and detect record by record. The composition roots push records as their decoders produce them; each
 * record's events go straight to the rule set and only the detections stay. A batch never holds its decoded payload,
 * every parsed event and every detection at once: memory is the detections plus one record's events.
 */
import type { Detection, NormalizedEvent, ParseError } from '../model';
import type { DetectionMatcher } from '../pipeline';
import { BatchParser, type ParsedBatch, type ParseOptions } from '../sources/dispatch';
import { type CloudWatchDecodeOptions, decodeCloudWatchEvent } from '../sources/envelopes/cloudwatch';
import { streamCloudWatchEvent } from '../sources/envelopes/cloudwatch-stream';
import type { RecordInput } from '../sources/parser';

/** What the pipeline needs of a parsed batch once detection ran: its parse counts and errors, and the detections. */
export interface DetectedBatch extends Omit<ParsedBatch, 'events'> {
  /** Events parsed (what ParsedBatch.events.length was). */
  readonly eventCount: number;
  /** Events no rule could see (category or channel no loaded rule uses), dropped before matching. */
  readonly eventsUnrouted: number;
  /** Rule matches, in event order (correlation runs later, in the pipeline). */
  readonly matched: readonly Detection[];
}

/** Route and match one event, the same way for a whole ParsedBatch and for a stream. */
function detectEvent(event: NormalizedEvent, matcher: DetectionMatcher, into: Detection[]): boolean {
  if (matcher.couldSee && matcher.couldSee(event) !== true) return false;
  for (const detection of matcher.match(event)) into.push(detection);
  return true;
}

/** Detection over a batch already parsed whole (the CLI, inline SQS bodies): the same per-event steps. */
export function detectParsed(batch: ParsedBatch, matcher: DetectionMatcher): DetectedBatch {
  const matched: Detection[] = [];
  let unrouted = 0;
  for (const event of batch.events) if (!detectEvent(event, matcher, matched)) unrouted++;
  const { events, ...rest } = batch;
  return { ...rest, eventCount: events.length, eventsUnrouted: unrouted, matched };
}

/**
 * BatchParser with detection on each record's events as they come. `drain` hands over a batch for one pipeline run
 * and keeps the parsers' grouping state (auditd, PowerShell script blocks) for the next; `finish` flushes it.
 */
export class BatchDetector {
  private readonly parser: BatchParser;
  private matched: Detection[] = [];
  private unrouted = 0;
  private eventCount = 0;
  private pushed = 0;

  constructor(
    private readonly matcher: DetectionMatcher,
    options: ParseOptions = {},
  ) {
    this.parser = new BatchParser(options);
  }

  /** Records pushed since the last drain (a caller's run boundary). */
  get records(): number {
    return this.pushed;
  }

  push(record: RecordInput): void {
    this.pushed++;
    this.parser.push(record);
    this.detect(this.parser.takeEvents());
  }

  drain(): DetectedBatch {
    return this.handOver(this.parser.drain());
  }

  finish(): DetectedBatch {
    return this.handOver(this.parser.finish());
  }

  private detect(events: readonly NormalizedEvent[]): void {
    this.eventCount += events.length;
    for (const event of events) if (!detectEvent(event, this.matcher, this.matched)) this.unrouted++;
  }

  private handOver(parsed: ParsedBatch): DetectedBatch {
    this.detect(parsed.events);
    const { events: _events, ...rest } = parsed;
    const batch: DetectedBatch = {
      ...rest,
      eventCount: this.eventCount,
      eventsUnrouted: this.unrouted,
      matched: this.matched,
    };
    this.matched = [];
    this.unrouted = 0;
    this.eventCount = 0;
    this.pushed = 0;
    return batch;
  }
}

export function isDetected(batch: ParsedBatch | DetectedBatch): batch is DetectedBatch {
  return 'matched' in batch;
}

/** A CloudWatch subscription delivery decoded, parsed and detected log event by log event. */
export type DetectedDelivery =
  | { readonly kind: 'control' }
  | { readonly kind: 'error'; readonly error: ParseError }
  | { readonly kind: 'detected'; readonly batch: DetectedBatch; readonly envelopeErrors: readonly ParseError[] };

/**
 * Each log event is parsed and detected as the payload is read (envelopes/cloudwatch-stream.ts). A payload off that
 * path is decoded whole instead (what was detected from it so far is dropped: detection has no effects), so the
 * answer is always the one the whole decode gives.
 */
export function detectCloudWatchDelivery(
  event: unknown,
  matcher: DetectionMatcher,
  options: CloudWatchDecodeOptions = {},
): DetectedDelivery {
  const detector = new BatchDetector(matcher);
  const envelopeErrors: ParseError[] = [];
  const streamed = streamCloudWatchEvent(
    event,
    { record: (record) => detector.push(record), error: (error) => envelopeErrors.push(error) },
    options,
  );
  if (streamed.kind === 'records') return { kind: 'detected', batch: detector.finish(), envelopeErrors };
  if (streamed.kind === 'control') return { kind: 'control' };
  if (streamed.kind === 'error') return streamed;
  const decoded = decodeCloudWatchEvent(event, options);
  if (!decoded.ok) return { kind: 'error', error: decoded.error };
  if (decoded.control) return { kind: 'control' };
  const whole = new BatchDetector(matcher);
  for (const record of decoded.records) whole.push(record);
  return { kind: 'detected', batch: whole.finish(), envelopeErrors: decoded.errors };
}
