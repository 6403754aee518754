import { type Alert, severityRank } from '../model';
import { isAllowlistAudit } from './allowlist-audit-rule';
import { CONTENT_LEVELS } from './bound';
import { type PresentationOptions, type PublishedAlert, toPublishedAlert } from './published-alert';
import { renderChatbot } from './render-chatbot';
import { alertSubject, renderEmail, SUBJECT_MAX } from './render-email';
import { inertJson, oneLine, truncate, utf8Bytes } from './text';

/** SNS quotas that shape the message (bytes are UTF-8; message attributes count toward the size). */
export const SNS_LIMITS = {
  /** One message, body + subject + attributes. */
  messageBytes: 262_144,
  /** All entries of one PublishBatch call together. */
  batchBytes: 262_144,
  batchEntries: 10,
  subjectChars: SUBJECT_MAX,
  /** Our own bound for a String attribute value (host names, rule ids). */
  attributeChars: 256,
} as const;

export interface SnsMessageOptions extends PresentationOptions {
  /** Epoch ms the suggested allowlist expiry counts from; the publisher passes its clock. Default: now. */
  readonly nowMs?: number;
}

export interface SnsMessageAttribute {
  readonly DataType: 'String' | 'String.Array' | 'Number';
  readonly StringValue: string;
}

/** Structurally a PublishBatchRequestEntry (and, without Id, a PublishInput), without importing the SDK here. */
export interface SnsPublishEntry {
  readonly Id: string;
  readonly Subject: string;
  readonly Message: string;
  readonly MessageStructure: 'json';
  readonly MessageAttributes: Readonly<Record<string, SnsMessageAttribute>>;
}

/** The per-protocol bodies inside the JSON message. */
export interface SnsMessageBodies {
  /** The PublishedAlert JSON; also what SQS, Lambda, HTTP(S) without their own key and email-json receive. */
  readonly default: string;
  /** Plain text for e-mail subscriptions. */
  readonly email: string;
  /** AWS Chatbot custom notification JSON (Chatbot subscribes over HTTPS). */
  readonly https: string;
}

/**
 * One alert as one SNS entry: `MessageStructure: 'json'` with a body per protocol, an ASCII subject, and message
 * attributes for subscription filter policies. Content is bounded level by level until the whole entry fits
 * 256 KB; the last level fits whatever the event carries.
 */
export function toSnsPublishEntry(alert: Alert, options: SnsMessageOptions = {}): SnsPublishEntry {
  const nowMs = options.nowMs ?? Date.now();
  let entry: SnsPublishEntry | undefined;
  for (const limits of CONTENT_LEVELS) {
    const published = toPublishedAlert(alert, options, limits, nowMs);
    entry = entryOf(published, renderBodies(published, limits));
    if (snsEntryBytes(entry) <= SNS_LIMITS.messageBytes) return entry;
  }
  // CONTENT_LEVELS ends with a level whose caps fit by construction; reaching here means it was edited too loosely.
  if (!entry) throw new Error('CONTENT_LEVELS is empty');
  return entry;
}

export function renderBodies(published: PublishedAlert, limits: (typeof CONTENT_LEVELS)[number]): SnsMessageBodies {
  return {
    default: inertJson(published),
    email: renderEmail(published, limits),
    https: inertJson(renderChatbot(published)),
  };
}

function entryOf(published: PublishedAlert, bodies: SnsMessageBodies): SnsPublishEntry {
  return {
    Id: published.id,
    Subject: alertSubject(published),
    Message: inertJson(bodies),
    MessageStructure: 'json',
    MessageAttributes: messageAttributes(published),
  };
}

/**
 * Filterable attributes. `severityRank` (0 informational ... 4 critical) lets an e-mail subscription take "high and
 * above" with `{"severityRank":[{"numeric":[">=",3]}]}`; `technique` is a String.Array so a policy on one technique
 * matches alerts that carry several.
 */
export function messageAttributes(alert: PublishedAlert): Record<string, SnsMessageAttribute> {
  const attributes: Record<string, SnsMessageAttribute> = {
    severity: { DataType: 'String', StringValue: alert.severity },
    severityRank: { DataType: 'Number', StringValue: String(severityRank(alert.severity)) },
    ruleId: { DataType: 'String', StringValue: attributeText(alert.ruleId) },
    host: { DataType: 'String', StringValue: attributeText(alert.host) },
    source: { DataType: 'String', StringValue: attributeText(alert.event.provenance.format) },
    kind: { DataType: 'String', StringValue: isAllowlistAudit(alert.ruleId) ? 'allowlist-audit' : 'detection' },
  };
  const techniques = alert.technique.filter((t) => t.trim() !== '').map(attributeText);
  if (techniques.length > 0)
    attributes['technique'] = { DataType: 'String.Array', StringValue: JSON.stringify(techniques) };
  return attributes;
}

/** SNS rejects empty attribute values and characters outside XML 1.0; values are also bounded. */
function attributeText(value: string): string {
  const text = truncate(oneLine(value), SNS_LIMITS.attributeChars);
  return text === '' ? 'unknown' : text;
}

/** Bytes SNS counts for one entry: message, subject and every attribute's name, type and value. */
export function snsEntryBytes(entry: Omit<SnsPublishEntry, 'Id'>): number {
  let bytes = utf8Bytes(entry.Message) + utf8Bytes(entry.Subject);
  for (const [name, attribute] of Object.entries(entry.MessageAttributes)) {
    bytes += utf8Bytes(name) + utf8Bytes(attribute.DataType) + utf8Bytes(attribute.StringValue);
  }
  return bytes;
}

/** Entries grouped into PublishBatch calls: at most 10 entries and 256 KB per call, order kept. */
export function batchesOf<T extends Omit<SnsPublishEntry, 'Id'>>(entries: readonly T[]): T[][] {
  const batches: T[][] = [];
  const batcher = new EntryBatcher<T>();
  for (const entry of entries) {
    const full = batcher.add(entry);
    if (full) batches.push(full);
  }
  const last = batcher.flush();
  if (last) batches.push(last);
  return batches;
}

/**
 * Groups entries into PublishBatch calls as they are rendered: `add` hands back the previous batch when the new
 * entry would not fit it, so a caller can send each batch before rendering the next and only one batch of rendered
 * messages is ever held.
 */
export class EntryBatcher<T extends Omit<SnsPublishEntry, 'Id'>> {
  private current: T[] = [];
  private size = 0;

  add(entry: T): T[] | undefined {
    const bytes = snsEntryBytes(entry);
    let full: T[] | undefined;
    if (
      this.current.length > 0 &&
      (this.current.length >= SNS_LIMITS.batchEntries || this.size + bytes > SNS_LIMITS.batchBytes)
    ) {
      full = this.flush();
    }
    this.current.push(entry);
    this.size += bytes;
    return full;
  }

  flush(): T[] | undefined {
    if (this.current.length === 0) return undefined;
    const batch = this.current;
    this.current = [];
    this.size = 0;
    return batch;
  }
}
