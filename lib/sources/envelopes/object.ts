import type { RecordPosition } from '../../model';
import { withLimits } from '../limits';
import { boundedGunzip, isGzip } from './gzip';
import { type EnvelopeResult, envelopeError } from './result';
import { recordsFromText, type TextDecodeOptions } from './text';

/**
 * Records of an object body (S3 object from an EDR data replicator, an uploaded file): gzip or plain, then NDJSON,
 * JSON array or one record per line. Decompression is bounded; invalid UTF-8 is replaced, never thrown on.
 */
export function decodeObjectBody(
  bytes: Uint8Array,
  origin: RecordPosition,
  options: TextDecodeOptions = {},
): EnvelopeResult {
  const limits = withLimits(options.limits);
  let plain: Uint8Array = bytes;
  if (isGzip(bytes)) {
    const gunzipped = boundedGunzip(bytes, limits.maxDecompressedBytes);
    if (!gunzipped.ok) {
      return envelopeError(
        gunzipped.code === 'too-large' ? 'envelope-too-large' : 'envelope-invalid',
        gunzipped.reason,
        origin,
      );
    }
    plain = gunzipped.bytes;
  } else if (bytes.length > limits.maxDecompressedBytes) {
    return envelopeError(
      'envelope-too-large',
      `object is ${bytes.length} bytes, over the ${limits.maxDecompressedBytes} limit`,
      origin,
    );
  }
  return recordsFromText(
    Buffer.from(plain.buffer, plain.byteOffset, plain.byteLength).toString('utf8'),
    origin,
    options,
  );
}
