import type { NormalizedEvent } from '../../lib/model';
import { compileRuleText, RuleSet } from '../../lib/rules';
import { checkRegex, MAX_REGEX_INPUT } from '../../lib/rules/regex-safety';

describe('the re modifier guard (rules are user input: refused at load, never slow at match time)', () => {
  it.each([
    ['(a|a)*b', 'identical alternatives under a star'],
    ['(\\w|\\d)+x', 'one alternative contains the other'],
    ['(?:.|\\s)*x', 'dot or whitespace under a star'],
    ['(?:ab|a)+', 'one alternative a prefix of another'],
    ['.*.*.*.*=', 'four unbounded wildcard runs'],
    ['[^x]*a\\S+b.*c', 'three match-almost-anything runs'],
    ['(a+)+', 'nested quantifiers'],
    ['(x)\\1', 'a backreference'],
  ])('refuses %s (%s)', (pattern) => {
    expect(checkRegex(pattern, '')).toMatchObject({ ok: false, reason: expect.stringMatching(/not allowed/) });
  });

  it.each([
    ['foo.*bar', 'one wildcard run between literals'],
    ['startvm\\s+\\S+\\s+--type\\s+headless', 'narrow whitespace runs around one broad run'],
    ['(?:New|Import|Start)[-\u2013]VM', 'distinct literal alternatives, not repeated'],
    ['(?:ab|cd)+', 'repeated distinct literal alternatives'],
    ['EnableSecureBoot(?:\\s*:\\s*|\\s*)[\'"]?Off', "the pack's Secure Boot pattern"],
  ])('accepts %s (%s)', (pattern) => {
    expect(checkRegex(pattern, 'i').ok).toBe(true);
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
