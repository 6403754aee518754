import { parseDurationSeconds } from './duration';
import { type DocumentMetadata, isMap } from './metadata';
import type { CompiledCorrelation, CorrelationType, CountBound } from './types';

const TYPES: ReadonlySet<string> = new Set(['event_count', 'temporal', 'temporal_ordered']);
const CONDITION_OPS = new Set(['gt', 'gte', 'eq', 'lt', 'lte']);
const KNOWN_KEYS = new Set(['type', 'rules', 'group-by', 'timespan', 'condition', 'generate']);

export type CorrelationParse = { ok: true; correlation: CompiledCorrelation } | { ok: false; reason: string };

function parseCondition(value: unknown): CountBound[] | string {
  if (!isMap(value)) return 'correlation.condition must be a map such as { gte: 3 }';
  const entries = Object.entries(value);
  if (entries.length === 0) return 'correlation.condition is empty';
  const bounds: CountBound[] = [];
  for (const [op, bound] of entries) {
    if (op === 'field') return 'value_count correlations are not supported';
    if (!CONDITION_OPS.has(op)) return `correlation.condition operator '${op}' is not one of gt, gte, eq, lt, lte`;
    if (typeof bound !== 'number' || !Number.isInteger(bound) || bound < 0) {
      return `correlation.condition.${op} needs a non-negative integer`;
    }
    bounds.push({ op: op as CountBound['op'], value: bound });
  }
  // Matching is decided as hits arrive; an upper bound alone would need the window to close first.
  if (!bounds.some((b) => b.op === 'gt' || b.op === 'gte' || (b.op === 'eq' && b.value > 0))) {
    return 'correlation.condition needs a lower bound (gt, gte or eq); lt/lte alone are decided only when the window closes';
  }
  return bounds;
}

/** A Sigma correlation rule (`correlation:` section); references stay as written until resolved against rules. */
export function parseCorrelation(doc: Record<string, unknown>, meta: DocumentMetadata): CorrelationParse {
  const section = doc['correlation'];
  if (!isMap(section)) return { ok: false, reason: 'correlation must be a map' };
  const unknown = Object.keys(section).filter((key) => !KNOWN_KEYS.has(key));
  if (unknown.length > 0) return { ok: false, reason: `correlation has unsupported keys: ${unknown.join(', ')}` };
  const type = section['type'];
  if (type === 'value_count') return { ok: false, reason: 'value_count correlations are not supported' };
  if (typeof type !== 'string' || !TYPES.has(type)) {
    return { ok: false, reason: `correlation.type must be one of ${[...TYPES].join(', ')}` };
  }
  const rulesValue = section['rules'];
  const references = typeof rulesValue === 'string' ? [rulesValue] : rulesValue;
  if (
    !Array.isArray(references) ||
    references.length === 0 ||
    !references.every((r) => typeof r === 'string' && r !== '')
  ) {
    return { ok: false, reason: 'correlation.rules must list rule ids or names' };
  }
  const groupValue = section['group-by'] ?? [];
  const groupBy = typeof groupValue === 'string' ? [groupValue] : groupValue;
  if (!Array.isArray(groupBy) || !groupBy.every((g) => typeof g === 'string' && g !== '')) {
    return { ok: false, reason: 'correlation.group-by must list field names' };
  }
  const timespanSeconds = parseDurationSeconds(section['timespan']);
  if (timespanSeconds === undefined) return { ok: false, reason: "correlation.timespan is required (e.g. '5m')" };
  let condition: CountBound[];
  if (type === 'event_count' || section['condition'] !== undefined) {
    const parsed = parseCondition(section['condition']);
    if (typeof parsed === 'string') return { ok: false, reason: parsed };
    condition = parsed;
  } else {
    if (references.length < 2) return { ok: false, reason: 'temporal correlations need at least two rules' };
    condition = [{ op: 'gte', value: references.length }];
  }
  const generate = section['generate'] ?? doc['generate'] ?? false;
  if (typeof generate !== 'boolean') return { ok: false, reason: 'generate must be true or false' };
  return {
    ok: true,
    correlation: {
      metadata: meta.metadata,
      ...(meta.name !== undefined ? { name: meta.name } : {}),
      type: type as CorrelationType,
      references: references as string[],
      ruleIds: references as string[],
      groupBy: groupBy as string[],
      timespanMs: timespanSeconds * 1000,
      condition,
      generate,
    },
  };
}
