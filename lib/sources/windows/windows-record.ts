import { isRecord, prop, str } from '../common';
import { eventXmlFlatMap, parseEventXml } from '../event-xml';
import type { RecordInput } from '../parser';
import { type CloudWatchText, parseCloudWatchText } from './cloudwatch-text';

/**
 * One Windows event, whatever collector shipped it, decoded once: the System fields every Windows parser needs and
 * the event's data values. The four Windows parsers (and their sniff()s) share it through a per-record cache.
 */
export interface WindowsRecord {
  readonly shape: WindowsShape;
  readonly eventId: number | undefined;
  readonly channel: string | undefined;
  readonly provider: string | undefined;
  /** The host the event happened on (not the collector or forwarder). */
  readonly computer: string | undefined;
  /** Event time candidates, best first; values as the source spells them. */
  readonly times: readonly unknown[];
  readonly recordId: string | undefined;
  /** EventData values by name (own properties only; values may be strings or numbers in JSON shapes). */
  readonly data: Readonly<Record<string, unknown>>;
  /** Values of unnamed `<Data>` elements in order (Event XML only; JSON shippers name them param1, param2, ...). */
  readonly unnamed?: readonly string[];
  /** False when the record carries no event data at all (no EventData element, no event_data object). */
  readonly hasData: boolean;
  /**
   * What the event keeps as `raw`: one flat map of the System fields (Provider, EventID, Channel, Computer, Level,
   * Task, ...) and every EventData/UserData value by name, so Sigma rules on any channel resolve `TargetUserName` or
   * `UpdateName` directly. JSON shapes keep their own top-level keys in it too (`winlog.event_data.X` still resolves).
   */
  readonly raw: Readonly<Record<string, unknown>>;
}

export type WindowsShape = 'event-xml' | 'winlogbeat-ecs' | 'winlogbeat' | 'nxlog' | 'azure' | 'cloudwatch-text';

/** What a record says it is, even when it cannot be decoded (truncated XML still names its provider and id). */
export interface WindowsClaim {
  readonly eventId: number | undefined;
  readonly channel: string | undefined;
  readonly provider: string | undefined;
}

export type WindowsDecode =
  | { readonly kind: 'record'; readonly record: WindowsRecord }
  | { readonly kind: 'invalid'; readonly claim: WindowsClaim; readonly reason: string }
  | { readonly kind: 'none' };

const NONE: WindowsDecode = { kind: 'none' };

/** sniff() and parse() of four parsers see the same RecordInput: decode it once. */
const cache = new WeakMap<RecordInput, WindowsDecode>();

export function decodeWindowsRecord(input: RecordInput): WindowsDecode {
  const cached = cache.get(input);
  if (cached) return cached;
  let decoded: WindowsDecode;
  try {
    decoded = decode(input);
  } catch (cause) {
    // Defensive only: decoding is written not to throw; a bug must not fail the batch.
    decoded = { kind: 'invalid', claim: NO_CLAIM, reason: `decoder error: ${String(cause)}` };
  }
  cache.set(input, decoded);
  return decoded;
}

export function claimOf(decoded: WindowsDecode): WindowsClaim | undefined {
  if (decoded.kind === 'record') return decoded.record;
  if (decoded.kind === 'invalid') return decoded.claim;
  return undefined;
}

const NO_CLAIM: WindowsClaim = { eventId: undefined, channel: undefined, provider: undefined };

function decode(input: RecordInput): WindowsDecode {
  const { json } = input;
  if (json !== undefined) return isRecord(json) ? fromJson(json) : NONE;
  if (looksLikeEventXml(input.text)) return fromXml(input.text, undefined);
  const text = parseCloudWatchText(input.text);
  return text === undefined ? NONE : fromCloudWatchText(text);
}

/**
 * The CloudWatch agent's `event_format: text`: System fields in brackets and the rendered message. Only Sysmon's
 * message names its values (`Image: C:\...`), so only Sysmon's are read back as data; other events keep the message.
 */
