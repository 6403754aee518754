const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/** Sigma durations: `30s`, `5m`, `1h`, `2d`, `1w`; a bare number is seconds. Undefined when invalid or not positive. */
export function parseDurationSeconds(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value > 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = /^\s*(\d{1,9})\s*([smhdw]?)\s*$/.exec(value);
  if (!match) return undefined;
  const seconds = Number(match[1]) * (UNIT_SECONDS[match[2] || 's'] as number);
  return seconds > 0 ? seconds : undefined;
}
