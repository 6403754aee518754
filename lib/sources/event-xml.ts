/**
 * A focused, linear-time extractor for Windows Event XML (the schema the Windows event log, the CloudWatch agent
 * with `event_format: xml`, Sysmon for Linux and Azure `EventData` columns use).
 *
 * It reads exactly what the detection pipeline needs: the System fields and the EventData/UserData values, with XML
 * entities decoded. It is strict about structure (tags must nest and close, one root, no DTD — so no entity
 * expansion attacks) and lenient about content it does not use (RenderingInfo, unknown elements).
 * Each character is visited a bounded number of times: the scan is O(length) for any input.
 */

export interface EventXml {
  provider?: string;
  eventId?: number;
  channel?: string;
  computer?: string;
  timeCreated?: string;
  recordId?: string;
  userId?: string;
  /**
   * Every System value kept, by the name Sigma backends give it (Provider, EventID, Level, Task, Opcode, Keywords,
   * Version, Channel, Computer, EventRecordID, TimeCreated, UserID, ProcessID, ThreadID). Null-prototype object.
   */
  system: Record<string, string>;
  /** EventData `<Data Name="...">` values (and UserData leaf elements), entities decoded. Null-prototype object. */
  data: Record<string, string>;
  /** The values of unnamed `<Data>` elements in order (classic providers: Windows PowerShell 400/600/800, ...). */
  unnamed?: string[];
}

/** On failure, `offset` is where the fault was found (the input's length when the document ends too early). */
export type EventXmlResult = { ok: true; value: EventXml } | { ok: false; reason: string; offset: number };

/** Deeper nesting than any real event has: refuse rather than walk attacker-shaped trees. */
const MAX_DEPTH = 32;
/** More Data values than any real event has. */
const MAX_DATA_ITEMS = 512;

/** System children whose text we keep. */
const SYSTEM_TEXT = new Set([
  'EventID',
  'Version',
  'Level',
  'Task',
  'Opcode',
  'Keywords',
  'Channel',
  'Computer',
  'EventRecordID',
]);
/** System children whose value is an attribute, which attribute, and the name the value is kept under. */
const SYSTEM_ATTRIBUTES: Readonly<Record<string, readonly { attribute: string; key: string }[]>> = {
  Provider: [{ attribute: 'Name', key: 'Provider' }],
  TimeCreated: [{ attribute: 'SystemTime', key: 'TimeCreated' }],
  Security: [{ attribute: 'UserID', key: 'UserID' }],
  Execution: [
    { attribute: 'ProcessID', key: 'ProcessID' },
    { attribute: 'ThreadID', key: 'ThreadID' },
  ],
};

enum Char {
  Tab = 9,
  Lf = 10,
  Cr = 13,
  Space = 32,
  Quote = 34,
  Apostrophe = 39,
  Slash = 47,
  Lt = 60,
  Equals = 61,
  Gt = 62,
  Question = 63,
  Bang = 33,
}

function isSpace(code: number): boolean {
  return code === Char.Space || code === Char.Lf || code === Char.Cr || code === Char.Tab;
}

/** Parse one Windows Event XML document (or a bare `<EventData>` fragment) into its System fields and data. */
export function parseEventXml(xml: string): EventXmlResult {
  if (typeof xml !== 'string') return { ok: false, reason: 'not a string', offset: 0 };
  return new EventXmlScanner(xml).run();
}

/** What an open element is, decided once when it opens (names are compared without their namespace prefix). */
enum Kind {
  Other,
  Event,
  System,
  /** A child of System whose text is kept (EventID, Channel, Computer, EventRecordID). */
  SystemText,
  /** A child of System whose attribute is kept (Provider@Name, TimeCreated@SystemTime, Security@UserID). */
  SystemAttribute,
  EventData,
  /** EventData/Data: its text is a data value. */
  Data,
  UserData,
  /** The one provider element inside UserData: its children are the values. */
  UserDataRecord,
  UserDataValue,
}

