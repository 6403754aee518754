import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NormalizedEvent } from '../../../lib/model';
import type { ParseOutcome, RecordInput } from '../../../lib/sources/parser';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'edr');

/** A fixture's text as it would arrive on the wire. */
export function fixtureText(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8');
}

/** A fixture parsed as the dispatcher would hand it over. */
export function fixture(name: string): Record<string, unknown> {
  return JSON.parse(fixtureText(name)) as Record<string, unknown>;
}

/** A RecordInput built the way the dispatcher builds it: json only for JSON objects. */
export function recordOf(value: unknown, index = 0, extra: Partial<RecordInput> = {}): RecordInput {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  const json =
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  return {
    text,
    json,
    position: { envelope: 'sqs', index, messageId: `msg-${index}` },
    context: {},
    ...extra,
  };
}

/** The single event of a successful outcome; fails the test otherwise. */
export function onlyEvent(outcome: ParseOutcome): NormalizedEvent {
  if (!outcome.ok) throw new Error(`expected success, got ${outcome.error.code}: ${outcome.error.reason}`);
  expect(outcome.events).toHaveLength(1);
  const [event] = outcome.events;
  if (event === undefined) throw new Error('no event');
  return event;
}

/** A copy of a record without the named keys. */
export function without(record: Record<string, unknown>, ...keys: string[]): Record<string, unknown> {
  const copy = { ...record };
  for (const key of keys) delete copy[key];
  return copy;
}
