/**
 * An entry whose only condition is a substring glob on a field the monitored user writes (CommandLine, ScriptBlockText)
 * is broad: an intruder appends the allowed text and the rule is silenced for them. The audit alert must say so.
 * (Found in the security review, SECURITY.md.)
 */
import { breadthOf } from '../../lib/alerts/allowlist-audit';
import type { AllowlistEntry } from '../../lib/model';

const NOW_MS = Date.parse('2026-11-27T12:00:00Z');

describe('allowlist audit: substring globs on attacker-written fields', () => {
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

  it('does not flag an anchored image path, which the intruder cannot satisfy by adding text', () => {
    const entry: AllowlistEntry = {
      host: 'ci-runner-01',
      rule: 'b00bdefb-960f-4e30-8c9a-2f483722a761',
      match: { Image: 'C:\\Program Files\\Oracle\\VirtualBox\\VBoxManage.exe' },
      reason: 'nightly VM tests',
      owner: 'ci-team',
      expiresAt: NOW_MS / 1000 + 7 * 86_400,
    };
    expect(breadthOf(entry, NOW_MS)).toEqual([]);
  });

  it('flags an entry that lets any value of a list field match (matchAny)', () => {
    const entry: AllowlistEntry = {
      host: 'ci-runner-01',
      rule: 'b00bdefb-960f-4e30-8c9a-2f483722a761',
      match: { HostPathMounts: '/var/log' },
      matchAny: ['HostPathMounts'],
      reason: 'log shipper',
      owner: 'ci-team',
      expiresAt: NOW_MS / 1000 + 7 * 86_400,
    };
    expect(breadthOf(entry, NOW_MS)).toEqual([expect.stringContaining('any value of HostPathMounts')]);
  });
});
