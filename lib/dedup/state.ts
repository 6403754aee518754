/**
 * The dedup state machine, pure: what a claim does to the stored record. Both the DynamoDB adapter and the in-memory
 * store apply it; the adapter makes it atomic with a version-conditioned write. See docs/dedup-protocol.md.
 */
import { createHash } from 'node:crypto';
import type { Severity } from '../model';

export type DedupState = 'claimed' | 'published' | 'released';

/** One dedup record (state table item `dedup#<hash>` / `window`). Times in epoch milliseconds. */
export interface DedupRecord {
  readonly state: DedupState;
  readonly ruleId: string;
  readonly host: string;
  readonly windowStartMs: number;
  readonly windowSeconds: number;
  /** Events seen in this window (each event counted once while its id is in `recent`). */
  readonly count: number;
  readonly firstSeenMs: number;
  readonly lastSeenMs: number;
  readonly claimToken?: string;
  readonly leaseUntilMs?: number;
  /** Ids of the most recent events counted, newest last: a retried batch is recognised and not counted again. */
  readonly recent: readonly string[];
  /**
   * Fingerprints of the most recent claim requests (all their event ids at once), newest last: a retried batch with
   * more events for the key than `recent` holds is still recognised as a whole.
   */
  readonly batches: readonly string[];
  /** The count the window's alert carried (set when claimed). More than this at window end is owed a follow-up. */
  readonly alerted: number;
  /** The count a follow-up ("seen N more times") already reported for this window; 0 when none was sent. */
  readonly followedUp: number;
  /** For the follow-up message: the alerted rule's title and severity (bounded). */
  readonly title?: string;
  readonly severity?: Severity;
  /** Incremented by every write; writes are conditioned on it. */
  readonly version: number;
}

export interface ClaimRequest {
  readonly pk: string;
  readonly ruleId: string;
  readonly host: string;
  readonly windowSeconds: number;
  /** Ids of this batch's events for the key (see eventKeyOf). */
  readonly eventKeys: readonly string[];
  /** Event times of this batch's events for the key. */
  readonly firstSeenMs: number;
  readonly lastSeenMs: number;
  readonly nowMs: number;
  /** The alert's title and severity, kept on the record for the follow-up message. */
  readonly title?: string;
  readonly severity?: Severity;
}

export interface WindowSummary {
  readonly windowStartMs: number;
  readonly windowSeconds: number;
  readonly count: number;
  readonly firstSeenMs: number;
  readonly lastSeenMs: number;
}

export interface ClaimTicket {
  readonly pk: string;
  readonly token: string;
}

export type ClaimDecision =
  | {
      readonly kind: 'publish';
      readonly ticket: ClaimTicket;
      readonly window: WindowSummary;
      /** The window this one replaced, when it had expired: its count goes into the alert's context. */
      readonly previous?: { readonly windowStartMs: number; readonly count: number; readonly published: boolean };
    }
  | {
      /**
       * A live claim is held and every event of the request was already counted under it: this is most likely the
       * retry of the very invocation that holds the claim (it failed to publish or to release). Suppressing would
       * lose the alert if so, so the caller must fail and be retried after the lease (or after the holder confirms).
       */
      readonly kind: 'pending';
      readonly window: WindowSummary;
    }
  | {
      readonly kind: 'suppress';
      /** published: already alerted in this window; in-flight: another invocation holds a fresh claim. */
      readonly reason: 'published' | 'in-flight';
      readonly window: WindowSummary;
      /** How many of the request's events were new (not a retry of events already counted). */
      readonly newEvents: number;
    };

export interface ClaimOptions {
  readonly token: string;
  readonly leaseMs: number;
  readonly recentLimit: number;
}

export interface ClaimTransition {
  readonly decision: ClaimDecision;
  /** The record to write, or undefined when nothing changed (a pure retry of counted events). */
  readonly next: DedupRecord | undefined;
}

export const DEFAULT_RECENT_LIMIT = 64;
/** Request fingerprints remembered per key (16 hex characters each: the item stays small). */
export const BATCH_LIMIT = 16;
/** Text kept on the record (title, host): informational only, the key is a hash. */
export const MAX_RECORD_TEXT = 256;

function unique(keys: readonly string[]): string[] {
  return [...new Set(keys)];
}

function summary(record: DedupRecord): WindowSummary {
  const { windowStartMs, windowSeconds, count, firstSeenMs, lastSeenMs } = record;
  return { windowStartMs, windowSeconds, count, firstSeenMs, lastSeenMs };
}

function remember(recent: readonly string[], fresh: readonly string[], limit: number): string[] {
  const merged = [...recent, ...fresh];
  return merged.length > limit ? merged.slice(merged.length - limit) : merged;
}

export function windowEndMs(record: Pick<DedupRecord, 'windowStartMs' | 'windowSeconds'>): number {
  return record.windowStartMs + record.windowSeconds * 1000;
}

/** One fingerprint for the whole set of event ids of a request, whatever their order or number. */
export function batchFingerprint(eventKeys: readonly string[]): string {
  return createHash('sha256').update(unique(eventKeys).sort().join('\n')).digest('hex').slice(0, 16);
}

/** A claim is live while its lease runs: its holder may still publish, whatever the window says. */
function liveClaim(record: DedupRecord, nowMs: number): boolean {
  return record.state === 'claimed' && (record.leaseUntilMs ?? 0) > nowMs;
}

export function bounded(text: string): string {
  return text.length > MAX_RECORD_TEXT ? `${text.slice(0, MAX_RECORD_TEXT - 1)}…` : text;
}

