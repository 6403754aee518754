import fc from 'fast-check';
import { type CompiledRule, RuleSet } from '../../lib/rules';
import { MatchContext } from '../../lib/rules/context';
import { compileOne, makeEvent, ruleYaml } from './helpers';

/**
 * The rule index (per-field literal automaton over every rule of a logsource bucket, lib/rules/prefilter.ts) is an
 * optimisation only: whatever rules and events, RuleSet.match must return exactly what a loop evaluating every rule
 * whose route fits would return. These properties cover what the index has to get right beyond plain literals:
 * case-insensitive and `|cased` values, windash variants, `|all`, base64offset, regexes (with and without `i`),
 * keywords (no field at all), negations, aliased field names, and sets large enough for every scan strategy.
 */

const WORDS = ['vboxmanage', 'startvm', '-headless', 'qemu-img', 'vmrun', 'Start', 'abab', 'wsl', 'x', '/type'];
const FIELDS = ['CommandLine', 'Image', 'ParentImage', 'NewProcessName', 'OriginalFileName'] as const;
const MODIFIERS = [
  '',
  '|contains',
  '|startswith',
  '|endswith',
  '|contains|all',
  '|contains|cased',
  '|endswith|cased',
  '|contains|windash',
  '|windash',
  '|base64offset|contains',
  '|re',
  '|re|i',
  '|exists',
] as const;

const valueArb = fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 3 }).map((words) => words.join(' '));

const itemArb = fc
  .record({
    field: fc.constantFrom(...FIELDS),
    mod: fc.constantFrom(...MODIFIERS),
    values: fc.array(valueArb, { minLength: 1, maxLength: 3 }),
  })
  .map(({ field, mod, values }) => {
    if (mod === '|exists') return [`${field}${mod}`, values.length % 2 === 0] as const;
    // Regex values: escape what the words would otherwise make special (none today), add one class for shape.
    if (mod.startsWith('|re'))
      return [`${field}${mod}`, values.map((v) => `${v.replace(/ /g, '\\s+')}[a-z]*`)] as const;
    return [`${field}${mod}`, values] as const;
  });

/** A search identifier: a field map (AND of items), a list of maps (OR), or a list of keywords. */
const selectionArb = fc.oneof(
  { weight: 5, arbitrary: fc.array(itemArb, { minLength: 1, maxLength: 2 }).map((items) => Object.fromEntries(items)) },
  {
    weight: 1,
    arbitrary: fc
      .array(
        fc.array(itemArb, { minLength: 1, maxLength: 2 }).map((items) => Object.fromEntries(items)),
        { minLength: 2, maxLength: 3 },
      )
      .map((maps) => maps as unknown),
  },
  {
    weight: 2,
    arbitrary: fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 3 }) as fc.Arbitrary<unknown>,
  },
);

const ruleArb = fc.record({
  sel: selectionArb,
  other: selectionArb,
  condition: fc.constantFrom(
    'sel',
    'sel and not other',
    'sel or other',
    '1 of them',
    'all of them',
    'not sel',
    'not (sel or other)',
  ),
});

function compileSpec(spec: { sel: unknown; other: unknown; condition: string }): CompiledRule {
  return compileOne(ruleYaml({ sel: spec.sel, other: spec.other, condition: spec.condition }));
}

/** Event values: the words in any case and with dash variants, in short values and in long filler. */
const wordArb = fc.oneof(
  fc.constantFrom(...WORDS),
  fc.constantFrom(...WORDS).map((w) => w.toUpperCase()),
  fc.constantFrom(...WORDS).map((w) => w.replace('-', '/')),
  fc.constantFrom(...WORDS).map((w) => w.replace('/', '\u2013')),
  fc.constantFrom(...WORDS).map((w) => Buffer.from(`  ${w}`).toString('base64')),
);
const eventValueArb = fc.oneof(
  fc.array(wordArb, { minLength: 1, maxLength: 4 }).map((words) => words.join(' ')),
  fc
    .tuple(fc.array(fc.oneof(fc.string({ maxLength: 200 }), wordArb), { maxLength: 12 }), wordArb)
    .map(([parts, last]) => parts.join('') + last),
);
const fieldsArb = fc.record(
  {
    CommandLine: eventValueArb,
    Image: eventValueArb,
    ParentImage: eventValueArb,
    OriginalFileName: eventValueArb,
  },
  { requiredKeys: [] },
);
/** Raw record keys the rules may name directly (NewProcessName is an alias of Image, but a raw key wins when present). */
const rawArb = fc.option(fc.record({ NewProcessName: eventValueArb, Extra: eventValueArb }, { requiredKeys: [] }), {
  nil: undefined,
});
const eventArb = fc.record({ fields: fieldsArb, raw: rawArb });

