import { compileSearchIdentifier } from './detection-section';
import type { Field } from './metadata';
import type { Escalation } from './types';

const ESCALATION_LEVELS = new Set(['high', 'critical']);

/**
 * vmsentry extension `escalate`: a list of `{ when, level, reason }` where `when` uses search-identifier syntax.
 * Evaluated after the rule matched; the highest matching level becomes the detection's severity.
 */
export function parseEscalations(value: unknown): Field<Escalation[]> {
  if (value === undefined || value === null) return { ok: true, value: [] };
  if (!Array.isArray(value)) return { ok: false, reason: 'escalate must be a list of { when, level, reason }' };
  const out: Escalation[] = [];
  for (const [index, item] of value.entries()) {
    const where = `escalate[${index}]`;
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      return { ok: false, reason: `${where} must be a map { when, level, reason }` };
    }
    const { when, level, reason, ...rest } = item as Record<string, unknown>;
    const unknown = Object.keys(rest);
    if (unknown.length > 0) return { ok: false, reason: `${where} has unknown keys: ${unknown.join(', ')}` };
    if (typeof level !== 'string' || !ESCALATION_LEVELS.has(level)) {
      return { ok: false, reason: `${where}.level must be high or critical` };
    }
    if (typeof reason !== 'string' || reason.trim() === '') return { ok: false, reason: `${where}.reason is required` };
    if (when === undefined || when === null) return { ok: false, reason: `${where}.when is required` };
    const compiled = compileSearchIdentifier(when);
    if (!compiled.ok) return { ok: false, reason: `${where}.when: ${compiled.reason}` };
    out.push({ when: compiled.evaluate, level: level as 'high' | 'critical', reason: reason.trim() });
  }
  return { ok: true, value: out };
}
