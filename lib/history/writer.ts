import { parsePublishedAlert } from '../alerts/parse-published';
import type { PublishedAlert } from '../alerts/published-alert';
import { FOLLOW_UP_SCHEMA, type FollowUp, parseFollowUp } from '../dedup/follow-up';
import type { AlertHistoryStore } from './store';

/**
 * What writing one alert-topic message to the history did. `invalid` is a message that is neither an alert nor a
 * follow-up (counted and logged by the caller, never retried: retrying cannot make it valid).
 */
export type HistoryWriteOutcome =
  | { readonly kind: 'alert'; readonly id: string }
  | { readonly kind: 'follow-up'; readonly id: string; readonly alertId: string }
  | { readonly kind: 'invalid'; readonly reason: string };

/**
 * A follow-up whose alert is not in the history (yet): its own history write may still be retrying. The message
 * fails and SQS retries it; after the queue's receive limit it rests in the dead-letter queue.
 */
export class FollowUpBeforeAlertError extends Error {
  override readonly name = 'FollowUpBeforeAlertError';
  constructor(readonly alertId: string) {
    super(`follow-up for alert ${alertId} arrived before the alert was recorded; retried`);
  }
}

/**
 * Record one alert-topic message body (SNS `default`, raw delivery) in the history: an alert is upserted; a
 * follow-up ("seen N more times") raises the count and lastSeen of its alert's record. Store errors propagate
 * (HistoryUnavailableError): the caller fails that message so it is retried.
 */
export async function writeHistoryMessage(
  body: string,
  store: AlertHistoryStore,
  nowMs: number,
): Promise<HistoryWriteOutcome> {
  if (schemaOf(body) === FOLLOW_UP_SCHEMA) {
    const parsed = parseFollowUp(body);
    if (!parsed.ok) return { kind: 'invalid', reason: parsed.reason };
    return recordFollowUp(parsed.followUp, store, nowMs);
  }
  const parsed = parsePublishedAlert(body);
  if (!parsed.ok) return { kind: 'invalid', reason: parsed.reason };
  await store.record(parsed.alert, nowMs);
  return { kind: 'alert', id: parsed.alert.id };
}

async function recordFollowUp(
  followUp: FollowUp,
  store: AlertHistoryStore,
  nowMs: number,
): Promise<HistoryWriteOutcome> {
  const existing = await store.get(followUp.alertId);
  if (!existing) throw new FollowUpBeforeAlertError(followUp.alertId);
  // The alert as it would read now: same evidence, the window's count and last time (mergeRecord never lowers them).
  const repeated: PublishedAlert = {
    ...existing.alert,
    dedup: { ...existing.alert.dedup, count: followUp.count, lastSeen: followUp.lastSeen },
  };
  await store.record(repeated, nowMs);
  return { kind: 'follow-up', id: followUp.id, alertId: followUp.alertId };
}

/** The body's schema tag, to choose the parser (which then checks every field). */
function schemaOf(body: string): unknown {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null ? (value as { schema?: unknown }).schema : undefined;
  } catch {
    return undefined;
  }
}
