import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { NormalizedEvent, ParseError } from '../../../lib/model';
import type { ParserFactory, RecordInput, SourceContext } from '../../../lib/sources/parser';

/** Test support for the Windows parsers: fixtures, RecordInputs as the dispatcher would build them, batch runs. */

export const FIXTURES = path.join(__dirname, '../../fixtures/windows');

export function fixture(name: string): string {
  return readFileSync(path.join(FIXTURES, name), 'utf8');
}

export interface InputOptions {
  readonly index?: number;
  readonly timestampMs?: number;
  readonly context?: SourceContext;
}

/** A record as the dispatcher hands it over: `json` is set when the text is a JSON object. */
export function inputOf(text: string, options: InputOptions = {}): RecordInput {
  const index = options.index ?? 0;
  const input: { -readonly [K in keyof RecordInput]: RecordInput[K] } = {
    text,
    json: jsonObjectOf(text),
    position: { envelope: 'file', index, line: index + 1 },
    context: options.context ?? {},
  };
  if (options.timestampMs !== undefined) input.timestampMs = options.timestampMs;
  return input;
}

export function jsonInput(value: unknown, options: InputOptions = {}): RecordInput {
  return inputOf(JSON.stringify(value), options);
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

export interface BatchResult {
  readonly events: NormalizedEvent[];
  readonly errors: ParseError[];
  /** Records sniff() refused. */
  readonly refused: number;
}

/** Run one batch through a fresh parser the way the dispatcher does: sniff, parse, then flush. */
export function runBatch(
  factory: ParserFactory,
  inputs: readonly RecordInput[],
  options = { sniff: true },
): BatchResult {
  const parser = factory.create();
  const events: NormalizedEvent[] = [];
  const errors: ParseError[] = [];
  let refused = 0;
  for (const input of inputs) {
    if (options.sniff && !parser.sniff(input)) {
      refused++;
      continue;
    }
    const outcome = parser.parse(input);
    if (outcome.ok) events.push(...outcome.events);
    else errors.push(outcome.error);
  }
  for (const outcome of parser.flush?.() ?? []) {
    if (outcome.ok) events.push(...outcome.events);
    else errors.push(outcome.error);
  }
  return { events, errors, refused };
}

/** The single event one record produces; fails the test with the parse error otherwise. */
export function onlyEvent(factory: ParserFactory, input: RecordInput): NormalizedEvent {
  const { events, errors } = runBatch(factory, [input], { sniff: false });
  expect(errors).toEqual([]);
  expect(events).toHaveLength(1);
  const [event] = events;
  if (!event) throw new Error('no event');
  return event;
}

/** The parse error one record produces. */
export function onlyError(factory: ParserFactory, input: RecordInput): ParseError {
  const outcome = factory.create().parse(input);
  if (outcome.ok) throw new Error(`expected a parse error, got ${outcome.events.length} event(s)`);
  return outcome.error;
}
