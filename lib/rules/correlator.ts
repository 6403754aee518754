import { createHash } from 'node:crypto';
import { type Detection, describePosition, type NormalizedEvent, primaryHostName } from '../model';
import { mapBounded } from '../pipeline/concurrency';
import { scalarText } from './context';
import type { CorrelationHit, CorrelationStore } from './correlation-store';
import { getField } from './field-resolution';
import type { CompiledCorrelation, CountBound } from './types';

/** group-by names that mean "the host", resolved to the event's primary host name. */
const HOST_FIELDS = new Set(['host', 'computer', 'computername', 'hostname', 'host.name', 'workstationname']);
/** Hits considered per group and window; beyond this the oldest are ignored (bounded work per batch). */
const MAX_WINDOW_HITS = 2000;
const SUMMARY_LENGTH = 160;
/** Groups whose state is read and written at once (one Query + one BatchWrite each). */
const DEFAULT_CONCURRENCY = 8;

/**
 * Stable identity of an event across retries: a hash of host, format, record id or position, and time. Hashed so a
 * hostile host name or record id (hundreds of KB) never reaches a stored item.
 */
export function eventKeyOf(event: NormalizedEvent): string {
  const { provenance } = event;
  const where =
    provenance.recordId ??
    `${describePosition(provenance)}#${provenance.index}:${provenance.eventId ?? provenance.messageId ?? ''}`;
  return createHash('sha256')
    .update(`${primaryHostName(event.host)}|${provenance.format}|${where}|${event.timeMs}`)
    .digest('hex')
    .slice(0, 32);
}

export function groupKeyOf(groupBy: readonly string[], event: NormalizedEvent): string {
  if (groupBy.length === 0) return '*';
  return groupBy
    .map((name) => {
      if (HOST_FIELDS.has(name.toLowerCase())) return primaryHostName(event.host);
      const value = getField(event, name);
      if (value === undefined || value === null) return '';
      if (Array.isArray(value)) return value.map((item) => scalarText(item as string)).join(',');
      return typeof value === 'object' ? JSON.stringify(value) : scalarText(value as string);
    })
    .join('|');
}

function summaryOf(detection: Detection): string {
  const f = detection.event.fields;
  const api = f.ApiOperation ? [f.ApiOperation, f.ApiResource, f.ApiSubresource].filter(Boolean).join(' ') : undefined;
  const what = f.CommandLine ?? f.ScriptBlockText ?? f.ImagePath ?? api ?? f.Message ?? f.Image ?? '';
  const text = `${detection.rule.title}: ${what}`.replace(/\s+/g, ' ').trim();
  return text.length > SUMMARY_LENGTH ? `${text.slice(0, SUMMARY_LENGTH - 1)}…` : text;
}

const COMPARE: Readonly<Record<CountBound['op'], (count: number, bound: number) => boolean>> = {
  gt: (count, bound) => count > bound,
  gte: (count, bound) => count >= bound,
  lt: (count, bound) => count < bound,
  lte: (count, bound) => count <= bound,
  eq: (count, bound) => count === bound,
};

function satisfies(bounds: readonly CountBound[], count: number): boolean {
  return bounds.every(({ op, value }) => COMPARE[op](count, value));
}

/**
 * The hits of a satisfying window of length timespan that contains the hit `at`, or undefined. `hits` are sorted by
 * time; windows start at each hit time in [at - span, at], and their ends advance monotonically (two pointers).
 */
