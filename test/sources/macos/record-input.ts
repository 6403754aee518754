import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RecordInput, SourceContext } from '../../../lib/sources/parser';

export const INSTANCE_STREAM = 'i-0fedcba9876543210';

/** A record as the dispatcher hands it over: `json` is set only when the text is a JSON object. */
export function recordInput(text: string, index = 0, context: SourceContext = {}, timestampMs?: number): RecordInput {
  let json: Record<string, unknown> | undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) json = value as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  return {
    text,
    json,
    position: { envelope: 'file', index, line: index + 1 },
    context,
    ...(timestampMs !== undefined ? { timestampMs } : {}),
  };
}

export function fixtureLines(relative: string): string[] {
  return readFileSync(join(__dirname, '../../fixtures', relative), 'utf8')
    .split('\n')
    .filter((line) => line !== '');
}

type JsonObject = { [key: string]: unknown };

/** A fixture record with the value at `keys` replaced (or removed, for undefined). */
export function edited(text: string, keys: readonly string[], value: unknown): string {
  const record = JSON.parse(text) as JsonObject;
  let parent: JsonObject = record;
  for (const key of keys.slice(0, -1)) parent = parent[key] as JsonObject;
  const last = keys[keys.length - 1]!;
  if (value === undefined) delete parent[last];
  else parent[last] = value;
  return JSON.stringify(record);
}
