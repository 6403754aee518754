import { alertIdOf, buildAlert } from './alerts/build';
import { type AlertFallback, fallbackAlert, fallbackOf } from './alerts/fallback';
import type { AlertPublisher, PublishReport } from './alerts/publisher';
import { isoTime, timeRangeNote } from './alerts/time';
import { AllowlistMatcher, type CompiledEntry } from './allowlist/match';
import { type AllowlistStore, compiledEntriesFor } from './allowlist/store';
import { type DedupKey, dedupKeyOf, eventKeyOf } from './dedup/key';
import type { ClaimDecision, ClaimTicket } from './dedup/state';
import type { DedupStore } from './dedup/store';
import {
  type Alert,
  type AllowlistStatus,
  atLeast,
  type Detection,
  hostKeys,
  type NormalizedEvent,
  type ParseError,
  type Severity,
  severityRank,
} from './model';
import { mapBounded } from './pipeline/concurrency';
import { emptyCounts, type PipelineCounts } from './pipeline/counts';
import { type DetectedBatch, detectParsed, isDetected } from './pipeline/detect-stream';
import { collapseFloods, DEFAULT_ALERT_FLOOD_THRESHOLD, type FloodSummary } from './pipeline/flood';
import type { ParsedBatch } from './sources';

export type { PipelineCounts } from './pipeline/counts';
export { BatchDetector, type DetectedBatch } from './pipeline/detect-stream';

/** The rule set: compiled once per cold start. */
export interface DetectionMatcher {
  match(event: NormalizedEvent): Detection[];
  /** Whether any rule could see the event (category and route); events none could are dropped before matching. */
  couldSee?(event: NormalizedEvent): boolean;
}

/** Correlation over the batch's detections: returns the detections correlation rules raise from them. */
export interface DetectionCorrelator {
  process(detections: readonly Detection[]): Promise<readonly Detection[]>;
}

export interface PipelineConfig {
  /** Dedup window for rules that set none. */
  readonly dedupWindowSeconds: number;
  readonly minSeverity: Severity;
  /** Claims and confirms in flight at once. */
  readonly stateConcurrency?: number;
  /**
   * Distinct hosts one rule may name from one source in one batch before its detections are reported as one flood
   * alert (default DEFAULT_ALERT_FLOOD_THRESHOLD, 50; 0 turns collapsing off).
   */
  readonly alertFloodThreshold?: number;
}

/** Hooks for the composition root's logger; the pipeline itself never logs. */
export interface PipelineObserver {
  allowlisted?(detection: Detection, entry: CompiledEntry): void;
  failClosed?(error: unknown, hosts: readonly string[]): void;
  confirmLost?(alert: Alert, error?: unknown): void;
  releaseFailed?(ticket: ClaimTicket, error: unknown): void;
  /** A rule named more hosts from one source than the flood threshold: its detections went out as one alert. */
  flood?(flood: FloodSummary): void;
  /** An alert could not be built or rendered and went out as a minimal fallback alert. */
  alertFallback?(fallback: AlertFallback): void;
}

export interface PipelineDeps {
  readonly ruleSet: DetectionMatcher;
  readonly correlator?: DetectionCorrelator;
  /** Rules whose detections only feed correlations (Sigma `generate: false`): counted, never alerted on their own. */
  readonly correlationOnly?: ReadonlySet<string>;
  readonly allowlist: AllowlistStore;
  readonly dedup: DedupStore;
  readonly publisher: AlertPublisher;
  /** Epoch milliseconds. */
  readonly clock: () => number;
  readonly config: PipelineConfig;
  readonly observer?: PipelineObserver;
}

export interface PipelineOutcome {
  readonly counts: PipelineCounts;
  /** Alerts published by this run. */
  readonly alerts: readonly Alert[];
  /** Parse errors of the batch, for the composition root to log with reason and position. */
  readonly parseErrors: readonly ParseError[];
  /** 'unfiltered' when the allowlist could not be read; undefined when there was nothing to look up. */
  readonly allowlist?: AllowlistStatus;
}

