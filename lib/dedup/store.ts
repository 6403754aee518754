import type { ClaimDecision, ClaimRequest, ClaimTicket } from './state';

/**
 * Port: the claim-publish-confirm protocol (docs/dedup-protocol.md).
 * claim -> 'publish' means this caller holds the claim and must publish, then confirm (or release on failure).
 */
export interface DedupStore {
  claim(request: ClaimRequest): Promise<ClaimDecision>;
  /** Mark published. false when the claim was lost (lease ran out and someone took over): a duplicate is possible. */
  confirm(ticket: ClaimTicket): Promise<boolean>;
  /** Give the claim back so a retry re-claims at once. false when it was no longer ours. */
  release(ticket: ClaimTicket): Promise<boolean>;
}

/**
 * How long a dedup record outlives its window. Failure queues (DLQ, on-failure destination, EDR dead letters) keep a
 * message at most 14 days (SQS's maximum retention), so a redrive is never later than that; one more day covers the
 * window itself and the redrive's own retries. A record kept this long still deduplicates every replay.
 */
export const REPLAY_HORIZON_SECONDS = 14 * 86_400;
export const DEDUP_RETENTION_SECONDS = REPLAY_HORIZON_SECONDS + 86_400;

/** The dedup store could not be read or written; the invocation must fail so the batch is retried. */
export class DedupUnavailableError extends Error {
  override readonly name = 'DedupUnavailableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Optimistic writes kept losing to concurrent writers; retrying the invocation is safe. */
export class DedupContentionError extends Error {
  override readonly name = 'DedupContentionError';
  constructor(
    readonly pk: string,
    attempts: number,
  ) {
    super(`dedup record ${pk} changed under ${attempts} consecutive attempts`);
  }
}
