/**
 * A CloudWatch Logs Insights console deep link: the query pre-filled, the log group selected and an absolute time
 * window around the event, so the analyst lands on the surrounding telemetry in one click.
 *
 * The console keeps the query state in the URL fragment as `?queryDetail=~<object>`: objects are `(key~value~...)`,
 * arrays `(~item~item)`, strings are prefixed with `'` and their special characters percent-encoded with `*` in
 * place of `%`; the whole thing is percent-encoded again (`~ ( ) '` included) and then `%` is written as `$`.
 */

export interface LogsInsightsLinkInput {
  readonly region: string;
  readonly logGroup: string;
  readonly query: string;
  readonly startMs: number;
  readonly endMs: number;
  /** Console origin for other partitions; defaults to `https://<region>.console.aws.amazon.com`. */
  readonly consoleOrigin?: string;
}

type Value = string | number | boolean | readonly Value[] | { readonly [key: string]: Value };

const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;

/** The largest magnitude of epoch ms a Date can hold (year +275760); past it `toISOString` throws. */
const DATE_LIMIT_MS = 8.64e15;

/**
 * The console URL, or undefined when the region is not a region name or a time is not one a Date can hold (never
 * build a URL from junk, never throw on a forged time).
 */
export function logsInsightsUrl(input: LogsInsightsLinkInput): string | undefined {
  if (!REGION.test(input.region) || !representable(input.startMs) || !representable(input.endMs)) return undefined;
  const detail = `~${encodeValue({
    end: new Date(input.endMs).toISOString(),
    start: new Date(input.startMs).toISOString(),
    timeType: 'ABSOLUTE',
    tz: 'UTC',
    editorString: input.query,
    source: [input.logGroup],
  })}`;
  const fragment = encodeURIComponent(`?queryDetail=${escapeStructure(detail)}`).replace(/%/g, '$');
  const origin = input.consoleOrigin ?? `https://${input.region}.console.aws.amazon.com`;
  return `${origin}/cloudwatch/home?region=${input.region}#logsV2:logs-insights${fragment}`;
}

function representable(ms: number): boolean {
  return Number.isFinite(ms) && Math.abs(ms) <= DATE_LIMIT_MS;
}

/**
 * A Logs Insights query for the host's records: by log stream (the CloudWatch agent names streams after the
 * instance) or by the host name appearing in the message.
 */
export function hostQuery(hostNames: readonly string[], logStream?: string): string {
  const conditions = [
    ...(logStream ? [`@logStream = ${quoted(logStream)}`] : []),
    ...hostNames.map((name) => `@message like ${quoted(name)}`),
  ];
  const filter = conditions.length > 0 ? `\n| filter ${conditions.join(' or ')}` : '';
  return `fields @timestamp, @logStream, @message${filter}\n| sort @timestamp asc\n| limit 500`;
}

/** A Logs Insights string literal; control characters are dropped (they never belong in a host name). */
function quoted(text: string): string {
  const clean = text.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 256);
  return `"${clean.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** JSURL-style: strings `'x`, arrays `(~a~b)`, objects `(k~v~k~v)`; the whole value is prefixed with `~`. */
function encodeValue(value: Value): string {
  if (typeof value === 'string') return `'${encodePrimitive(value)}`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (isArray(value)) return `(${value.map((item) => `~${encodeValue(item)}`).join('')})`;
  const entries = Object.entries(value).map(([key, item]) => `${encodePrimitive(key)}~${encodeValue(item)}`);
  return `(${entries.join('~')})`;
}

function isArray(value: Value): value is readonly Value[] {
  return Array.isArray(value);
}

/** Every byte other than letters, digits, `-` and `.` as `*XX` of its UTF-8 encoding (the console decodes it). */
function encodePrimitive(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte);
    out += /[A-Za-z0-9.-]/.test(char) ? char : `*${byte.toString(16).padStart(2, '0')}`;
  }
  return out;
}

/** The structural characters the console's outer escaping covers. */
function escapeStructure(text: string): string {
  return text.replace(/[~()']/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}