function fromCloudWatchText(text: CloudWatchText): WindowsDecode {
  const raw: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  raw['Channel'] = text.channel;
  raw['Level'] = text.level;
  raw['EventID'] = text.eventId;
  raw['Provider'] = text.provider;
  raw['Computer'] = text.computer;
  raw['Message'] = text.message;
  const data = text.values ?? (Object.create(null) as Record<string, unknown>);
  for (const key of Object.keys(data)) if (!(key in raw)) raw[key] = data[key];
  return {
    kind: 'record',
    record: {
      shape: 'cloudwatch-text',
      eventId: text.eventId,
      channel: text.channel,
      provider: text.provider,
      computer: text.computer,
      // The agent puts TimeCreated in the CloudWatch event's timestamp, not in the text: the envelope time it is.
      times: [],
      recordId: undefined,
      data,
      hasData: true,
      raw,
    },
  };
}

/** `<Event ...` or an XML prolog, after optional BOM and whitespace. */
function looksLikeEventXml(text: string): boolean {
  let i = 0;
  while (i < text.length && i < 64) {
    const code = text.charCodeAt(i);
    if (code !== 0xfeff && code !== 32 && code !== 9 && code !== 10 && code !== 13) break;
    i++;
  }
  return text.startsWith('<Event', i) || text.startsWith('<?xml', i);
}

/** JSON fields known to carry the event's XML (CloudWatch agent / Fluent Bit / custom forwarders). */
const XML_FIELDS = ['Event', 'event', 'EventXML', 'EventXml', 'event_xml', 'xml', 'message', 'Message', 'log', 'raw'];

function fromJson(json: Readonly<Record<string, unknown>>): WindowsDecode {
  const winlog = prop(json, 'winlog');
  if (isRecord(winlog)) return fromWinlogbeatEcs(json, winlog);
  if (prop(json, 'event_id') !== undefined && hasAny(json, ['log_name', 'event_data', 'source_name'])) {
    return fromWinlogbeat(json);
  }
  if (prop(json, 'EventID') !== undefined) {
    if (prop(json, 'TimeGenerated') !== undefined || isAzureType(prop(json, 'Type'))) return fromAzure(json);
    if (hasAny(json, ['Hostname', 'SourceName', 'Channel', 'ProviderName'])) return fromNxlog(json);
  }
  for (const field of XML_FIELDS) {
    const value = prop(json, field);
    if (typeof value === 'string' && looksLikeEventXml(value)) return fromXml(value, undefined);
  }
  return NONE;
}

function hasAny(json: Readonly<Record<string, unknown>>, keys: readonly string[]): boolean {
  return keys.some((key) => prop(json, key) !== undefined);
}

function isAzureType(value: unknown): boolean {
  return value === 'SecurityEvent' || value === 'Event' || value === 'WindowsEvent' || value === 'SysmonEvent';
}

function fromXml(xml: string, raw: Readonly<Record<string, unknown>> | undefined): WindowsDecode {
  const parsed = parseEventXml(xml);
  if (!parsed.ok) return { kind: 'invalid', claim: claimFromBrokenXml(xml), reason: `bad Event XML: ${parsed.reason}` };
  const event = parsed.value;
  return {
    kind: 'record',
    record: {
      shape: 'event-xml',
      eventId: event.eventId,
      channel: event.channel,
      provider: event.provider,
      computer: event.computer,
      times: [event.timeCreated],
      recordId: event.recordId,
      data: event.data,
      ...(event.unnamed !== undefined ? { unnamed: event.unnamed } : {}),
      hasData: Object.keys(event.data).length > 0,
      raw: raw ?? eventXmlFlatMap(event),
    },
  };
}

/**
 * The XML did not parse: read what it claims from its head, so the right parser can report it as invalid.
 * Each field is looked for once, in a bounded window after the first occurrence of its tag: no backtracking blow-up.
 */
function claimFromBrokenXml(xml: string): WindowsClaim {
  const head = xml.slice(0, 16_384);
  const eventId = /^<EventID[^>]{0,200}>\s{0,20}(\d{1,5})\s{0,20}</.exec(windowAt(head, '<EventID'))?.[1];
  return {
    eventId: eventId === undefined ? undefined : Number(eventId),
    provider: /^<Provider\s[^>]{0,400}?\bName=["']([^"'<>]{1,200})["']/.exec(windowAt(head, '<Provider'))?.[1],
    channel: /^<Channel>([^<]{1,200})<\/Channel>/.exec(windowAt(head, '<Channel>'))?.[1],
  };
}

