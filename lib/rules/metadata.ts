import { isSeverity, type RuleMetadata, type Severity } from '../model';
import { parseDurationSeconds } from './duration';
import type { RelatedRule } from './types';

export type Field<T> = { ok: true; value: T } | { ok: false; reason: string };

const DEFAULT_LEVEL = 'medium';
const STATUSES = new Set(['stable', 'test', 'experimental', 'deprecated', 'unsupported']);
export const RELATION_TYPES: ReadonlySet<string> = new Set(['derived', 'obsolete', 'merged', 'renamed', 'similar']);
const TECHNIQUE_TAG = /^attack\.(t\d{4}(?:\.\d{3})?)$/i;

export function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function optionalString(doc: Record<string, unknown>, key: string): Field<string | undefined> {
  const value = doc[key];
  if (value === undefined || value === null) return { ok: true, value: undefined };
  if (typeof value === 'string') return { ok: true, value };
  if (typeof value === 'number') return { ok: true, value: String(value) };
  return { ok: false, reason: `${key} must be a string` };
}

function stringList(doc: Record<string, unknown>, key: string, allowSingle: boolean): Field<string[]> {
  const value = doc[key];
  if (value === undefined || value === null) return { ok: true, value: [] };
  if (allowSingle && typeof value === 'string') return { ok: true, value: [value] };
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' || typeof item === 'number')) {
    return { ok: false, reason: `${key} must be a list of strings` };
  }
  return { ok: true, value: value.map(String) };
}

/** Technique ids from ATT&CK tags, upper-case, in tag order without duplicates. */
export function techniquesOf(tags: readonly string[]): string[] {
  const out: string[] = [];
  for (const tag of tags) {
    const match = TECHNIQUE_TAG.exec(tag.trim());
    const id = match?.[1]?.toUpperCase();
    if (id && !out.includes(id)) out.push(id);
  }
  return out;
}

export interface DocumentMetadata {
  readonly metadata: RuleMetadata;
  readonly name?: string;
  readonly fields: readonly string[];
  readonly related: readonly RelatedRule[];
  readonly date?: string;
  readonly modified?: string;
  /** What the rule says that vmsentry keeps but does not understand (the rule still loads). */
  readonly warnings: readonly string[];
}

/**
 * `related` only documents the rule's history; it never changes what fires. A relation type outside Sigma's list
 * (SigmaHQ has shipped `obsoletes`) is kept as written with a warning instead of refusing a working rule.
 */
function parseRelated(value: unknown, warnings: string[]): Field<RelatedRule[]> {
  if (value === undefined || value === null) return { ok: true, value: [] };
  if (!Array.isArray(value)) return { ok: false, reason: 'related must be a list of { id, type }' };
  const out: RelatedRule[] = [];
  for (const item of value) {
    if (!isMap(item) || typeof item['id'] !== 'string' || typeof item['type'] !== 'string') {
      return { ok: false, reason: 'related entries need string id and type' };
    }
    if (!RELATION_TYPES.has(item['type'])) {
      warnings.push(
        `related type '${item['type']}' is not a Sigma relation (${[...RELATION_TYPES].join(', ')}); kept as written`,
      );
    }
    out.push({ id: item['id'], type: item['type'] });
  }
  return { ok: true, value: out };
}

function parseDedup(value: unknown): Field<{ fields: string[]; windowSeconds?: number }> {
  if (value === undefined || value === null) return { ok: true, value: { fields: [] } };
  if (!isMap(value)) return { ok: false, reason: 'dedup must be a map { fields, window }' };
  const unknown = Object.keys(value).filter((key) => key !== 'fields' && key !== 'window');
  if (unknown.length > 0) return { ok: false, reason: `dedup has unknown keys: ${unknown.join(', ')}` };
  const fields = stringList(value, 'fields', false);
  if (!fields.ok) return { ok: false, reason: `dedup.${fields.reason}` };
  if (value['window'] === undefined) return { ok: true, value: { fields: fields.value } };
  const windowSeconds = parseDurationSeconds(value['window']);
  if (windowSeconds === undefined)
    return { ok: false, reason: "dedup.window must be seconds or a duration like '60m'" };
  return { ok: true, value: { fields: fields.value, windowSeconds } };
}

/**
 * Rule metadata shared by detection and correlation rules, validated. `title` and `id` are required: alerts, dedup
 * keys and allowlists need them. A missing `level` (optional in Sigma) is medium, with a warning.
 */
export function parseMetadata(doc: Record<string, unknown>, source: string): Field<DocumentMetadata> {
  const title = doc['title'];
  if (typeof title !== 'string' || title.trim() === '') return { ok: false, reason: 'title is required' };
  const id = doc['id'];
  if (typeof id !== 'string' || id.trim() === '') return { ok: false, reason: 'id is required' };
  const warnings: string[] = [];
  // Sigma makes level optional; an alert needs a severity, so a rule without one alerts at medium and says so.
  const level = doc['level'] ?? DEFAULT_LEVEL;
  if (doc['level'] === undefined) warnings.push(`level is missing; its alerts are ${DEFAULT_LEVEL}`);
  if (!isSeverity(level)) return { ok: false, reason: `level '${String(level)}' is not a Sigma level` };
  const strings: Record<string, string | undefined> = {};
  for (const key of ['description', 'author', 'status', 'date', 'modified', 'response', 'name']) {
    const field = optionalString(doc, key);
    if (!field.ok) return field;
    strings[key] = field.value;
  }
  if (strings['status'] !== undefined && !STATUSES.has(strings['status'])) {
    return { ok: false, reason: `status '${strings['status']}' is not a Sigma status` };
  }
  const lists: Record<string, string[]> = {};
  for (const [key, single] of [
    ['tags', false],
    ['references', false],
    ['falsepositives', true],
    ['fields', false],
  ] as const) {
    const field = stringList(doc, key, single);
    if (!field.ok) return field;
    lists[key] = field.value;
  }
  const related = parseRelated(doc['related'], warnings);
  if (!related.ok) return related;
  const dedup = parseDedup(doc['dedup']);
  if (!dedup.ok) return dedup;
  const tags = lists['tags'] ?? [];
  const metadata: RuleMetadata = {
    id: id.trim(),
    title: title.trim(),
    description: strings['description'] ?? '',
    severity: level as Severity,
    techniques: techniquesOf(tags),
    tags,
    references: lists['references'] ?? [],
    falsepositives: lists['falsepositives'] ?? [],
    dedupFields: dedup.value.fields,
    source,
    ...(strings['author'] !== undefined ? { author: strings['author'] } : {}),
    ...(strings['status'] !== undefined ? { status: strings['status'] } : {}),
    ...(dedup.value.windowSeconds !== undefined ? { dedupWindowSeconds: dedup.value.windowSeconds } : {}),
    ...(strings['response'] !== undefined ? { response: strings['response'] } : {}),
  };
  return {
    ok: true,
    value: {
      metadata,
      fields: lists['fields'] ?? [],
      related: related.value,
      warnings,
      ...(strings['name'] !== undefined ? { name: strings['name'] } : {}),
      ...(strings['date'] !== undefined ? { date: strings['date'] } : {}),
      ...(strings['modified'] !== undefined ? { modified: strings['modified'] } : {}),
    },
  };
}
