import { randomUUID } from 'node:crypto';
import { followUpOwed } from './follow-up';
import {
  type ClaimDecision,
  type ClaimRequest,
  type ClaimTicket,
  confirmed,
  DEFAULT_RECENT_LIMIT,
  type DedupRecord,
  decideClaim,
  released,
  windowEndMs,
} from './state';
import type { DedupStore } from './store';
import type { FollowUpSource, IndexedRecord } from './sweep';

/** In-process dedup state: for `vmsentry scan`/local mode and unit tests. Same state machine as DynamoDB. */
export class MemoryDedupStore implements DedupStore, FollowUpSource {
  readonly records = new Map<string, DedupRecord>();

  constructor(private readonly options: { leaseSeconds?: number; recentLimit?: number; token?: () => string } = {}) {}

  async claim(request: ClaimRequest): Promise<ClaimDecision> {
    const { decision, next } = decideClaim(this.records.get(request.pk), request, {
      token: (this.options.token ?? randomUUID)(),
      leaseMs: (this.options.leaseSeconds ?? 30) * 1000,
      recentLimit: this.options.recentLimit ?? DEFAULT_RECENT_LIMIT,
    });
    if (next) this.records.set(request.pk, next);
    return decision;
  }

  async confirm(ticket: ClaimTicket): Promise<boolean> {
    return this.apply(ticket, confirmed);
  }

  async release(ticket: ClaimTicket): Promise<boolean> {
    return this.apply(ticket, released);
  }

  /** The follow-up index: records owed a follow-up whose window ended by nowMs, earliest first. */
  async due(nowMs: number, limit: number): Promise<IndexedRecord[]> {
    return [...this.records]
      .filter(([, record]) => followUpOwed(record) && windowEndMs(record) <= nowMs)
      .sort(([, a], [, b]) => windowEndMs(a) - windowEndMs(b))
      .slice(0, limit)
      .map(([pk, record]) => ({ pk, record }));
  }

  async write(pk: string, next: DedupRecord): Promise<boolean> {
    if (this.records.get(pk)?.version !== next.version - 1) return false;
    this.records.set(pk, next);
    return true;
  }

  private apply(
    ticket: ClaimTicket,
    transition: (current: DedupRecord | undefined, ticket: ClaimTicket) => DedupRecord | undefined,
  ): boolean {
    const next = transition(this.records.get(ticket.pk), ticket);
    if (!next) return false;
    this.records.set(ticket.pk, next);
    return true;
  }
}
