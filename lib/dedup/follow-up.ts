/**
 * Follow-ups, pure: a window whose count grew past what its alert said is owed one "seen N more times" message once
 * the window has ended. The sweeper (lambdas/dedup-sweeper.ts, on a schedule) finds such windows through the sparse
 * follow-up index, publishes, then records what it reported. See docs/dedup-protocol.md.
 */
import { createHash } from 'node:crypto';
import { alertIdOf } from '../alerts/build';
import { SEVERITIES, type Severity, severityRank } from '../model';
import { type DedupRecord, windowEndMs } from './state';

/** The one partition of the follow-up index. Owed windows are few (one per busy key and window), so one suffices. */
export const SWEEP_SHARD = 'due';

/** Events counted in the window beyond what its alert or an earlier follow-up reported. */
export function unreported(record: DedupRecord): number {
  return record.count - Math.max(record.alerted, record.followedUp);
}

/** True while the record belongs in the follow-up index. */
export function followUpOwed(record: DedupRecord): boolean {
  return unreported(record) > 0;
}

export interface FollowUp {
  /** Deterministic: the same window and count give the same id, so a re-sent follow-up can be dropped by id. */
  readonly id: string;
  /** The id of the window's alert this follows up. */
  readonly alertId: string;
  readonly ruleId: string;
  readonly title: string;
  readonly severity: Severity;
  readonly host: string;
  /** Events since the alert (or the last follow-up). */
  readonly moreEvents: number;
  /** Events in the whole window. */
  readonly count: number;
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly lastSeen: string;
}

export type FollowUpDecision =
  /** Publish `followUp`, then write `next` (conditioned on the version read). */
  | { readonly kind: 'send'; readonly followUp: FollowUp; readonly next: DedupRecord }
  /** Not yet: the window is still open, or its alert is not out yet (claimed or released: the retry publishes). */
  | { readonly kind: 'later' }
  /** Nothing is owed (any more): write `next` so the item leaves the index. */
  | { readonly kind: 'clear'; readonly next: DedupRecord };

/**
 * A window whose own alert is still not confirmed a day after it ended (a lost confirm, or retries that ran out into
 * a failure queue) leaves the index: it must not crowd out due windows for two weeks. Nothing goes unreported: the
 * key's next claim starts a new window whose alert names this window's count.
 */
export const UNCONFIRMED_GIVE_UP_MS = 86_400_000;

/** What the sweeper does with one indexed record at `nowMs`. `keyHash` is the dedup key hash (the pk's suffix). */
export function decideFollowUp(keyHash: string, record: DedupRecord, nowMs: number): FollowUpDecision {
  const clear: FollowUpDecision = { kind: 'clear', next: { ...record, version: record.version + 1 } };
  if (!followUpOwed(record)) return clear;
  if (windowEndMs(record) > nowMs) return { kind: 'later' };
  if (record.state !== 'published') {
    // The alert itself is not out yet (claimed or released): when it goes out it carries the full count.
    if (windowEndMs(record) + UNCONFIRMED_GIVE_UP_MS > nowMs) return { kind: 'later' };
    return { kind: 'clear', next: { ...record, followedUp: record.count, version: record.version + 1 } };
  }
  const windowStart = new Date(record.windowStartMs).toISOString();
  const alertId = alertIdOf(keyHash, windowStart);
  const followUp: FollowUp = {
    id: createHash('sha256').update(`${alertId}\u0000follow-up\u0000${record.count}`).digest('hex').slice(0, 32),
    alertId,
    ruleId: record.ruleId,
    title: record.title ?? record.ruleId,
    severity: record.severity ?? 'medium',
    host: record.host,
    moreEvents: unreported(record),
    count: record.count,
    windowStart,
    windowEnd: new Date(windowEndMs(record)).toISOString(),
    lastSeen: new Date(record.lastSeenMs).toISOString(),
  };
  return { kind: 'send', followUp, next: { ...record, followedUp: record.count, version: record.version + 1 } };
}

/** One line for humans (e-mail subject and first line, chat title). */
export function followUpText(followUp: FollowUp): string {
  return (
    `[${followUp.severity.toUpperCase()}] ${followUp.title} on ${followUp.host}: seen ${followUp.moreEvents} more ` +
    `time(s) after the alert (${followUp.count} in the window ${followUp.windowStart} to ${followUp.windowEnd})`
  );
}

