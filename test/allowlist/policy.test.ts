import { isBroad, lintEntries, policyViolation, validateEntry } from '../../lib/allowlist';
import type { AllowlistEntry } from '../../lib/model';

const NOW = Date.UTC(2026, 10, 27, 12, 0, 0) / 1000;
const DAY = 86_400;

describe('allowlist write policy (pure)', () => {
  const policy = { maxDays: 90, allowBroad: false, nowSeconds: NOW };
  const entry = (extra: Partial<AllowlistEntry>): AllowlistEntry => ({
    host: 'h1',
    rule: 'r1',
    reason: 'x',
    owner: 'o',
    expiresAt: NOW + DAY,
    ...extra,
  });

  it('accepts a host- and rule-scoped entry that expires within the limit', () => {
    expect(policyViolation(entry({}), policy)).toBeUndefined();
  });

  it('rejects a missing, past or too distant expiry', () => {
    const { expiresAt: _drop, ...withoutExpiry } = entry({});
    expect(policyViolation(withoutExpiry, policy)).toContain('required');
    expect(policyViolation(entry({ expiresAt: NOW - 1 }), policy)).toContain('past');
    expect(policyViolation(entry({ expiresAt: NOW + 91 * DAY }), policy)).toContain('at most 90');
    expect(policyViolation(entry({ expiresAt: NOW + 91 * DAY }), { ...policy, maxDays: 120 })).toBeUndefined();
  });

  it('requires --allow-broad and at most 7 days for host "*" or rule "*"', () => {
    expect(isBroad(entry({ host: '*' }))).toBe(true);
    expect(isBroad(entry({}))).toBe(false);
    expect(policyViolation(entry({ host: '*' }), policy)).toContain('--allow-broad');
    expect(policyViolation(entry({ rule: '*', broad: true }), { ...policy, allowBroad: true })).toBeUndefined();
    expect(
      policyViolation(entry({ rule: '*', broad: true, expiresAt: NOW + 8 * DAY }), { ...policy, allowBroad: true }),
    ).toContain('7 days');
  });
});

describe('allowlist lint (pure)', () => {
  const good: AllowlistEntry = {
    host: 'h1',
    rule: 'r1',
    match: { Image: '*\\VBoxManage.exe' },
    reason: 'x',
    owner: 'o',
    expiresAt: NOW + DAY,
    pin: { source: 'logStream', value: 'i-0123456789abcdef0' },
  };

  it('finds nothing in a bounded, scoped, well-formed entry', () => {
    expect(lintEntries([good], NOW)).toEqual([]);
  });

  it('finds expired, unbounded, broad, unknown-field, never-matching and duplicate entries', () => {
    const findings = lintEntries(
      [
        { ...good, expiresAt: NOW - 10 },
        { ...good, host: 'h2', expiresAt: undefined as unknown as number },
        { ...good, host: '*', broad: true, match: undefined as unknown as Record<string, string> },
        { ...good, host: 'h3', match: { Frobnicate: 'x', CommandLine: '*', Image: '' } },
        { ...good, host: 'h4' },
        { ...good, host: 'h4', reason: 'same exception written twice', id: 'other-id' },
        {
          ...good,
          host: 'h5',
          match: { Image: 'C:/Program Files/Oracle/VirtualBox/VBoxManage.exe', User: ' CORP\\ci' },
        },
      ],
      NOW,
    );
    const kinds = (host: string) => findings.filter((finding) => finding.host === host).map((finding) => finding.kind);
    expect(kinds('h1')).toEqual(['expired']);
    expect(kinds('h2')).toEqual(['unbounded']);
    expect(kinds('*')).toEqual(['broad']);
    expect(kinds('h3')).toEqual(['unknown-field', 'never-matching', 'never-matching']);
    expect(kinds('h4')).toEqual(['duplicate']);
    expect(kinds('h5')).toEqual(['never-matching', 'never-matching']);
  });

  it('flags an entry that lets any value of a list field match (matchAny)', () => {
    const findings = lintEntries(
      [{ ...good, match: { HostPathMounts: '/var/log' }, matchAny: ['HostPathMounts'] }],
      NOW,
    );
    expect(findings).toEqual([
      expect.objectContaining({ kind: 'any-value', detail: expect.stringContaining('HostPathMounts') }),
    ]);
  });
});

describe('one validation for the pipeline, allowlist import and scan --allowlist', () => {
  const fields = { host: 'h1', rule: 'r1', reason: 'x', owner: 'o', expiresAt: NOW + DAY };

  it('refuses host "*" or rule "*" unless the entry says broad: true and expires', () => {
    expect(validateEntry({ ...fields, host: '*' })).toEqual({ ok: false, reason: expect.stringContaining('broad') });
    expect(validateEntry({ ...fields, rule: '*' })).toEqual({ ok: false, reason: expect.stringContaining('broad') });
    const { expiresAt: _drop, ...forever } = fields;
    expect(validateEntry({ ...forever, host: '*', broad: true })).toEqual({
      ok: false,
      reason: expect.stringContaining('expiresAt'),
    });
    expect(validateEntry({ ...fields, host: '*', broad: true })).toMatchObject({ ok: true, entry: { broad: true } });
  });

  it('refuses a broad flag that is not true, and a narrow entry that claims to be broad keeps working', () => {
    expect(validateEntry({ ...fields, host: '*', broad: 'yes' }).ok).toBe(false);
    expect(validateEntry({ ...fields, broad: true }).ok).toBe(true);
  });

  it('accepts matchAny only as a list of fields the entry matches on', () => {
    const match = { HostPathMounts: '/var/log' };
    expect(validateEntry({ ...fields, match, matchAny: ['HostPathMounts'] })).toMatchObject({
      ok: true,
      entry: { matchAny: ['HostPathMounts'] },
    });
    expect(validateEntry({ ...fields, match, matchAny: ['Args'] }).ok).toBe(false);
    expect(validateEntry({ ...fields, match, matchAny: 'HostPathMounts' }).ok).toBe(false);
    expect(validateEntry({ ...fields, matchAny: ['HostPathMounts'] }).ok).toBe(false);
  });

  it('accepts a pin to a log stream or an agent id, nothing else', () => {
    expect(validateEntry({ ...fields, pin: { source: 'logStream', value: 'i-0123456789abcdef0' } }).ok).toBe(true);
    expect(validateEntry({ ...fields, pin: { source: 'agentId', value: 'a1b2c3' } }).ok).toBe(true);
    expect(validateEntry({ ...fields, pin: { source: 'hostname', value: 'h1' } }).ok).toBe(false);
    expect(validateEntry({ ...fields, pin: { source: 'logStream', value: '' } }).ok).toBe(false);
    expect(validateEntry({ ...fields, pin: 'i-0123456789abcdef0' }).ok).toBe(false);
  });
});
