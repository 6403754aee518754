/**
 * FINDING (lib/alerts/allowlist-audit.ts, breadthOf): an entry whose only condition is a glob with a leading `*` on a
 * field the monitored user writes (CommandLine, ScriptBlockText, ParentCommandLine) is reported as narrow. Such an
 * entry is a substring match: an intruder on that host appends the allowed text (a VM named "ci-runner-vm-x",
 * a trailing `# nightly-build` in a script) and the rule is silenced for them. Only pure-wildcard globs are flagged.
 * Expected: the audit alert says so (severity high), e.g. "match.CommandLine starts with * on a field the user
 * controls: any command containing the text is suppressed".
 */
import { breadthOf } from '../../../lib/alerts/allowlist-audit';
import type { AllowlistEntry } from '../../../lib/model';

const NOW_MS = Date.parse('2026-11-27T12:00:00Z');

describe('FINDING: allowlist audit and substring globs on attacker-written fields', () => {
  it('flags CommandLine: "*ci-runner-vm*" as broad', () => {
    const entry: AllowlistEntry = {
      host: 'ci-runner-01',
      rule: 'b00bdefb-960f-4e30-8c9a-2f483722a761',
      match: { CommandLine: '*ci-runner-vm*' },
      reason: 'nightly VM tests',
      owner: 'ci-team',
      expiresAt: NOW_MS / 1000 + 7 * 86_400,
    };
    expect(breadthOf(entry, NOW_MS).some((reason) => reason.includes('CommandLine'))).toBe(true);
  });
});
