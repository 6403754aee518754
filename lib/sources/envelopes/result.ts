import { excerptOf, type ParseError, type ParseErrorCode, type RecordPosition } from '../../model';
import type { RecordInput } from '../parser';

/** What an envelope decoder returns: the records inside, or one typed error for the whole envelope. */
export type EnvelopeResult =
  | {
      readonly ok: true;
      readonly records: RecordInput[];
      /** CloudWatch CONTROL_MESSAGE: a health check from CloudWatch, no data. */
      readonly control: boolean;
      /** Records dropped by a bound (counted as errors too). */
      readonly errors: ParseError[];
    }
  | { readonly ok: false; readonly error: ParseError };

export function envelopeError(
  code: ParseErrorCode,
  reason: string,
  position: RecordPosition,
  excerptSource = '',
): { ok: false; error: ParseError } {
  return { ok: false, error: { code, format: 'unknown', reason, position, excerpt: excerptOf(excerptSource) } };
}

/** Parse a record's text as a JSON object once, for every JSON parser downstream. Non-objects give undefined. */
export function jsonObjectOf(text: string): Record<string, unknown> | undefined {
  let start = 0;
  while (start < text.length && (text.charCodeAt(start) <= 32 || text.charCodeAt(start) === 0xfeff)) start++;
  if (text.charCodeAt(start) !== 123 /* { */) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