interface OpenElement {
  readonly name: string;
  readonly kind: Kind;
  /** System field or data name the element's text goes to; undefined when its text is not kept. */
  readonly key: string | undefined;
  text: string;
  /** Set when a child element opens: UserData groups are not values. */
  hasChildren: boolean;
  /** An EventData `<Data>` without a Name. */
  readonly unnamed: boolean;
}

class EventXmlScanner {
  private pos = 0;
  private readonly stack: OpenElement[] = [];
  private readonly data: Record<string, string> = Object.create(null) as Record<string, string>;
  private dataCount = 0;
  private readonly unnamed: string[] = [];
  private readonly system: Record<string, string> = Object.create(null) as Record<string, string>;
  private rootSeen = false;
  private eventElements = 0;

  constructor(private readonly xml: string) {}

  run(): EventXmlResult {
    const { xml } = this;
    const length = xml.length;
    // A byte-order mark is allowed before the prolog.
    if (xml.charCodeAt(0) === 0xfeff) this.pos = 1;
    while (this.pos < length) {
      const lt = xml.indexOf('<', this.pos);
      const textEnd = lt === -1 ? length : lt;
      if (textEnd > this.pos) {
        const error = this.text(this.pos, textEnd);
        if (error) return { ok: false, reason: error, offset: this.pos };
      }
      if (lt === -1) break;
      const error = this.markup(lt);
      // A truncated construct is found at the end of the input; anything else at the markup that holds it.
      if (error) return { ok: false, reason: error, offset: error.startsWith('truncated') ? length : lt };
    }
    const open = this.stack.at(-1);
    if (open) return { ok: false, reason: `truncated: <${excerpt(open.name)}> is not closed`, offset: length };
    if (!this.rootSeen) return { ok: false, reason: 'no root element', offset: length };
    if (this.eventElements > 1) return { ok: false, reason: 'more than one <Event> in one record', offset: length };
    return { ok: true, value: this.result() };
  }

  private result(): EventXml {
    const { system } = this;
    const value: EventXml = { system, data: this.data };
    if (this.unnamed.length > 0) value.unnamed = this.unnamed;
    if (system['Provider'] !== undefined) value.provider = system['Provider'];
    const eventId = system['EventID'];
    if (eventId !== undefined && /^\d{1,5}$/.test(eventId)) value.eventId = Number(eventId);
    if (system['Channel'] !== undefined) value.channel = system['Channel'];
    if (system['Computer'] !== undefined) value.computer = system['Computer'];
    if (system['TimeCreated'] !== undefined) value.timeCreated = system['TimeCreated'];
    if (system['EventRecordID'] !== undefined) value.recordId = system['EventRecordID'];
    if (system['UserID'] !== undefined) value.userId = system['UserID'];
    return value;
  }

  /** Character data between tags: only whitespace is allowed outside the root. */
  private text(start: number, end: number): string | undefined {
    const top = this.stack.at(-1);
    if (!top) {
      for (let i = start; i < end; i++) {
        if (!isSpace(this.xml.charCodeAt(i))) {
          this.pos = i;
          return `text outside the root element at ${i}`;
        }
      }
    } else if (top.key !== undefined) {
      top.text += this.xml.slice(start, end);
    }
    this.pos = end;
    return undefined;
  }

  /** Markup starting at `lt` ('<'): a tag, comment, CDATA section or processing instruction. */
  private markup(lt: number): string | undefined {
    const { xml } = this;
    const next = xml.charCodeAt(lt + 1);
    if (next === Char.Bang) {
      if (xml.startsWith('<!--', lt)) return this.skipTo('-->', lt + 4, 'comment');
      if (xml.startsWith('<![CDATA[', lt)) {
        const end = xml.indexOf(']]>', lt + 9);
        if (end === -1) return 'truncated: CDATA section is not closed';
        const top = this.stack.at(-1);
        if (!top) return 'CDATA outside the root element';
        // Re-escaped so the decode at close() gives the literal text back.
        if (top.key !== undefined) top.text += xml.slice(lt + 9, end).replace(/&/g, '&amp;');
        this.pos = end + 3;
        return undefined;
      }
      // DOCTYPE (and with it every entity declaration) is refused: no entity expansion, no external entities.
      return 'DTD / declarations are not allowed';
    }
    if (next === Char.Question) return this.skipTo('?>', lt + 2, 'processing instruction');
    if (next === Char.Slash) return this.endTag(lt);
    return this.startTag(lt);
  }

