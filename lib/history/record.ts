import type { PublishedAlert } from '../alerts/published-alert';
import type { HistoryRecord } from './store';

/**
 * The history record after `alert` is delivered: a new record starts `new`; a re-delivered or repeated alert (same
 * id) keeps its triage state and raises count and lastSeen, never lowers them (deliveries can arrive out of order).
 */
export function mergeRecord(existing: HistoryRecord | undefined, alert: PublishedAlert, nowMs: number): HistoryRecord {
  const latest = !existing || alert.dedup.lastSeen >= existing.lastSeen;
  const base = {
    id: alert.id,
    dedupKey: alert.dedup.key,
    ruleId: alert.ruleId,
    title: alert.title,
    severity: alert.severity,
    host: alert.host,
  };
  if (!existing) {
    return {
      ...base,
      firstSeen: alert.dedup.firstSeen,
      lastSeen: alert.dedup.lastSeen,
      count: alert.dedup.count,
      recordedAt: new Date(nowMs).toISOString(),
      state: 'new',
      alert,
    };
  }
  return {
    ...existing,
    firstSeen: earlierOf(alert.dedup.firstSeen, existing.firstSeen),
    lastSeen: latest ? alert.dedup.lastSeen : existing.lastSeen,
    count: Math.max(existing.count, alert.dedup.count),
    alert: latest ? alert : existing.alert,
  };
}

/** ISO 8601 timestamps in UTC order as strings. */
function earlierOf(a: string, b: string): string {
  return a <= b ? a : b;
}
