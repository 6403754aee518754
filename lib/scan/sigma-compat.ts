/**
 * `vmsentry sigma-compat`: SigmaHQ's own rules, unchanged, on SigmaHQ's own regression events. This module is the
 * pure part: reading a case's info.yml, running its events through the parsers and the scan core, deciding whether
 * the case's rule fired and why not, and the per-category report. bin/commands/sigma-compat.ts does the file I/O.
 */
import { parse } from 'yaml';
import type { NormalizedEvent } from '../model';
import { type CompiledRule, fitsRoute, type RuleLoadError } from '../rules';
import { parseText } from '../sources/text-batch';
import { eventXmlOf, parseJsonValues } from './evtx-json';
import type { Scanner } from './scanner';

/** What a regression case's info.yml says: which rule(s) it tests and how many matches it expects. */
export interface CaseInfo {
  readonly ruleIds: readonly string[];
  readonly matchCount?: number;
}

export type CaseInfoParse = { ok: true; info: CaseInfo } | { ok: false; reason: string };

function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** `rule_metadata: [{ id, title }]` and `regression_tests_info: [{ match_count, ... }]`. */
export function parseCaseInfo(text: string): CaseInfoParse {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (cause) {
    return { ok: false, reason: `info.yml is not YAML: ${cause instanceof Error ? cause.message : String(cause)}` };
  }
  if (!isMap(doc)) return { ok: false, reason: 'info.yml is not a map' };
  const metadata = Array.isArray(doc['rule_metadata']) ? doc['rule_metadata'] : [];
  const ruleIds = metadata
    .map((item) => (isMap(item) && typeof item['id'] === 'string' ? item['id'].trim() : ''))
    .filter((id) => id !== '');
  if (ruleIds.length === 0) return { ok: false, reason: 'info.yml names no rule (rule_metadata[].id)' };
  const tests = Array.isArray(doc['regression_tests_info']) ? doc['regression_tests_info'] : [];
  const counts = tests
    .map((item) => (isMap(item) ? item['match_count'] : undefined))
    .filter((count): count is number => typeof count === 'number');
  return {
    ok: true,
    info: { ruleIds, ...(counts.length > 0 ? { matchCount: counts.reduce((a, b) => a + b, 0) } : {}) },
  };
}

/** One regression case as found on disk. */
export interface RegressionCase {
  /** Folder under regression_data/rules/windows, e.g. `registry/registry_set` or `builtin/security`. */
  readonly category: string;
  /** The case folder's name (the rule file's name without .yml). */
  readonly name: string;
  readonly info: CaseInfoParse;
  /** The event files (.json) of the case: path for messages, text for the events. */
  readonly eventFiles: readonly { readonly path: string; readonly text: string }[];
}

/** What happened to one case. */
export interface CaseResult {
  readonly category: string;
  readonly name: string;
  readonly ruleId?: string;
  readonly events: number;
  /** How many alerts the case's own rule raised. */
  readonly ownMatches: number;
  readonly expectedMatches?: number;
  readonly fired: boolean;
  /** Why the own rule did not fire (empty when it did). */
  readonly reason?: string;
  /** The Event XML lines the case's events became (for --xml-out). */
  readonly xml: readonly string[];
}

export interface RuleIndex {
  readonly rules: ReadonlyMap<string, CompiledRule>;
  /** Rules that did not load, by id, with the loader's reason. */
  readonly failed: ReadonlyMap<string, RuleLoadError>;
}

export function ruleIndexOf(rules: readonly CompiledRule[], errors: readonly RuleLoadError[]): RuleIndex {
  const byId = new Map(rules.map((rule) => [rule.metadata.id, rule] as const));
  const failed = new Map<string, RuleLoadError>();
  for (const error of errors) if (error.ruleId && !byId.has(error.ruleId)) failed.set(error.ruleId, error);
  return { rules: byId, failed };
}

function describeEvent(event: NormalizedEvent): string {
  const channel = event.fields.Channel ? `, channel ${event.fields.Channel}` : '';
  return `${event.category} (${event.provenance.format}${channel})`;
}

function describeLogsource(rule: CompiledRule): string {
  return Object.entries(rule.logsource)
    .map(([key, value]) => `${key}: ${value}`)
    .join(', ');
}