  private skipTo(terminator: string, from: number, what: string): string | undefined {
    const end = this.xml.indexOf(terminator, from);
    if (end === -1) return `truncated: ${what} is not closed`;
    this.pos = end + terminator.length;
    return undefined;
  }

  private endTag(lt: number): string | undefined {
    const { xml } = this;
    const top = this.stack.pop();
    if (!top) return `unexpected end tag at ${lt}`;
    // Compared in place: no slice per end tag.
    let i = lt + 2 + top.name.length;
    if (!xml.startsWith(top.name, lt + 2)) return this.mismatch(lt, top);
    while (i < xml.length && isSpace(xml.charCodeAt(i))) i++;
    if (i >= xml.length) return 'truncated: end tag is not closed';
    if (xml.charCodeAt(i) !== Char.Gt) return this.mismatch(lt, top);
    this.pos = i + 1;
    return this.close(top);
  }

  private mismatch(lt: number, top: OpenElement): string {
    const gt = this.xml.indexOf('>', lt);
    if (gt === -1) return 'truncated: end tag is not closed';
    return `mismatched </${excerpt(this.xml.slice(lt + 2, Math.min(gt, lt + 60)))}>: expected </${excerpt(top.name)}>`;
  }

  private close(element: OpenElement): string | undefined {
    const { key } = element;
    if (key === undefined) return undefined;
    const decoded = decodeEntities(element.text);
    if (decoded === undefined) return `malformed entity in <${excerpt(element.name)}>`;
    if (element.kind === Kind.SystemText) {
      this.system[key] = decoded.trim();
      return undefined;
    }
    // A UserData element with children is a group, not a value: its own text is only indentation.
    if (element.kind === Kind.UserDataValue && element.hasChildren) return undefined;
    if (element.kind === Kind.Data && element.unnamed) this.unnamed.push(decoded);
    if (!(key in this.data)) {
      if (this.dataCount >= MAX_DATA_ITEMS) return `more than ${MAX_DATA_ITEMS} data items`;
      this.dataCount++;
      this.data[key] = decoded;
    }
    return undefined;
  }

