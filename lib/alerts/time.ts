import { EARLIEST_EVENT_MS, isPlausibleEventTime, LATEST_EVENT_MS } from '../model';

/**
 * Times as alerts show them. Event times are attacker-controlled (a forged log line can claim any year a Date holds,
 * or none), and `Date#toISOString` throws outside the representable range: alert building must never throw, so
 * every time is formatted through here.
 */

/** The time clamped into 1970..9999 (NaN becomes the epoch): always formattable, with room for a window around it. */
export function clampedTime(ms: number): number {
  if (Number.isNaN(ms)) return EARLIEST_EVENT_MS;
  return Math.min(LATEST_EVENT_MS, Math.max(EARLIEST_EVENT_MS, ms));
}

/** ISO 8601 UTC of the clamped time; never throws. */
export function isoTime(ms: number): string {
  return new Date(clampedTime(ms)).toISOString();
}

/**
 * A context line when `ms` is not a believable event time, saying what it was shown as; undefined when it is fine.
 * `label` names the time ("event time", "first seen").
 */
export function timeRangeNote(label: string, ms: number): string | undefined {
  if (isPlausibleEventTime(ms)) return undefined;
  const claimed = Number.isFinite(ms) ? `${ms} ms since the epoch` : String(ms);
  return `The ${label} (${claimed}) is out of range (1970..9999): shown as ${isoTime(ms)}. The record's clock is broken or the line is forged.`;
}
