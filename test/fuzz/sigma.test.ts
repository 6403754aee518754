import fc from 'fast-check';
import { compileRuleText } from '../../lib/rules';
import { DEEP_YAML, seedRuleTexts } from './seeds';
import { ciParameters } from './settings';
import { assertPrototypesClean, propertyOf, sigmaTarget } from './targets';

describe('the Sigma loader under hostile YAML (bounded fuzzing)', () => {
  afterEach(() => assertPrototypesClean());

  it('compiles mutated pack rules and arbitrary YAML into rules or typed load errors, never throwing', () => {
    fc.assert(propertyOf(sigmaTarget), ciParameters(120));
  });

  it('compiles every unmutated pack rule (the seeds are valid rules)', () => {
    const failures = seedRuleTexts().flatMap((text) =>
      compileRuleText(text, 'pack.yml').filter((result) => !result.ok),
    );
    expect(failures).toEqual([]);
  });

  it('refuses a YAML alias bomb and 10,000-level nesting with a load error', () => {
    const bomb =
      'a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n' +
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n';
    for (const text of [bomb, DEEP_YAML]) {
      const results = compileRuleText(text, 'hostile.yml');
      expect(results.length).toBeGreaterThan(0);
      expect(results.every((result) => !result.ok)).toBe(true);
    }
  });

  it('treats __proto__ selections as data and leaves Object.prototype alone', () => {
    const text =
      'title: t\nid: 6d0f1c4e-0000-4000-8000-000000000001\nlogsource: {category: process_creation}\n' +
      'detection:\n  __proto__: {Image|endswith: x}\n  condition: __proto__\n';
    compileRuleText(text, 'proto.yml');
    expect(({} as Record<string, unknown>)['Image|endswith']).toBeUndefined();
  });
});
