import type { PendingScenario, Sighting } from './run';

/**
 * Sightings in one received message body: the SNS `default` body (raw delivery to SQS), the SNS envelope around it
 * (`{"Type":"Notification","Message":...}`), or the per-protocol map itself (an emulator's raw delivery). The marker must appear in the alert itself; the rule id is the alert's.
 */
export function sightingsInBody(body: string, pending: readonly PendingScenario[]): Sighting[] {
  const alert = alertOf(body);
  if (!alert) return [];
  const text = JSON.stringify(alert);
  const ruleId = typeof alert['ruleId'] === 'string' ? alert['ruleId'] : undefined;
  if (!ruleId) return [];
  return pending.filter((item) => text.includes(item.marker)).map((item) => ({ marker: item.marker, ruleId }));
}

function alertOf(body: string): Record<string, unknown> | undefined {
  const outer = parseObject(body);
  if (!outer) return undefined;
  if (outer['Type'] === 'Notification' && typeof outer['Message'] === 'string') {
    const inner = parseObject(outer['Message']);
    // A JSON message structure delivered without raw delivery still carries the per-protocol map.
    if (inner && typeof inner['default'] === 'string') return parseObject(inner['default']);
    return inner;
  }
  // The whole message structure delivered raw: what fauxqs (local mode's emulator) puts in a raw-delivery queue.
  if (typeof outer['default'] === 'string' && outer['ruleId'] === undefined) return parseObject(outer['default']);
  return outer;
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
