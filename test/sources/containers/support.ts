import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NormalizedEvent, ParseError } from '../../../lib/model';
import type { ParseOutcome, RecordInput } from '../../../lib/sources/parser';

export const EKS_LOG_GROUP = '/aws/eks/prod-eu/cluster';
export const EKS_LOG_STREAM = 'kube-apiserver-audit-7f3c9e0b1a2d4c5e6f708192a3b4c5d6';

/** A fixture from test/fixtures/containers as a fresh object (tests may mutate their copy). */
export function fixture(name: string): Record<string, unknown> {
  const text = readFileSync(join(__dirname, '../../fixtures/containers', name), 'utf8');
  return JSON.parse(text) as Record<string, unknown>;
}

interface InputOptions {
  readonly logGroup?: string;
  readonly logStream?: string;
  readonly index?: number;
  readonly timestampMs?: number;
}

/** A record as a CloudWatch Logs subscription would hand it over: the text, its parsed object, where it sat. */
export function recordOf(value: unknown, options: InputOptions = {}): RecordInput {
  const text = JSON.stringify(value) ?? String(value);
  const json =
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  const logGroup = options.logGroup ?? EKS_LOG_GROUP;
  const logStream = options.logStream ?? EKS_LOG_STREAM;
  return {
    text,
    json,
    ...(options.timestampMs === undefined ? {} : { timestampMs: options.timestampMs }),
    position: { envelope: 'cloudwatch', index: options.index ?? 0, logGroup, logStream },
    context: { logGroup, logStream },
  };
}

/** The events of an outcome that must be ok. */
export function eventsOf(outcome: ParseOutcome): readonly NormalizedEvent[] {
  if (!outcome.ok) throw new Error(`expected ok, got ${outcome.error.code}: ${outcome.error.reason}`);
  return outcome.events;
}

/** The single event of an outcome that must hold exactly one. */
export function onlyEventOf(outcome: ParseOutcome): NormalizedEvent {
  const events = eventsOf(outcome);
  if (events.length !== 1) throw new Error(`expected one event, got ${events.length}`);
  return events[0] as NormalizedEvent;
}

/** The error of an outcome that must have failed. */
export function errorOf(outcome: ParseOutcome): ParseError {
  if (outcome.ok) throw new Error(`expected a failure, got ${outcome.events.length} events`);
  return outcome.error;
}