/** Why the own rule did not fire on these events: the first stage that lost them. */
function missReason(rule: CompiledRule, events: readonly NormalizedEvent[], parseErrors: readonly string[]): string {
  if (events.length === 0) {
    return parseErrors.length > 0
      ? `event not parsed: ${parseErrors[0]}`
      : 'event parsed but produced nothing (a record no rule category uses)';
  }
  if (!events.some((event) => fitsRoute(rule.route, event))) {
    const seen = [...new Set(events.map(describeEvent))].join('; ');
    return `parsed as ${seen}; the rule's logsource (${describeLogsource(rule)}) does not route to it`;
  }
  return 'the rule did not match the parsed event';
}

/**
 * Run one case: its events become Event XML lines, parsed as `vmsentry scan` parses a file, then scanned with every
 * loaded rule (the scan core, no allowlist, every severity). The case passes when its own rule raised an alert.
 */
export async function runCase(kase: RegressionCase, index: RuleIndex, scanner: Scanner): Promise<CaseResult> {
  const base = { category: kase.category, name: kase.name };
  if (!kase.info.ok) return { ...base, events: 0, ownMatches: 0, fired: false, reason: kase.info.reason, xml: [] };
  const { ruleIds, matchCount } = kase.info.info;
  const ruleId = ruleIds[0] as string;
  const expected = matchCount !== undefined ? { expectedMatches: matchCount } : {};
  const xml: string[] = [];
  const conversion: string[] = [];
  let events = 0;
  for (const file of kase.eventFiles) {
    const values = parseJsonValues(file.text);
    if (!values.ok) {
      conversion.push(`${file.path}: ${values.reason}`);
      continue;
    }
    for (const value of values.values) {
      events++;
      const line = eventXmlOf(value);
      if (line.ok) xml.push(line.xml);
      else conversion.push(`${file.path}: ${line.reason}`);
    }
  }
  const result = (ownMatches: number, reason?: string): CaseResult => ({
    ...base,
    ruleId,
    events,
    ownMatches,
    ...expected,
    fired: ownMatches > 0,
    ...(reason !== undefined ? { reason } : {}),
    xml,
  });
  const rule = index.rules.get(ruleId);
  if (!rule) {
    const failed = index.failed.get(ruleId);
    return result(0, failed ? `rule not loaded: ${failed.reason}` : 'rule not found under rules*/ of the checkout');
  }
  if (kase.eventFiles.length === 0) return result(0, 'the case has no .json events');
  if (xml.length === 0) return result(0, `events not converted: ${conversion[0] ?? 'no events'}`);
  const batch = parseText(`${xml.join('\n')}\n`, { file: `${kase.category}/${kase.name}.xml` });
  const records = await scanner.scan(batch);
  const own = records.filter((record) => record.ruleId === ruleId).length;
  if (own > 0) return result(own);
  return result(
    0,
    missReason(
      rule,
      batch.events,
      batch.errors.map((error) => error.reason),
    ),
  );
}

export interface CategoryRow {
  readonly category: string;
  readonly cases: number;
  readonly events: number;
  readonly fired: number;
  readonly percent: number;
}

export interface CompatReport {
  readonly rows: readonly CategoryRow[];
  readonly total: CategoryRow;
  readonly misses: readonly CaseResult[];
}

function percentOf(fired: number, cases: number): number {
  return cases === 0 ? 0 : Math.round((1000 * fired) / cases) / 10;
}

/** Per category: cases (one rule each), events, cases whose own rule fired, and the percentage; misses listed. */
export function compatReport(results: readonly CaseResult[]): CompatReport {
  const byCategory = new Map<string, { cases: number; events: number; fired: number }>();
  for (const result of results) {
    const row = byCategory.get(result.category) ?? { cases: 0, events: 0, fired: 0 };
    row.cases++;
    row.events += result.events;
    if (result.fired) row.fired++;
    byCategory.set(result.category, row);
  }
  const rows = [...byCategory]
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([category, row]) => ({ category, ...row, percent: percentOf(row.fired, row.cases) }));
  const cases = results.length;
  const fired = results.filter((result) => result.fired).length;
  const events = results.reduce((sum, result) => sum + result.events, 0);
  return {
    rows,
    total: { category: 'total', cases, events, fired, percent: percentOf(fired, cases) },
    misses: results.filter((result) => !result.fired),
  };
}
