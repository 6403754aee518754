import type { EventCategory, EventFields, FormatName, NormalizedEvent, ParseError } from '../../model';
import { failure, hostOf, int, prop, provenanceOf, str, timeOf } from '../common';
import type { ParseOutcome, RecordInput } from '../parser';
import { claimOf, decodeWindowsRecord, type WindowsClaim, type WindowsRecord } from './windows-record';

/** Which Windows events a parser is for. */
export interface WindowsEventSpec {
  readonly format: FormatName;
  readonly eventId: number;
  /** Human name for reasons: "Sysmon", "Security 4688". */
  readonly label: string;
  /** Does the record's channel/provider say it comes from this parser's log (other event ids there are irrelevant)? */
  isFamily(claim: WindowsClaim): boolean;
}

export type RecordSelection =
  | { readonly ok: true; readonly record: WindowsRecord }
  | { readonly ok: false; readonly outcome: ParseOutcome };

const IRRELEVANT: ParseOutcome = { ok: true, events: [] };

/**
 * The record this parser should turn into an event, or the outcome to return instead: a typed failure for
 * undecodable or foreign records, an empty success for other events of the same log (valid but irrelevant).
 */
export function selectRecord(input: RecordInput, spec: WindowsEventSpec): RecordSelection {
  const decoded = decodeWindowsRecord(input);
  if (decoded.kind === 'none') {
    return refuse(input, spec, 'invalid-record', 'not a Windows event (Event XML, Winlogbeat, NXLog or Azure row)');
  }
  if (decoded.kind === 'invalid') return refuse(input, spec, 'invalid-record', decoded.reason);
  const { record } = decoded;
  if (record.eventId === undefined)
    return refuse(input, spec, 'invalid-record', 'EventID is missing or not an integer');
  const family = spec.isFamily(record);
  if (record.eventId !== spec.eventId) {
    if (family) return { ok: false, outcome: IRRELEVANT };
    return refuse(input, spec, 'invalid-record', `not a ${spec.label} event: ${describeClaim(record)}`);
  }
  const anonymous = record.channel === undefined && record.provider === undefined;
  if (!family && !anonymous) {
    return refuse(input, spec, 'invalid-record', `not a ${spec.label} event: ${describeClaim(record)}`);
  }
  if (!record.hasData) return refuse(input, spec, 'invalid-record', 'the event has no EventData');
  return { ok: true, record };
}

/**
 * Any event of one log (every Sysmon id, every channel): the decoded record, or a typed failure for undecodable
 * records, records without an event id or data, and records of another log.
 */
export function selectWindowsRecord(
  input: RecordInput,
  format: FormatName,
  label: string,
  isFamily: (claim: WindowsClaim) => boolean,
): RecordSelection {
  const decoded = decodeWindowsRecord(input);
  const fail = (reason: string): RecordSelection => ({
    ok: false,
    outcome: failure(input, format, 'invalid-record', reason),
  });
  if (decoded.kind === 'none')
    return fail('not a Windows event (Event XML, CloudWatch text, Winlogbeat, NXLog or Azure row)');
  if (decoded.kind === 'invalid') return fail(decoded.reason);
  const { record } = decoded;
  if (record.eventId === undefined) return fail('EventID is missing or not an integer');
  if (!isFamily(record)) return fail(`not a ${label} event: ${describeClaim(record)}`);
  if (!record.hasData) return fail('the event has no EventData');
  return { ok: true, record };
}

function refuse(input: RecordInput, spec: WindowsEventSpec, code: ParseError['code'], reason: string): RecordSelection {
  return { ok: false, outcome: failure(input, spec.format, code, reason) };
}

