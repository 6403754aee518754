/**
 * Records from files and stdin, streamed: line-oriented input (NDJSON, one-record-per-line XML, auditd, syslog) is
 * read in chunks and handed on in bounded batches of records, so a 1 GB file is never held in memory. A document
 * that is one JSON value (a JSON array, a pretty-printed object, a saved CloudWatch payload) has to be read whole;
 * it is bounded by maxDocumentBytes.
 */
import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { excerptOf, type ParseError, type RecordPosition } from '../lib/model';
import {
  DEFAULT_LIMITS,
  decodeCloudWatchEvent,
  isCloudWatchPayload,
  type RecordInput,
  recordsFromText,
} from '../lib/sources';
import { jsonObjectOf } from '../lib/sources/envelopes/result';

export type InputSource = { readonly kind: 'file'; readonly path: string } | { readonly kind: 'stdin' };

export interface InputChunk {
  readonly records: RecordInput[];
  /** Envelope-level errors: records over the size cap, a payload that did not decode. */
  readonly errors: ParseError[];
}

export interface InputOptions {
  /** Records per chunk handed on. */
  readonly chunkRecords?: number;
  /** Largest whole-document JSON input. */
  readonly maxDocumentBytes?: number;
  /** Called with the byte count of every block read (progress). */
  readonly onBytes?: (bytes: number) => void;
}

const DEFAULT_CHUNK_RECORDS = 5000;
const DEFAULT_MAX_DOCUMENT_BYTES = 256 * 1024 * 1024;

/** The input is larger than a whole-document JSON may be. */
export class DocumentTooLargeError extends Error {
  override readonly name = 'DocumentTooLargeError';
}

function originOf(source: InputSource): RecordPosition {
  return source.kind === 'file' ? { envelope: 'file', index: 0, file: source.path } : { envelope: 'stdin', index: 0 };
}

/**
 * Does the document have to be read whole? Yes when it opens with '[' or with '{' whose first line is not a complete
 * JSON object (pretty-printed JSON).
 */
export function needsWholeDocument(head: string, complete: boolean): boolean | undefined {
  const body = head.charCodeAt(0) === 0xfeff ? head.slice(1) : head;
  const trimmed = body.trimStart();
  if (trimmed === '') return complete ? false : undefined;
  if (trimmed.startsWith('[')) return true;
  if (!trimmed.startsWith('{')) return false;
  const end = trimmed.indexOf('\n');
  if (end === -1) return complete ? jsonObjectOf(trimmed) === undefined : undefined;
  return jsonObjectOf(trimmed.slice(0, end)) === undefined;
}

class LineRecords {
  private index = 0;
  private line = 0;
  records: RecordInput[] = [];
  errors: ParseError[] = [];

  constructor(private readonly origin: RecordPosition) {}

  add(raw: string): void {
    this.line++;
    let text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (this.line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (text.trim() === '') return;
    const position: RecordPosition = { ...this.origin, index: this.index, line: this.line };
    this.index++;
    if (text.length > DEFAULT_LIMITS.maxRecordBytes) {
      this.errors.push({
        code: 'record-too-large',
        format: 'unknown',
        reason: `record is ${text.length} characters, over the ${DEFAULT_LIMITS.maxRecordBytes} limit`,
        position,
        excerpt: excerptOf(text),
      });
      return;
    }
    const json = jsonObjectOf(text);
    // A saved Lambda event per line (CloudWatch subscription payload): its log events are the records.
    if (json !== undefined && isCloudWatchPayload(json)) {
      const decoded = decodeCloudWatchEvent(json, this.origin.file ? { file: this.origin.file } : {});
      if (!decoded.ok) this.errors.push({ ...decoded.error, position });
      else {
        // Records inside the envelope are placed by their index in it (file#index), not by the payload's line.
        this.records.push(...decoded.records);
        this.errors.push(...decoded.errors);
      }
      return;
    }
    this.records.push({ text, json, position, context: {} });
  }

  take(): InputChunk {
    const chunk = { records: this.records, errors: this.errors };
    this.records = [];
    this.errors = [];
    return chunk;
  }
}

/** Records of one input, in chunks. Read errors (ENOENT, EACCES, EISDIR) are thrown to the caller. */
export async function* readRecords(source: InputSource, options: InputOptions = {}): AsyncGenerator<InputChunk> {
  const chunkRecords = options.chunkRecords ?? DEFAULT_CHUNK_RECORDS;
  const maxDocumentBytes = options.maxDocumentBytes ?? DEFAULT_MAX_DOCUMENT_BYTES;
  const stream: AsyncIterable<Buffer | string> =
    source.kind === 'file' ? createReadStream(source.path, { highWaterMark: 1024 * 1024 }) : process.stdin;
  const decoder = new StringDecoder('utf8');
  const origin = originOf(source);
  const lines = new LineRecords(origin);
  let pending = '';
  let whole: boolean | undefined;
  let documentBytes = 0;
  const documentParts: string[] = [];

  for await (const block of stream) {
    const bytes = typeof block === 'string' ? Buffer.byteLength(block) : block.length;
    options.onBytes?.(bytes);
    const text = typeof block === 'string' ? block : decoder.write(block);
    if (whole === undefined) {
      pending += text;
      whole = needsWholeDocument(pending, false);
      if (whole === undefined) continue;
      if (whole) {
        documentParts.push(pending);
        documentBytes = Buffer.byteLength(pending);
        pending = '';
        continue;
      }
    } else if (whole) {
      documentBytes += bytes;
      if (documentBytes > maxDocumentBytes) {
        throw new DocumentTooLargeError(
          `a whole-document JSON input is limited to ${maxDocumentBytes} bytes; convert it to JSON lines (one record per line)`,
        );
      }
      documentParts.push(text);
      continue;
    } else {
      pending += text;
    }
    let start = 0;
    for (let end = pending.indexOf('\n', start); end !== -1; end = pending.indexOf('\n', start)) {
      lines.add(pending.slice(start, end));
      start = end + 1;
      if (lines.records.length >= chunkRecords) yield lines.take();
    }
    pending = pending.slice(start);
  }
  const rest = decoder.end();
  if (whole === undefined) whole = needsWholeDocument(pending + rest, true) ?? false;
  if (whole) {
    documentParts.push(pending, rest);
    yield* documentChunks(documentParts.join(''), origin, chunkRecords);
    return;
  }
  pending += rest;
  for (const line of pending.split('\n')) lines.add(line);
  yield lines.take();
}

function* documentChunks(text: string, origin: RecordPosition, chunkRecords: number): Generator<InputChunk> {
  const envelope = recordsFromText(text, origin);
  if (!envelope.ok) {
    yield { records: [], errors: [envelope.error] };
    return;
  }
  if (envelope.records.length === 0) {
    yield { records: [], errors: envelope.errors };
    return;
  }
  for (let start = 0; start < envelope.records.length; start += chunkRecords) {
    yield {
      records: envelope.records.slice(start, start + chunkRecords),
      errors: start === 0 ? envelope.errors : [],
    };
  }
}
