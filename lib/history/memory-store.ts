import type { PublishedAlert } from '../alerts/published-alert';
import { compareNewestFirst, matchesQuery, pageSizeOf } from './query';
import { mergeRecord } from './record';
import {
  type AlertHistoryStore,
  HistoryNotFoundError,
  type HistoryPage,
  type HistoryQuery,
  type HistoryRecord,
  type TriageChange,
} from './store';
import { checkTransition } from './triage';

/** The history in memory: unit tests and `vmsentry scan`, where nothing outlives the process. */
export class MemoryHistoryStore implements AlertHistoryStore {
  private readonly records = new Map<string, HistoryRecord>();

  async record(alert: PublishedAlert, nowMs: number): Promise<HistoryRecord> {
    const merged = mergeRecord(this.records.get(alert.id), alert, nowMs);
    this.records.set(merged.id, merged);
    return merged;
  }

  async get(id: string): Promise<HistoryRecord | undefined> {
    return this.records.get(id);
  }

  async list(query: HistoryQuery): Promise<HistoryPage> {
    const matching = [...this.records.values()].filter((r) => matchesQuery(r, query)).sort(compareNewestFirst);
    const start = query.cursor === undefined ? 0 : decodeCursor(query.cursor);
    const size = pageSizeOf(query);
    const items = matching.slice(start, start + size);
    const next = start + size;
    return next < matching.length ? { items, cursor: encodeCursor(next) } : { items };
  }

  async setState(id: string, change: TriageChange, nowMs: number): Promise<HistoryRecord> {
    const current = this.records.get(id);
    if (!current) throw new HistoryNotFoundError(id);
    const checked = checkTransition(current.state, change);
    const { stateReason: _reason, ...rest } = current;
    const updated: HistoryRecord = {
      ...rest,
      state: checked.state,
      stateBy: checked.by,
      stateAt: new Date(nowMs).toISOString(),
      ...(checked.reason ? { stateReason: checked.reason } : {}),
    };
    this.records.set(id, updated);
    return updated;
  }
}

function encodeCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}

function decodeCursor(cursor: string): number {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const offset = (parsed as { o?: unknown }).o;
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // fall through: a cursor we did not write
  }
  throw new RangeError('the page cursor is not one this store issued');
}
