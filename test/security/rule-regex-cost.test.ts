/**
 * Regular expressions run on attacker-written text: any user on a monitored host chooses their own command line, up
 * to the 1 MiB record bound (a regex sees the first 64 KiB). A backtracking engine lets a rule regex that passed any
 * shape guard stall the function for minutes and fail the whole batch: the five patterns below did, on inputs of a few
 * thousand characters (measured with V8 before the change: each still running after 5 s, the issue saw over 60 s).
 * Rule regexes therefore run on RE2JS, whose matching is linear in the input.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { listRuleFiles, RuleSet } from '../../lib/rules';
import { checkRegex, MAX_REGEX_INPUT } from '../../lib/rules/regex-safety';
import { compileOne, makeEvent, ruleYaml } from '../rules/helpers';

interface RegexUse {
  readonly file: string;
  readonly key: string;
  readonly pattern: string;
}

function regexesIn(value: unknown, file: string, key = ''): RegexUse[] {
  if (Array.isArray(value)) return value.flatMap((item) => regexesIn(item, file, key));
  if (typeof value === 'string') return key.split('|').includes('re') ? [{ file, key, pattern: value }] : [];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([childKey, child]) => regexesIn(child, file, childKey));
}

const RULES_DIR = join(process.cwd(), 'rules');
const uses: RegexUse[] = listRuleFiles(RULES_DIR).flatMap((file) => {
  const doc = parse(readFileSync(file, 'utf8')) as Record<string, unknown> | null;
  return doc ? [...regexesIn(doc['detection'], file), ...regexesIn(doc['escalate'], file)] : [];
});

/**
 * The patterns, each with input a backtracking engine does not finish on (`stalls`), input it matches, and
 * input the engine must read to the end to decide (`scans`: the required character sits at the end).
 */
const HOSTILE: readonly {
  pattern: string;
  stalls: (n: number) => string;
  matches: string;
  scans: (n: number) => string;
}[] = [
  { pattern: '\\w*\\w*\\w*\\w*!', stalls: (n) => 'a'.repeat(n), matches: 'abc!', scans: (n) => `${'a'.repeat(n)}\n!` },
  {
    pattern: '(?:.*,){12}X',
    stalls: (n) => ','.repeat(n),
    matches: `${','.repeat(12)}X`,
    scans: (n) => `${','.repeat(n)}\nX`,
  },
  {
    pattern: '[a-z]*[a-z]*[a-z]*[a-z]*[a-z]*!',
    stalls: (n) => 'a'.repeat(n),
    matches: 'vm!',
    scans: (n) => `${'a'.repeat(n)}!`,
  },
  {
    pattern: '\\d+\\d+\\d+\\d+\\d+x',
    stalls: (n) => '1'.repeat(n),
    matches: '12345x',
    scans: (n) => `${'1'.repeat(n)} x`,
  },
  {
    pattern: '(.*a){20}',
    stalls: (n) => 'a'.repeat(19) + 'b'.repeat(n - 19),
    matches: 'a'.repeat(20),
    scans: (n) => 'a'.repeat(19) + 'b'.repeat(n - 19),
  },
];

function detects(pattern: string, value: string): boolean {
  const rule = compileOne(ruleYaml({ selection: { 'CommandLine|re': pattern }, condition: 'selection' }));
  return RuleSet.from([rule]).match(makeEvent({ fields: { CommandLine: value } })).length === 1;
}

describe('regular expressions that hang backtracking engines', () => {
  it.each(HOSTILE)('$pattern loads, and answers at once on input that made V8 run for minutes', (hostile) => {
    // The inputs that stalled V8: a few thousand characters. Here, with the whole 64 KiB a regex may see, and more.
    for (const n of [3_000, MAX_REGEX_INPUT, 4 * MAX_REGEX_INPUT])
      expect(detects(hostile.pattern, hostile.stalls(n))).toBe(false);
    expect(detects(hostile.pattern, hostile.matches)).toBe(true);
  });

  it('cost grows linearly with the input: four times the input is about four times the work, not sixteen', () => {
    const regexes = HOSTILE.map(({ pattern, scans }) => {
      const checked = checkRegex(pattern, '');
      if (!checked.ok) throw new Error(`${pattern}: ${checked.reason}`);
      return { regex: checked.regex, scans };
    });
    const time = (length: number): number => {
      const inputs = regexes.map(({ regex, scans }) => ({ regex, input: scans(length) }));
      let best = Number.POSITIVE_INFINITY;
      for (let run = 0; run < 5; run++) {
        const started = process.hrtime.bigint();
        for (const { regex, input } of inputs) regex.test(input);
        best = Math.min(best, Number(process.hrtime.bigint() - started));
      }
      return best;
    };
    time(1_000); // warm-up
    const quarter = MAX_REGEX_INPUT / 4;
    expect(time(MAX_REGEX_INPUT) / time(quarter)).toBeLessThan(9);
  });
});

describe('regular expressions of the shipped rule pack', () => {
  it('finds the regex-valued detection items it checks', () => {
    // Guards the check below: a walker that found nothing would pass it.
    expect(uses.length).toBeGreaterThan(10);
  });

  it('all compile for the linear-time engine', () => {
    expect(uses.filter((use) => !checkRegex(use.pattern, '').ok)).toEqual([]);
  });
});
