import {
  ALL_RULES,
  type Alert,
  type AllowlistEntry,
  type Detection,
  GLOBAL_HOST,
  type NormalizedEvent,
  type Severity,
} from '../model';
import { ALLOWLIST_AUDIT_RULE } from './allowlist-audit-rule';
import { buildAlert } from './build';
import { oneLine, truncate } from './text';
import { isoTime } from './time';

/** One side of a change: the entry, or why the stored item is not a valid entry (kept for the record). */
export type AuditedImage =
  | { readonly ok: true; readonly entry: AllowlistEntry }
  | { readonly ok: false; readonly reason: string; readonly item: unknown };

/** One allowlist table change, as read from its DynamoDB stream (NEW_AND_OLD_IMAGES). */
export interface AllowlistChange {
  readonly operation: 'INSERT' | 'MODIFY' | 'REMOVE' | 'UNKNOWN';
  /** Stream event id: unique per change, so the alert id is stable across retries of the batch. */
  readonly eventId: string;
  /** When the change was made (stream ApproximateCreationDateTime), epoch ms. */
  readonly timeMs: number;
  readonly oldImage?: AuditedImage;
  readonly newImage?: AuditedImage;
  /** A REMOVE made by DynamoDB TTL (userIdentity dynamodb.amazonaws.com), not by a person. */
  readonly expiredByTtl: boolean;
  /** Position of the record in its stream batch. */
  readonly index: number;
  readonly tableArn?: string;
  readonly accountId?: string;
  readonly region?: string;
}

/** An entry living longer than this is a standing blind spot, not an exception. */
export const MAX_REASONABLE_DAYS = 90;

const DAY_MS = 86_400_000;

/** Fields whose content the actor writes freely. */
const FREE_TEXT_FIELDS: ReadonlySet<string> = new Set([
  'CommandLine',
  'ParentCommandLine',
  'ScriptBlockText',
  'Message',
]);

/** Why an entry suppresses more than one sanctioned thing on one host; empty for a narrow entry. */
export function breadthOf(entry: AllowlistEntry, nowMs: number): string[] {
  const reasons: string[] = [];
  if (entry.host === GLOBAL_HOST) reasons.push('applies to every host (global scope)');
  if (entry.rule === ALL_RULES) reasons.push('applies to every rule');
  const match = Object.entries(entry.match ?? {});
  if (match.length === 0) reasons.push('has no match condition: every event of the rule is suppressed');
  // matchAny: one matching value suppresses an event that carries others the entry never names (a pod that mounts
  // /var/log and also /).
  for (const field of entry.matchAny ?? []) {
    reasons.push(`match.${field} accepts any value of ${field} (matchAny): other values of the event go unchecked`);
  }
  for (const [field, glob] of match) {
    const trimmed = glob.trim();
    if (/^[*?]*$/.test(trimmed)) reasons.push(`match.${field} is only wildcards ("${glob}")`);
    // "*text*" on free text is satisfied by anyone who adds that text to their own command or script.
    else if (FREE_TEXT_FIELDS.has(field) && trimmed.startsWith('*') && trimmed.endsWith('*')) {
      reasons.push(`match.${field} is a substring match ("${glob}"): anyone can add that text to their own command`);
    }
  }
  if (entry.expiresAt === undefined) reasons.push('never expires');
  else {
    const days = Math.floor((entry.expiresAt * 1000 - nowMs) / DAY_MS);
    if (days > MAX_REASONABLE_DAYS) reasons.push(`expires in ${days} days (more than ${MAX_REASONABLE_DAYS})`);
  }
  return reasons;
}

/** Severity of a change: TTL expiry is informational; broad entries high (global + all rules critical). */
export function auditSeverity(change: AllowlistChange): Severity {
  if (change.operation === 'REMOVE' && change.expiredByTtl) return 'informational';
  // An item the pipeline refuses still says what its writer wanted: every host and every rule stays critical.
  if (!imagesParse(change))
    return hostOfItem(change) === GLOBAL_HOST && ruleOfItem(change) === ALL_RULES ? 'critical' : 'high';
  const current = change.newImage?.ok ? change.newImage.entry : undefined;
  if (change.operation === 'REMOVE' || current === undefined) return 'medium';
  if (current.host === GLOBAL_HOST && current.rule === ALL_RULES) return 'critical';
  return breadthOf(current, change.timeMs).length > 0 ? 'high' : 'medium';
}

/** The change as a detection of the built-in audit rule, so it travels the same alert path as everything else. */
export function auditDetection(change: AllowlistChange): Detection {
  const severity = auditSeverity(change);
  const subject = entryOf(change.newImage) ?? entryOf(change.oldImage);
  const context: string[] = [];
  if (!imagesParse(change)) context.push(`unparseable allowlist change: ${unparseableReasons(change).join('; ')}`);
  if (change.operation !== 'REMOVE' && change.newImage?.ok) {
    for (const reason of breadthOf(change.newImage.entry, change.timeMs)) context.push(`broad: ${reason}`);
  }
  context.push(...differences(change));
  if (change.expiredByTtl) context.push('expired by TTL: deleted by DynamoDB (dynamodb.amazonaws.com), not a person');
  else {
    context.push(
      'the owner field is what the writer claimed; DynamoDB streams do not carry the caller: see CloudTrail data events',
    );
  }
  const actor = ownerOf(change);
  const fields = {
    ApiService: 'dynamodb',
    ApiOperation: change.operation,
    ApiResource: 'allowlist',
    Message: summaryOf(change, severity),
    ...(actor ? { Actor: actor } : {}),
  };
  const host = subject?.host ?? hostOfItem(change) ?? 'allowlist';
  const event: NormalizedEvent = {
    category: 'cloud_api',
    platform: 'aws',
    time: isoTime(change.timeMs),
    timeMs: change.timeMs,
    host: {
      hostname: host,
      ...(change.accountId ? { accountId: change.accountId } : {}),
      ...(change.region ? { region: change.region } : {}),
    },
    // No envelope kind names a DynamoDB stream; `inline` with the stream event id as record id finds it again.
    provenance: { envelope: 'inline', index: change.index, format: 'normalized', recordId: change.eventId },
    fields,
    raw: {
      eventID: change.eventId,
      eventName: change.operation,
      ...(change.tableArn ? { eventSourceARN: change.tableArn } : {}),
      ...(change.oldImage ? { old: imageRaw(change.oldImage) } : {}),
      ...(change.newImage ? { new: imageRaw(change.newImage) } : {}),
    },
  };
  return { rule: ALLOWLIST_AUDIT_RULE, severity, event, context };
}

