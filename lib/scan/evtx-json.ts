/**
 * Windows events as JSON in the layout `evtx_dump -o json` writes (and SigmaHQ's regression_data keeps next to each
 * .evtx): `{"Event": {"#attributes": {...}, "System": {...}, "EventData": {...} | "UserData": {...}}}`, where an
 * element's attributes sit under `#attributes`, its text under `#text` when it also has attributes, and an
 * EventData `<Data Name="X">v</Data>` becomes `"X": v`. A file holds one event, several pretty-printed events one
 * after another, or a JSON array of them.
 *
 * This turns them back into one-record-per-line Event XML, the shape the CloudWatch agent ships and our Windows
 * parsers read, so the regression events go through the same path as production records.
 */

export type JsonValues = { ok: true; values: unknown[] } | { ok: false; reason: string };

/** More events than any regression case holds; a bigger file is refused, not walked. */
const MAX_VALUES = 10_000;
/** Deeper nesting than any event has. */
const MAX_DEPTH = 64;

/**
 * The top-level JSON values of a text: one value, a JSON array of values (flattened), or values written one after
 * another (pretty-printed or one per line). One pass over the text to split, then JSON.parse per value.
 */
export function parseJsonValues(text: string): JsonValues {
  const slices: string[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
      continue;
    }
    if (c === 34) {
      inString = true;
      if (depth === 0) return { ok: false, reason: `a bare string at offset ${i}; expected an object or array` };
    } else if (c === 123 || c === 91) {
      if (depth === 0) start = i;
      if (++depth > MAX_DEPTH) return { ok: false, reason: `nested deeper than ${MAX_DEPTH}` };
    } else if (c === 125 || c === 93) {
      if (depth === 0) return { ok: false, reason: `unbalanced '${text[i]}' at offset ${i}` };
      if (--depth === 0) {
        slices.push(text.slice(start, i + 1));
        if (slices.length > MAX_VALUES) return { ok: false, reason: `more than ${MAX_VALUES} JSON values` };
      }
    } else if (depth === 0 && c !== 32 && c !== 9 && c !== 10 && c !== 13 && c !== 44 && c !== 0xfeff) {
      return { ok: false, reason: `unexpected '${text[i]}' at offset ${i} between JSON values` };
    }
  }
  if (depth !== 0 || inString) return { ok: false, reason: 'the text ends inside a JSON value' };
  const values: unknown[] = [];
  for (const slice of slices) {
    let value: unknown;
    try {
      value = JSON.parse(slice);
    } catch (cause) {
      return { ok: false, reason: `invalid JSON: ${cause instanceof Error ? cause.message : String(cause)}` };
    }
    if (Array.isArray(value)) values.push(...value);
    else values.push(value);
  }
  if (values.length > MAX_VALUES) return { ok: false, reason: `more than ${MAX_VALUES} JSON values` };
  return { ok: true, values };
}

function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const XML_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

function escapeXml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;'));
}

function scalarText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function attributesOf(value: Record<string, unknown>): string {
  const attributes = value['#attributes'];
  if (!isMap(attributes)) return '';
  let out = '';
  for (const [name, attribute] of Object.entries(attributes)) {
    if (!XML_NAME.test(name) || isMap(attribute) || Array.isArray(attribute)) continue;
    out += ` ${name}="${escapeXml(scalarText(attribute))}"`;
  }
  return out;
}

/** One element and its children, as evtx_dump's JSON describes it. */
function element(name: string, value: unknown, depth: number): string {
  if (depth > MAX_DEPTH) throw new RangeError(`nested deeper than ${MAX_DEPTH}`);
  if (Array.isArray(value)) return value.map((item) => element(name, item, depth + 1)).join('');
  if (!isMap(value)) {
    const text = scalarText(value);
    return text === '' ? `<${name} />` : `<${name}>${escapeXml(text)}</${name}>`;
  }
  let inner = '';
  for (const [key, child] of Object.entries(value)) {
    if (key === '#attributes') continue;
    if (key === '#text') inner += escapeXml(scalarText(child));
    else if (XML_NAME.test(key)) inner += element(key, child, depth + 1);
  }
  const attributes = attributesOf(value);
  return inner === '' ? `<${name}${attributes} />` : `<${name}${attributes}>${inner}</${name}>`;
}

/**
 * EventData: `"X": v` is `<Data Name="X">v</Data>`; an unnamed `Data` (a value or a list) stays unnamed; `Binary`
 * stays an element.
 */
function eventData(value: unknown): string {
  if (!isMap(value)) return value === null || value === undefined ? '<EventData />' : element('EventData', value, 1);
  let inner = '';
  for (const [key, child] of Object.entries(value)) {
    if (key === '#attributes') continue;
    if (key === 'Data' || key === 'Binary' || key === '#text')
      inner += element(key === '#text' ? 'Data' : key, child, 2);
    else {
      const data = isMap(child) && '#text' in child ? child['#text'] : child;
      const items = Array.isArray(data) ? data : [data];
      for (const item of items) {
        const text = scalarText(item);
        inner +=
          text === ''
            ? `<Data Name="${escapeXml(key)}" />`
            : `<Data Name="${escapeXml(key)}">${escapeXml(text)}</Data>`;
      }
    }
  }
  return `<EventData${attributesOf(value)}>${inner}</EventData>`;
}

export type EventXmlLine = { ok: true; xml: string } | { ok: false; reason: string };

/** One evtx_dump JSON event as one line of Event XML. */
export function eventXmlOf(value: unknown): EventXmlLine {
  const event = isMap(value) ? value['Event'] : undefined;
  if (!isMap(event)) return { ok: false, reason: 'not an evtx_dump event: no "Event" object' };
  if (!isMap(event['System'])) return { ok: false, reason: 'the event has no "System" object' };
  try {
    let inner = element('System', event['System'], 1);
    for (const [key, child] of Object.entries(event)) {
      if (key === '#attributes' || key === 'System') continue;
      if (key === 'EventData') inner += eventData(child);
      else if (XML_NAME.test(key)) inner += element(key, child, 1);
    }
    const attributes = attributesOf(event) || ' xmlns="http://schemas.microsoft.com/win/2004/08/events/event"';
    // One record per line: newlines inside values become character references, which the XML reader decodes.
    const xml = `<Event${attributes}>${inner}</Event>`.replace(/\r/g, '&#13;').replace(/\n/g, '&#10;');
    return { ok: true, xml };
  } catch (cause) {
    return { ok: false, reason: cause instanceof Error ? cause.message : String(cause) };
  }
}
