import type { EventFields, NormalizedEvent } from '../../model';
import { defined, failure, hostOf, prop, provenanceOf, str, timeOf } from '../common';
import { type EventXml, eventXmlFlatMap } from '../event-xml';
import { ok, type ParseOutcome, type ParserFactory, type RecordInput, type RecordParser } from '../parser';
import { sysmonEvent } from '../sysmon-table';
import { parseSyslogHeader, type SyslogHeader } from './syslog-line';
import { parseSysmonXml } from './sysmon-xml';

const FORMAT = 'sysmon-linux';
const PROVIDER = 'Linux-Sysmon';
const CHANNEL = 'Linux-Sysmon/Operational';

/** JSON rows that carry the syslog message: Azure Log Analytics Syslog, journald export, generic shippers. */
const MESSAGE_KEYS = ['SyslogMessage', 'MESSAGE', 'message', 'Message', 'log'] as const;
const HOST_KEYS = ['Computer', 'HostName', '_HOSTNAME', 'hostname'] as const;
const TIME_KEYS = ['TimeGenerated', 'EventTime', '__REALTIME_TIMESTAMP', 'timestamp', '@timestamp'] as const;

/** Where the XML sat and what its carrier said about host and time. */
interface Located {
  readonly xml: string;
  readonly syslog?: SyslogHeader;
  readonly row?: Readonly<Record<string, unknown>>;
}

/**
 * Sysmon for Linux, every event id (process creation 1, network 3, file create 11, file delete 23, ...): the Event XML it writes to syslog, found as a bare line, after a
 * syslog header (RFC 3164 / 5424), or in a JSON row's message column (Azure Log Analytics `SyslogMessage`, journald
 * `MESSAGE`). Messages cut by the syslog transport are closed and parsed; the event is marked Partial.
 */
class SysmonLinuxParser implements RecordParser {
  readonly format = FORMAT;

  sniff(input: RecordInput): boolean {
    const message = messageOf(input);
    if (message === undefined) return false;
    const start = message.indexOf('<Event');
    return start !== -1 && start < 512 && message.slice(start, start + 600).includes(PROVIDER);
  }

  parse(input: RecordInput): ParseOutcome {
    const located = locate(input);
    if (!located.ok) return failure(input, FORMAT, located.code, located.reason);
    const { xml, syslog, row } = located.value;

    const parsed = parseSysmonXml(xml);
    if (!parsed.ok) return failure(input, FORMAT, 'invalid-record', `Sysmon XML: ${parsed.reason}`);
    const { event, partial } = parsed;

    if (!isLinuxSysmon(event)) {
      return failure(input, FORMAT, 'invalid-record', `not a Linux-Sysmon event (provider ${event.provider ?? '?'})`);
    }
    if (event.eventId === undefined) return failure(input, FORMAT, 'missing-field', 'Sysmon event without EventID');
    // Every event id (process, network, file create/delete, ...) through the table Sysmon on Windows uses too.
    const sysmon = sysmonEvent(event.eventId, (name) => dataText(event, name));
    if (!sysmon.ok) return failure(input, FORMAT, 'missing-field', sysmon.reason);
    const time = firstTime(
      [
        utcTime(dataText(event, 'UtcTime')),
        event.timeCreated,
        ...TIME_KEYS.map((key) => prop(row, key)),
        syslog?.timestamp,
      ],
      input,
    );
    if (!time) return failure(input, FORMAT, 'missing-field', 'no event time in the record and no envelope timestamp');

    const fields: EventFields = sysmon.fields;
    Object.assign(
      fields,
      defined({
        EventID: event.eventId,
        Channel: event.channel,
        Provider: event.provider,
        Partial: partial ? true : undefined,
      }),
    );
    // The event's own Computer first; a '-' or blank one falls through to the carrier's idea of the host.
    const computer = event.computer?.trim();
    const hostname =
      (computer && computer !== '-' ? computer : undefined) ?? firstText(row, HOST_KEYS) ?? syslog?.hostname;
    const result: NormalizedEvent = {
      category: sysmon.category,
      platform: 'linux',
      time: time.time,
      timeMs: time.timeMs,
      host: hostOf(input, { hostname }),
      provenance: provenanceOf(input, FORMAT, event.recordId),
      fields,
      raw: eventXmlFlatMap(event),
    };
    return ok([result]);
  }
}

type Location =
  | { readonly ok: true; readonly value: Located }
  | { readonly ok: false; readonly code: 'invalid-record' | 'missing-field'; readonly reason: string };

function locate(input: RecordInput): Location {
  const row = input.json;
  const message = messageOf(input);
  if (message === undefined) {
    return { ok: false, code: 'missing-field', reason: 'JSON row without a syslog message column' };
  }
  const start = message.indexOf('<Event');
  if (start === -1) return { ok: false, code: 'invalid-record', reason: 'no <Event> XML in the message' };
  const prefix = message.slice(0, start);
  const syslog = prefix.trim() === '' ? undefined : parseSyslogHeader(prefix);
  if (prefix.trim() !== '' && syslog === undefined) {
    return { ok: false, code: 'invalid-record', reason: 'text before <Event> is not a syslog header' };
  }
  const end = message.lastIndexOf('</Event>');
  const xml = end === -1 ? message.slice(start) : message.slice(start, end + '</Event>'.length);
  return {
    ok: true,
    value: { xml, ...(syslog !== undefined ? { syslog } : {}), ...(row !== undefined ? { row } : {}) },
  };
}

/** The text that should hold the XML: the record itself, or a JSON row's message column. */
function messageOf(input: RecordInput): string | undefined {
  if (input.json === undefined) return input.text;
  for (const key of MESSAGE_KEYS) {
    const value = prop(input.json, key);
    if (typeof value === 'string') return value;
  }
  return undefined;
}

function isLinuxSysmon(event: EventXml): boolean {
  if (event.provider !== undefined) return event.provider.toLowerCase() === PROVIDER.toLowerCase();
  return event.channel?.toLowerCase() === CHANNEL.toLowerCase();
}

function dataText(event: EventXml, name: string): string | undefined {
  const value = str(prop(event.data, name));
  return value === undefined || value === '-' ? undefined : value;
}

function firstText(row: Readonly<Record<string, unknown>> | undefined, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const value = str(prop(row, key));
    if (value !== undefined) return value;
  }
  return undefined;
}

/** Sysmon's UtcTime (`2022-05-11 18:10:21.998`) is UTC without a zone designator: make the zone explicit. */
function utcTime(value: string | undefined): string | undefined {
  const naive = value === undefined ? null : /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?)$/.exec(value);
  return naive ? `${naive[1]}T${naive[2]}Z` : undefined;
}

/** The envelope-free input, so a bad candidate is skipped instead of falling back to the envelope early. */
const NO_ENVELOPE: RecordInput = { text: '', json: undefined, position: { envelope: 'inline', index: 0 }, context: {} };

function firstTime(candidates: readonly unknown[], input: RecordInput): { time: string; timeMs: number } | undefined {
  for (const candidate of candidates) {
    if (candidate === undefined || candidate === null) continue;
    const time = timeOf(candidate, NO_ENVELOPE);
    if (time) return time;
  }
  return timeOf(undefined, input);
}

export const sysmonLinuxParser: ParserFactory = {
  format: FORMAT,
  description:
    'Sysmon for Linux XML, every event id: bare, after a syslog header, or in Azure Syslog / journald JSON rows',
  create: () => new SysmonLinuxParser(),
};
