/**
 * The floor every handler is compared with: the bare decode of the same payload, nothing of ours in it.
 * CloudWatch: base64 -> gunzip -> JSON.parse of the envelope -> JSON.parse of each message that is JSON.
 * S3 object: gunzip -> split lines -> JSON.parse of each line that is JSON.
 */
import { gunzipSync } from 'node:zlib';

function parseIfJson(text: string): unknown {
  if (text.charCodeAt(0) !== 123 /* { */) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Returns how many messages were decoded. */
export function bareCloudWatchDecode(event: { awslogs: { data: string } }): number {
  const payload = JSON.parse(gunzipSync(Buffer.from(event.awslogs.data, 'base64')).toString('utf8')) as {
    logEvents: { message: string }[];
  };
  let decoded = 0;
  for (const logEvent of payload.logEvents) if (parseIfJson(logEvent.message) !== undefined) decoded++;
  return decoded;
}

export function bareObjectDecode(bytes: Uint8Array): number {
  let decoded = 0;
  for (const line of gunzipSync(bytes).toString('utf8').split('\n')) if (parseIfJson(line) !== undefined) decoded++;
  return decoded;
}
