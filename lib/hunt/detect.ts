import type { AlertPublisher } from '../alerts/publisher';
import { StaticAllowlistStore } from '../allowlist/store';
import { MemoryDedupStore } from '../dedup/memory-store';
import type { AllowlistEntry, Severity } from '../model';
import { type DetectionCorrelator, type DetectionMatcher, type PipelineCounts, runPipeline } from '../pipeline';
import type { FormatHint } from '../sources';
import { parseRecords, type RecordInput } from '../sources';
import type { HuntLogEvent } from './pages';

export interface HuntDetectorOptions {
  readonly ruleSet: DetectionMatcher;
  readonly correlator?: DetectionCorrelator;
  readonly correlationOnly?: ReadonlySet<string>;
  readonly allowlist?: readonly AllowlistEntry[];
  /** Where alerts go: stdout (collect) or SNS with --publish. */
  readonly publisher: AlertPublisher;
  readonly minSeverity: Severity;
  readonly dedupWindowSeconds: number;
  readonly formatHints?: readonly FormatHint[];
  readonly clock: () => number;
}

/**
 * The retro-hunt's detection: each page's events through the same pipeline the Lambda runs, with in-memory dedup (a
 * hunt reports each distinct alert once per window) and correlation state kept across pages.
 */
export class HuntDetector {
  private readonly dedup = new MemoryDedupStore();
  private readonly allowlist: StaticAllowlistStore;
  private readonly totals: PipelineCounts[] = [];

  constructor(private readonly options: HuntDetectorOptions) {
    this.allowlist = new StaticAllowlistStore(options.allowlist ?? []);
  }

  async process(logGroup: string, events: readonly HuntLogEvent[]): Promise<PipelineCounts> {
    const hint = this.options.formatHints?.find((candidate) => logGroup.startsWith(candidate.prefix))?.format;
    const records: RecordInput[] = events.map((event, index) => ({
      text: event.message,
      json: jsonObject(event.message),
      timestampMs: event.timestampMs,
      position: {
        envelope: 'cloudwatch',
        index,
        logGroup,
        logStream: event.logStream,
        ...(event.eventId ? { eventId: event.eventId } : {}),
      },
      context: { logGroup, logStream: event.logStream, ...(hint ? { formatHint: hint } : {}) },
    }));
    const outcome = await runPipeline(parseRecords(records), {
      ruleSet: this.options.ruleSet,
      ...(this.options.correlator ? { correlator: this.options.correlator } : {}),
      ...(this.options.correlationOnly ? { correlationOnly: this.options.correlationOnly } : {}),
      allowlist: this.allowlist,
      dedup: this.dedup,
      publisher: this.options.publisher,
      clock: this.options.clock,
      config: { dedupWindowSeconds: this.options.dedupWindowSeconds, minSeverity: this.options.minSeverity },
    });
    this.totals.push(outcome.counts);
    return outcome.counts;
  }

  /** Sum of the counts that matter for the summary line. */
  summary(): { records: number; events: number; parseErrors: number; detections: number; published: number } {
    const sum = (pick: (counts: PipelineCounts) => number) =>
      this.totals.reduce((total, counts) => total + pick(counts), 0);
    return {
      records: sum((counts) => counts.records),
      events: sum((counts) => counts.events),
      parseErrors: sum((counts) => counts.parseErrors),
      detections: sum((counts) => counts.detections),
      published: sum((counts) => counts.published),
    };
  }
}

function jsonObject(text: string): Readonly<Record<string, unknown>> | undefined {
  if (!text.trimStart().startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
