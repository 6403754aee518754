import type { FormatName, NormalizedEvent } from '../../model';
import { failure } from '../common';
import { ok, type ParseOutcome, type RecordInput } from '../parser';

/**
 * One outcome for a record that carries many (a CloudTrail `Records` file, a Kubernetes audit EventList): the events
 * of every usable item. Items that are not of the format are skipped; a record whose only outcome is failures
 * reports the first one, and one with items but none usable fails with `noneUsable`.
 */
export function outcomeOfItems<T>(
  items: readonly unknown[],
  input: RecordInput,
  format: FormatName,
  item: { readonly is: (value: unknown) => value is T; readonly parse: (value: T) => ParseOutcome },
  noneUsable: string,
): ParseOutcome {
  const events: NormalizedEvent[] = [];
  let firstFailure: ParseOutcome | undefined;
  let usable = 0;
  for (const value of items) {
    if (!item.is(value)) continue;
    usable += 1;
    const outcome = item.parse(value);
    if (outcome.ok) events.push(...outcome.events);
    else firstFailure ??= outcome;
  }
  if (events.length === 0 && firstFailure !== undefined) return firstFailure;
  if (usable === 0 && items.length > 0) return failure(input, format, 'invalid-record', noneUsable);
  return ok(events);
}
