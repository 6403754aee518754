import fc from 'fast-check';
import type { NormalizedEvent } from '../../lib/model';
import { compileRuleText, RuleSet } from '../../lib/rules';
import { checkRegex, MAX_REGEX_INPUT } from '../../lib/rules/regex-safety';

describe('the re modifier engine (rules are user input: refused at load, never slow at match time)', () => {
  it.each([
    ['(x)\\1', /backreferences are not supported/],
    ['(?<n>x)\\k<n>', /backreferences are not supported/],
    ['(?P<n>x)(?P=n)', /backreferences are not supported/],
    ['a(?=b)', /lookaround .* not supported/],
    ['a(?!b)', /lookaround .* not supported/],
    ['(?<=a)b', /lookaround .* not supported/],
    ['(?<!a)b', /lookaround .* not supported/],
    ['a++', /invalid regular expression/],
    ['(?>a)', /invalid regular expression/],
    ['x{1001}', /invalid regular expression/],
    ['\\w{1000}\\w{1000}', /too large/],
  ])('refuses %s with the reason', (pattern, reason) => {
    expect(checkRegex(pattern, '')).toMatchObject({ ok: false, reason: expect.stringMatching(reason) });
  });

  it('refuses a pattern longer than 4096 characters', () => {
    expect(checkRegex('a'.repeat(4097), '')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/longer than 4096/),
    });
  });

  it.each([
    ['(a|a)*b', 'a'.repeat(MAX_REGEX_INPUT)],
    ['(\\w|\\d)+x', '1'.repeat(MAX_REGEX_INPUT)],
    ['(?:.|\\s)*x', ' '.repeat(MAX_REGEX_INPUT)],
    ['(a+)+b', 'a'.repeat(MAX_REGEX_INPUT)],
    ['.*.*.*.*=', 'a'.repeat(MAX_REGEX_INPUT)],
  ])(
    'accepts %s, which backtracking engines take exponential or polynomial time on, and answers at once',
    (pattern, input) => {
      // These were refused by the old shape guard; the linear engine evaluates them over the whole regex input bound.
      const checked = checkRegex(pattern, '');
      if (!checked.ok) throw new Error(checked.reason);
      expect(checked.regex.test(input)).toBe(false);
    },
  );

  it('keeps ECMAScript whitespace for \\s (PowerShell accepts Unicode spaces), and \\uHHHH escapes', () => {
    const test = (pattern: string, value: string): boolean => {
      const checked = checkRegex(pattern, '');
      if (!checked.ok) throw new Error(checked.reason);
      return checked.regex.test(value);
    };
    for (const space of [' ', '\t', '\u00a0', '\u2003', '\u3000', '\ufeff']) {
      expect(test('Start-VM\\s+-Name', `Start-VM${space}-Name`)).toBe(true);
      expect(test('[\\s,]x', `${space}x`)).toBe(true);
      expect(test('Start-VM\\S', `Start-VM${space}`)).toBe(false);
    }
    expect(test('Start[-\\u2013]VM', 'Start\u2013VM')).toBe(true);
    expect(test('\\Qa.b\\E', 'a.b')).toBe(true);
    expect(test('\\Qa.b\\E', 'axb')).toBe(false);
  });

  it('agrees with ECMAScript RegExp on the syntax both share, so rules written against V8 keep their meaning', () => {
    // Differences are confined to what the generator leaves out: `.` also matches \r under RE2, case folding of
    // s and k reaches U+017F and U+212A, `\S` inside a class is ASCII-only.
    const atom = fc.constantFrom(
      'a',
      'B',
      's',
      '-',
      '\\.',
      '.',
      '\\s',
      '\\S',
      '\\d',
      '\\w',
      '\\W',
      '[a-c]',
      '[^a\\s]',
      '[\\s-]',
      '\\u0041',
      '\\b',
    );
    const pattern = fc.letrec<{ node: string }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        atom,
        fc.tuple(tie('node'), tie('node')).map(([a, b]) => a + b),
        fc.tuple(tie('node'), tie('node')).map(([a, b]) => `(?:${a}|${b})`),
        fc.tuple(tie('node'), fc.constantFrom('*', '+', '?', '{2}', '{1,3}', '*?')).map(([a, q]) => `(?:${a})${q}`),
        tie('node').map((a) => `(${a})`),
        tie('node').map((a) => `^${a}$`),
      ),
    })).node;
    const text = fc
      .array(fc.constantFrom('a', 'A', 'b', 'B', 's', 'S', '-', '.', ' ', '\t', '\n', '1', '\u00a0', '\u2003', 'é'), {
        maxLength: 12,
      })
      .map((chars) => chars.join(''));
    fc.assert(
      fc.property(
        pattern,
        fc.constantFrom('', 'i', 'm', 's', 'im'),
        fc.array(text, { minLength: 1, maxLength: 5 }),
        (source, flags, values) => {
          const checked = checkRegex(source, flags);
          if (!checked.ok) throw new Error(`${source}: ${checked.reason}`);
          const v8 = new RegExp(source, flags);
          for (const value of values)
            expect([source, flags, value, checked.regex.test(value)]).toEqual([source, flags, value, v8.test(value)]);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('compiles the sub-modifier flags and a leading inline flag group', () => {
    const checked = checkRegex('(?s)a.b', 'im');
    expect(checked).toMatchObject({ ok: true, flags: 'ims', source: 'a.b' });
    if (checked.ok) expect(checked.regex.test('x\nA\nB')).toBe(true);
  });

  it('shows a regex at most the first 64 KiB of a value, while literal modifiers see all of it', () => {
    const yaml = `
title: tail of a huge command line
id: 0f3a0a7e-6a53-4a0c-9a53-1c5d8e2b7c11
status: test
level: high
logsource: { category: process_creation }
detection:
  by_regex: { CommandLine|re: 'needle$' }
  by_literal: { CommandLine|endswith: 'needle' }
  condition: 1 of by_*
`;
    const compiled = compileRuleText(yaml, 'inline.yml');
    const rules = compiled.flatMap((result) => (result.ok ? [result.rule] : []));
    expect(rules).toHaveLength(1);
    const event: NormalizedEvent = {
      category: 'process_creation',
      platform: 'linux',
      time: '2026-11-27T00:00:00.000Z',
      timeMs: 0,
      host: { hostname: 'h' },
      provenance: { envelope: 'inline', index: 0, format: 'normalized' },
      fields: { CommandLine: `${'x'.repeat(MAX_REGEX_INPUT + 10)} needle` },
    };
    const regexOnly = compileRuleText(yaml.replace('condition: 1 of by_*', 'condition: by_regex'), 'inline.yml');
    const regexRules = regexOnly.flatMap((result) => (result.ok ? [result.rule] : []));
    expect(RuleSet.from(rules).match(event)).toHaveLength(1);
    expect(RuleSet.from(regexRules).match(event)).toHaveLength(0);
  });
});
