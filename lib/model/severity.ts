/** Sigma levels, ordered. */
export const SEVERITIES = ['informational', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

export function isSeverity(value: unknown): value is Severity {
  return typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value);
}

export function atLeast(severity: Severity, minimum: Severity): boolean {
  return severityRank(severity) >= severityRank(minimum);
}

/** One step up, capped at critical: correlation and context raise severity. */
export function raise(severity: Severity, steps = 1): Severity {
  const rank = Math.min(SEVERITIES.length - 1, severityRank(severity) + steps);
  return SEVERITIES[rank] ?? 'critical';
}