/**
 * The alert for one change. It never passes through the allowlist (an entry must not hide its own audit); the
 * dedup key is the stream event id, so every change alerts exactly once and a retry keeps the alert id.
 */
export function auditAlert(change: AllowlistChange): Alert {
  const detection = auditDetection(change);
  const time = detection.event.time;
  return buildAlert({
    detection,
    dedup: { key: `allowlist-audit|${change.eventId}`, count: 1, firstSeen: time, lastSeen: time, windowSeconds: 0 },
    allowlist: 'bypassed',
  });
}

function imagesParse(change: AllowlistChange): boolean {
  return change.oldImage?.ok !== false && change.newImage?.ok !== false && change.operation !== 'UNKNOWN';
}

function unparseableReasons(change: AllowlistChange): string[] {
  const reasons: string[] = [];
  if (change.operation === 'UNKNOWN') reasons.push('the stream record has no known event name');
  if (change.oldImage && !change.oldImage.ok) reasons.push(`old image: ${change.oldImage.reason}`);
  if (change.newImage && !change.newImage.ok) reasons.push(`new image: ${change.newImage.reason}`);
  return reasons;
}

function entryOf(image: AuditedImage | undefined): AllowlistEntry | undefined {
  return image?.ok ? image.entry : undefined;
}

function ownerOf(change: AllowlistChange): string | undefined {
  if (change.expiredByTtl) return 'dynamodb.amazonaws.com (TTL)';
  return entryOf(change.newImage)?.owner ?? entryOf(change.oldImage)?.owner ?? ownerOfItem(change);
}

/** Best effort on an invalid item: a string attribute, bounded, or nothing. */
function itemString(image: AuditedImage | undefined, key: string): string | undefined {
  if (!image || image.ok || image.item === null || typeof image.item !== 'object') return undefined;
  const value = Object.hasOwn(image.item, key) ? (image.item as Record<string, unknown>)[key] : undefined;
  return typeof value === 'string' && value.trim() !== '' ? truncate(value, 253) : undefined;
}

function ownerOfItem(change: AllowlistChange): string | undefined {
  return itemString(change.newImage, 'owner') ?? itemString(change.oldImage, 'owner');
}

function hostOfItem(change: AllowlistChange): string | undefined {
  return itemString(change.newImage, 'host') ?? itemString(change.oldImage, 'host');
}

function ruleOfItem(change: AllowlistChange): string | undefined {
  return itemString(change.newImage, 'rule') ?? itemString(change.oldImage, 'rule');
}

function imageRaw(image: AuditedImage): unknown {
  return image.ok ? image.entry : { unparseable: image.reason, item: image.item };
}

function describeEntry(entry: AllowlistEntry): string {
  const match = Object.entries(entry.match ?? {})
    .map(([field, glob]) => `${entry.matchAny?.includes(field) ? 'any:' : ''}${field}=${glob}`)
    .join(', ');
  const expiry = entry.expiresAt === undefined ? 'never' : isoTime(entry.expiresAt * 1000);
  const pin = entry.pin ? ` pin=${entry.pin.source}:${entry.pin.value}` : '';
  return `host=${entry.host} rule=${entry.rule} match={${match || 'any'}}${pin} owner=${entry.owner} expires=${expiry} reason=${entry.reason}`;
}

function summaryOf(change: AllowlistChange, severity: Severity): string {
  const verb = { INSERT: 'created', MODIFY: 'changed', REMOVE: 'deleted', UNKNOWN: 'changed (unknown operation)' }[
    change.operation
  ];
  const entry = entryOf(change.newImage) ?? entryOf(change.oldImage);
  const what = entry ? describeEntry(entry) : 'unparseable allowlist change';
  const how = change.expiredByTtl ? ' (expired by TTL)' : '';
  return oneLine(truncate(`Allowlist entry ${verb}${how} [${severity}]: ${what}`, 2000));
}

const COMPARED: readonly (keyof AllowlistEntry)[] = [
  'host',
  'rule',
  'match',
  'matchAny',
  'broad',
  'pin',
  'reason',
  'owner',
  'expiresAt',
];

/** "rule: a -> b" for every logical field a MODIFY changed. */
function differences(change: AllowlistChange): string[] {
  const before = entryOf(change.oldImage);
  const after = entryOf(change.newImage);
  if (change.operation !== 'MODIFY' || !before || !after) return [];
  return COMPARED.filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key])).map(
    (key) =>
      `changed ${key}: ${truncate(JSON.stringify(before[key]) ?? 'absent', 300)} -> ${truncate(JSON.stringify(after[key]) ?? 'absent', 300)}`,
  );
}
