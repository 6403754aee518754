/**
 * Records from files and stdin, streamed (lib/sources/envelopes/stream.ts): line-oriented input (NDJSON,
 * one-record-per-line XML, auditd, syslog) is read in blocks and handed on in bounded chunks of records, so a 1 GB
 * file is never held in memory, and a line longer than the record bound (input without newlines) is skipped as one
 * record-too-large error in linear time and bounded memory. A document that is one JSON value (a JSON array, a
 * pretty-printed object, a saved CloudWatch payload) has to be read whole; it is bounded by maxDocumentBytes.
 */
import { createReadStream } from 'node:fs';
import type { RecordPosition } from '../lib/model';
import { type RecordChunk, streamRecords } from '../lib/sources/envelopes/stream';

export {
  BinaryInputError,
  DocumentTooLargeError,
  InvalidGzipError,
  needsWholeDocument,
} from '../lib/sources/envelopes/stream';

export type InputSource = { readonly kind: 'file'; readonly path: string } | { readonly kind: 'stdin' };

export type InputChunk = RecordChunk;

export interface InputOptions {
  /** Records per chunk handed on. */
  readonly chunkRecords?: number;
  /** Largest whole-document JSON input. */
  readonly maxDocumentBytes?: number;
  /** Longest line (one record), characters. */
  readonly maxLineChars?: number;
  /** Called with the byte count of every block read (progress). */
  readonly onBytes?: (bytes: number) => void;
}

const DEFAULT_MAX_DOCUMENT_BYTES = 256 * 1024 * 1024;

function originOf(source: InputSource): RecordPosition {
  return source.kind === 'file' ? { envelope: 'file', index: 0, file: source.path } : { envelope: 'stdin', index: 0 };
}

/**
 * Records of one input, in chunks. gzip (found by its magic bytes, not the file name; multi-member too) is inflated
 * by the same streaming path as S3 objects. Read errors (ENOENT, EACCES, EISDIR), a gzip that does not inflate
 * (InvalidGzipError) and binary input (BinaryInputError) are thrown to the caller.
 */
export async function* readRecords(source: InputSource, options: InputOptions = {}): AsyncGenerator<InputChunk> {
  const stream: AsyncIterable<Buffer | string> =
    source.kind === 'file' ? createReadStream(source.path, { highWaterMark: 1024 * 1024 }) : process.stdin;
  yield* streamRecords(stream, originOf(source), {
    limits: {
      maxDecompressedBytes: options.maxDocumentBytes ?? DEFAULT_MAX_DOCUMENT_BYTES,
      ...(options.maxLineChars ? { maxRecordBytes: options.maxLineChars } : {}),
    },
    gunzip: true,
    refuseBinary: true,
    ...(options.chunkRecords ? { chunkRecords: options.chunkRecords } : {}),
    ...(options.onBytes ? { onBytes: options.onBytes } : {}),
  });
}
