import path from 'node:path';
import { BUILTIN_RULES_DIR, loadRuleSources, ruleDirectories } from '../../bin/rule-sources';
import { FIXTURES, REPO } from './run-cli';

const EXTRA = path.join(REPO, FIXTURES, 'extra-rules');
const DUPLICATES = path.join(REPO, FIXTURES, 'lint-problems');

describe('rule directories of a command', () => {
  it('are the built-in pack followed by every --rules directory', () => {
    expect(ruleDirectories({ builtin: true, rules: [EXTRA] })).toEqual([BUILTIN_RULES_DIR, EXTRA]);
    expect(ruleDirectories({ builtin: false, rules: [EXTRA] })).toEqual([EXTRA]);
  });

  it('refuse --no-builtin without --rules, and a --rules path that is not a directory', () => {
    expect(() => ruleDirectories({ builtin: false, rules: [] })).toThrow('--no-builtin needs at least one --rules DIR');
    expect(() => ruleDirectories({ rules: [path.join(EXTRA, 'qemu-any-launch.yml')] })).toThrow('not a directory');
    expect(() => ruleDirectories({ rules: ['no/such/dir'] })).toThrow('cannot read it (ENOENT)');
  });
});

describe('loadRuleSources', () => {
  it('loads rules and correlations, and reports a rule that cannot load with its file and reason', () => {
    const loaded = loadRuleSources([EXTRA]);
    expect(loaded.rules.map((rule) => rule.metadata.title)).toEqual(['Extra Rule - Any QEMU System Emulator']);
    expect(loaded.errors).toEqual([
      expect.objectContaining({
        source: expect.stringContaining('broken-modifier.yml'),
        reason: expect.stringContaining('sounds_like'),
      }),
    ]);
  });

  it('keeps the first of two rules with one id and reports the second', () => {
    const loaded = loadRuleSources([DUPLICATES]);
    expect(loaded.rules.filter((rule) => rule.metadata.id === 'b05e8b6d-3c7f-4eaa-8b1d-6f708192a3b4')).toHaveLength(1);
    expect(loaded.errors.some((error) => error.reason.startsWith('duplicate rule id'))).toBe(true);
  });
});
