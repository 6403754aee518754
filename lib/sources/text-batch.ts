import type { FormatName } from '../model';
import { type ParsedBatch, parseRecords } from './dispatch';
import { recordsFromText } from './envelopes/text';

/**
 * Parse a whole text document (file contents, stdin, a saved CloudWatch payload) in one call: envelope errors and
 * record errors end up in the same batch counts.
 */
export function parseText(
  text: string,
  options: { file?: string; format?: FormatName; acceptNormalized?: boolean } = {},
): ParsedBatch {
  const envelope = recordsFromText(
    text,
    options.file ? { envelope: 'file', index: 0, file: options.file } : { envelope: 'stdin', index: 0 },
  );
  if (!envelope.ok) {
    return {
      events: [],
      errors: [envelope.error],
      records: 0,
      eventsByFormat: {},
      errorsByFormat: { unknown: 1 },
      unknown: 0,
    };
  }
  const batch = parseRecords(envelope.records, {
    ...(options.format ? { format: options.format } : {}),
    ...(options.acceptNormalized ? { acceptNormalized: true } : {}),
  });
  if (envelope.errors.length === 0) return batch;
  const errorsByFormat = { ...batch.errorsByFormat };
  for (const error of envelope.errors) errorsByFormat[error.format] = (errorsByFormat[error.format] ?? 0) + 1;
  return { ...batch, errors: [...envelope.errors, ...batch.errors], errorsByFormat };
}
