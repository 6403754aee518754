/**
 * `vmsentry rules lint`: the metadata a rule needs to be useful in an alert and in an allowlist, beyond what the
 * compiler already refuses. Works on the YAML documents as written, so it also sees what the compiler ignores.
 */
import { parseAllDocuments } from 'yaml';
import { isSeverity } from '../model';

export interface LintProblem {
  readonly source: string;
  readonly ruleId?: string;
  readonly title?: string;
  readonly problem: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const TECHNIQUE_TAG = /^attack\.t\d{4}(?:\.\d{3})?$/i;
const SIGMA_DATE = /^\d{4}[-/]\d{2}[-/]\d{2}$/;

function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function nonEmptyString(value: unknown): boolean {
  return typeof value === 'string' && value.trim() !== '';
}

function nonEmptyList(value: unknown): boolean {
  return Array.isArray(value) && value.length > 0 && value.every((item) => nonEmptyString(item));
}

/** Problems of one rule document (detection or correlation rule). */
export function lintRuleDocument(doc: Record<string, unknown>, source: string): LintProblem[] {
  const id = typeof doc['id'] === 'string' ? doc['id'] : undefined;
  const title = typeof doc['title'] === 'string' ? doc['title'] : undefined;
  const problems: string[] = [];
  if (!nonEmptyString(doc['title'])) problems.push('title is missing');
  if (!id) problems.push('id is missing');
  else if (!UUID.test(id)) problems.push(`id '${id}' is not a UUID`);
  if (!nonEmptyString(doc['description'])) problems.push('description is missing');
  if (doc['level'] === undefined) problems.push('level is missing');
  else if (!isSeverity(doc['level'])) problems.push(`level '${String(doc['level'])}' is not a Sigma level`);
  const tags = Array.isArray(doc['tags']) ? doc['tags'] : [];
  if (!tags.some((tag) => typeof tag === 'string' && TECHNIQUE_TAG.test(tag))) {
    problems.push('tags name no ATT&CK technique (attack.tNNNN[.NNN])');
  }
  if (!nonEmptyString(doc['author'])) problems.push('author is missing');
  const date = doc['date'] instanceof Date ? doc['date'].toISOString().slice(0, 10) : doc['date'];
  if (!nonEmptyString(date)) problems.push('date is missing');
  else if (!SIGMA_DATE.test(String(date))) problems.push(`date '${String(date)}' is not YYYY-MM-DD`);
  if (!nonEmptyList(doc['falsepositives']) && !nonEmptyString(doc['falsepositives'])) {
    problems.push('falsepositives is missing');
  }
  const dedup = doc['dedup'];
  if (!isMap(dedup) || !nonEmptyList(dedup['fields']))
    problems.push('dedup.fields is missing (what makes two alerts the same)');
  if (!isMap(doc['detection']) && !isMap(doc['correlation']))
    problems.push('neither detection nor correlation section');
  return problems.map((problem) => ({
    source,
    ...(id !== undefined ? { ruleId: id } : {}),
    ...(title !== undefined ? { title } : {}),
    problem,
  }));
}

/** Problems of every document of a rule file (YAML errors included). */
export function lintRuleText(text: string, source: string): LintProblem[] {
  let docs: ReturnType<typeof parseAllDocuments>;
  try {
    docs = parseAllDocuments(text);
  } catch (cause) {
    return [{ source, problem: `not YAML: ${(cause as Error).message}` }];
  }
  const list = Array.isArray(docs) ? docs : [docs];
  const problems: LintProblem[] = [];
  for (const doc of list) {
    if (doc.errors.length > 0) {
      problems.push({ source, problem: `not YAML: ${doc.errors[0]?.message ?? 'parse error'}` });
      continue;
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    // Sigma "action: global" documents only carry shared parts of a multi-document rule.
    if (isMap(value) && (value['action'] === 'global' || value['action'] === 'reset')) continue;
    if (!isMap(value)) problems.push({ source, problem: 'document is not a map' });
    else problems.push(...lintRuleDocument(value, source));
  }
  return problems;
}

/** Ids used by more than one rule, across files. */
export function duplicateIds(rules: readonly { readonly id: string; readonly source: string }[]): LintProblem[] {
  const first = new Map<string, string>();
  const problems: LintProblem[] = [];
  for (const rule of rules) {
    const seen = first.get(rule.id);
    if (seen === undefined) first.set(rule.id, rule.source);
    else problems.push({ source: rule.source, ruleId: rule.id, problem: `duplicate id (also in ${seen})` });
  }
  return problems;
}

/**
 * Problems a third-party rule (SigmaHQ's, a vendor's) may have without being wrong: metadata vmsentry's own pack
 * requires (dedup, ATT&CK tags, false positives) but Sigma does not. Reported as warnings for such rules.
 */
export function isPolicyProblem(problem: string): boolean {
  return !/^(not YAML|document is not a map|neither detection nor correlation)/.test(problem);
}

/** Classes of load failure, most specific first: what a summary counts rules by. */
const REASON_CLASSES: readonly (readonly [RegExp, string])[] = [
  [/logsource category '.*' is not produced/, 'logsource category not produced by any vmsentry source'],
  [/logsource category '.*' never occurs in service/, 'logsource category never occurs in its service'],
  [/logsource service '.*' is not supported/, 'logsource service not supported'],
  [/logsource service '.*' does not exist for product/, 'logsource service not of its product'],
  [/logsource product '.*' is not supported/, 'logsource product not supported'],
  [/aggregation|timeframe/, "legacy aggregation (timeframe, '| count()'): write a correlation rule"],
  [/collection action/, 'Sigma collection action (global/reset/repeat)'],
  [/unknown modifier/, 'unknown modifier'],
  [
    /cannot be combined|are exclusive|only applies to|only make sense|requires contains|is repeated/,
    'invalid modifier combination',
  ],
  [/windash would expand/, 'windash expansion too large'],
  [/backreferences|lookaround/, 'regular expression needs backtracking (lookaround, backreference)'],
  [/regular expression|re values/, 'regular expression refused'],
  [/invalid CIDR/, 'invalid CIDR range'],
  [/invalid YAML|not YAML|larger than|more than \d+ YAML documents/, 'invalid or oversized YAML'],
  [/duplicate rule id/, 'duplicate rule id'],
  [/correlation/, 'correlation rule not supported'],
  [/condition|search identifier/, 'invalid detection or condition'],
  [/is required|must be|not a Sigma|need string/, 'invalid metadata'],
];

/** The class of a load failure reason, for counting; an unknown reason is its own class with quoted parts elided. */
export function reasonClass(reason: string): string {
  for (const [pattern, name] of REASON_CLASSES) if (pattern.test(reason)) return name;
  return reason.replace(/'[^']*'/g, "'…'").slice(0, 120);
}

/** Count per class, largest first (ties by name). */
export function countByClass(reasons: readonly string[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const reason of reasons) {
    const name = reasonClass(reason);
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}
