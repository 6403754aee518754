/** A time given on the command line: ISO 8601, or relative to now ("30d", "12h", "90m", "now"). */
export type TimeResult = { readonly ok: true; readonly ms: number } | { readonly ok: false; readonly reason: string };

const RELATIVE = /^(\d{1,6})\s*(s|m|h|d|w)$/i;
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
/** FilterLogEvents reaches as far back as the log group keeps events; ten years bounds typos. */
const MAX_BACK_MS = 3650 * 86_400_000;

export function parseTime(value: string, nowMs: number): TimeResult {
  const text = value.trim();
  if (text.toLowerCase() === 'now') return { ok: true, ms: nowMs };
  const relative = RELATIVE.exec(text);
  if (relative) {
    const amount = Number(relative[1]);
    const unit = UNIT_MS[(relative[2] as string).toLowerCase()] as number;
    const back = amount * unit;
    if (back > MAX_BACK_MS) return { ok: false, reason: `"${value}" reaches back more than ten years` };
    return { ok: true, ms: nowMs - back };
  }
  // ISO 8601 only (a date, or a date and time): Date.parse accepts more than that, which hides typos.
  if (!/^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/.test(text)) {
    return { ok: false, reason: `"${value}" is neither ISO 8601 (2026-11-01T00:00:00Z) nor relative (30d, 12h, 90m)` };
  }
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return { ok: false, reason: `"${value}" is not a valid date` };
  return { ok: true, ms };
}

export interface TimeRange {
  readonly startMs: number;
  readonly endMs: number;
}

/** The --start/--end pair: end defaults to now; start must come before end; the future is cut to now. */
export function parseRange(
  start: string,
  end: string | undefined,
  nowMs: number,
): { ok: true; range: TimeRange } | { ok: false; reason: string } {
  const from = parseTime(start, nowMs);
  if (!from.ok) return { ok: false, reason: `--start: ${from.reason}` };
  const to = end === undefined ? { ok: true as const, ms: nowMs } : parseTime(end, nowMs);
  if (!to.ok) return { ok: false, reason: `--end: ${to.reason}` };
  const endMs = Math.min(to.ms, nowMs);
  if (from.ms >= endMs) return { ok: false, reason: '--start must be before --end (and before now)' };
  return { ok: true, range: { startMs: from.ms, endMs } };
}