  private startTag(lt: number): string | undefined {
    const { xml } = this;
    const length = xml.length;
    let i = lt + 1;
    const nameStart = i;
    if (!isNameStart(xml.charCodeAt(nameStart))) {
      return nameStart >= length ? 'truncated: start tag is not closed' : `invalid element name at ${lt}`;
    }
    while (i < length) {
      const code = xml.charCodeAt(i);
      if (isSpace(code) || code === Char.Gt || code === Char.Slash) break;
      i++;
    }
    if (i >= length) return 'truncated: start tag is not closed';
    const name = xml.slice(nameStart, i);
    const parent = this.stack.at(-1);
    const kind = kindOf(name, parent?.kind);
    // Few attributes matter (Provider@Name, Data@Name, Execution@ProcessID, ...): the rest are checked, not kept.
    const wanted = wantedAttributes(kind, name);
    let attributes: Record<string, string> | undefined;
    let selfClosing = false;
    for (;;) {
      while (i < length && isSpace(xml.charCodeAt(i))) i++;
      if (i >= length) return 'truncated: start tag is not closed';
      const code = xml.charCodeAt(i);
      if (code === Char.Gt) {
        i++;
        break;
      }
      if (code === Char.Slash) {
        if (i + 1 >= length) return 'truncated: start tag is not closed';
        if (xml.charCodeAt(i + 1) !== Char.Gt) return `invalid '/' in <${excerpt(name)}>`;
        selfClosing = true;
        i += 2;
        break;
      }
      const attrStart = i;
      while (i < length) {
        const c = xml.charCodeAt(i);
        if (c === Char.Equals || isSpace(c) || c === Char.Gt || c === Char.Slash) break;
        i++;
      }
      const attrEnd = i;
      while (i < length && isSpace(xml.charCodeAt(i))) i++;
      if (i >= length) return 'truncated: start tag is not closed';
      if (attrEnd === attrStart || xml.charCodeAt(i) !== Char.Equals) return `invalid attribute in <${excerpt(name)}>`;
      i++;
      while (i < length && isSpace(xml.charCodeAt(i))) i++;
      if (i >= length) return 'truncated: start tag is not closed';
      const quote = xml.charCodeAt(i);
      if (quote !== Char.Quote && quote !== Char.Apostrophe) return `unquoted attribute in <${excerpt(name)}>`;
      const valueEnd = xml.indexOf(quote === Char.Quote ? '"' : "'", i + 1);
      if (valueEnd === -1) return 'truncated: attribute value is not closed';
      // Checked within the value only, so the scan stays linear however many attributes a tag has.
      for (let k = i + 1; k < valueEnd; k++) {
        if (xml.charCodeAt(k) === Char.Lt) return `'<' inside the tag <${excerpt(name)}>`;
      }
      const want = wanted === undefined ? undefined : wantedAt(xml, attrStart, attrEnd, wanted);
      if (want !== undefined && (attributes === undefined || !(want.key in attributes))) {
        const value = decodeEntities(xml.slice(i + 1, valueEnd));
        if (value === undefined) return `malformed entity in attribute of <${excerpt(name)}>`;
        attributes ??= Object.create(null) as Record<string, string>;
        attributes[want.key] = value;
      }
      i = valueEnd + 1;
    }
    this.pos = i;
    return this.open(name, kind, attributes, selfClosing, lt);
  }

  private open(
    name: string,
    kind: Kind,
    attributes: Readonly<Record<string, string>> | undefined,
    selfClosing: boolean,
    at: number,
  ): string | undefined {
    if (this.stack.length === 0) {
      if (this.rootSeen) return `second root element <${excerpt(name)}> at ${at}`;
      this.rootSeen = true;
    }
    if (this.stack.length >= MAX_DEPTH) return `nesting deeper than ${MAX_DEPTH}`;
    if (kind === Kind.Event) this.eventElements++;
    const parent = this.stack.at(-1);
    if (parent) parent.hasChildren = true;
    let key: string | undefined;
    let unnamed = false;
    if (kind === Kind.SystemText || kind === Kind.UserDataValue) {
      key = localName(name);
    } else if (kind === Kind.Data) {
      const named = attributes?.['Name'];
      if (named !== undefined && named !== '') {
        key = named;
      } else {
        unnamed = true;
        key = `Data${this.unnamed.length + 1}`;
      }
    } else if (kind === Kind.SystemAttribute && attributes !== undefined) {
      for (const attributeKey of Object.keys(attributes)) {
        const value = attributes[attributeKey];
        if (value !== undefined && value !== '') this.system[attributeKey] = value;
      }
    }
    const element: OpenElement = { name, kind, key, text: '', hasChildren: false, unnamed };
    if (selfClosing) return this.close(element);
    this.stack.push(element);
    return undefined;
  }
}

