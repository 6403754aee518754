import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { auditdParser } from '../../../lib/sources/linux/auditd';
import type { ParseOutcome, RecordInput, SourceContext } from '../../../lib/sources/parser';

export const INSTANCE_STREAM = 'i-0abc1234def567890';

/** A record as the dispatcher hands it over: `json` is set only when the text is a JSON object. */
export function recordInput(text: string, index = 0, context: SourceContext = {}, timestampMs?: number): RecordInput {
  return {
    text,
    json: jsonObjectOf(text),
    position: { envelope: 'file', index, line: index + 1 },
    context,
    ...(timestampMs !== undefined ? { timestampMs } : {}),
  };
}

function jsonObjectOf(text: string): Record<string, unknown> | undefined {
  if (!text.trimStart().startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

export function fixtureLines(relative: string): string[] {
  return readFileSync(join(__dirname, '../../fixtures', relative), 'utf8')
    .split('\n')
    .filter((line) => line !== '');
}

export function inputsOf(lines: readonly string[], context: SourceContext = {}): RecordInput[] {
  return lines.map((line, index) => recordInput(line, index, context));
}

/** Feeds a batch to one auditd parser instance: the events of every parse() and of flush(), and every failure. */
export function runAuditBatch(inputs: readonly RecordInput[]) {
  const parser = auditdParser.create();
  const outcomes = inputs.map((input) => parser.parse(input));
  const flushed = parser.flush?.() ?? [];
  const all: ParseOutcome[] = [...outcomes, ...flushed];
  const events = all.flatMap((outcome) => (outcome.ok ? outcome.events : []));
  const errors = all.flatMap((outcome) => (outcome.ok ? [] : [outcome.error]));
  return { outcomes, flushed, events, errors };
}