function windowAround(
  correlation: CompiledCorrelation,
  hits: readonly CorrelationHit[],
  at: CorrelationHit,
): CorrelationHit[] | undefined {
  const span = correlation.timespanMs;
  let first = 0;
  while (first < hits.length && (hits[first] as CorrelationHit).timeMs < at.timeMs - span) first++;
  let end = first;
  const perRule = new Map<string, number>();
  for (let start = first; start < hits.length; start++) {
    const startHit = hits[start] as CorrelationHit;
    if (startHit.timeMs > at.timeMs) break;
    if (start > first && startHit.timeMs === (hits[start - 1] as CorrelationHit).timeMs) {
      drop(perRule, startHit.ruleId);
      continue;
    }
    while (end < hits.length && (hits[end] as CorrelationHit).timeMs <= startHit.timeMs + span) {
      const ruleId = (hits[end] as CorrelationHit).ruleId;
      perRule.set(ruleId, (perRule.get(ruleId) ?? 0) + 1);
      end++;
    }
    const count =
      correlation.type === 'event_count'
        ? end - start
        : correlation.type === 'temporal'
          ? perRule.size
          : orderedCount(correlation.ruleIds, hits, start, end);
    if (satisfies(correlation.condition, count)) return hits.slice(start, end);
    drop(perRule, startHit.ruleId);
  }
  return undefined;
}

/** Time order, ties broken by event key: the same hits give the same window on every attempt. */
function byTimeThenKey(a: CorrelationHit, b: CorrelationHit): number {
  return a.timeMs - b.timeMs || (a.eventKey < b.eventKey ? -1 : a.eventKey > b.eventKey ? 1 : 0);
}

function drop(perRule: Map<string, number>, ruleId: string): void {
  const left = (perRule.get(ruleId) ?? 1) - 1;
  if (left <= 0) perRule.delete(ruleId);
  else perRule.set(ruleId, left);
}

/** How many of the referenced rules appear in the declared order within hits[start, end). */
function orderedCount(ruleIds: readonly string[], hits: readonly CorrelationHit[], start: number, end: number): number {
  let next = 0;
  for (let i = start; i < end && next < ruleIds.length; i++)
    if ((hits[i] as CorrelationHit).ruleId === ruleIds[next]) next++;
  return next;
}

interface BatchHit {
  readonly hit: CorrelationHit;
  readonly detection: Detection;
}

export interface CorrelatorOptions {
  /** Groups whose state calls run at once (default 8). */
  readonly concurrency?: number;
}

/**
 * Sigma correlation over detections: records base-rule hits per correlation and group in the CorrelationStore (so
 * state survives across Lambda invocations) and raises a detection when a window that holds one of the batch's hits
 * satisfies the correlation. Raising does not depend on the hits being new to the store: a batch retried after a
 * failed publish raises the same detection again (same event, so the same dedup key and event id), and dedup drops
 * the double when the first attempt did get through (docs/dedup-protocol.md).
 */
export class Correlator {
  private readonly byRule = new Map<string, CompiledCorrelation[]>();

  constructor(
    correlations: readonly CompiledCorrelation[],
    private readonly store: CorrelationStore,
    private readonly options: CorrelatorOptions = {},
  ) {
    for (const correlation of correlations) {
      for (const id of new Set(correlation.ruleIds)) {
        const list = this.byRule.get(id) ?? [];
        list.push(correlation);
        this.byRule.set(id, list);
      }
    }
  }

  /** Feed detections of a batch; returns extra detections raised by correlation rules (severity/context set). */
  async process(detections: readonly Detection[]): Promise<Detection[]> {
    const groups = new Map<
      string,
      { correlation: CompiledCorrelation; groupKey: string; hits: Map<string, BatchHit> }
    >();
    for (const detection of detections) {
      for (const correlation of this.byRule.get(detection.rule.id) ?? []) {
        const groupKey = groupKeyOf(correlation.groupBy, detection.event);
        const key = `${correlation.metadata.id}\u0000${groupKey}`;
        const group = groups.get(key) ?? { correlation, groupKey, hits: new Map<string, BatchHit>() };
        groups.set(key, group);
        const eventKey = `${detection.rule.id}|${eventKeyOf(detection.event)}`;
        if (!group.hits.has(eventKey)) {
          const hit = {
            ruleId: detection.rule.id,
            timeMs: detection.event.timeMs,
            eventKey,
            summary: summaryOf(detection),
          };
          group.hits.set(eventKey, { hit, detection });
        }
      }
    }
    const results = await mapBounded([...groups.values()], this.options.concurrency ?? DEFAULT_CONCURRENCY, (group) =>
      this.evaluateGroup(group.correlation, group.groupKey, [...group.hits.values()]),
    );
    const raised: Detection[] = [];
    for (const result of results) {
      // Correlation state we cannot read or write fails the batch (retried): raising on partial state could miss.
      if (result.status === 'rejected') throw result.reason;
      if (result.value) raised.push(result.value);
    }
    return raised;
  }

