/**
 * One sweep of the follow-up index: every ended window whose count grew past its alert gets one "seen N more times"
 * message. Runs on a schedule (lambdas/dedup-sweeper.ts), so a host that goes quiet after its alert is still
 * followed up: no later event is needed to trigger it.
 *
 * Order: publish, then record what was reported (a write conditioned on the version read). A crash between the two
 * re-sends the follow-up on the next sweep with the same id (at-least-once, like alerts); nothing is ever dropped.
 */
import { decideFollowUp, type FollowUp } from './follow-up';
import type { DedupRecord } from './state';

export interface IndexedRecord {
  /** State-table partition key (`dedup#<hash>`). */
  readonly pk: string;
  readonly record: DedupRecord;
}

/** Port: the follow-up index and conditional writes of dedup records. */
export interface FollowUpSource {
  /** Records listed in the index as due at or before nowMs, read consistently from the table; at most `limit`. */
  due(nowMs: number, limit: number): Promise<IndexedRecord[]>;
  /** Write `next` if the stored version is still `next.version - 1`; false when someone wrote in between. */
  write(pk: string, next: DedupRecord): Promise<boolean>;
}

export interface FollowUpPublishReport {
  readonly published: readonly string[];
  readonly failed: readonly { readonly id: string; readonly error: Error }[];
}

/** Port: sends follow-up messages (SNS, same topic as the alerts). */
export interface FollowUpPublisher {
  publish(followUps: readonly FollowUp[]): Promise<FollowUpPublishReport>;
}

export interface SweepCounts {
  due: number;
  sent: number;
  /** Listed but nothing owed any more (the item leaves the index). */
  cleared: number;
  /** Listed but not ready: the window's alert is not out yet. */
  later: number;
  publishFailures: number;
  /** Sent, but the record changed before it could be marked: the next sweep may send it again (same id). */
  markLost: number;
}

/** Some follow-ups could not be sent; they stay in the index for the next sweep. The invocation fails (alarmed). */
export class FollowUpsNotSentError extends Error {
  override readonly name = 'FollowUpsNotSentError';
  constructor(
    readonly counts: SweepCounts,
    cause: unknown,
  ) {
    super(`${counts.publishFailures} follow-up(s) not sent`, { cause });
  }
}

/** Windows handled per sweep: bounds one invocation's work; the rest wait for the next sweep. */
export const SWEEP_LIMIT = 200;

export async function sweepFollowUps(
  ports: { source: FollowUpSource; publisher: FollowUpPublisher },
  nowMs: number,
  limit = SWEEP_LIMIT,
): Promise<SweepCounts> {
  const counts: SweepCounts = { due: 0, sent: 0, cleared: 0, later: 0, publishFailures: 0, markLost: 0 };
  const due = await ports.source.due(nowMs, limit);
  counts.due = due.length;
  const sends: { pk: string; followUp: FollowUp; next: DedupRecord }[] = [];
  for (const { pk, record } of due) {
    const decision = decideFollowUp(pk.slice(pk.indexOf('#') + 1), record, nowMs);
    if (decision.kind === 'later') counts.later += 1;
    else if (decision.kind === 'clear') {
      if (await ports.source.write(pk, decision.next)) counts.cleared += 1;
    } else sends.push({ pk, followUp: decision.followUp, next: decision.next });
  }
  if (sends.length === 0) return counts;

  let report: FollowUpPublishReport;
  try {
    report = await ports.publisher.publish(sends.map((send) => send.followUp));
  } catch (error) {
    const cause = error instanceof Error ? error : new Error(String(error));
    report = { published: [], failed: sends.map((send) => ({ id: send.followUp.id, error: cause })) };
  }
  const published = new Set(report.published);
  for (const send of sends) {
    if (!published.has(send.followUp.id)) continue;
    counts.sent += 1;
    if (!(await ports.source.write(send.pk, send.next))) counts.markLost += 1;
  }
  counts.publishFailures = sends.length - counts.sent;
  if (counts.publishFailures > 0) throw new FollowUpsNotSentError(counts, report.failed[0]?.error);
  return counts;
}
