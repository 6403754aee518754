import { parseTime } from '../hunt/time';
import { DAY_SECONDS } from './policy';

export type ExpiryResult =
  | { readonly ok: true; readonly seconds: number }
  | { readonly ok: false; readonly reason: string };

/** An entry's end as people write it: `12h`, `30d`, `2w` from now, or an ISO 8601 date. Epoch seconds. */
export function parseExpiry(value: string, nowMs: number): ExpiryResult {
  const relative = /^\s*(\d{1,4})\s*([hdw])\s*$/i.exec(value);
  if (relative) {
    const unit = { h: 3600, d: DAY_SECONDS, w: 7 * DAY_SECONDS }[
      (relative[2] as string).toLowerCase() as 'h' | 'd' | 'w'
    ];
    return { ok: true, seconds: Math.floor(nowMs / 1000) + Number(relative[1]) * unit };
  }
  const parsed = parseTime(value, nowMs);
  return parsed.ok ? { ok: true, seconds: Math.floor(parsed.ms / 1000) } : parsed;
}