  private async evaluateGroup(
    correlation: CompiledCorrelation,
    groupKey: string,
    batch: readonly BatchHit[],
  ): Promise<Detection | undefined> {
    const span = correlation.timespanMs;
    const earliest = batch.reduce((min, b) => Math.min(min, b.hit.timeMs), Number.POSITIVE_INFINITY);
    const stored = await this.store.since(correlation.metadata.id, groupKey, earliest - span);
    const known = new Set(stored.map((hit) => hit.eventKey));
    const fresh = batch.filter((b) => !known.has(b.hit.eventKey));
    // Only new hits are written (the store is idempotent anyway; this saves the write on a pure retry).
    if (fresh.length > 0) {
      const ttlSeconds = Math.ceil((span * 2) / 1000) + 60;
      await this.store.append(
        correlation.metadata.id,
        groupKey,
        fresh.map((b) => b.hit),
        ttlSeconds,
      );
    }
    const all = [...stored, ...fresh.map((b) => b.hit)].sort(byTimeThenKey).slice(-MAX_WINDOW_HITS);
    const byKey = new Map(batch.map((b) => [b.hit.eventKey, b.detection]));
    // Every hit of the batch is a candidate, stored before or not: a retry must raise what its first attempt raised.
    const candidates = [...batch].sort((a, b) => byTimeThenKey(a.hit, b.hit));
    for (const candidate of candidates) {
      const window = windowAround(correlation, all, candidate.hit);
      if (!window) continue;
      return this.detectionFor(correlation, window, byKey);
    }
    return undefined;
  }

  private detectionFor(
    correlation: CompiledCorrelation,
    window: readonly CorrelationHit[],
    batch: ReadonlyMap<string, Detection>,
  ): Detection | undefined {
    const inBatch = window.filter((hit) => batch.has(hit.eventKey));
    const last = inBatch.at(-1);
    if (!last) return undefined;
    const event = (batch.get(last.eventKey) as Detection).event;
    const related: NormalizedEvent[] = [];
    for (const hit of inBatch) {
      const candidate = (batch.get(hit.eventKey) as Detection).event;
      if (candidate !== event && !related.includes(candidate)) related.push(candidate);
    }
    related.push(event);
    const context = window
      .filter((hit) => hit !== last)
      .map((hit) => {
        const minutes = Math.round((last.timeMs - hit.timeMs) / 60_000);
        const when = minutes === 0 ? 'same minute' : minutes > 0 ? `${minutes} min earlier` : `${-minutes} min later`;
        return `correlated with '${hit.summary ?? hit.ruleId}' (${when})`;
      });
    const severity = correlation.metadata.severity;
    return { rule: correlation.metadata, severity, event, related, ...(context.length > 0 ? { context } : {}) };
  }
}

/**
 * Sigma `generate`: detections of rules referenced by a correlation whose `generate` is false are only inputs to
 * that correlation. The pipeline may use this to drop them before alerting.
 */
export function correlationOnlyRuleIds(correlations: readonly CompiledCorrelation[]): Set<string> {
  const generating = new Set(correlations.filter((c) => c.generate).flatMap((c) => c.ruleIds));
  return new Set(
    correlations
      .filter((c) => !c.generate)
      .flatMap((c) => c.ruleIds)
      .filter((id) => !generating.has(id)),
  );
}
