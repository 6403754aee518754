import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FUNCTION_RULE_PACK } from '../../cdk/bundling';
import { loadRuleDirectory } from '../../lib/rules';
import { buildRulePack, loadRulePack, RULE_PACK_FILE, RulePackError, writeRulePack } from '../../lib/rules/rule-pack';
import { loadedShape, packRules } from '../../scripts/pack-rules';

const PACK = join(__dirname, '..', '..', 'rules');

/** A scratch copy of the shipped rules, YAML only (a checkout's rules.compiled.json stays behind). */
function copyOfPack(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vmsentry-rule-pack-'));
  cpSync(PACK, join(dir, 'rules'), { recursive: true, filter: (file) => !file.endsWith('rules.compiled.json') });
  return dir;
}

describe('rule pack (what the deployed functions load)', () => {
  let dir: string;
  beforeEach(() => {
    dir = copyOfPack();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('loads exactly what the YAML of the shipped rules loads: rules, correlations, errors, their sources', () => {
    const rules = join(dir, 'rules');
    const file = join(dir, RULE_PACK_FILE);
    writeRulePack(file, buildRulePack(rules));
    const fromPack = loadRulePack(file, rules);
    expect(fromPack.rules.length).toBeGreaterThan(50);
    expect(loadedShape(fromPack)).toBe(loadedShape(loadRuleDirectory(rules)));
  });

  it('is the file the CDK bundling hook writes beside the bundle', () => {
    expect(FUNCTION_RULE_PACK).toBe(RULE_PACK_FILE);
  });

  it('carries a file JSON cannot hold exactly (.inf) as its YAML, parsed at load', () => {
    const rules = join(dir, 'custom');
    cpSync(join(dir, 'rules', 'windows', 'bcdedit-hypervisor-launch-enabled.yml'), join(rules, 'vbox.yml'));
    const text = readFileSync(join(rules, 'vbox.yml'), 'utf8');
    writeFileSync(join(rules, 'vbox.yml'), `${text.trimEnd()}\nx_threshold: .inf\n`);
    const pack = buildRulePack(rules);
    expect(pack.files[0]).toMatchObject({ path: 'vbox.yml', yaml: expect.stringContaining('.inf') });
    expect(pack.files[0]?.documents).toBeUndefined();
    const file = join(dir, 'custom.json');
    writeRulePack(file, pack);
    expect(loadedShape(loadRulePack(file, rules))).toBe(loadedShape(loadRuleDirectory(rules)));
  });

  it.each([
    ['missing', undefined],
    ['not JSON', '{"format": "vmsentry-rule-pack/1", "files": ['],
    ['another format', JSON.stringify({ format: 'vmsentry-rules-compiled/1', files: [] })],
    [
      'an entry without documents or YAML',
      JSON.stringify({ format: 'vmsentry-rule-pack/1', files: [{ path: 'a.yml' }] }),
    ],
  ])('refuses a pack file that is %s with a typed error (the function then fails its cold start)', (_name, text) => {
    const file = join(dir, 'bad.json');
    if (text !== undefined) writeFileSync(file, text);
    expect(() => loadRulePack(file, join(dir, 'rules'))).toThrow(RulePackError);
  });

  it('refuses to write a pack for a directory that loads no rule', () => {
    const empty = join(dir, 'empty');
    cpSync(join(dir, 'rules', 'README.md'), join(empty, 'README.md'));
    expect(packRules(empty, join(dir, 'empty.json'))).toMatchObject({ ok: false });
  });
});
