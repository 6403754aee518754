import type { NormalizedEvent } from '../../lib/model';
import type { ParsedBatch } from '../../lib/sources';

/** A parsed batch of Sysmon events with no parse errors, as the pipeline receives it. */
export function parsedBatchOf(events: readonly NormalizedEvent[]): ParsedBatch {
  return {
    events: [...events],
    errors: [],
    records: events.length,
    eventsByFormat: { 'sysmon-windows': events.length },
    errorsByFormat: {},
    unknown: 0,
  };
}
