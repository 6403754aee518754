import fc from 'fast-check';
import { MatchContext } from '../../lib/rules/context';
import { LiteralPrefilter } from '../../lib/rules/prefilter';
import type { Anchor } from '../../lib/rules/types';
import { makeEvent } from './helpers';

const FIELDS = ['CommandLine', 'Image'] as const;
const ALPHABET = ['a', 'b', 'c', 'v', 'm', '-', ' ', '\\', '.', 'é'];

/** The specification: a rule is a candidate when any of its literals occurs in a value of its field. */
function naiveCandidates(anchorsByRule: readonly (readonly Anchor[] | null)[], ctx: MatchContext): number[] {
  return anchorsByRule.flatMap((anchors, rule) =>
    anchors === null ||
    anchors.length === 0 ||
    anchors.some((anchor) => ctx.lower(anchor.field).some((value) => value.includes(anchor.literal)))
      ? [rule]
      : [],
  );
}

const literalArb = fc
  .array(fc.constantFrom(...ALPHABET), { minLength: 3, maxLength: 9 })
  .map((chars) => chars.join(''));

/** A long value: filler with literals planted at random places, at the very end, and repeated back to back. */
function valueArb(literals: readonly string[]): fc.Arbitrary<string> {
  const planted = literals.length > 0 ? fc.constantFrom(...literals) : literalArb;
  const piece = fc.oneof(
    fc.array(fc.constantFrom(...ALPHABET), { maxLength: 400 }).map((chars) => chars.join('')),
    planted,
    planted.map((literal) => literal.toUpperCase()),
    fc.tuple(planted, fc.integer({ min: 2, max: 300 })).map(([literal, times]) => literal.repeat(times)),
    // Overlapping repeats: 'abab' planted as 'ababab…' overlaps itself at every second character.
    fc.tuple(planted, fc.integer({ min: 2, max: 50 })).map(([literal, times]) => literal.slice(0, 2).repeat(times)),
  );
  return fc.tuple(fc.array(piece, { maxLength: 12 }), planted, fc.boolean()).map(([pieces, last, endsWithOne]) => {
    const body = pieces.join('');
    return endsWithOne ? body + last : body;
  });
}

describe('the literal prefilter', () => {
  it('offers exactly the rules one of whose literals occurs in the lowercased field, for any number of literals', () => {
    // 1-4 literals per field use includes(), up to 256 one alternation regex, beyond that the trigram scan.
    const scenario = fc
      .tuple(fc.integer({ min: 1, max: 600 }), fc.array(literalArb, { minLength: 1, maxLength: 40 }))
      .chain(([ruleCount, pool]) =>
        fc.tuple(
          fc.array(
            fc.option(
              fc.array(
                fc.record({
                  field: fc.constantFrom(...FIELDS),
                  literal: fc.oneof(fc.constantFrom(...pool), literalArb),
                }),
                { minLength: 1, maxLength: 3 },
              ),
              { freq: 20, nil: null },
            ),
            { minLength: ruleCount, maxLength: ruleCount },
          ),
          fc.array(fc.record({ CommandLine: valueArb(pool), Image: valueArb(pool) }, { requiredKeys: [] }), {
            minLength: 1,
            maxLength: 4,
          }),
        ),
      );
    fc.assert(
      fc.property(scenario, ([anchorsByRule, events]) => {
        const prefilter = new LiteralPrefilter(anchorsByRule);
        for (const fields of events) {
          const ctx = new MatchContext(makeEvent({ fields }));
          expect(prefilter.candidates(ctx)).toEqual(naiveCandidates(anchorsByRule, ctx));
        }
      }),
      { numRuns: 60 },
    );
  });

  it('finds a literal that only occurs as the last characters of a long value', () => {
    const anchorsByRule = Array.from({ length: 300 }, (_, rule) => [{ field: 'CommandLine', literal: `lit${rule}x` }]);
    const prefilter = new LiteralPrefilter(anchorsByRule);
    for (const size of [3, 20, 300]) {
      const small = new LiteralPrefilter(anchorsByRule.slice(0, size));
      const value = `${'a'.repeat(200_000)}LIT2X`;
      const ctx = new MatchContext(makeEvent({ fields: { CommandLine: value } }));
      expect(small.candidates(ctx)).toEqual([2]);
      expect(small.candidates(new MatchContext(makeEvent({ fields: { CommandLine: 'a'.repeat(5000) } })))).toEqual([]);
    }
    const denseHits = new MatchContext(makeEvent({ fields: { CommandLine: `${'lit1'.repeat(50_000)}lit7x` } }));
    expect(prefilter.candidates(denseHits)).toEqual([7]);
  });

  it('always offers rules without literals, and no others for an event without the fields', () => {
    const prefilter = new LiteralPrefilter([[{ field: 'Image', literal: 'qemu' }], null, []]);
    expect(prefilter.candidates(new MatchContext(makeEvent({ fields: {} })))).toEqual([1, 2]);
    expect(prefilter.candidates(new MatchContext(makeEvent({ fields: { Image: '/usr/bin/QEMU-img' } })))).toEqual([
      0, 1, 2,
    ]);
  });

  it('builds in time proportional to the literal count, even when every literal shares its first character', () => {
    // 40k literals starting with the same letter took 52 s at cold start: the per-first-character lists were copied
    // once per literal (quadratic). Linear construction makes 4n literals cost about 4 times n; quadratic, 16 times.
    const anchorsOf = (count: number) =>
      Array.from({ length: count }, (_, rule) => [{ field: 'CommandLine', literal: `x${rule.toString(36)}vm` }]);
    const buildTime = (count: number): number => {
      const anchors = anchorsOf(count);
      let best = Number.POSITIVE_INFINITY;
      for (let run = 0; run < 3; run++) {
        const started = process.hrtime.bigint();
        new LiteralPrefilter(anchors);
        best = Math.min(best, Number(process.hrtime.bigint() - started));
      }
      return best;
    };
    buildTime(2_000); // warm-up: compile the construction code before measuring
    const n = 6_000;
    const ratio = buildTime(4 * n) / buildTime(n);
    expect(ratio).toBeLessThan(9);
    // And the big build still answers correctly.
    const prefilter = new LiteralPrefilter(anchorsOf(4 * n));
    const ctx = new MatchContext(makeEvent({ fields: { CommandLine: `run ${'X'}${(4 * n - 1).toString(36)}VM now` } }));
    expect(prefilter.candidates(ctx)).toEqual([4 * n - 1]);
  });
});
