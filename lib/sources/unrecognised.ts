import { excerptOf } from '../model';
import { parseEventXml } from './event-xml';

/**
 * Why no parser recognised a record, in terms a user can act on: the JSON syntax error and where it is, the XML
 * fault and its offset, or which well-formed JSON it was that no format claims. Each branch is at most a couple
 * of linear passes over the record and the text is bounded, so a hostile record costs no more than parsing it.
 * Never throws.
 */
export function unrecognisedReason(text: string, json: Readonly<Record<string, unknown>> | undefined): string {
  try {
    if (json !== undefined) return notAFormat(describeJson(json));
    const start = firstNonSpace(text);
    const head = text.charCodeAt(start);
    if (head === OPEN_BRACE || head === OPEN_BRACKET) return jsonReason(text);
    if (text.startsWith('<Event', start) || text.startsWith('<?xml', start)) {
      const reason = xmlReason(text);
      if (reason !== undefined) return reason;
    }
  } catch {
    // Defensive only: nothing above is written to throw; fall through to the generic reason.
  }
  return `no parser recognised the record (starts "${excerptOf(text.slice(0, 48 + 1), 48)}")`;
}

const OPEN_BRACE = 123;
const OPEN_BRACKET = 91;
/** Keys named in a "not a format" reason, and the longest key shown. */
const MAX_KEYS = 6;
const MAX_KEY = 32;
/** V8's messages can quote the input; they are cut to this. */
const MAX_MESSAGE = 120;

function notAFormat(what: string): string {
  return `${what} is not a format vmsentry reads (see docs/event-model.md)`;
}

function firstNonSpace(text: string): number {
  let i = 0;
  while (i < text.length && (text.charCodeAt(i) <= 32 || text.charCodeAt(i) === 0xfeff)) i++;
  return i;
}

function jsonReason(text: string): string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return invalidJson(text, error instanceof Error ? error.message : String(error));
  }
  if (Array.isArray(value)) return notAFormat(`JSON array of ${value.length} items`);
  if (value !== null && typeof value === 'object') return notAFormat(describeJson(value as Record<string, unknown>));
  return notAFormat('JSON value');
}

function describeJson(json: Readonly<Record<string, unknown>>): string {
  const keys: string[] = [];
  let more = false;
  // for...in stops early: a record with a million keys costs MAX_KEYS steps here, not a million.
  for (const key in json) {
    if (!Object.hasOwn(json, key)) continue;
    if (keys.length === MAX_KEYS) {
      more = true;
      break;
    }
    keys.push(excerptOf(key, MAX_KEY));
  }
  if (keys.length === 0) return 'empty JSON object';
  return `JSON object with keys ${keys.join(', ')}${more ? ', …' : ''}`;
}

/**
 * V8 names the position ("... in JSON at position 12", newer versions add "(line 1 column 13)") except for an
 * unexpected token, where it quotes the input instead; "Unexpected end" is at the end.
 */
function invalidJson(text: string, message: string): string {
  const position = /\bat position (\d{1,12})/.exec(message)?.[1];
  const offset =
    position !== undefined
      ? Math.min(Number(position), text.length)
      : /end of JSON/i.test(message)
        ? text.length
        : unexpectedTokenOffset(text, message);
  const what = excerptOf(message.replace(/\s*\(line \d+ column \d+\)/, ''), MAX_MESSAGE);
  if (offset < 0) return `invalid JSON: ${what}`;
  const { line, column } = lineColumn(text, offset);
  return `invalid JSON at line ${line} column ${column}: ${what}`;
}

/** V8 quotes up to this many characters either side of an unexpected token (and the whole input when it is short). */
const V8_CONTEXT = 10;

/**
 * Where V8's "Unexpected token 'x', <quoted input> is not valid JSON" points: the quote is the input's start, its
 * end, or the 2×10 characters around the token, marked by "..." on the cut sides. -1 when it cannot be told.
 */
function unexpectedTokenOffset(text: string, message: string): number {
  const match = /^Unexpected token '([\s\S])', (\.\.\.)?"([\s\S]*)"(\.\.\.)? is not valid JSON$/.exec(message);
  if (!match) return -1;
  const [, token = '', cutBefore, quoted = '', cutAfter] = match;
  if (!cutBefore && !cutAfter) {
    // A short input quoted whole: the token is known only when it occurs once.
    const at = text.indexOf(token);
    return at !== -1 && text.indexOf(token, at + 1) === -1 ? at : -1;
  }
  if (!cutBefore) return quoted.length - V8_CONTEXT;
  if (!cutAfter) return text.length - quoted.length + V8_CONTEXT;
  // The quote is short (2×10 characters): indexOf stays linear in the record.
  const at = text.indexOf(quoted);
  return at === -1 ? -1 : at + V8_CONTEXT;
}

/** 1-based line and column of `offset`: one pass over the text before it. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

function xmlReason(text: string): string | undefined {
  const parsed = parseEventXml(text);
  // Well-formed XML is always claimed (windows-event says which System field it lacks): nothing to add here.
  if (parsed.ok) return undefined;
  // The scanner's own "at N" would repeat the offset.
  return `Event XML not well-formed at offset ${parsed.offset}: ${parsed.reason.replace(/ at \d+$/, '')}`;
}
