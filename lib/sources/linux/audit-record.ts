/**
 * One raw Linux audit record (`[node=HOST ]type=TYPE msg=audit(SECONDS.MILLIS:SERIAL): key=value ...`), optionally
 * in the ENRICHED log format where interpreted values (`UID="root"`) follow a group separator (0x1d).
 * Only syntax lives here; which records matter and how they combine is the auditd parser's business.
 */

/** A field value as written: quoted values are literal, unquoted values of untrusted fields are hex encoded. */
export interface AuditValue {
  readonly text: string;
  readonly quoted: boolean;
}

export interface AuditRecord {
  readonly node?: string;
  /** Record type name (SYSCALL, EXECVE, ...); old userspace prints `UNKNOWN[1327]`, mapped to the name here. */
  readonly type: string;
  /** `SECONDS.MILLIS:SERIAL`: the id every record of one kernel event shares. */
  readonly eventId: string;
  readonly timeMs: number;
  readonly fields: ReadonlyMap<string, AuditValue>;
  /** Interpreted values of the ENRICHED format (after 0x1d), upper-case keys. */
  readonly enriched: ReadonlyMap<string, string>;
}

export type AuditRecordResult =
  | { readonly ok: true; readonly record: AuditRecord }
  | { readonly ok: false; readonly code: 'invalid-record' | 'missing-field'; readonly reason: string };

const GROUP_SEPARATOR = '\x1d';
const INTERPRETED_KEY = /^[A-Z][A-Z0-9_]*$/;
const HEADER = /^\s*(?:node=(\S+) +)?type=([A-Za-z0-9_[\]]+)(?: +|$)/;
const AUDIT_ID = /^msg=audit\((\d{1,11})\.(\d{1,9}):(\d{1,20})\):?/;

/** Numeric record types old userspace could not name (linux/audit.h). */
const TYPE_NUMBERS: ReadonlyMap<string, string> = new Map([
  ['1300', 'SYSCALL'],
  ['1302', 'PATH'],
  ['1307', 'CWD'],
  ['1309', 'EXECVE'],
  ['1320', 'EOE'],
  ['1327', 'PROCTITLE'],
  ['1330', 'KERN_MODULE'],
]);

/** Cheap check: does the line start like an audit record? */
export function looksLikeAuditRecord(text: string): boolean {
  const head = text.slice(0, 300);
  return HEADER.test(head) && head.includes('msg=audit(');
}

export function parseAuditRecord(text: string): AuditRecordResult {
  const header = HEADER.exec(text);
  if (!header) return { ok: false, code: 'invalid-record', reason: 'not an audit record (no type= header)' };
  const node = header[1];
  const type = normaliseType(header[2] ?? '');
  const rest = text.slice(header[0].length);
  if (!rest.startsWith('msg='))
    return { ok: false, code: 'missing-field', reason: 'audit record without msg=audit(...)' };
  const id = AUDIT_ID.exec(rest);
  if (!id) return { ok: false, code: 'invalid-record', reason: 'malformed msg=audit(SECONDS.MILLIS:SERIAL)' };
  const [, seconds = '', fraction = '', serial = ''] = id;
  const timeMs = Number(seconds) * 1000 + Math.round(Number(`0.${fraction}`) * 1000);
  const { fields, enriched } = tokenize(rest.slice(id[0].length));
  const record: AuditRecord = {
    type,
    eventId: `${seconds}.${fraction}:${serial}`,
    timeMs,
    fields,
    enriched,
    ...(node !== undefined ? { node } : {}),
  };
  return { ok: true, record };
}

function normaliseType(type: string): string {
  const numbered = /^UNKNOWN\[(\d+)\]$/.exec(type);
  return numbered ? (TYPE_NUMBERS.get(numbered[1] ?? '') ?? type) : type;
}

/**
 * Linear scan of `key=value` pairs. Values are `"double"` or `'single'` quoted (an unterminated quote runs to the
 * end of the line) or bare up to whitespace / the group separator. Words without `=` are skipped. The first
 * occurrence of a key wins, so a repeated key cannot overwrite what a rule reads.
 */
function tokenize(body: string): { fields: Map<string, AuditValue>; enriched: Map<string, string> } {
  const fields = new Map<string, AuditValue>();
  const enriched = new Map<string, string>();
  let inEnriched = false;
  let i = 0;
  const n = body.length;
  while (i < n) {
    const c = body[i];
    if (c === GROUP_SEPARATOR) {
      inEnriched = true;
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      i++;
      continue;
    }
    let keyEnd = i;
    while (keyEnd < n && !isBreak(body[keyEnd]) && body[keyEnd] !== '=') keyEnd++;
    const key = body.slice(i, keyEnd);
    if (keyEnd >= n || body[keyEnd] !== '=') {
      i = keyEnd;
      continue;
    }
    const { value, next } = readValue(body, keyEnd + 1);
    i = next;
    if (key === '') continue;
    // Interpreted fields are the upper-case ones (the kernel's are lower-case): a shipper that turned 0x1d into a
    // space still has them recognised.
    if (inEnriched || INTERPRETED_KEY.test(key)) {
      if (!enriched.has(key)) enriched.set(key, value.text);
    } else if (!fields.has(key)) {
      fields.set(key, value);
    }
  }
  return { fields, enriched };
}

function readValue(body: string, start: number): { value: AuditValue; next: number } {
  const quote = body[start];
  if (quote === '"' || quote === "'") {
    const close = body.indexOf(quote, start + 1);
    const end = close === -1 ? body.length : close;
    return { value: { text: body.slice(start + 1, end), quoted: true }, next: close === -1 ? end : end + 1 };
  }
  let end = start;
  while (end < body.length && !isBreak(body[end])) end++;
  return { value: { text: body.slice(start, end), quoted: false }, next: end };
}

function isBreak(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === GROUP_SEPARATOR;
}
