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
    return { ok: true, bytes: gunzipSync(bytes, { maxOutputLength: maxBytes }) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof RangeError || /maxOutputLength|larger than|buffer/i.test(message)) {
      return { ok: false, code: 'too-large', reason: `gzip expands beyond ${maxBytes} bytes` };
    }
    return { ok: false, code: 'invalid', reason: `not valid gzip: ${message}` };
  }
}
