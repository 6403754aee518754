import type { FormatName } from '../model';

/** What one pipeline run did, for metrics and logs. Every detection ends in exactly one of the final buckets. */
export interface PipelineCounts {
  records: number;
  parseErrors: number;
  parseErrorsByFormat: Partial<Record<FormatName | 'unknown', number>>;
  unknownFormat: number;
  events: number;
  eventsByFormat: Partial<Record<FormatName, number>>;
  /** Events dropped before detection: of a category or channel no loaded rule uses. */
  eventsUnrouted: number;
  /** Detections (rule matches and correlations) before any filter. */
  detections: number;
  matchesByRule: Record<string, number>;
  /** Detections of rules that only feed correlations. */
  correlationOnly: number;
  belowMinSeverity: number;
  allowlisted: number;
  /** Detections folded into an alert already published (or being published) in their window. */
  deduplicated: number;
  /** Detections whose key is claimed by an unfinished attempt that already counted them: the batch is retried. */
  pending: number;
  /** Alerts published. */
  published: number;
  publishFailures: number;
  /** Detections whose dedup claim failed (DynamoDB error or a contended key): the batch is retried for them. */
  claimFailures: number;
  /** Allowlist lookups that failed, so alerts went out 'unfiltered'. */
  failClosedLookups: number;
  /** Alerts published whose confirm failed or found the claim taken over: a duplicate alert is possible. */
  confirmLost: number;
  /** Alert floods: rule and source pairs that named more hosts in one batch than the flood threshold. */
  floods: number;
  /** Detections folded into a flood alert (each flood then goes on as one detection). */
  floodCollapsed: number;
  /** Alerts that could not be built or rendered and went out as a minimal fallback alert instead. */
  alertFallbacks: number;
}

export function emptyCounts(): PipelineCounts {
  return {
    records: 0,
    parseErrors: 0,
    parseErrorsByFormat: {},
    unknownFormat: 0,
    events: 0,
    eventsByFormat: {},
    eventsUnrouted: 0,
    detections: 0,
    matchesByRule: {},
    correlationOnly: 0,
    belowMinSeverity: 0,
    allowlisted: 0,
    deduplicated: 0,
    pending: 0,
    published: 0,
    publishFailures: 0,
    claimFailures: 0,
    failClosedLookups: 0,
    confirmLost: 0,
    floods: 0,
    floodCollapsed: 0,
    alertFallbacks: 0,
  };
}
