import fc from 'fast-check';
import { PARSERS, parseRecords, type RecordInput } from '../../lib/sources';
import { DEEP_ARRAY, DEEP_OBJECT, LONG_COMMAND, POLLUTION_JSON, seedRecords } from './seeds';
import { ciParameters } from './settings';
import { assertPrototypesClean, parserTargets, propertyOf } from './targets';

function input(text: string, index = 0): RecordInput {
  let json: Record<string, unknown> | undefined;
  try {
    const value: unknown = JSON.parse(text);
    json =
      value !== null && typeof value === 'object' && !Array.isArray(value)
        ? (value as Record<string, unknown>)
        : undefined;
  } catch {
    json = undefined;
  }
  return { text, json, position: { envelope: 'inline', index }, context: {} };
}

describe('every registered parser under hostile input (bounded fuzzing)', () => {
  afterEach(() => assertPrototypesClean());

  it('has a fuzz target for every parser of the registry', () => {
    expect(parserTargets.map((target) => target.name)).toEqual(PARSERS.map((factory) => `parser:${factory.format}`));
  });

  it.each(parserTargets.map((target) => [target.name, target] as const))(
    '%s sniffs, parses and flushes mutated real records without throwing, with typed results',
    (_name, target) => {
      fc.assert(propertyOf(target), ciParameters(120));
    },
  );

  it('the dispatcher accounts for every hostile record as an event, an error or irrelevant, never throwing', () => {
    const hostile = [DEEP_ARRAY, DEEP_OBJECT, LONG_COMMAND, ...POLLUTION_JSON];
    const batch = parseRecords(hostile.map((text, index) => input(text, index)));
    expect(batch.records).toBe(hostile.length);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('still parses unmutated seed records into events of every auto-detected format (the seeds are real, not noise)', () => {
    // Judged per format, not as a share of all seeds: the share depends on whether the OTRF corpus is present (its
    // every 50th record adds about a hundred process events), and `npm test` must hold on the fixtures alone.
    // `normalized` is left out: the dispatcher does not auto-detect it (ParseOptions.acceptNormalized).
    const batch = parseRecords(seedRecords().map((text, index) => input(text, index)));
    const expected = PARSERS.map((factory) => factory.format).filter((format) => format !== 'normalized');
    expect(Object.keys(batch.eventsByFormat).sort()).toEqual([...expected].sort());
    expect(batch.events.length).toBeGreaterThan(batch.errors.length);
  });
});
