import { randomUUID } from 'node:crypto';
import {
  type ClaimDecision,
  type ClaimRequest,
  type ClaimTicket,
  confirmed,
  DEFAULT_RECENT_LIMIT,
  type DedupRecord,
  decideClaim,
  released,
} from './state';
import type { DedupStore } from './store';

/** In-process dedup state: for `vmsentry scan`/local mode and unit tests. Same state machine as DynamoDB. */
export class MemoryDedupStore implements DedupStore {
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