/** Some alerts could not be published. Their claims were released; the invocation must fail so the batch is retried. */
export class AlertsNotPublishedError extends Error {
  override readonly name = 'AlertsNotPublishedError';
  constructor(
    readonly outcome: PipelineOutcome,
    readonly failures: readonly { readonly id: string; readonly error: Error }[],
  ) {
    super(`${failures.length} alert(s) not published: ${failures[0]?.error.message ?? 'unknown error'}`, {
      cause: failures[0]?.error,
    });
  }
}

/**
 * Another claim on some keys is still live and this batch's events were already counted under it (most likely this
 * very batch, retried after a failed publish whose release also failed). Everything else was delivered; the
 * invocation must fail so the batch is retried once the lease has run out, never suppressed into a lost alert.
 */
export class ClaimsPendingError extends Error {
  override readonly name = 'ClaimsPendingError';
  constructor(
    readonly outcome: PipelineOutcome,
    readonly keys: readonly string[],
  ) {
    super(`${keys.length} dedup claim(s) held by an unfinished attempt: retry after the lease`);
  }
}

/**
 * Some keys could not be claimed (DynamoDB error, or a key so busy that its optimistic writes kept losing). Every other
 * key was delivered; the invocation must fail so the batch is retried, and the retry finds the delivered keys
 * published (suppressed) and claims the failed ones.
 */
