import type { ParseError, RecordPosition } from '../../model';
import { excerptOf } from '../../model';
import { type SourceLimits, withLimits } from '../limits';
import type { RecordInput, SourceContext } from '../parser';
import { type CloudWatchDecodeOptions, decodeCloudWatchEvent, isCloudWatchPayload } from './cloudwatch';
import { type EnvelopeResult, envelopeError, jsonObjectOf } from './result';

export interface TextDecodeOptions {
  readonly limits?: Partial<SourceLimits>;
  readonly context?: SourceContext;
  readonly formatHints?: CloudWatchDecodeOptions['formatHints'];
}

/**
 * Records of a text document (a file, stdin, an S3 object, an SQS body):
 * - a CloudWatch subscription payload, raw (`{ awslogs }`) or decoded, is unwrapped into its log events;
 * - a JSON array gives one record per element;
 * - a single pretty-printed JSON object gives one record;
 * - anything else is one record per non-blank line (NDJSON, one-record-per-line XML, auditd, syslog).
 * `origin` carries the envelope coordinates; each record adds its index and, for lines, its 1-based line number.
 */
export function recordsFromText(text: string, origin: RecordPosition, options: TextDecodeOptions = {}): EnvelopeResult {
  const limits = withLimits(options.limits);
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const head = body.trimStart();
  if (head.startsWith('[') || (head.startsWith('{') && !firstLineIsJson(head))) {
    const whole = parseWhole(body);
    if (whole !== undefined) {
      if (isCloudWatchPayload(whole)) {
        return decodeCloudWatchEvent(whole, {
          ...(options.limits ? { limits: options.limits } : {}),
          ...(options.formatHints ? { formatHints: options.formatHints } : {}),
          ...(origin.file ? { file: origin.file } : {}),
        });
      }
      if (Array.isArray(whole)) return recordsOfArray(whole, origin, limits, options.context ?? {});
      const text = safeStringify(whole);
      if (text === undefined)
        return envelopeError('envelope-invalid', 'JSON nested too deeply to re-serialize', origin);
      return recordsOfLines([text], origin, limits, options.context ?? {}, false);
    }
  }
  if (head.startsWith('{')) {
    // One line that is a whole CloudWatch payload (a saved Lambda event) is unwrapped too.
    const single = jsonObjectOf(body);
    if (single !== undefined && isCloudWatchPayload(single)) {
      return decodeCloudWatchEvent(single, origin.file ? { file: origin.file } : {});
    }
  }
  if (head.startsWith('<') && isMultiLineXmlEvent(head))
    return recordsOfXmlEvents(body, origin, limits, options.context ?? {});
  return recordsOfLines(body.split('\n'), origin, limits, options.context ?? {}, true);
}

/** Pretty-printed Windows/Sysmon event XML (Event Viewer "Save as XML", wevtutil /f:RenderedXml | format). */
function isMultiLineXmlEvent(head: string): boolean {
  const end = head.indexOf('\n');
  if (end === -1) return false;
  const firstLine = head.slice(0, end);
  return !firstLine.includes('</Event>') && /<Event[\s>]/.test(head.slice(0, 4096));
}

/** One record per `<Event …>…</Event>` element, each positioned at the line where it starts; newlines folded. */
function recordsOfXmlEvents(
  body: string,
  origin: RecordPosition,
  limits: SourceLimits,
  context: SourceContext,
): EnvelopeResult {
  const records: RecordInput[] = [];
  const errors: ParseError[] = [];
  const start = /<Event[\s>]/g;
  let match = start.exec(body);
  let line = 1;
  let counted = 0;
  while (match) {
    const end = body.indexOf('</Event>', match.index);
    const stop = end === -1 ? body.length : end + '</Event>'.length;
    for (let i = counted; i < match.index; i++) if (body.charCodeAt(i) === 10) line++;
    counted = match.index;
    const text = body.slice(match.index, stop).replace(/\r?\n\s*/g, '');
    const position: RecordPosition = { ...origin, index: records.length + errors.length, line };
    if (text.length > limits.maxRecordBytes) errors.push(tooLarge(text, limits, position));
    else records.push({ text, json: undefined, position, context });
    start.lastIndex = stop;
    match = start.exec(body);
  }
  return { ok: true, records, control: false, errors };
}

function firstLineIsJson(head: string): boolean {
  const end = head.indexOf('\n');
  const firstLine = end === -1 ? head : head.slice(0, end);
  return jsonObjectOf(firstLine) !== undefined;
}

/** JSON.stringify that reports hostile nesting (stack exhaustion) as undefined instead of throwing. */
function safeStringify(value: unknown): string | undefined {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch {
    return undefined;
  }
}

function parseWhole(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

function recordsOfArray(
  values: unknown[],
  origin: RecordPosition,
  limits: SourceLimits,
  context: SourceContext,
): EnvelopeResult {
  const records: RecordInput[] = [];
  const errors: ParseError[] = [];
  for (let index = 0; index < values.length; index++) {
    const value = values[index];
    const text = typeof value === 'string' ? value : safeStringify(value);
    const position: RecordPosition = { ...origin, index };
    if (text === undefined) {
      errors.push({
        code: 'invalid-record',
        format: 'unknown',
        reason: 'array element nested too deeply to re-serialize',
        position,
        excerpt: '',
      });
      continue;
    }
    if (text.length > limits.maxRecordBytes) {
      errors.push(tooLarge(text, limits, position));
      continue;
    }
    const json =
      value !== null && typeof value === 'object' && !Array.isArray(value)
        ? (value as Record<string, unknown>)
        : typeof value === 'string'
          ? jsonObjectOf(value)
          : undefined;
    records.push({ text, json, position, context });
  }
  return { ok: true, records, control: false, errors };
}

function recordsOfLines(
  lines: string[],
  origin: RecordPosition,
  limits: SourceLimits,
  context: SourceContext,
  numbered: boolean,
): EnvelopeResult {
  const records: RecordInput[] = [];
  const errors: ParseError[] = [];
  let index = 0;
  for (let lineIndex = 0; lineIndex < lines.length; lineIndex++) {
    const raw = lines[lineIndex] ?? '';
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (text.trim() === '') continue;
    const position: RecordPosition = numbered ? { ...origin, index, line: lineIndex + 1 } : { ...origin, index };
    index++;
    if (text.length > limits.maxRecordBytes) {
      errors.push(tooLarge(text, limits, position));
      continue;
    }
    records.push({ text, json: jsonObjectOf(text), position, context });
  }
  return { ok: true, records, control: false, errors };
}

function tooLarge(text: string, limits: SourceLimits, position: RecordPosition): ParseError {
  return {
    code: 'record-too-large',
    format: 'unknown',
    reason: `record is ${text.length} characters, over the ${limits.maxRecordBytes} limit`,
    position,
    excerpt: excerptOf(text),
  };
}