/** The `schema` of the follow-up's JSON body: consumers tell it from an alert (which has its own schema) by this. */
export const FOLLOW_UP_SCHEMA = 'vmsentry.follow-up/1';
const SUBJECT_MAX = 100;

/** An SNS message for the alert topic, structurally a PublishBatchRequestEntry (no SDK import here). */
export interface FollowUpEntry {
  readonly Id: string;
  readonly Subject: string;
  readonly Message: string;
  readonly MessageStructure: 'json';
  readonly MessageAttributes: Readonly<Record<string, { DataType: 'String' | 'Number'; StringValue: string }>>;
}

/**
 * The follow-up as one SNS entry: the JSON body for SQS/Lambda/HTTP consumers, text for e-mail, an AWS Chatbot
 * custom notification for chat. Attributes mirror the alert's (`severityRank`, `severity`, `ruleId`, `host`) so the
 * subscription filter policies route it where the alert went; `kind` = `follow-up` tells it apart.
 */
export function followUpEntry(followUp: FollowUp, index: number): FollowUpEntry {
  const text = followUpText(followUp);
  const body = { schema: FOLLOW_UP_SCHEMA, ...followUp };
  const chatbot = {
    version: '1.0',
    source: 'custom',
    id: followUp.id,
    content: { textType: 'client-markdown', title: text.slice(0, 250), description: `Alert id ${followUp.alertId}` },
  };
  const ascii = (value: string) => value.replace(/[^\x20-\x7e]/g, '?');
  return {
    Id: String(index),
    Subject: ascii(`vmsentry follow-up: ${followUp.severity} ${followUp.title} on ${followUp.host}`).slice(
      0,
      SUBJECT_MAX,
    ),
    Message: JSON.stringify({
      default: JSON.stringify(body),
      email: `${text}\n\nAlert id: ${followUp.alertId}\nLast seen: ${followUp.lastSeen}\n`,
      https: JSON.stringify(chatbot),
    }),
    MessageStructure: 'json',
    MessageAttributes: {
      kind: { DataType: 'String', StringValue: 'follow-up' },
      severity: { DataType: 'String', StringValue: followUp.severity },
      severityRank: { DataType: 'Number', StringValue: String(severityRank(followUp.severity)) },
      ruleId: { DataType: 'String', StringValue: ascii(followUp.ruleId) || '-' },
      host: { DataType: 'String', StringValue: ascii(followUp.host) || '-' },
    },
  };
}

const FOLLOW_UP_TEXT_FIELDS = [
  'id',
  'alertId',
  'ruleId',
  'title',
  'host',
  'windowStart',
  'windowEnd',
  'lastSeen',
] as const satisfies readonly (keyof FollowUp)[];

/**
 * A follow-up read back from a topic message body (the `default` body of `followUpEntry`), or why it is not one.
 * Untrusted like any message on the topic: every field is checked, and a consumer shows what fails as unrecognised.
 */
export function parseFollowUp(body: string): { ok: true; followUp: FollowUp } | { ok: false; reason: string } {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  if (typeof value !== 'object' || value === null) return { ok: false, reason: 'not an object' };
  const record = value as Record<string, unknown>;
  if (record['schema'] !== FOLLOW_UP_SCHEMA) return { ok: false, reason: `schema is not ${FOLLOW_UP_SCHEMA}` };
  for (const field of FOLLOW_UP_TEXT_FIELDS) {
    if (typeof record[field] !== 'string') return { ok: false, reason: `follow-up field ${field} is not a string` };
  }
  for (const field of ['moreEvents', 'count'] as const) {
    const number = record[field];
    if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < 0) {
      return { ok: false, reason: `follow-up field ${field} is not a count` };
    }
  }
  if (!(SEVERITIES as readonly unknown[]).includes(record['severity'])) {
    return { ok: false, reason: 'follow-up field severity is not a severity' };
  }
  const { schema: _schema, ...followUp } = record;
  return { ok: true, followUp: followUp as unknown as FollowUp };
}