/** The specification: every rule whose logsource fits, evaluated directly, in rule order. */
function naive(rules: readonly CompiledRule[], event: ReturnType<typeof makeEvent>): string[] {
  return rules.filter((rule) => rule.evaluate(new MatchContext(event))).map((rule) => rule.metadata.id);
}

function eventOf(spec: { fields: Record<string, string>; raw: Record<string, string> | undefined }) {
  return makeEvent({ fields: spec.fields, ...(spec.raw ? { raw: spec.raw } : {}) });
}

describe('the rule index', () => {
  it('returns what evaluating every rule returns: modifiers, keywords, negations, aliases (property)', () => {
    fc.assert(
      fc.property(
        fc.array(ruleArb, { minLength: 1, maxLength: 12 }),
        fc.array(eventArb, { maxLength: 8 }),
        (specs, events) => {
          const rules = specs.map(compileSpec);
          const set = RuleSet.from(rules);
          for (const spec of events) {
            const event = eventOf(spec);
            expect(set.match(event).map((d) => d.rule.id)).toEqual(naive(rules, event));
          }
        },
      ),
      { numRuns: 120 },
    );
  });

  it('stays exact on a set large enough for the alternation and trigram scans (over 1,024 literals on a field)', () => {
    // One fixed large set (compiling it is the slow part), then a property over events. Each rule carries distinct
    // literals so no field's literal list stays small enough for the includes() path.
    const rules: CompiledRule[] = [];
    for (let i = 0; i < 420; i++) {
      const tag = i.toString(36);
      const mods = ['|contains', '|endswith', '|startswith', '', '|contains|windash', '|contains|cased'];
      const mod = mods[i % mods.length] as string;
      rules.push(
        compileOne(
          ruleYaml({
            sel: { [`CommandLine${mod}`]: [`${WORDS[i % WORDS.length]}${tag}`, `-k${tag}x`, `q${tag}vm`] },
            filter: { 'Image|endswith': `\\${tag}.exe` },
            condition: i % 3 === 0 ? 'sel and not filter' : 'sel',
          }),
        ),
      );
    }
    // Rules the index cannot skip: keyword-only, regex-only, negation-only.
    rules.push(compileOne(ruleYaml({ kw: ['vmrun', 'QEMU'], condition: 'kw' })));
    rules.push(compileOne(ruleYaml({ r: { 'CommandLine|re': '(?i)st[a-z]rtvm' }, condition: 'r' })));
    rules.push(compileOne(ruleYaml({ n: { 'Image|endswith': '.exe' }, condition: 'not n' })));
    const set = RuleSet.from(rules);
    const tagArb = fc.integer({ min: 0, max: 430 }).map((i) => i.toString(36));
    const plantedArb = fc.oneof(
      fc.tuple(fc.constantFrom(...WORDS), tagArb).map(([w, t]) => `${w}${t}`),
      tagArb.map((t) => `-K${t}X`),
      tagArb.map((t) => `/k${t}x`),
      tagArb.map((t) => `q${t}vm`),
      tagArb.map((t) => `Q${t}VM`),
      fc.constantFrom(...WORDS),
    );
    const valueArb = fc
      .array(fc.oneof(plantedArb, fc.string({ maxLength: 40 })), { minLength: 1, maxLength: 6 })
      .map((parts) => parts.join(' '));
    const imageArb = fc.oneof(
      tagArb.map((t) => `C:\\Tools\\${t}.exe`),
      tagArb.map((t) => `C:\\TOOLS\\${t}.EXE`),
      fc.string({ maxLength: 30 }),
    );
    fc.assert(
      fc.property(fc.record({ CommandLine: valueArb, Image: imageArb }, { requiredKeys: [] }), (fields) => {
        const event = makeEvent({ fields });
        expect(set.match(event).map((d) => d.rule.id)).toEqual(naive(rules, event));
      }),
      { numRuns: 300 },
    );
  });

  it('offers an event only the rules whose literals it contains (near miss: one letter off finds nothing)', () => {
    const rules = Array.from({ length: 200 }, (_, i) =>
      compileOne(ruleYaml({ s: { 'CommandLine|contains': `needle${i}z` }, condition: 's' })),
    );
    const set = RuleSet.from(rules);
    const hit = makeEvent({ fields: { CommandLine: 'run NEEDLE137Z now' } });
    expect(set.match(hit).map((d) => d.rule.id)).toEqual([rules[137]?.metadata.id]);
    const nearMiss = makeEvent({ fields: { CommandLine: 'run needle137y now' } });
    expect(set.match(nearMiss)).toEqual([]);
    // The work is counted, not timed: the index evaluates one rule for the hit and none for the near miss.
    expect(set.candidateCount(hit)).toBe(1);
    expect(set.candidateCount(nearMiss)).toBe(0);
  });
});
