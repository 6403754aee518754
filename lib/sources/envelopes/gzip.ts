import { gunzipSync } from 'node:zlib';

export type GunzipResult = { ok: true; bytes: Buffer } | { ok: false; code: 'too-large' | 'invalid'; reason: string };

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === GZIP_MAGIC_0 && bytes[1] === GZIP_MAGIC_1;
}

/**
 * gunzip that refuses to expand beyond `maxBytes` (zlib stops at maxOutputLength instead of allocating the bomb).
 */
export function boundedGunzip(bytes: Uint8Array, maxBytes: number): GunzipResult {
  try {
    return {
      ok: true,
      bytes: gunzipSync(bytes, { maxOutputLength: maxBytes, chunkSize: outputChunkSize(bytes, maxBytes) }),
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof RangeError || /maxOutputLength|larger than|buffer/i.test(message)) {
      return { ok: false, code: 'too-large', reason: `gzip expands beyond ${maxBytes} bytes` };
    }
    return { ok: false, code: 'invalid', reason: `not valid gzip: ${message}` };
  }
}

/** zlib's default output chunk; also the floor, so a small or lying size field never makes many tiny chunks. */
const DEFAULT_CHUNK = 16 * 1024;

/**
 * One output chunk as large as the gzip trailer says the data is (ISIZE: its size mod 2^32), bounded by maxBytes.
 * gunzipSync collects output chunks and concatenates them at the end, which holds the payload twice; when one chunk
 * holds it all, the result is that chunk. A wrong ISIZE (several members, forged) only costs the usual concatenation.
 */
function outputChunkSize(bytes: Uint8Array, maxBytes: number): number {
  if (bytes.length < 18) return DEFAULT_CHUNK;
  const at = bytes.length - 4;
  const size =
    ((bytes[at] as number) | ((bytes[at + 1] as number) << 8) | ((bytes[at + 2] as number) << 16)) +
    (bytes[at + 3] as number) * 0x1000000;
  return Math.max(DEFAULT_CHUNK, Math.min(size + 1, maxBytes));
}
