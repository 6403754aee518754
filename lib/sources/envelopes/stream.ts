/**
 * Records of a byte stream (an S3 object body, a file, stdin), in chunks, with bounded memory: gzip is inflated as a
 * stream, line-oriented text (NDJSON, one-record-per-line XML, auditd, syslog) is split as it arrives and handed on
 * in chunks of records, so an object of any size is read to its end without being held whole. Only a document that
 * is one JSON value (an array, a pretty-printed object) or multi-line event XML must be held whole; it is bounded by
 * maxDecompressedBytes and refused with DocumentTooLargeError (the caller keeps a pointer to it and says why).
 */
import { pipeline, Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { excerptOf, type ParseError, type RecordPosition } from '../../model';
import { type SourceLimits, withLimits } from '../limits';
import type { RecordInput, SourceContext } from '../parser';
import { decodeCloudWatchEvent, type FormatHint, isCloudWatchPayload } from './cloudwatch';
import { isGzip } from './gzip';
import { LineSplitter, type SplitLine } from './lines';
import { jsonObjectOf } from './result';
import { recordsFromText } from './text';

export interface RecordChunk {
  readonly records: RecordInput[];
  /** Envelope-level errors: lines over the size cap, an embedded payload that did not decode. */
  readonly errors: ParseError[];
  /** The last line this chunk covers (line-oriented input), for pointers into the source. */
  readonly throughLine?: number;
}

export interface StreamOptions {
  readonly limits?: Partial<SourceLimits>;
  readonly context?: SourceContext;
  readonly formatHints?: readonly FormatHint[];
  /** Records per chunk handed on. */
  readonly chunkRecords?: number;
  /** Inflate a body that starts with the gzip magic bytes (S3 objects, the CLI's files and stdin). */
  readonly gunzip?: boolean;
  /**
   * Refuse a source whose first block (after inflation) is not text: NUL bytes or invalid UTF-8. The CLI sets it so
   * a core dump or an unknown compression is one clear error instead of a line of garbage per record.
   */
  readonly refuseBinary?: boolean;
  /** Called with the byte count of every block read from the source (progress). */
  readonly onBytes?: (bytes: number) => void;
}

export const DEFAULT_CHUNK_RECORDS = 5000;

/** The input is a whole-document JSON or XML larger than may be held in memory. */
export class DocumentTooLargeError extends Error {
  override readonly name = 'DocumentTooLargeError';
  constructor(readonly maxBytes: number) {
    super(
      `a whole-document input (JSON array, pretty-printed JSON, multi-line XML) is limited to ${maxBytes} bytes; convert it to one record per line`,
    );
  }
}

/** A body that starts like gzip but does not inflate. Records read before the damage are kept. */
export class InvalidGzipError extends Error {
  override readonly name = 'InvalidGzipError';
}

/** The source's first block (after inflation) is binary, not log text. */
export class BinaryInputError extends Error {
  override readonly name = 'BinaryInputError';
}

/** Bytes of the first block inspected for binary content: enough to judge, constant cost. */
const BINARY_PROBE_BYTES = 64 * 1024;

/** Why a first block is not text (NUL byte, invalid UTF-8), or undefined when it is. Linear in the probe size. */
export function binaryReason(block: Uint8Array): string | undefined {
  const probe = block.subarray(0, BINARY_PROBE_BYTES);
  const nul = probe.indexOf(0);
  if (nul !== -1) return `NUL byte at byte ${nul}`;
  try {
    // stream: a multi-byte character cut by the probe's end is not an error.
    new TextDecoder('utf-8', { fatal: true }).decode(probe, { stream: true });
  } catch {
    return `not valid UTF-8 in the first ${probe.byteLength} bytes`;
  }
  return undefined;
}

/**
 * Does the document have to be read whole? Yes when it opens with '[', with '{' whose first line is not a complete
 * JSON object (pretty-printed JSON), or with multi-line event XML. Undefined while the first line is incomplete.
 */
export function needsWholeDocument(head: string, complete: boolean): boolean | undefined {
  const body = head.charCodeAt(0) === 0xfeff ? head.slice(1) : head;
  const trimmed = body.trimStart();
  if (trimmed === '') return complete ? false : undefined;
  if (trimmed.startsWith('[')) return true;
  const end = trimmed.indexOf('\n');
  if (trimmed.startsWith('<')) {
    if (end === -1) return complete ? false : undefined;
    const firstLine = trimmed.slice(0, end);
    return !firstLine.includes('</Event>') && /<Event[\s>]/.test(trimmed.slice(0, 4096));
  }
  if (!trimmed.startsWith('{')) return false;
  if (end === -1) return complete ? jsonObjectOf(trimmed) === undefined : undefined;
  return jsonObjectOf(trimmed.slice(0, end)) === undefined;
}

/** Lines to records: 1-based line numbers, blank lines skipped, a saved CloudWatch subscription event unwrapped. */
export class LineRecords {
  private index = 0;
  records: RecordInput[] = [];
  errors: ParseError[] = [];
  lastLine = 0;

  constructor(
    private readonly origin: RecordPosition,
    private readonly limits: SourceLimits,
    private readonly context: SourceContext = {},
    private readonly formatHints: readonly FormatHint[] = [],
  ) {}

  add(split: SplitLine): void {
    this.lastLine = split.line;
    if (!split.ok) {
      this.errors.push({
        code: 'record-too-large',
        format: 'unknown',
        reason: `line is ${split.length} characters, over the ${this.limits.maxRecordBytes} limit`,
        position: { ...this.origin, index: this.index++, line: split.line },
        excerpt: excerptOf(split.head),
      });
      return;
    }
    let text = split.text.endsWith('\r') ? split.text.slice(0, -1) : split.text;
    if (split.line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (text.trim() === '') return;
    const position: RecordPosition = { ...this.origin, index: this.index, line: split.line };
    this.index++;
    const json = jsonObjectOf(text);
    // A saved Lambda event per line (CloudWatch subscription payload): its log events are the records.
    if (json !== undefined && isCloudWatchPayload(json)) {
      const decoded = decodeCloudWatchEvent(json, {
        limits: this.limits,
        formatHints: this.formatHints,
        ...(this.origin.file ? { file: this.origin.file } : {}),
      });
      if (!decoded.ok) this.errors.push({ ...decoded.error, position });
      else {
        // Records inside the envelope are placed by their index in it (file#index), not by the payload's line.
        for (const record of decoded.records) this.records.push(record);
        for (const error of decoded.errors) this.errors.push(error);
      }
      return;
    }
    this.records.push({ text, json, position, context: this.context });
  }

  take(): RecordChunk {
    const chunk: RecordChunk = { records: this.records, errors: this.errors, throughLine: this.lastLine };
    this.records = [];
    this.errors = [];
    return chunk;
  }
}

/** Records of a byte stream, in chunks of at most `chunkRecords` records (see the module comment). */
export async function* streamRecords(
  source: AsyncIterable<Uint8Array | string>,
  origin: RecordPosition,
  options: StreamOptions = {},
): AsyncGenerator<RecordChunk> {
  const limits = withLimits(options.limits);
  const chunkRecords = options.chunkRecords ?? DEFAULT_CHUNK_RECORDS;
  const decoder = new StringDecoder('utf8');
  const lines = new LineRecords(origin, limits, options.context ?? {}, options.formatHints ?? []);
  const splitter = new LineSplitter(limits.maxRecordBytes);
  const split: SplitLine[] = [];
  let mode: 'undecided' | 'whole' | 'lines' = 'undecided';
  let head = '';
  const documentParts: string[] = [];
  let documentBytes = 0;

  const counted = options.onBytes ? countBytes(source, options.onBytes) : source;
  const gzip = { inflated: false };
  const bytes = options.gunzip ? inflateIfGzip(counted, gzip) : counted;
  let probed = !options.refuseBinary;
  for await (const block of bytes) {
    if (!probed && typeof block !== 'string' && block.byteLength > 0) {
      probed = true;
      const reason = binaryReason(block);
      if (reason)
        throw new BinaryInputError(`binary data, not log text (${reason}${gzip.inflated ? ' after gunzip' : ''})`);
    }
    const text =
      typeof block === 'string' ? block : decoder.write(Buffer.from(block.buffer, block.byteOffset, block.byteLength));
    if (mode === 'whole') {
      documentBytes += typeof block === 'string' ? Buffer.byteLength(block) : block.byteLength;
      if (documentBytes > limits.maxDecompressedBytes) throw new DocumentTooLargeError(limits.maxDecompressedBytes);
      documentParts.push(text);
      continue;
    }
    if (mode === 'undecided') {
      head += text;
      const whole = needsWholeDocument(head, false);
      // A first line longer than any record cannot be a JSON document's first line worth waiting for: lines.
      if (whole === undefined && head.length <= limits.maxRecordBytes) continue;
      mode = whole ? 'whole' : 'lines';
      if (mode === 'whole') {
        documentParts.push(head);
        documentBytes = Buffer.byteLength(head);
        head = '';
        if (documentBytes > limits.maxDecompressedBytes) throw new DocumentTooLargeError(limits.maxDecompressedBytes);
        continue;
      }
      splitter.push(head, split);
      head = '';
    } else {
      splitter.push(text, split);
    }
    yield* takeLines(split, lines, chunkRecords);
  }
  const rest = decoder.end();
  if (mode === 'undecided') {
    head += rest;
    mode = needsWholeDocument(head, true) ? 'whole' : 'lines';
    if (mode === 'whole') documentParts.push(head);
    else splitter.push(head, split);
  } else if (mode === 'whole') documentParts.push(rest);
  else splitter.push(rest, split);
  if (mode === 'whole') {
    yield* documentChunks(documentParts.join(''), origin, chunkRecords, options);
    return;
  }
  splitter.end(split);
  yield* takeLines(split, lines, chunkRecords);
  yield lines.take();
}

function* takeLines(split: SplitLine[], lines: LineRecords, chunkRecords: number): Generator<RecordChunk> {
  for (const line of split) {
    lines.add(line);
    if (lines.records.length >= chunkRecords) yield lines.take();
  }
  split.length = 0;
}

function* documentChunks(
  text: string,
  origin: RecordPosition,
  chunkRecords: number,
  options: StreamOptions,
): Generator<RecordChunk> {
  const envelope = recordsFromText(text, origin, {
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.context ? { context: options.context } : {}),
    ...(options.formatHints ? { formatHints: options.formatHints } : {}),
  });
  if (!envelope.ok) {
    yield { records: [], errors: [envelope.error] };
    return;
  }
  if (envelope.records.length === 0) {
    yield { records: [], errors: envelope.errors };
    return;
  }
  for (let start = 0; start < envelope.records.length; start += chunkRecords) {
    yield { records: envelope.records.slice(start, start + chunkRecords), errors: start === 0 ? envelope.errors : [] };
  }
}

async function* countBytes(
  source: AsyncIterable<Uint8Array | string>,
  onBytes: (bytes: number) => void,
): AsyncGenerator<Uint8Array | string> {
  for await (const block of source) {
    onBytes(typeof block === 'string' ? Buffer.byteLength(block) : block.byteLength);
    yield block;
  }
}

/** The source inflated when its first bytes are the gzip magic, else as it is. Inflation is a stream: bounded memory. */
async function* inflateIfGzip(
  source: AsyncIterable<Uint8Array | string>,
  state: { inflated: boolean },
): AsyncGenerator<Uint8Array | string> {
  const iterator = source[Symbol.asyncIterator]();
  // The magic is two bytes; a pipe may hand over one byte first, so gather until two are seen or the input ends.
  const head: Buffer[] = [];
  let headBytes = 0;
  while (headBytes < 2) {
    const next = await iterator.next();
    if (next.done) break;
    const value = next.value;
    const bytes =
      typeof value === 'string' ? Buffer.from(value) : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    head.push(bytes);
    headBytes += bytes.byteLength;
  }
  if (headBytes === 0) return;
  const firstBytes = head.length === 1 ? (head[0] as Buffer) : Buffer.concat(head);
  const rest: AsyncIterable<Uint8Array | string> = {
    [Symbol.asyncIterator]: () => iterator,
  };
  if (!isGzip(firstBytes)) {
    yield firstBytes;
    yield* rest;
    return;
  }
  async function* all(): AsyncGenerator<Uint8Array | string> {
    yield firstBytes;
    yield* rest;
  }
  state.inflated = true;
  const gunzip = createGunzip();
  // pipeline destroys the inflater with the source's error, so the loop below throws it instead of hanging.
  pipeline(Readable.from(all()), gunzip, () => {});
  try {
    for await (const block of gunzip as AsyncIterable<Buffer>) yield block;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('Z_')) {
      throw new InvalidGzipError(`not valid gzip: ${(error as Error).message}`, { cause: error });
    }
    throw error;
  }
}
