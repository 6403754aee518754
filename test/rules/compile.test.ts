import fc from 'fast-check';
import { stringify } from 'yaml';
import { compileRuleFile, compileRuleText, RuleSet } from '../../lib/rules';
import { compileOne, loadErrorOf, makeEvent, ruleYaml } from './helpers';

const BASE = {
  title: 'Headless VirtualBox VM start',
  id: '6b0b7c1e-4b53-4c43-9d0a-0b1f7f7c2a11',
  status: 'experimental',
  description: 'VBoxManage starts a VM without a window',
  references: ['https://attack.mitre.org/techniques/T1564/006/'],
  author: 'vmsentry',
  date: '2026-11-27',
  modified: '2026-11-28',
  tags: ['attack.defense-evasion', 'attack.t1564.006', 'attack.T1564'],
  level: 'high',
  falsepositives: ['Lab automation'],
  fields: ['CommandLine', 'ParentImage'],
  related: [{ id: '11111111-2222-3333-4444-555555555555', type: 'derived' }],
  logsource: { category: 'process_creation', product: 'windows' },
  detection: { selection: { 'CommandLine|contains|all': ['startvm', 'headless'] }, condition: 'selection' },
};

function text(doc: Record<string, unknown>): string {
  return stringify(doc);
}

describe('rule loading', () => {
  describe('metadata', () => {
    it('carries the Sigma metadata into RuleMetadata', () => {
      const rule = compileOne(text(BASE), 'rules/vbox.yml');
      expect(rule.metadata).toMatchObject({
        id: BASE.id,
        title: BASE.title,
        description: BASE.description,
        severity: 'high',
        status: 'experimental',
        author: 'vmsentry',
        tags: BASE.tags,
        references: BASE.references,
        falsepositives: BASE.falsepositives,
        dedupFields: [],
        source: 'rules/vbox.yml',
      });
      expect(rule.fields).toEqual(BASE.fields);
      expect(rule.related).toEqual(BASE.related);
      expect(rule.date).toBe('2026-11-27');
      expect(rule.logsource).toEqual({ category: 'process_creation', product: 'windows' });
    });

    it('derives upper-case technique ids from attack tags only', () => {
      expect(compileOne(text(BASE)).metadata.techniques).toEqual(['T1564.006', 'T1564']);
      expect(compileOne(text({ ...BASE, tags: ['attack.execution', 'cve.2021-1234'] })).metadata.techniques).toEqual(
        [],
      );
    });

    it('allows unknown top-level keys (Sigma custom attributes)', () => {
      expect(compileOne(text({ ...BASE, license: 'DRL', x_owner: 'blue team' })).metadata.id).toBe(BASE.id);
    });

    it.each([
      [{ title: undefined }, /title is required/],
      [{ id: undefined }, /id is required/],
      [{ level: 'severe' }, /not a Sigma level/],
      [{ status: 'great' }, /not a Sigma status/],
      [{ tags: 'attack.t1564' }, /tags must be a list/],
      [{ related: [{ id: 'x' }] }, /related entries need string id and type/],
      [{ detection: undefined }, /detection is required/],
      [{ logsource: undefined }, /logsource is required/],
    ])('rejects %p', (patch, reason) => {
      expect(loadErrorOf(text({ ...BASE, ...patch }))).toMatch(reason);
    });
  });

  describe('vmsentry extensions', () => {
    it('reads dedup fields and window in seconds or as a duration', () => {
      const seconds = compileOne(text({ ...BASE, dedup: { fields: ['Image', 'User'], window: 3600 } })).metadata;
      expect(seconds.dedupFields).toEqual(['Image', 'User']);
      expect(seconds.dedupWindowSeconds).toBe(3600);
      expect(compileOne(text({ ...BASE, dedup: { fields: [], window: '60m' } })).metadata.dedupWindowSeconds).toBe(
        3600,
      );
      expect(compileOne(text(BASE)).metadata.dedupWindowSeconds).toBeUndefined();
    });

    it('rejects malformed dedup sections', () => {
      expect(loadErrorOf(text({ ...BASE, dedup: { fields: ['Image'], window: 'soon' } }))).toMatch(/dedup.window/);
      expect(loadErrorOf(text({ ...BASE, dedup: { field: ['Image'] } }))).toMatch(/unknown keys: field/);
      expect(loadErrorOf(text({ ...BASE, dedup: ['Image'] }))).toMatch(/dedup must be a map/);
    });

    it('reads the response note', () => {
      expect(compileOne(text({ ...BASE, response: 'Isolate the host.' })).metadata.response).toBe('Isolate the host.');
      expect(loadErrorOf(text({ ...BASE, response: ['a'] }))).toMatch(/response must be a string/);
    });

    it('escalates severity by the highest matching escalation and lists every reason', () => {
      const rule = compileOne(
        text({
          ...BASE,
          level: 'medium',
          escalate: [
            { when: { 'CommandLine|contains': '\\AppData\\' }, level: 'high', reason: 'runs from a user profile' },
            {
              when: [{ 'ParentImage|endswith': '\\wscript.exe' }],
              level: 'critical',
              reason: 'started by a script host',
            },
          ],
        }),
      );
      const set = RuleSet.from([rule]);
      const plain = set.match(makeEvent({ fields: { CommandLine: 'VBoxManage startvm w --type headless' } }));
      expect(plain).toHaveLength(1);
      expect(plain[0]?.severity).toBe('medium');
      expect(plain[0]?.context).toBeUndefined();
      const both = set.match(
        makeEvent({
          fields: {
            CommandLine: 'C:\\Users\\a\\AppData\\VBoxManage startvm w --type headless',
            ParentImage: 'C:\\Windows\\System32\\wscript.exe',
          },
        }),
      );
      expect(both[0]?.severity).toBe('critical');
      expect(both[0]?.context).toEqual(['runs from a user profile', 'started by a script host']);
    });

    it('rejects malformed escalations', () => {
      const bad = (escalate: unknown) => loadErrorOf(text({ ...BASE, escalate }));
      expect(bad({ when: {} })).toMatch(/escalate must be a list/);
      expect(bad([{ when: { Image: 'x' }, level: 'low', reason: 'r' }])).toMatch(/level must be high or critical/);
      expect(bad([{ when: { Image: 'x' }, level: 'high' }])).toMatch(/reason is required/);
      expect(bad([{ level: 'high', reason: 'r' }])).toMatch(/when is required/);
      expect(bad([{ when: { 'Image|nope': 'x' }, level: 'high', reason: 'r' }])).toMatch(/unknown modifier/);
      expect(bad([{ when: { Image: 'x' }, level: 'high', reason: 'r', extra: 1 }])).toMatch(/unknown keys: extra/);
    });
  });

  describe('load errors', () => {
    it('report the source, id, title and reason', () => {
      const [result] = compileRuleText(text({ ...BASE, detection: { selection: { Image: 'x' } } }), 'rules/bad.yml');
      expect(result).toEqual({
        ok: false,
        error: { source: 'rules/bad.yml', ruleId: BASE.id, title: BASE.title, reason: 'detection has no condition' },
      });
    });

    it.each([
      ['bad YAML', 'title: [unclosed', /invalid YAML/],
      ['duplicate keys', 'title: a\ntitle: b\n', /invalid YAML/],
      ['a scalar document', 'just text', /must be a YAML map/],
      ['a collection action', 'action: global\ntitle: x\n', /collection action/],
    ])('for %s', (_name, yamlText, reason) => {
      const [result] = compileRuleText(yamlText, 'x.yml');
      expect(result?.ok).toBe(false);
      if (result && !result.ok) expect(result.error.reason).toMatch(reason);
    });

    it.each([
      [{ selection: { Image: 'x' }, condition: 'selection', timeframe: '5m' }, /timeframe/],
      [{ selection: { Image: 'x' }, condition: 'selection | count() > 3' }, /aggregation/],
      [{ selection: { Image: { nested: 'x' } }, condition: 'selection' }, /nested map/],
      [{ selection: {}, condition: 'selection' }, /empty field map/],
      [{ selection: [{ Image: 'x' }, 'keyword'], condition: 'selection' }, /mixes field maps and keywords/],
      [{ condition: 'selection' }, /no search identifiers/],
      [{ selection: { Image: 'x' }, condition: 42 }, /condition must be a string/],
      [{ selection: { '|contains': 'x' }, condition: 'selection' }, /field name missing/],
      [{ selection: { Image: [] }, condition: 'selection' }, /empty value list/],
    ])('for detection %p', (detection, reason) => {
      expect(loadErrorOf(ruleYaml(detection))).toMatch(reason);
    });

    it('keep good documents of a file when another document is bad', () => {
      const results = compileRuleText(
        `${text(BASE)}---\n${text({ ...BASE, id: 'other', level: 'huge' })}---\n`,
        'multi.yml',
      );
      expect(results.map((r) => r.ok)).toEqual([true, false]);
    });

    it('never throw on random YAML text', () => {
      const fragments = fc.constantFrom(
        'title: x\n',
        'id: y\n',
        'level: high\n',
        'logsource:\n  category: process_creation\n',
        'detection:\n  sel:\n    Image|endswith: a\n  condition: sel\n',
        'detection: [1, 2]\n',
        '---\n',
        '  - *a\n',
        'a: &a [1]\n',
        'condition: "not"\n',
        '? ',
        '{',
        '\t',
      );
      fc.assert(
        fc.property(
          fc.oneof(
            fc.string(),
            fc.array(fragments, { maxLength: 10 }).map((parts) => parts.join('')),
          ),
          (yamlText) => {
            const results = compileRuleFile(yamlText, 'fuzz.yml');
            for (const result of results) expect(typeof result.ok).toBe('boolean');
          },
        ),
        { numRuns: 300 },
      );
    });

    it('refuse YAML alias bombs', () => {
      const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]'];
      for (let i = 0; i < 12; i++) {
        const name = String.fromCharCode(98 + i);
        const prev = String.fromCharCode(97 + i);
        bomb.push(`${name}: &${name} [*${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}]`);
      }
      const [result] = compileRuleText(bomb.join('\n'), 'bomb.yml');
      expect(result?.ok).toBe(false);
    });
  });
});