function describeClaim(claim: WindowsClaim): string {
  const parts = [`EventID ${claim.eventId ?? '?'}`];
  if (claim.channel) parts.push(`channel ${clip(claim.channel)}`);
  if (claim.provider) parts.push(`provider ${clip(claim.provider)}`);
  return parts.join(', ');
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

/** Case-insensitive equality for channel and provider names (collectors disagree on case). */
export function sameName(value: string | undefined, ...names: string[]): boolean {
  if (value === undefined) return false;
  // Exact spelling first: the common case, and it costs no allocation.
  for (const name of names) if (value === name) return true;
  const lower = value.trim().toLowerCase();
  return names.some((name) => name.toLowerCase() === lower);
}

/**
 * Sniff for one Windows event: the record claims the event id and comes from the event's own log or provider, or, for
 * collectors that drop both, its data carries the field only that event has.
 */
export function claimsWindowsEvent(
  input: RecordInput,
  eventId: number,
  isOwnLog: (claim: WindowsClaim) => boolean,
  signatureField: string,
): boolean {
  const decoded = decodeWindowsRecord(input);
  const claim = claimOf(decoded);
  if (claim?.eventId !== eventId) return false;
  const signed = decoded.kind === 'record' && dataText(decoded.record, signatureField) !== undefined;
  // CloudWatch text keeps only the rendered message: without named values it is a plain event of its log.
  if (decoded.kind === 'record' && decoded.record.shape === 'cloudwatch-text') return signed;
  return isOwnLog(claim) || signed;
}

/** A data value as text; empty and "-" (Windows' "no value") are absent. */
export function dataText(record: WindowsRecord, name: string): string | undefined {
  const value = str(prop(record.data, name));
  return value === undefined || value === '-' ? undefined : value;
}

/** A data value as an integer (decimal or 0x hex, as Windows writes process ids). */
export function dataInt(record: WindowsRecord, name: string): number | undefined {
  return int(prop(record.data, name));
}

/** Add the record's own event id, channel and provider to the (caller-owned, fresh) fields, so rules can route on them. */
function withSourceFields(fields: EventFields, record: WindowsRecord): EventFields {
  const out: { -readonly [K in keyof EventFields]: EventFields[K] } = fields;
  if (record.eventId !== undefined) out.EventID = record.eventId;
  if (record.channel !== undefined) out.Channel = record.channel;
  if (record.provider !== undefined) out.Provider = record.provider;
  return out;
}

export type EventResult =
  | { readonly ok: true; readonly event: NormalizedEvent }
  | { readonly ok: false; readonly outcome: ParseOutcome };

/**
 * The normalized event for this record; `fields` must be a fresh object (the source fields are added to it).
 * `preferredTimes` come before the record's own (Sysmon's UtcTime is the process start itself).
 * No time anywhere, not even the envelope's, is a missing-field failure.
 */
export function windowsEvent(
  input: RecordInput,
  format: FormatName,
  record: WindowsRecord,
  category: EventCategory,
  fields: EventFields,
  preferredTimes: readonly unknown[] = [],
): EventResult {
  const when = eventTime(preferredTimes.length === 0 ? record.times : [...preferredTimes, ...record.times], input);
  if (!when) {
    return {
      ok: false,
      outcome: failure(input, format, 'missing-field', 'no event time in the record and no envelope timestamp'),
    };
  }
  return {
    ok: true,
    event: {
      category,
      platform: 'windows',
      time: when.time,
      timeMs: when.timeMs,
      host: hostOf(input, { hostname: record.computer }),
      provenance: provenanceOf(input, format, record.recordId),
      fields: withSourceFields(fields, record),
      raw: record.raw,
    },
  };
}

const NAIVE_TIME = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?)$/;
const ZONED_TIME = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

/**
 * The first usable time. Times with a zone (or epoch numbers) win over zone-less ones; zone-less times are read as
 * UTC (Sysmon's UtcTime is UTC by definition; NXLog's EventTime is the collector's local time, a last resort).
 * Other spellings are left to timeOf(), which also supplies the envelope fallback.
 */
export function eventTime(
  candidates: readonly unknown[],
  input: RecordInput,
): { time: string; timeMs: number } | undefined {
  for (const value of candidates) {
    const ms = zonedMs(value);
    if (ms !== undefined) return { time: new Date(ms).toISOString(), timeMs: ms };
  }
  for (const value of candidates) {
    if (typeof value !== 'string') continue;
    const naive = NAIVE_TIME.exec(value.trim());
    if (!naive) continue;
    const ms = Date.parse(`${naive[1]}T${naive[2]}Z`);
    if (Number.isFinite(ms)) return { time: new Date(ms).toISOString(), timeMs: ms };
  }
  return timeOf(undefined, input);
}

/** Epoch ms of an ISO time with a zone, or of an epoch number (via timeOf's magnitude rules); else undefined. */
function zonedMs(value: unknown): number | undefined {
  if (typeof value === 'number') return timeOf(value, NO_ENVELOPE_TIME)?.timeMs;
  if (typeof value !== 'string' || value.length > 64) return undefined;
  if (ZONED_TIME.test(value)) {
    const ms = Date.parse(value);
    return Number.isFinite(ms) ? ms : undefined;
  }
  // Epoch seconds/ms as strings and other zoned spellings ("Tue, 01 Jan 2026 00:00:00 GMT").
  if (NAIVE_TIME.test(value.trim())) return undefined;
  return timeOf(value, NO_ENVELOPE_TIME)?.timeMs;
}

/** The envelope-free input timeOf() needs to say "this value is not a time" instead of falling back. */
const NO_ENVELOPE_TIME: RecordInput = {
  text: '',
  json: undefined,
  position: { envelope: 'inline', index: 0 },
  context: {},
};

/** Sysmon's UtcTime is UTC without a zone designator: make it explicit so it ranks as a zoned time. */
export function utcTimeOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const naive = NAIVE_TIME.exec(value.trim());
  return naive ? `${naive[1]}T${naive[2]}Z` : value;
}

/** Mandatory label SIDs and names (4688 MandatoryLabel) as the integrity levels Sysmon reports. */
const INTEGRITY_BY_RID: Readonly<Record<string, string>> = {
  '0': 'Untrusted',
  '4096': 'Low',
  '8192': 'Medium',
  '8448': 'MediumPlus',
  '12288': 'High',
  '16384': 'System',
  '20480': 'Protected',
};

export function integrityLevelOf(label: string | undefined): string | undefined {
  if (label === undefined) return undefined;
  const sid = /^S-1-16-(\d+)$/i.exec(label.trim());
  if (sid?.[1] !== undefined) return Object.hasOwn(INTEGRITY_BY_RID, sid[1]) ? INTEGRITY_BY_RID[sid[1]] : label;
  // Azure renders the label's account name: "Mandatory Label\High Mandatory Level".
  const named = /(Untrusted|Low|Medium Plus|Medium|High|System|Protected Process) Mandatory Level$/i.exec(label.trim());
  if (named?.[1] !== undefined) {
    const level = named[1].toLowerCase();
    if (level === 'medium plus') return 'MediumPlus';
    if (level === 'protected process') return 'Protected';
    return level.charAt(0).toUpperCase() + level.slice(1);
  }
  return label;
}
