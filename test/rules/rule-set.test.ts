import fc from 'fast-check';
import { type CompiledRule, RuleSet } from '../../lib/rules';
import { MatchContext } from '../../lib/rules/context';
import { compileOne, makeEvent, ruleYaml } from './helpers';

const WORDS = ['vboxmanage', 'startvm', 'headless', 'qemu', 'vmrun', 'start', 'wsl', 'abab', 'ab', 'x'];

describe('RuleSet', () => {
  it('offers an event only to rules whose logsource fits it', () => {
    const proc = compileOne(ruleYaml({ s: { 'CommandLine|contains': 'startvm' }, condition: 's' }));
    const script = compileOne(
      ruleYaml(
        { s: { 'ScriptBlockText|contains': 'startvm' }, condition: 's' },
        { logsource: { category: 'ps_script' } },
      ),
    );
    const set = RuleSet.from([proc, script]);
    expect(set.size).toBe(2);
    expect(set.rulesFor('process_creation')).toEqual([proc]);
    const matched = set.match(
      makeEvent({ category: 'ps_script', fields: { ScriptBlockText: 'startvm', CommandLine: 'startvm' } }),
    );
    expect(matched.map((d) => d.rule.id)).toEqual([script.metadata.id]);
    expect(set.match(makeEvent({ category: 'alert', fields: { CommandLine: 'startvm' } }))).toEqual([]);
  });

  describe('couldSee: whether any rule could see an event, before matching', () => {
    const proc = compileOne(ruleYaml({ s: { 'CommandLine|contains': 'startvm' }, condition: 's' }));
    const security = compileOne(
      ruleYaml(
        { s: { EventID: 4624, TargetUserName: 'j.doe' }, condition: 's' },
        { logsource: { product: 'windows', service: 'security' } },
      ),
    );
    const set = RuleSet.from([proc, security]);

    it('says yes for a category some rule uses, whatever the values (matching decides those)', () => {
      expect(set.couldSee(makeEvent({ fields: { CommandLine: 'notepad' } }))).toBe(true);
    });

    it('says no for a category no rule uses', () => {
      expect(set.couldSee(makeEvent({ category: 'image_load', fields: { ImageLoaded: 'x.dll' } }))).toBe(false);
    });

    it('says yes for a log_event of a channel a service rule names, and no for another channel (near miss)', () => {
      const logon = { category: 'log_event', format: 'windows-event' } as const;
      expect(set.couldSee(makeEvent({ ...logon, fields: { Channel: 'Security', EventID: 4624 } }))).toBe(true);
      expect(set.couldSee(makeEvent({ ...logon, fields: { Channel: 'Setup', EventID: 9 } }))).toBe(false);
      // Cached per shape: asking again gives the same answer.
      expect(set.couldSee(makeEvent({ ...logon, fields: { Channel: 'security', EventID: 4625 } }))).toBe(true);
    });

    it('never says no to an event a rule matches (property over categories and channels)', () => {
      fc.assert(
        fc.property(
          fc.constantFrom('process_creation', 'log_event', 'image_load', 'ps_script') as fc.Arbitrary<
            'process_creation' | 'log_event' | 'image_load' | 'ps_script'
          >,
          fc.constantFrom('Security', 'System', 'Setup', undefined),
          (category, channel) => {
            const event = makeEvent({
              category,
              format: 'windows-event',
              fields: {
                CommandLine: 'startvm',
                EventID: 4624,
                ...(channel !== undefined ? { Channel: channel } : {}),
              },
              raw: { TargetUserName: 'j.doe' },
            });
            return set.match(event).length === 0 || set.couldSee(event);
          },
        ),
      );
    });
  });

  it('returns detections in rule order with the rule level as severity', () => {
    const a = compileOne(ruleYaml({ s: { 'CommandLine|contains': 'vm' }, condition: 's' }, { level: 'low' }));
    const b = compileOne(ruleYaml({ s: { 'CommandLine|contains': 'startvm' }, condition: 's' }, { level: 'high' }));
    const matched = RuleSet.from([a, b]).match(makeEvent({ fields: { CommandLine: 'startvm' } }));
    expect(matched.map((d) => [d.rule.id, d.severity])).toEqual([
      [a.metadata.id, 'low'],
      [b.metadata.id, 'high'],
    ]);
  });

  it('finds the same detections with the literal prefilter as evaluating every rule directly, on short and long values', () => {
    const valueArb = fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 3 }).map((w) => w.join(' '));
    const itemArb = fc.record({
      field: fc.constantFrom('CommandLine', 'Image', 'ParentImage'),
      mod: fc.constantFrom('', '|contains', '|startswith', '|endswith', '|contains|all', '|re'),
      values: fc.array(valueArb, { minLength: 1, maxLength: 2 }),
    });
    const ruleArb = fc.record({
      sel: fc.array(itemArb, { minLength: 1, maxLength: 2 }),
      other: itemArb,
      condition: fc.constantFrom('sel', 'sel and not other', 'sel or other', '1 of them', 'all of them', 'not sel'),
    });
    // Event values may also be long: filler with words at random places, repeated back to back (overlapping
    // matches of e.g. 'abab'), and a word as the very last characters.
    const longValueArb = fc
      .tuple(
        fc.array(
          fc.oneof(
            fc.string({ maxLength: 300 }),
            fc.constantFrom(...WORDS),
            fc.constantFrom(...WORDS).map((word) => word.toUpperCase()),
            fc.tuple(fc.constantFrom(...WORDS), fc.integer({ min: 2, max: 200 })).map(([w, n]) => w.repeat(n)),
          ),
          { maxLength: 20 },
        ),
        fc.constantFrom(...WORDS),
      )
      .map(([parts, last]) => parts.join('') + last);
    const eventValueArb = fc.oneof(valueArb, longValueArb);
    const fieldsArb = fc.record(
      { CommandLine: eventValueArb, Image: eventValueArb, ParentImage: eventValueArb },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(
        fc.array(ruleArb, { minLength: 1, maxLength: 6 }),
        fc.array(fieldsArb, { maxLength: 8 }),
        (specs, events) => {
          const rules: CompiledRule[] = specs.map((spec) => {
            const map = (items: typeof spec.sel) =>
              Object.fromEntries(items.map((i) => [`${i.field}${i.mod}`, i.values]));
            return compileOne(ruleYaml({ sel: map(spec.sel), other: map([spec.other]), condition: spec.condition }));
          });
          const set = RuleSet.from(rules);
          for (const fields of events) {
            const event = makeEvent({ fields });
            const direct = rules
              .filter((rule) => rule.evaluate(new MatchContext(event)))
              .map((rule) => rule.metadata.id);
            expect(set.match(event).map((d) => d.rule.id)).toEqual(direct);
          }
        },
      ),
      { numRuns: 80 },
    );
  });

  it('shares the result of one regex between rules on the same event, never across fields, flags or events', () => {
    const rule = (key: string) => compileOne(ruleYaml({ s: { [key]: 'VBox' }, condition: 's' }));
    const [cased, insensitive, image, repeated] = [
      rule('CommandLine|re'),
      rule('CommandLine|re|i'),
      rule('Image|re'),
      rule('CommandLine|re'),
    ] as CompiledRule[];
    const set = RuleSet.from([cased, insensitive, image, repeated] as CompiledRule[]);
    const ids = (fields: Record<string, string>) => set.match(makeEvent({ fields })).map((d) => d.rule.id);
    expect(ids({ CommandLine: 'vboxmanage startvm', Image: 'C:\\VBoxSVC.exe' })).toEqual([
      insensitive?.metadata.id,
      image?.metadata.id,
    ]);
    expect(ids({ CommandLine: 'VBoxManage startvm', Image: 'C:\\x.exe' })).toEqual([
      cased?.metadata.id,
      insensitive?.metadata.id,
      repeated?.metadata.id,
    ]);
  });

  it('derives prefilter literals only where a literal is necessary', () => {
    const anchored = compileOne(
      ruleYaml({ s: { 'Image|endswith': '\\VBoxManage.exe', CommandLine: '*' }, condition: 's' }),
    );
    expect(anchored.anchors).toEqual([{ field: 'Image', literal: '\\vboxmanage.exe' }]);
    const negated = compileOne(ruleYaml({ s: { 'Image|endswith': '\\VBoxManage.exe' }, condition: 'not s' }));
    expect(negated.anchors).toBeNull();
    const either = compileOne(
      ruleYaml({ a: { 'Image|endswith': '\\qemu.exe' }, b: { 'CommandLine|re': 'x+' }, condition: 'a or b' }),
    );
    expect(either.anchors).toBeNull();
  });
});
