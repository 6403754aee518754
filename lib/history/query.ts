import { atLeast } from '../model/severity';
import type { HistoryQuery, HistoryRecord } from './store';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

/** Whether a record passes the query's filters (host compared case-insensitively, as hosts are everywhere else). */
export function matchesQuery(record: HistoryRecord, query: HistoryQuery): boolean {
  if (query.host !== undefined && record.host.toLowerCase() !== query.host.toLowerCase()) return false;
  if (query.ruleId !== undefined && record.ruleId !== query.ruleId) return false;
  if (query.minSeverity !== undefined && !atLeast(record.severity, query.minSeverity)) return false;
  if (query.state !== undefined && record.state !== query.state) return false;
  if (query.since !== undefined && record.lastSeen < query.since) return false;
  if (query.until !== undefined && record.lastSeen >= query.until) return false;
  return true;
}

/** Newest lastSeen first; ties by id so pages are stable. */
export function compareNewestFirst(a: HistoryRecord, b: HistoryRecord): number {
  if (a.lastSeen !== b.lastSeen) return a.lastSeen < b.lastSeen ? 1 : -1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function pageSizeOf(query: HistoryQuery): number {
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1) return DEFAULT_PAGE_SIZE;
  return Math.min(limit, MAX_PAGE_SIZE);
}