function windowAt(text: string, tag: string): string {
  const at = text.indexOf(tag);
  return at === -1 ? '' : text.slice(at, at + 640);
}

function fromWinlogbeatEcs(json: Readonly<Record<string, unknown>>, winlog: Record<string, unknown>): WindowsDecode {
  const eventData = prop(winlog, 'event_data');
  const userData = prop(winlog, 'user_data');
  const data = isRecord(eventData) ? eventData : isRecord(userData) ? leavesOf(userData) : {};
  const host = prop(json, 'host');
  const claim = {
    eventId: eventIdOf(prop(winlog, 'event_id')),
    channel: str(prop(winlog, 'channel')),
    provider: str(prop(winlog, 'provider_name')) ?? str(prop(prop(json, 'event'), 'provider')),
    computer: str(prop(winlog, 'computer_name')) ?? str(prop(host, 'name')) ?? str(prop(host, 'hostname')),
    recordId: str(prop(winlog, 'record_id')),
  };
  const system = {
    ...claim,
    level: str(prop(prop(json, 'log'), 'level')),
    task: str(prop(winlog, 'task')),
    opcode: str(prop(winlog, 'opcode')),
    keywords: prop(winlog, 'keywords'),
    userId: str(prop(prop(winlog, 'user'), 'identifier')),
  };
  return {
    kind: 'record',
    record: {
      ...claim,
      shape: 'winlogbeat-ecs',
      times: [prop(json, '@timestamp'), prop(prop(json, 'event'), 'created')],
      data,
      hasData: isRecord(eventData) || isRecord(userData),
      raw: flatRaw(json, system, isRecord(userData) && isRecord(eventData) ? [data, leavesOf(userData)] : [data]),
    },
  };
}

/** System values of a JSON shape under the names Event XML gives them. */
interface JsonSystem {
  readonly eventId: number | undefined;
  readonly channel: string | undefined;
  readonly provider: string | undefined;
  readonly computer: string | undefined;
  readonly recordId: string | undefined;
  readonly level?: string | undefined;
  readonly task?: string | undefined;
  readonly opcode?: string | undefined;
  readonly keywords?: unknown;
  readonly userId?: string | undefined;
}

/**
 * The JSON record's own top-level keys, then its System values under their Event XML names, then the data values
 * (data wins, as in Event XML's flat map). Null prototype: hostile keys stay plain data.
 */
function flatRaw(
  json: Readonly<Record<string, unknown>>,
  system: JsonSystem,
  data: readonly Readonly<Record<string, unknown>>[],
): Record<string, unknown> {
  const flat: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(json)) flat[key] = json[key];
  const named: [string, unknown][] = [
    ['Provider', system.provider],
    ['EventID', system.eventId],
    ['Channel', system.channel],
    ['Computer', system.computer],
    ['EventRecordID', system.recordId],
    ['Level', system.level],
    ['Task', system.task],
    ['Opcode', system.opcode],
    ['Keywords', system.keywords],
    ['UserID', system.userId],
  ];
  for (const [key, value] of named) if (value !== undefined && !(key in flat)) flat[key] = value;
  for (const values of data) for (const key of Object.keys(values)) flat[key] = values[key];
  return flat;
}

/** Bounds for walking shipper-nested UserData: deeper or larger than any real event is not walked further. */
const MAX_LEAF_DEPTH = 8;
const MAX_LEAVES = 512;

/** Every scalar leaf of a nested object by its own key, first occurrence wins (as the Event XML reader does). */
function leavesOf(value: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  let count = 0;
  const walk = (node: Readonly<Record<string, unknown>>, depth: number): void => {
    for (const key of Object.keys(node)) {
      if (count >= MAX_LEAVES) return;
      const child = node[key];
      if (isRecord(child)) {
        if (depth < MAX_LEAF_DEPTH) walk(child, depth + 1);
      } else if (child !== undefined && child !== null && !(key in out)) {
        out[key] = child;
        count++;
      }
    }
  };
  walk(value, 0);
  return out;
}

