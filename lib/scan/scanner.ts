import { AllowlistMatcher, type CompiledEntry, compileEntry, isExpired } from '../allowlist/match';
import {
  type AllowlistEntry,
  atLeast,
  type Detection,
  type FormatName,
  type NormalizedEvent,
  type ParseError,
  type Severity,
} from '../model';
import type { ParsedBatch } from '../sources';
import { ScanAlertBuilder, type ScanRecord } from './record';

/** The rule set (RuleSet fits). */
export interface ScanMatcher {
  match(event: NormalizedEvent): Detection[];
}

/** Correlation over a batch's detections (Correlator fits). */
export interface ScanCorrelator {
  process(detections: readonly Detection[]): Promise<readonly Detection[]>;
}

export interface ScanOptions {
  readonly ruleSet: ScanMatcher;
  readonly correlator?: ScanCorrelator;
  /** Rules whose detections only feed correlations (Sigma `generate: false`): counted, never printed alone. */
  readonly correlationOnly?: ReadonlySet<string>;
  readonly allowlist?: readonly AllowlistEntry[];
  readonly minSeverity: Severity;
  /** Epoch ms that decides which allowlist entries have expired. */
  readonly nowMs: number;
  /** How many parse errors the summary keeps verbatim. */
  readonly keepErrors?: number;
  /** Dedup window of rules that set none (the pipeline's DEDUP_WINDOW_SECONDS); default one hour. */
  readonly dedupWindowSeconds?: number;
}

export interface RuleCount {
  readonly title: string;
  count: number;
}

/** What a scan did, accumulated over every batch. */
export interface ScanSummary {
  records: number;
  events: number;
  eventsByFormat: Partial<Record<FormatName, number>>;
  parseErrors: number;
  parseErrorsByFormat: Partial<Record<FormatName | 'unknown', number>>;
  /** The first few parse errors, for the reason and position. */
  firstErrors: ParseError[];
  detections: number;
  correlationOnly: number;
  belowMinSeverity: number;
  alerts: number;
  alertsByRule: Record<string, RuleCount>;
  suppressed: number;
  /** Suppressed detections per allowlist entry host. */
  suppressedByHost: Record<string, number>;
  /** Allowlist entries ignored because they had expired. */
  expiredEntries: number;
}

export function emptySummary(): ScanSummary {
  return {
    records: 0,
    events: 0,
    eventsByFormat: {},
    parseErrors: 0,
    parseErrorsByFormat: {},
    firstErrors: [],
    detections: 0,
    correlationOnly: 0,
    belowMinSeverity: 0,
    alerts: 0,
    alertsByRule: {},
    suppressed: 0,
    suppressedByHost: {},
    expiredEntries: 0,
  };
}

const DEFAULT_KEEP_ERRORS = 5;

function add<K extends string>(counts: Partial<Record<K, number>>, key: K, value: number): void {
  counts[key] = (counts[key] ?? 0) + value;
}

/**
 * The scan core: detect (rules, then correlation) -> drop correlation-only and below-minimum detections ->
 * allowlist -> alerts (vmsentry.alert.v1). No suppression of repeats: a scan prints every alert, each with its place in
 * its dedup window. Feed it batches in input order; correlation
 * state carries across batches.
 */
export class Scanner {
  private readonly matcher: AllowlistMatcher;
  private readonly state = emptySummary();
  private readonly alerts: ScanAlertBuilder;

  constructor(private readonly options: ScanOptions) {
    const live: CompiledEntry[] = [];
    for (const entry of options.allowlist ?? []) {
      if (isExpired(entry, options.nowMs)) this.state.expiredEntries++;
      else live.push(compileEntry(entry));
    }
    this.matcher = new AllowlistMatcher(live);
    this.alerts = new ScanAlertBuilder({
      nowMs: options.nowMs,
      ...(options.dedupWindowSeconds !== undefined ? { windowSeconds: options.dedupWindowSeconds } : {}),
    });
  }

  async scan(batch: ParsedBatch): Promise<ScanRecord[]> {
    this.count(batch);
    const matched: Detection[] = [];
    for (const event of batch.events)
      for (const detection of this.options.ruleSet.match(event)) matched.push(detection);
    const correlated =
      this.options.correlator && matched.length > 0 ? await this.options.correlator.process(matched) : [];
    const out: ScanRecord[] = [];
    for (const detection of [...matched, ...correlated]) {
      const record = this.decide(detection);
      if (record) out.push(record);
    }
    return out;
  }

  /** A snapshot of the counts so far. */
  summary(): ScanSummary {
    return structuredClone(this.state);
  }

  private count(batch: ParsedBatch): void {
    const s = this.state;
    s.records += batch.records;
    s.events += batch.events.length;
    s.parseErrors += batch.errors.length;
    for (const [format, value] of Object.entries(batch.eventsByFormat))
      add(s.eventsByFormat, format as FormatName, value);
    for (const [format, value] of Object.entries(batch.errorsByFormat))
      add(s.parseErrorsByFormat, format as FormatName, value);
    const keep = this.options.keepErrors ?? DEFAULT_KEEP_ERRORS;
    for (const error of batch.errors) {
      if (s.firstErrors.length >= keep) break;
      s.firstErrors.push(error);
    }
  }

  private decide(detection: Detection): ScanRecord | undefined {
    const s = this.state;
    s.detections++;
    if (this.options.correlationOnly?.has(detection.rule.id)) {
      s.correlationOnly++;
      return undefined;
    }
    if (!atLeast(detection.severity, this.options.minSeverity)) {
      s.belowMinSeverity++;
      return undefined;
    }
    const entry = this.matcher.size > 0 ? this.matcher.find(detection, this.options.nowMs) : undefined;
    if (entry) {
      s.suppressed++;
      add(s.suppressedByHost, entry.entry.host, 1);
      return undefined;
    }
    s.alerts++;
    const byRule = s.alertsByRule[detection.rule.id] ?? { title: detection.rule.title, count: 0 };
    byRule.count++;
    s.alertsByRule[detection.rule.id] = byRule;
    return this.alerts.alertOf(detection);
  }
}
