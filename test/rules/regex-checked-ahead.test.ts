import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RE2JS } from 're2js';
import type { NormalizedEvent } from '../../lib/model';
import { compileRuleText, loadRuleDirectory, RuleSet } from '../../lib/rules';
import { withRegexesCheckedAhead } from '../../lib/rules/regex-safety';
import { buildRulePack, loadRulePack, RULE_PACK_FILE, writeRulePack } from '../../lib/rules/rule-pack';
import { loadRuleSamples, toEvent } from '../rules-pack/samples';

const RULE = `
title: Renamed qemu by its arguments
id: 11111111-2222-3333-4444-555555555555
status: test
level: high
logsource: { category: process_creation }
detection:
  selection:
    CommandLine|re: '-(?:drive|hda) \\S+\\.(?:qcow2|vmdk) .*-nographic'
  condition: selection
`;

function event(commandLine: string): NormalizedEvent {
  return {
    category: 'process_creation',
    platform: 'linux',
    time: '2026-11-27T12:00:00.000Z',
    timeMs: Date.parse('2026-11-27T12:00:00.000Z'),
    host: { name: 'h' },
    fields: { CommandLine: commandLine },
    raw: {},
    source: { format: 'sysmon-linux', recordId: 'r1' },
  } as unknown as NormalizedEvent;
}

describe('regexes of a pack checked at build time compile on first use', () => {
  afterEach(() => jest.restoreAllMocks());

  it('compiles a rule regex at load, unless its pack was checked ahead; then on the first value that could match', () => {
    const compile = jest.spyOn(RE2JS, 'compile');
    compileRuleText(RULE, 'rule.yml');
    expect(compile).toHaveBeenCalledTimes(1);

    compile.mockClear();
    const results = withRegexesCheckedAhead(() => compileRuleText(RULE, 'rule.yml'));
    expect(compile).not.toHaveBeenCalled();
    const rule = results.flatMap((r) => (r.ok && 'rule' in r ? [r.rule] : []));
    const rules = RuleSet.from(rule);
    // The prefilter keeps a value without the regex's literals away from it: still nothing compiled.
    expect(rules.match(event('vim notes.txt'))).toHaveLength(0);
    expect(compile).not.toHaveBeenCalled();
    expect(rules.match(event('qemu-system-x86_64 -hda disk.qcow2 -m 2048 -nographic'))).toHaveLength(1);
    expect(rules.match(event('x -drive a.vmdk -nographic'))).toHaveLength(1);
    expect(compile).toHaveBeenCalledTimes(1);
  });

  it('gives the same detections from the deployed pack as from the YAML on every sample of the shipped rules', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmsentry-regex-ahead-'));
    try {
      const rules = join(dir, 'rules');
      cpSync(join(__dirname, '..', '..', 'rules'), rules, {
        recursive: true,
        filter: (file) => !file.endsWith('rules.compiled.json'),
      });
      writeRulePack(join(dir, RULE_PACK_FILE), buildRulePack(rules));
      const fromYaml = RuleSet.from(loadRuleDirectory(rules).rules);
      const fromPack = RuleSet.from(loadRulePack(join(dir, RULE_PACK_FILE), rules).rules);
      let compared = 0;
      for (const folder of readdirSync(rules, { withFileTypes: true }).filter((d) => d.isDirectory())) {
        for (const file of readdirSync(join(rules, folder.name)).filter((f) => f.endsWith('.samples.yml'))) {
          const samples = loadRuleSamples(join(rules, folder.name, file));
          if (!samples.ok) continue;
          for (const sample of [...samples.samples.positive, ...samples.samples.negative]) {
            const input = toEvent(sample.event, { recordId: sample.name });
            const ids = (set: RuleSet) =>
              set
                .match(input)
                .map((d) => d.rule.id)
                .sort();
            expect(ids(fromPack)).toEqual(ids(fromYaml));
            compared++;
          }
        }
      }
      expect(compared).toBeGreaterThan(200);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
