import { duplicateIds, lintRuleText } from '../../lib/scan';
import { HEADLESS_RULE, INFO_RULE } from './helpers';

describe('lintRuleText', () => {
  it('accepts a rule with every required piece of metadata', () => {
    expect(lintRuleText(HEADLESS_RULE, 'ok.yml')).toEqual([]);
  });

  it('names each missing piece: description, author, date, falsepositives, dedup fields', () => {
    const problems = lintRuleText(INFO_RULE, 'bare.yml').map((p) => p.problem);
    expect(problems).toEqual(
      expect.arrayContaining([
        'description is missing',
        'author is missing',
        'date is missing',
        'falsepositives is missing',
        expect.stringContaining('dedup.fields is missing'),
      ]),
    );
    expect(lintRuleText(INFO_RULE, 'bare.yml')[0]).toMatchObject({
      source: 'bare.yml',
      ruleId: '22222222-2222-4222-8222-222222222222',
    });
  });

  it('rejects an id that is not a UUID and tags without an ATT&CK technique', () => {
    const text = HEADLESS_RULE.replace('11111111-1111-4111-8111-111111111111', 'my-rule').replace(
      'tags: [attack.defense-evasion, attack.t1564.006]',
      'tags: [attack.defense-evasion]',
    );
    const problems = lintRuleText(text, 'x.yml').map((p) => p.problem);
    expect(problems).toContain("id 'my-rule' is not a UUID");
    expect(problems).toContain('tags name no ATT&CK technique (attack.tNNNN[.NNN])');
  });

  it('rejects a level that is not a Sigma level', () => {
    const problems = lintRuleText(HEADLESS_RULE.replace('level: high', 'level: severe'), 'x.yml').map((p) => p.problem);
    expect(problems).toContain("level 'severe' is not a Sigma level");
  });

  it('reports YAML that does not parse instead of throwing', () => {
    expect(lintRuleText('title: [unclosed', 'bad.yml')[0]?.problem).toMatch(/^not YAML/);
  });
});

describe('duplicateIds', () => {
  it('reports the second rule that reuses an id, naming the first file', () => {
    expect(
      duplicateIds([
        { id: 'a', source: 'one.yml' },
        { id: 'b', source: 'two.yml' },
        { id: 'a', source: 'three.yml' },
      ]),
    ).toEqual([{ source: 'three.yml', ruleId: 'a', problem: 'duplicate id (also in one.yml)' }]);
  });

  it('reports nothing when ids are unique', () => {
    expect(
      duplicateIds([
        { id: 'a', source: 'one.yml' },
        { id: 'b', source: 'two.yml' },
      ]),
    ).toEqual([]);
  });
});
