/**
 * Text hygiene for everything an alert shows. Event content is attacker-controlled: a command line can carry
 * CR/LF (header or line spoofing), ANSI escapes (terminal tricks), bidi overrides (visual spoofing) or characters
 * SNS rejects. These helpers make such content visible and inert; renderers add their own markup escaping on top.
 */

/** The marker appended to cut text, with how much was cut, so an analyst knows the evidence is partial. */
export function truncationMarker(omittedChars: number): string {
  return ` …[truncated ${omittedChars} chars]`;
}

/** At most `max` characters (code points are not split), with a visible marker when cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = Math.max(0, max);
  // Do not leave half of a surrogate pair behind.
  const last = text.charCodeAt(cut - 1);
  if (cut > 0 && last >= 0xd800 && last <= 0xdbff) cut -= 1;
  return text.slice(0, cut) + truncationMarker(text.length - cut);
}

const ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function hex(code: number, width: number): string {
  return code.toString(16).padStart(width, '0');
}

/**
 * Characters that must never reach a reader raw: C0/C1 controls and DEL, bidi and zero-width format characters,
 * line/paragraph separators, non-characters SNS rejects, and lone surrogates.
 */
const FORMAT_CHARS =
  '\\u007f-\\u009f\\u00ad\\u061c\\u180e\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u2064\\u2066-\\u206f\\ufeff\\ufff9-\\ufffb\\ufffe\\uffff';
const LONE_SURROGATE = '[\\ud800-\\udbff](?![\\udc00-\\udfff])|(?<![\\ud800-\\udbff])[\\udc00-\\udfff]';
const HIDDEN = new RegExp(`[\\u0000-\\u001f${FORMAT_CHARS}]|${LONE_SURROGATE}`, 'g');
/** What JSON.stringify leaves raw but a terminal or SNS should not see (C0 controls are already escaped by it). */
const HIDDEN_IN_JSON = new RegExp(`[${FORMAT_CHARS}]`, 'g');

function visible(char: string, keepNewlines: boolean): string {
  if (keepNewlines && char === '\n') return '\n';
  if (keepNewlines && char === '\t') return '  ';
  const named = ESCAPES[char];
  if (named) return named;
  const code = char.charCodeAt(0);
  if (code >= 0xd800 && code <= 0xdfff) return '\ufffd';
  return code <= 0xff ? `\\x${hex(code, 2)}` : `\\u${hex(code, 4)}`;
}

/**
 * One line of plain text: every control, format and separator character becomes a visible escape
 * (`\n`, `\r`, `\x1b`, `\u202e`), lone surrogates become U+FFFD. The result has no CR, LF or ESC.
 */
export function oneLine(text: string): string {
  return text.replace(HIDDEN, (char) => visible(char, false));
}

/**
 * Multi-line plain text (script blocks): LF kept, CRLF folded to LF, tabs become two spaces, everything else as in
 * {@link oneLine}.
 */
export function multiLine(text: string): string {
  return text.replace(/\r\n/g, '\n').replace(HIDDEN, (char) => visible(char, true));
}

/**
 * Printable ASCII only (0x20-0x7e), for e-mail subjects and similar headers: SNS rejects anything else in a
 * Subject, and CR/LF there would be header injection. Other characters become `?`; runs of spaces collapse.
 */
export function asciiLine(text: string, max: number): string {
  const ascii = oneLine(text)
    .replace(/[^\x20-\x7e]/g, '?')
    .replace(/ {2,}/g, ' ')
    .trim();
  if (ascii.length <= max) return ascii;
  return `${ascii.slice(0, Math.max(0, max - 3))}...`;
}

/** UTF-8 size in bytes, the unit SNS limits are written in. */
export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/**
 * JSON text that is also safe to paste into a terminal or a single-quoted shell argument: besides what
 * JSON.stringify escapes, bidi/format characters and separators become \uXXXX escapes (still the same JSON value).
 */
export function inertJson(value: unknown, indent?: number): string {
  const json = JSON.stringify(value, null, indent) ?? 'null';
  return json.replace(HIDDEN_IN_JSON, (char) => `\\u${hex(char.charCodeAt(0), 4)}`);
}

/** A POSIX shell single-quoted word: the only character needing care inside single quotes is the quote itself. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Prose wrapped in a rule file (YAML folded text) as one paragraph: line breaks become single spaces. */
export function foldLines(text: string): string {
  return text.replace(/[ \t]*\r?\n[ \t]*/g, ' ').trim();
}