function fromWinlogbeat(json: Readonly<Record<string, unknown>>): WindowsDecode {
  const eventData = prop(json, 'event_data');
  const userData = prop(json, 'user_data');
  const host = prop(json, 'host');
  const data = isRecord(eventData) ? eventData : isRecord(userData) ? leavesOf(userData) : {};
  const claim = {
    eventId: eventIdOf(prop(json, 'event_id')),
    channel: str(prop(json, 'log_name')),
    provider: str(prop(json, 'source_name')),
    computer: str(prop(json, 'computer_name')) ?? str(prop(host, 'name')),
    recordId: str(prop(json, 'record_number')),
  };
  return {
    kind: 'record',
    record: {
      ...claim,
      shape: 'winlogbeat',
      times: [prop(json, '@timestamp')],
      data,
      hasData: isRecord(eventData) || isRecord(userData),
      raw: flatRaw(json, { ...claim, level: str(prop(json, 'level')) }, [data]),
    },
  };
}

/** NXLog im_msvistalog: System fields and data values side by side at the top level. */
function fromNxlog(json: Readonly<Record<string, unknown>>): WindowsDecode {
  return {
    kind: 'record',
    record: {
      shape: 'nxlog',
      eventId: eventIdOf(prop(json, 'EventID')),
      channel: str(prop(json, 'Channel')),
      provider: str(prop(json, 'SourceName')) ?? str(prop(json, 'ProviderName')),
      computer: str(prop(json, 'Hostname')),
      // NXLog's EventTime (and older TimeCreated) are the collector's local time without a zone: last resort.
      times: [prop(json, 'TimeCreated'), prop(json, '@timestamp'), prop(json, 'EventTime')],
      recordId: str(prop(json, 'RecordNumber')),
      data: json,
      hasData: true,
      raw: json,
    },
  };
}

/** Azure Log Analytics rows: SecurityEvent (flattened columns) or Event/WindowsEvent (EventData XML or JSON). */
function fromAzure(json: Readonly<Record<string, unknown>>): WindowsDecode {
  const claim: WindowsClaim = {
    eventId: eventIdOf(prop(json, 'EventID')),
    channel: str(prop(json, 'Channel')) ?? str(prop(json, 'EventLog')),
    provider: str(prop(json, 'Provider')) ?? str(prop(json, 'EventSourceName')) ?? str(prop(json, 'Source')),
  };
  const eventData = prop(json, 'EventData');
  let values: Readonly<Record<string, unknown>> | undefined;
  if (typeof eventData === 'string' && eventData.trimStart().startsWith('<')) {
    const parsed = parseEventXml(eventData);
    if (!parsed.ok) return { kind: 'invalid', claim, reason: `bad EventData XML: ${parsed.reason}` };
    values = parsed.value.data;
  } else if (typeof eventData === 'string' && eventData.trimStart().startsWith('{')) {
    const parsed = parseJsonObject(eventData);
    if (!parsed) return { kind: 'invalid', claim, reason: 'EventData is not valid JSON' };
    values = parsed;
  } else if (isRecord(eventData)) {
    values = eventData;
  } else if (eventData !== undefined && eventData !== null && eventData !== '') {
    return { kind: 'invalid', claim, reason: 'EventData is neither XML, JSON nor an object' };
  }
  return {
    kind: 'record',
    record: {
      ...claim,
      shape: 'azure',
      computer: str(prop(json, 'Computer')),
      times: [prop(json, 'TimeGenerated'), prop(json, 'TimeCreated')],
      recordId: str(prop(json, 'EventRecordId')),
      // Flattened columns first, EventData values over them: SecurityEvent has only the former.
      data: values ? { ...ownScalars(json), ...ownScalars(values) } : json,
      hasData: true,
      // SecurityEvent's columns are already flat; Event/WindowsEvent's EventData values join them.
      raw: values ? flatRaw(json, { ...claim, computer: undefined, recordId: undefined }, [values]) : json,
    },
  };
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** String and number own properties in a null-prototype object (hostile keys stay plain data). */
function ownScalars(value: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(value)) {
    const field = value[key];
    if (typeof field === 'string' || typeof field === 'number') out[key] = field;
  }
  return out;
}

/** An event id is an integer 0..65535, as a JSON number or a decimal string; anything else is no id. */
export function eventIdOf(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 && value <= 0xffff ? value : undefined;
  if (typeof value === 'string' && /^\s*\d{1,5}\s*$/.test(value)) {
    const id = Number(value);
    return id <= 0xffff ? id : undefined;
  }
  return undefined;
}
