import type { FormatName } from './formats';
import type { RecordPosition } from './position';

/** Why a record or envelope could not be used. Stable codes, so metrics and tests can count them. */
export type ParseErrorCode =
  | 'envelope-invalid' // the transport wrapper is not what it claims (bad base64, bad gzip, bad JSON)
  | 'envelope-too-large' // decompressed beyond the configured bound (decompression bomb) or too many records
  | 'record-too-large' // one record over the size cap
  | 'unknown-format' // no parser recognised the record
  | 'invalid-record' // the format was recognised but the record is not valid for it
  | 'missing-field'; // a required field of the format is absent

/** A typed, positioned parse failure. Never thrown past the parse layer: collected, counted, logged. */
export interface ParseError {
  readonly code: ParseErrorCode;
  /** The format that refused the record; `unknown` when none recognised it or the envelope failed. */
  readonly format: FormatName | 'unknown';
  readonly reason: string;
  readonly position: RecordPosition;
  /** The first bytes of the offending record, control characters escaped, at most 200 characters. */
  readonly excerpt: string;
}

const MAX_EXCERPT = 200;

/** A printable, bounded excerpt of hostile input for logs. */
export function excerptOf(text: string, max = MAX_EXCERPT): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return cut.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
