import { allOf, anyOf } from './anchors';
import { type CompiledSelection, type ConditionNode, compileCondition, parseCondition } from './condition';
import type { Anchors, Evaluator } from './types';
import { type Compiled, compileFieldItem, compileKeyword } from './value-matchers';

function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function compileMap(map: Record<string, unknown>): Compiled {
  const entries = Object.entries(map);
  if (entries.length === 0) return { ok: false, reason: 'empty field map' };
  const items: { evaluate: Evaluator; anchors: Anchors }[] = [];
  for (const [key, value] of entries) {
    if (isMap(value)) return { ok: false, reason: `'${key}' has a nested map; values must be scalars or lists` };
    const item = compileFieldItem(key, value);
    if (!item.ok) return item;
    items.push(item);
  }
  const evaluators = items.map((item) => item.evaluate);
  const anchors = allOf(items.map((item) => item.anchors));
  if (evaluators.length === 1) return { ok: true, evaluate: evaluators[0] as Evaluator, anchors };
  return { ok: true, evaluate: (ctx) => evaluators.every((e) => e(ctx)), anchors };
}

/**
 * One search identifier: a map (AND of field items), a list of maps (OR), or a list of keywords (OR, matched
 * against the whole event text).
 */
export function compileSearchIdentifier(value: unknown): Compiled {
  if (isMap(value)) return compileMap(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return { ok: false, reason: 'empty list' };
    const maps = value.filter(isMap);
    if (maps.length > 0 && maps.length !== value.length) return { ok: false, reason: 'mixes field maps and keywords' };
    const parts: { evaluate: Evaluator; anchors: Anchors }[] = [];
    for (const item of value) {
      const compiled = isMap(item) ? compileMap(item) : compileKeyword(item);
      if (!compiled.ok) return compiled;
      parts.push(compiled);
    }
    const evaluators = parts.map((part) => part.evaluate);
    return {
      ok: true,
      evaluate: evaluators.length === 1 ? (evaluators[0] as Evaluator) : (ctx) => evaluators.some((e) => e(ctx)),
      anchors: anyOf(parts.map((part) => part.anchors)),
    };
  }
  if (typeof value === 'string' || typeof value === 'number') return compileKeyword(value);
  return { ok: false, reason: 'must be a map, a list of maps or a list of keywords' };
}

export type DetectionCompile = { ok: true; evaluate: Evaluator; anchors: Anchors } | { ok: false; reason: string };

/** The `detection` section: every search identifier compiled, then the condition over them. */
export function compileDetection(detection: unknown): DetectionCompile {
  if (!isMap(detection)) return { ok: false, reason: 'detection must be a map' };
  const { condition, timeframe, ...identifiers } = detection;
  if (condition === undefined || condition === null) return { ok: false, reason: 'detection has no condition' };
  if (timeframe !== undefined) {
    return { ok: false, reason: 'detection timeframe (aggregation) is not supported; write a correlation rule' };
  }
  const selections = new Map<string, CompiledSelection>();
  for (const [name, value] of Object.entries(identifiers)) {
    const compiled = compileSearchIdentifier(value);
    if (!compiled.ok) return { ok: false, reason: `search identifier '${name}': ${compiled.reason}` };
    selections.set(name, compiled);
  }
  if (selections.size === 0) return { ok: false, reason: 'detection has no search identifiers' };
  const conditions = Array.isArray(condition) ? condition : [condition];
  if (conditions.length === 0 || !conditions.every((c) => typeof c === 'string')) {
    return { ok: false, reason: 'condition must be a string or a list of strings' };
  }
  const nodes: ConditionNode[] = [];
  for (const text of conditions as string[]) {
    const parsed = parseCondition(text);
    if (!parsed.ok) return parsed;
    nodes.push(parsed.node);
  }
  const node: ConditionNode = nodes.length === 1 ? (nodes[0] as ConditionNode) : { type: 'or', operands: nodes };
  return compileCondition(node, selections);
}