/** Decide a claim against the current record (undefined: none). */
export function decideClaim(
  current: DedupRecord | undefined,
  request: ClaimRequest,
  options: ClaimOptions,
): ClaimTransition {
  const fingerprint = batchFingerprint(request.eventKeys);
  const known = new Set(current?.recent ?? []);
  // A request seen before as a whole (a retry) brings nothing new, however many events it holds.
  const fresh = current?.batches.includes(fingerprint)
    ? []
    : unique(request.eventKeys).filter((key) => !known.has(key));
  const batches = remember(
    current?.batches ?? [],
    current?.batches.includes(fingerprint) ? [] : [fingerprint],
    BATCH_LIMIT,
  );
  const described = {
    ...(request.title !== undefined ? { title: bounded(request.title) } : {}),
    ...(request.severity !== undefined ? { severity: request.severity } : {}),
  };
  const claim = (base: DedupRecord | undefined, count: number, firstSeenMs: number, lastSeenMs: number) => {
    const next: DedupRecord = {
      state: 'claimed',
      ruleId: bounded(request.ruleId),
      host: bounded(request.host),
      windowStartMs: base?.windowStartMs ?? request.nowMs,
      windowSeconds: base?.windowSeconds ?? request.windowSeconds,
      count,
      firstSeenMs,
      lastSeenMs,
      claimToken: options.token,
      leaseUntilMs: request.nowMs + options.leaseMs,
      recent: remember(current?.recent ?? [], fresh, options.recentLimit),
      batches,
      // The alert about to be published carries this count; repeats beyond it are owed a follow-up.
      alerted: count,
      followedUp: base?.followedUp ?? 0,
      ...described,
      version: (current?.version ?? 0) + 1,
    };
    return next;
  };

  // No record, or the window is over (and no claim on it is still live): a new window starts with the new events.
  if (current === undefined || (windowEndMs(current) <= request.nowMs && !liveClaim(current, request.nowMs))) {
    if (current !== undefined && fresh.length === 0 && current.state === 'published') {
      // A retry of events that were already alerted on: nothing new to say.
      return { decision: suppressed(current, 'published', 0), next: undefined };
    }
    if (current !== undefined && fresh.length === 0) {
      // Counted in the old window but never published (released, or its holder's lease ran out): publish it now.
      const next = claim(current, current.count, current.firstSeenMs, current.lastSeenMs);
      return { decision: { kind: 'publish', ticket: ticketOf(request, options), window: summary(next) }, next };
    }
    const next = claim(undefined, fresh.length, request.firstSeenMs, request.lastSeenMs);
    const decision: ClaimDecision =
      current === undefined
        ? { kind: 'publish', ticket: ticketOf(request, options), window: summary(next) }
        : {
            kind: 'publish',
            ticket: ticketOf(request, options),
            window: summary(next),
            previous: {
              windowStartMs: current.windowStartMs,
              count: current.count,
              published: current.state === 'published',
            },
          };
    return { decision, next };
  }

  const count = current.count + fresh.length;
  const firstSeenMs = fresh.length > 0 ? Math.min(current.firstSeenMs, request.firstSeenMs) : current.firstSeenMs;
  const lastSeenMs = fresh.length > 0 ? Math.max(current.lastSeenMs, request.lastSeenMs) : current.lastSeenMs;

  // Never published in this window (the publisher failed and released, or crashed and its lease ran out): take over.
  if (current.state === 'released' || (current.state === 'claimed' && !liveClaim(current, request.nowMs))) {
    const next = claim(current, count, firstSeenMs, lastSeenMs);
    return { decision: { kind: 'publish', ticket: ticketOf(request, options), window: summary(next) }, next };
  }

  // Published in this window, or claimed by another invocation whose lease still runs: count, do not publish.
  const reason = current.state === 'published' ? 'published' : 'in-flight';
  if (fresh.length === 0 && reason === 'in-flight')
    return { decision: { kind: 'pending', window: summary(current) }, next: undefined };
  if (fresh.length === 0) return { decision: suppressed(current, reason, 0), next: undefined };
  const next: DedupRecord = {
    ...current,
    count,
    firstSeenMs,
    lastSeenMs,
    recent: remember(current.recent, fresh, options.recentLimit),
    batches,
    version: current.version + 1,
  };
  return { decision: suppressed(next, reason, fresh.length), next };
}

function suppressed(record: DedupRecord, reason: 'published' | 'in-flight', newEvents: number): ClaimDecision {
  return { kind: 'suppress', reason, window: summary(record), newEvents };
}

function ticketOf(request: ClaimRequest, options: ClaimOptions): ClaimTicket {
  return { pk: request.pk, token: options.token };
}

/** Confirm: the holder published. Only the holder of the token may confirm. */
export function confirmed(current: DedupRecord | undefined, ticket: ClaimTicket): DedupRecord | undefined {
  if (current?.state !== 'claimed' || current.claimToken !== ticket.token) return undefined;
  const { claimToken: _token, leaseUntilMs: _lease, ...rest } = current;
  return { ...rest, state: 'published', version: current.version + 1 };
}

/** Release: the holder could not publish; the next claim takes over at once. */
export function released(current: DedupRecord | undefined, ticket: ClaimTicket): DedupRecord | undefined {
  if (current?.state !== 'claimed' || current.claimToken !== ticket.token) return undefined;
  const { claimToken: _token, leaseUntilMs: _lease, ...rest } = current;
  return { ...rest, state: 'released', version: current.version + 1 };
}
