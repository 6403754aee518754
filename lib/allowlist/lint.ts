import { type AllowlistEntry, GLOBAL_HOST, isInstanceId } from '../model';
import { entryWarnings } from './check';
import { compileGlob } from './glob';
import { partitionOf } from './host';
import { entryIdFor } from './item';
import { DAY_SECONDS, DEFAULT_MAX_DAYS } from './policy';

export type LintKind =
  | 'expired'
  | 'broad'
  | 'any-value'
  | 'unpinned'
  | 'never-matching'
  | 'unknown-field'
  | 'duplicate'
  | 'unbounded'
  | 'malformed';

export interface LintFinding {
  readonly kind: LintKind;
  readonly host: string;
  readonly id: string;
  readonly detail: string;
}

/** Findings for a set of entries: what an auditor should look at. Pure. */
export function lintEntries(
  entries: readonly AllowlistEntry[],
  nowSeconds: number,
  maxDays = DEFAULT_MAX_DAYS,
): LintFinding[] {
  const findings: LintFinding[] = [];
  const seen = new Map<string, string>();
  for (const entry of entries) {
    const id = entry.id ?? entryIdFor(entry);
    const at = (kind: LintKind, detail: string) => findings.push({ kind, host: entry.host, id, detail });
    if (entry.expiresAt === undefined) at('unbounded', 'no expiresAt: the entry never ends');
    else if (entry.expiresAt <= nowSeconds)
      at('expired', `expired ${new Date(entry.expiresAt * 1000).toISOString()} (kept for audit; remove when done)`);
    else if (entry.expiresAt - nowSeconds > maxDays * DAY_SECONDS)
      at('unbounded', `expires more than ${maxDays} days from now`);
    // The same words scan --allowlist, import and the pipeline's log use for this entry (checkEntry).
    for (const warning of entryWarnings(entry)) at(warning.kind, warning.message);
    for (const field of entry.matchAny ?? []) {
      at(
        'any-value',
        `matchAny: one value of ${field} matching "${entry.match?.[field] ?? ''}" suppresses an event that also carries other values`,
      );
    }
    const unpinned = unpinnedDetail(entry);
    if (unpinned) at('unpinned', unpinned);
    for (const [field, pattern] of Object.entries(entry.match ?? {})) {
      const problem = neverMatching(field, pattern);
      if (problem) at('never-matching', problem);
    }
    const content = JSON.stringify([partitionOf(entry.host), entry.host, entryIdFor(entry)]);
    const first = seen.get(content);
    if (first !== undefined) at('duplicate', `same host, rule and match as entry ${first}`);
    else seen.set(content, id);
  }
  return findings;
}

/**
 * An entry for a named host without a pin covers any record that claims that host (SECURITY.md F1). Every source
 * vmsentry reads in production can be pinned: CloudWatch deliveries by log stream, the EDR feed by agent id.
 */
function unpinnedDetail(entry: AllowlistEntry): string | undefined {
  if (entry.pin || entry.host === GLOBAL_HOST) return undefined;
  const how = isInstanceId(entry.host)
    ? `pin it to the log stream the CloudWatch agent names after it (--pin-log-stream ${entry.host})`
    : 'pin it to the log stream (--pin-log-stream) or EDR agent id (--pin-agent-id) its source proves';
  return `unpinned: any record that claims host ${entry.host} is covered; ${how}`;
}

function neverMatching(field: string, pattern: string): string | undefined {
  if (pattern === '') return `match.${field} is empty: it matches only an empty value`;
  const glob = compileGlob(pattern);
  if (glob.hasStar && glob.segments.every((segment) => segment.length === 0)) {
    return `match.${field} is "${pattern}": it matches any value, so the condition filters nothing`;
  }
  if (pattern !== pattern.trim()) return `match.${field} has leading or trailing spaces: values rarely do`;
  if (/Image|Path|CommandLine|Directory/.test(field) && /^[A-Za-z]:\//.test(pattern)) {
    return `match.${field} uses "/" in a Windows path: Windows paths use "\\"`;
  }
  return undefined;
}