/** The element's kind from its name and its parent's kind. */
function kindOf(name: string, parent: Kind | undefined): Kind {
  const local = localName(name);
  switch (parent) {
    case undefined:
    case Kind.Other:
      return local === 'Event' ? Kind.Event : local === 'EventData' ? Kind.EventData : Kind.Other;
    case Kind.Event:
      if (local === 'System') return Kind.System;
      if (local === 'EventData') return Kind.EventData;
      if (local === 'UserData') return Kind.UserData;
      return Kind.Other;
    case Kind.System:
      if (SYSTEM_TEXT.has(local)) return Kind.SystemText;
      return Object.hasOwn(SYSTEM_ATTRIBUTES, local) ? Kind.SystemAttribute : Kind.Other;
    case Kind.EventData:
      return local === 'Data' ? Kind.Data : Kind.Other;
    case Kind.UserData:
      return Kind.UserDataRecord;
    case Kind.UserDataRecord:
    case Kind.UserDataValue:
      // Nested children too (Hyper-V and servicing events group their values): each leaf by its local name.
      return Kind.UserDataValue;
    default:
      return Kind.Other;
  }
}

const DATA_NAME: readonly { attribute: string; key: string }[] = [{ attribute: 'Name', key: 'Name' }];

/** The attributes worth keeping on this element, if any. */
function wantedAttributes(kind: Kind, name: string): readonly { attribute: string; key: string }[] | undefined {
  if (kind === Kind.Data) return DATA_NAME;
  if (kind === Kind.SystemAttribute) return SYSTEM_ATTRIBUTES[localName(name)];
  return undefined;
}

function wantedAt(
  xml: string,
  start: number,
  end: number,
  wanted: readonly { attribute: string; key: string }[],
): { attribute: string; key: string } | undefined {
  for (const want of wanted) {
    if (end - start === want.attribute.length && xml.startsWith(want.attribute, start)) return want;
  }
  return undefined;
}

function isNameStart(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
}

function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon === -1 ? name : name.slice(colon + 1);
}

function excerpt(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

const NAMED_ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/**
 * Decode the five XML entities and numeric character references. Returns undefined for a reference that is not
 * terminated or names no character; unknown named entities (there is no DTD to define them) are malformed too.
 */
export function decodeEntities(text: string): string | undefined {
  if (!text.includes('&')) return text;
  let out = '';
  let from = 0;
  for (;;) {
    const amp = text.indexOf('&', from);
    if (amp === -1) break;
    out += text.slice(from, amp);
    // Entity names are short; bounding the search keeps the decode linear on hostile '&&&&' input.
    const semi = text.indexOf(';', amp + 1);
    if (semi === -1 || semi - amp > 12) return undefined;
    const name = text.slice(amp + 1, semi);
    const replacement = name.startsWith('#')
      ? characterReference(name.slice(1))
      : Object.hasOwn(NAMED_ENTITIES, name)
        ? NAMED_ENTITIES[name]
        : undefined;
    if (replacement === undefined) return undefined;
    out += replacement;
    from = semi + 1;
  }
  return out + text.slice(from);
}

function characterReference(digits: string): string | undefined {
  const code = /^x[0-9a-fA-F]{1,6}$/.test(digits)
    ? Number.parseInt(digits.slice(1), 16)
    : /^[0-9]{1,7}$/.test(digits)
      ? Number(digits)
      : Number.NaN;
  if (!Number.isInteger(code) || code <= 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return undefined;
  return String.fromCodePoint(code);
}

/**
 * The source-native view of an event for rules written against Windows/Sysmon names: System fields beside the
 * EventData values, data winning. No prototype, so hostile data names stay plain keys.
 */
export function eventXmlFlatMap(event: EventXml): Record<string, unknown> {
  const flat: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(event.system)) flat[key] = event.system[key];
  // EventID as the number rules compare it with (`EventID: 4624`).
  if (event.eventId !== undefined) flat['EventID'] = event.eventId;
  for (const key of Object.keys(event.data)) flat[key] = event.data[key];
  // Unnamed values also as one `Data` list, the name Sigma's classic PowerShell rules use (`Data|contains`).
  if (event.unnamed !== undefined && !Object.hasOwn(event.data, 'Data')) flat['Data'] = event.unnamed;
  return flat;
}