export class DedupStageError extends Error {
  override readonly name = 'DedupStageError';
  constructor(
    readonly outcome: PipelineOutcome,
    cause: unknown,
    /** Partition keys whose claim failed. */
    readonly keys: readonly string[] = [],
  ) {
    super(`dedup state unavailable: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

interface Group {
  readonly key: DedupKey;
  readonly detections: Detection[];
}

interface Claimed {
  readonly group: Group;
  readonly decision: ClaimDecision;
}

const DEFAULT_STATE_CONCURRENCY = 8;

/**
 * One batch through detect -> allowlist -> dedup -> publish. A batch without detections makes no call to any port.
 * Throws AlertsNotPublishedError / DedupStageError (after releasing claims) when something could not be delivered.
 * The batch is parsed whole, or already detected record by record (BatchDetector, with the same rule set): then only
 * its detections reach here, never its events.
 */
export async function runPipeline(input: ParsedBatch | DetectedBatch, deps: PipelineDeps): Promise<PipelineOutcome> {
  const batch = isDetected(input) ? input : detectParsed(input, deps.ruleSet);
  const counts = countsOf(batch);
  const outcome = (alerts: readonly Alert[], allowlist?: AllowlistStatus): PipelineOutcome => ({
    counts,
    alerts,
    parseErrors: batch.errors,
    ...(allowlist ? { allowlist } : {}),
  });

  const detections = await correlate(batch.matched, deps);
  counts.detections = detections.length;
  for (const detection of detections) {
    counts.matchesByRule[detection.rule.id] = (counts.matchesByRule[detection.rule.id] ?? 0) + 1;
  }
  const alertable = deps.correlationOnly?.size
    ? detections.filter((detection) => !deps.correlationOnly?.has(detection.rule.id))
    : detections;
  counts.correlationOnly = detections.length - alertable.length;
  const relevant = alertable.filter((detection) => atLeast(detection.severity, deps.config.minSeverity));
  counts.belowMinSeverity = alertable.length - relevant.length;
  if (relevant.length === 0) return outcome([]);

  // Before the allowlist: a flood costs one lookup, one claim and one message, not one per forged host.
  const unflooded = collapseAlertFloods(relevant, deps, counts);
  const { kept, status } = await applyAllowlist(unflooded, deps, counts);
  if (kept.length === 0) return outcome([], status);

  const groups = groupByDedupKey(kept, deps.config.dedupWindowSeconds);
  const { claimed, failures } = await claimAll(groups, deps, counts);
  const { toPublish, pending } = sortClaims(claimed, status, counts);
  const { published, failed } = await publishAndConfirm(toPublish, deps, counts);

  const result = outcome(
    published.map((item) => item.alert),
    status,
  );
  if (failed.length > 0) {
    await releaseAll(
      failed.map((item) => item.ticket),
      deps,
    );
    throw new AlertsNotPublishedError(
      result,
      failed.map((item) => ({ id: item.alert.id, error: item.error })),
    );
  }
  // Claim failures are per key: the other keys went out above; this forces the retry the failed keys need.
  if (failures.length > 0)
    throw new DedupStageError(
      result,
      failures[0]?.error,
      failures.map((failure) => failure.pk),
    );
  if (pending.length > 0) throw new ClaimsPendingError(result, pending);
  return result;
}

function countsOf(batch: DetectedBatch): PipelineCounts {
  const counts = emptyCounts();
  counts.records = batch.records;
  counts.parseErrors = batch.errors.length;
  counts.parseErrorsByFormat = { ...batch.errorsByFormat };
  counts.unknownFormat = batch.unknown;
  counts.events = batch.eventCount;
  counts.eventsByFormat = { ...batch.eventsByFormat };
  counts.eventsUnrouted = batch.eventsUnrouted;
  return counts;
}

interface ToPublish {
  readonly alert: Alert;
  readonly ticket: ClaimTicket;
}

/** Claimed keys become alerts; suppressed ones are counted; pending ones make the run fail after delivery. */
function sortClaims(
  claimed: readonly Claimed[],
  status: AllowlistStatus,
  counts: PipelineCounts,
): { toPublish: ToPublish[]; pending: string[] } {
  const toPublish: ToPublish[] = [];
  const pending: string[] = [];
  for (const { group, decision } of claimed) {
    if (decision.kind === 'pending') {
      counts.pending += group.detections.length;
      pending.push(group.key.pk);
    } else if (decision.kind === 'suppress') {
      counts.deduplicated += group.detections.length;
    } else {
      counts.deduplicated += group.detections.length - 1;
      toPublish.push({ alert: alertFor(group, decision, status), ticket: decision.ticket });
    }
  }
  return { toPublish, pending };
}

/** Alerts handed to the publisher at once: bounds the messages rendered and held while a flood of alerts goes out. */
export const PUBLISH_CHUNK = 50;

/**
 * Publish calls of at most PUBLISH_CHUNK alerts, one after another, then a confirm for each one published. Only what
 * the publisher reports as published counts as published; anything it does not mention has failed.
 */
async function publishAndConfirm(
  toPublish: readonly ToPublish[],
  deps: PipelineDeps,
  counts: PipelineCounts,
): Promise<{ published: ToPublish[]; failed: (ToPublish & { error: Error })[] }> {
  if (toPublish.length === 0) return { published: [], failed: [] };
  const published: ToPublish[] = [];
  const failed: (ToPublish & { error: Error })[] = [];
  for (let start = 0; start < toPublish.length; start += PUBLISH_CHUNK) {
    const chunk = toPublish.slice(start, start + PUBLISH_CHUNK);
    for (const item of chunk) {
      const fallback = fallbackOf(item.alert);
      if (fallback) noteFallback(fallback, deps, counts);
    }
    const report = await publishAll(
      deps.publisher,
      chunk.map((item) => item.alert),
    );
    for (const fallback of report.fallbacks ?? []) noteFallback(fallback, deps, counts);
    const publishedIds = new Set(report.published);
    const failedIds = new Map(report.failed.map((failure) => [failure.id, failure.error]));
    for (const item of chunk) {
      const error = failedIds.get(item.alert.id);
      if (publishedIds.has(item.alert.id) && !error) published.push(item);
      else failed.push({ ...item, error: error ?? new Error('the publisher did not report this alert as published') });
    }
  }
  counts.published = published.length;
  counts.publishFailures = failed.length;

  const concurrency = deps.config.stateConcurrency ?? DEFAULT_STATE_CONCURRENCY;
  const confirmations = await mapBounded(published, concurrency, (item) => deps.dedup.confirm(item.ticket));
  confirmations.forEach((result, index) => {
    if (result.status === 'fulfilled' && result.value) return;
    // The alert is out: a lost confirm only means a duplicate is possible later, so it does not fail the run.
    counts.confirmLost += 1;
    const alert = (published[index] as ToPublish).alert;
    deps.observer?.confirmLost?.(alert, result.status === 'rejected' ? result.reason : undefined);
  });
  return { published, failed };
}

function noteFallback(fallback: AlertFallback, deps: PipelineDeps, counts: PipelineCounts): void {
  counts.alertFallbacks += 1;
  deps.observer?.alertFallback?.(fallback);
}

/** Floods of one rule from one source become one detection each; counted and reported to the observer. */
function collapseAlertFloods(
  detections: readonly Detection[],
  deps: PipelineDeps,
  counts: PipelineCounts,
): Detection[] {
  const threshold = deps.config.alertFloodThreshold ?? DEFAULT_ALERT_FLOOD_THRESHOLD;
  const { detections: out, floods } = collapseFloods(detections, threshold);
  for (const flood of floods) {
    counts.floods += 1;
    counts.floodCollapsed += flood.detections;
    deps.observer?.flood?.(flood);
  }
  return out;
}

/** Correlation over the batch's rule matches (routing and matching: pipeline/detect-stream.ts). */
async function correlate(matched: readonly Detection[], deps: PipelineDeps): Promise<readonly Detection[]> {
  if (!deps.correlator || matched.length === 0) return matched;
  const correlated = await deps.correlator.process(matched);
  return [...matched, ...correlated];
}

/**
 * One allowlist read for every host of the batch. Fail closed: if the allowlist cannot be read, nothing is
 * suppressed and the alerts say so ('unfiltered').
 */
async function applyAllowlist(
  detections: readonly Detection[],
  deps: PipelineDeps,
  counts: PipelineCounts,
): Promise<{ kept: Detection[]; status: AllowlistStatus }> {
  const keys = [...new Set(detections.flatMap((detection) => hostKeys(detection.event.host)))];
  let matcher: AllowlistMatcher;
  try {
    // Compiled entries are cached with the entries (CachedAllowlistStore); the index by rule scope is per batch.
    matcher = new AllowlistMatcher(await compiledEntriesFor(deps.allowlist, keys));
  } catch (error) {
    counts.failClosedLookups += 1;
    deps.observer?.failClosed?.(error, keys);
    return { kept: [...detections], status: 'unfiltered' };
  }
  const now = deps.clock();
  const kept: Detection[] = [];
  for (const detection of detections) {
    const entry = matcher.size > 0 ? matcher.find(detection, now) : undefined;
    if (entry) {
      counts.allowlisted += 1;
      deps.observer?.allowlisted?.(detection, entry);
    } else {
      kept.push(detection);
    }
  }
  return { kept, status: 'checked' };
}

function groupByDedupKey(detections: readonly Detection[], defaultWindowSeconds: number): Group[] {
  const groups = new Map<string, Group>();
  for (const detection of detections) {
    const key = dedupKeyOf(detection, defaultWindowSeconds);
    const group = groups.get(key.pk);
    if (group) group.detections.push(detection);
    else groups.set(key.pk, { key, detections: [detection] });
  }
  return [...groups.values()];
}

/**
 * Claim every group, at most `stateConcurrency` at once. A failed claim fails only its own key (isolated): the other
 * keys go on to publish, and the run fails afterwards so the failed keys are retried (docs/dedup-protocol.md).
 */
async function claimAll(
  groups: readonly Group[],
  deps: PipelineDeps,
  counts: PipelineCounts,
): Promise<{ claimed: Claimed[]; failures: { pk: string; error: unknown }[] }> {
  const now = deps.clock();
  const results = await mapBounded(groups, deps.config.stateConcurrency ?? DEFAULT_STATE_CONCURRENCY, (group) => {
    const times = group.detections.map((detection) => detection.event.timeMs);
    const speaker = representative(group);
    return deps.dedup.claim({
      title: speaker.rule.title,
      severity: speaker.severity,
      pk: group.key.pk,
      ruleId: group.key.ruleId,
      host: group.key.host,
      windowSeconds: group.key.windowSeconds,
      eventKeys: group.detections.map((detection) => eventKeyOf(detection.event)),
      firstSeenMs: times.reduce((a, b) => Math.min(a, b)),
      lastSeenMs: times.reduce((a, b) => Math.max(a, b)),
      nowMs: now,
    });
  });
  const claimed: Claimed[] = [];
  const failures: { pk: string; error: unknown }[] = [];
  results.forEach((result, index) => {
    const group = groups[index] as Group;
    if (result.status === 'fulfilled') {
      claimed.push({ group, decision: result.value });
    } else {
      counts.claimFailures += group.detections.length;
      failures.push({ pk: group.key.pk, error: result.reason });
    }
  });
  return { claimed, failures };
}

async function releaseAll(tickets: readonly ClaimTicket[], deps: PipelineDeps): Promise<void> {
  const results = await mapBounded(tickets, deps.config.stateConcurrency ?? DEFAULT_STATE_CONCURRENCY, (ticket) =>
    deps.dedup.release(ticket),
  );
  results.forEach((result, index) => {
    // A release that fails leaves a claim whose lease runs out: the retry takes over then. Not lost, only later.
    if (result.status === 'rejected') deps.observer?.releaseFailed?.(tickets[index] as ClaimTicket, result.reason);
  });
}

/** The group's most severe detection speaks for it (the first one on a tie). */
function representative(group: Group): Detection {
  return group.detections.reduce((best, detection) =>
    severityRank(detection.severity) > severityRank(best.severity) ? detection : best,
  );
}

/**
 * The group's alert. Never throws: times are formatted through isoTime (a forged or broken time is clamped and the
 * alert says so), and if building still fails the detection goes out as a minimal fallback alert.
 */
function alertFor(group: Group, decision: Extract<ClaimDecision, { kind: 'publish' }>, status: AllowlistStatus): Alert {
  const detection = representative(group);
  const { window, previous } = decision;
  const dedup: Alert['dedup'] = {
    key: group.key.hash,
    count: window.count,
    firstSeen: isoTime(window.firstSeenMs),
    lastSeen: isoTime(window.lastSeenMs),
    windowSeconds: window.windowSeconds,
  };
  try {
    const context = [...(detection.context ?? [])];
    const note = timeRangeNote('event time', detection.event.timeMs);
    if (note) context.push(note);
    if (previous && previous.count > 0) {
      context.push(
        `${previous.count} event(s) for this rule and host in the previous window from ${isoTime(previous.windowStartMs)}` +
          (previous.published ? ' (alerted once then, repeats counted)' : ' (never alerted)'),
      );
    }
    return buildAlert({
      detection: { ...detection, context },
      dedup,
      allowlist: status,
      windowStartMs: window.windowStartMs,
    });
  } catch (error) {
    return fallbackAlert(
      {
        id: fallbackIdOf(detection, dedup, status, window.windowStartMs),
        ruleId: detection.rule.id,
        title: detection.rule.title,
        severity: detection.severity,
        host: group.key.host,
        event: detection.event,
        input: detection.event.provenance,
        dedup,
        allowlist: status,
      },
      error,
    );
  }
}

/**
 * The id the full alert would have carried, so a retry that renders fully is deduplicated against this fallback:
 * buildAlert on the detection stripped of its evidence (the id depends on rule, host and dedup state only).
 */
function fallbackIdOf(
  detection: Detection,
  dedup: Alert['dedup'],
  status: AllowlistStatus,
  windowStartMs: number,
): string {
  try {
    const { raw: _raw, ...event } = detection.event;
    return buildAlert({
      detection: { rule: detection.rule, severity: detection.severity, event: { ...event, fields: {} } },
      dedup,
      allowlist: status,
      windowStartMs,
    }).id;
  } catch {
    // The id is a hash of the dedup key and the window start (lib/alerts/build.ts), whatever else failed.
    return alertIdOf(dedup.key, isoTime(windowStartMs));
  }
}

/** A publisher that throws has failed every alert it was given. */
async function publishAll(publisher: AlertPublisher, alerts: readonly Alert[]): Promise<PublishReport> {
  try {
    return await publisher.publish(alerts);
  } catch (error) {
    const cause = error instanceof Error ? error : new Error(String(error));
    return { published: [], failed: alerts.map((alert) => ({ id: alert.id, error: cause })) };
  }
}
