import { compileEntry, entrySuppresses, findSuppressingEntry } from '../../lib/allowlist/match';
import type { AllowlistEntry } from '../../lib/model';
import { detection, processEvent, rule } from './fixtures';

const NOW = Date.UTC(2026, 10, 27, 12, 0, 0);

function entry(overrides: Partial<AllowlistEntry> = {}): AllowlistEntry {
  return { host: 'ws01', rule: 'attack.t1564.006', reason: 'lab host', owner: 'secops', ...overrides };
}

function suppresses(e: AllowlistEntry, d = detection()): boolean {
  return entrySuppresses(compileEntry(e), d, NOW);
}

describe('entrySuppresses: host scope', () => {
  it('matches an entry for the short name against an event carrying the FQDN', () => {
    expect(suppresses(entry({ host: 'ws01' }))).toBe(true);
    expect(suppresses(entry({ host: 'ws02' }))).toBe(false);
  });

  it('matches an entry for the FQDN against an event carrying only the short name', () => {
    const short = detection(processEvent({ host: { hostname: 'WS01' } }));
    expect(suppresses(entry({ host: 'ws01.corp.example.com' }), short)).toBe(true);
    expect(suppresses(entry({ host: 'ws02.corp.example.com' }), short)).toBe(false);
  });

  it('does not match two different FQDNs that share a short name', () => {
    const other = detection(processEvent({ host: { hostname: 'ws01.lab.example.net' } }));
    expect(suppresses(entry({ host: 'ws01.corp.example.com' }), other)).toBe(false);
    expect(suppresses(entry({ host: 'ws01.lab.example.net' }), other)).toBe(true);
  });

  it('matches an instance id, an agent id and a cluster name', () => {
    const cloud = detection(
      processEvent({ host: { instanceId: 'i-0123456789abcdef0', agentId: 'AID-42', cluster: 'prod-eks' } }),
    );
    expect(suppresses(entry({ host: 'i-0123456789abcdef0' }), cloud)).toBe(true);
    expect(suppresses(entry({ host: 'aid-42' }), cloud)).toBe(true);
    expect(suppresses(entry({ host: 'prod-eks' }), cloud)).toBe(true);
    expect(suppresses(entry({ host: 'i-0fedcba9876543210' }), cloud)).toBe(false);
  });

  it('applies a global "*" entry to every host when it says broad and expires', () => {
    const expiresAt = NOW / 1000 + 86_400;
    expect(suppresses(entry({ host: '*', broad: true, expiresAt }))).toBe(true);
  });

  it('never applies a broad entry without the broad flag or without an expiry', () => {
    expect(suppresses(entry({ host: '*', expiresAt: NOW / 1000 + 86_400 }))).toBe(false);
    expect(suppresses(entry({ host: '*', broad: true }))).toBe(false);
    expect(suppresses(entry({ host: 'ws01', rule: '*', expiresAt: NOW / 1000 + 86_400 }))).toBe(false);
  });
});

describe('entrySuppresses: rule scope', () => {
  it('accepts the rule id, one of its tags (any case) or "*"', () => {
    expect(suppresses(entry({ rule: 'b00bdefb-960f-4e30-8c9a-2f483722a761' }))).toBe(true);
    expect(suppresses(entry({ rule: 'ATTACK.T1564.006' }))).toBe(true);
    expect(suppresses(entry({ rule: '*', broad: true, expiresAt: NOW / 1000 + 60 }))).toBe(true);
  });

  it('refuses another rule id or a tag the rule does not carry', () => {
    expect(suppresses(entry({ rule: '00000000-0000-0000-0000-000000000000' }))).toBe(false);
    expect(suppresses(entry({ rule: 'attack.t1059' }))).toBe(false);
  });
});

describe('entrySuppresses: field globs', () => {
  it('requires every listed field to match', () => {
    const both = { Image: '*\\VBoxManage.exe', ParentImage: '*\\cmd.exe' };
    expect(suppresses(entry({ match: both }))).toBe(true);
    expect(suppresses(entry({ match: { ...both, ParentImage: '*\\wscript.exe' } }))).toBe(false);
  });

  it('never matches a field the event does not have', () => {
    expect(suppresses(entry({ match: { ContainerImage: '*' } }))).toBe(false);
  });

  it('covers a list field only when every value matches (an extra mount is not covered)', () => {
    const pod = detection(
      processEvent({ fields: { ContainerImage: 'alpine', HostPathMounts: ['/var/log', '/', '/var/run/docker.sock'] } }),
    );
    expect(suppresses(entry({ match: { HostPathMounts: '/var/log' } }), pod)).toBe(false);
    expect(suppresses(entry({ match: { HostPathMounts: '/var/*' } }), pod)).toBe(false);
    expect(suppresses(entry({ match: { HostPathMounts: '/*' } }), pod)).toBe(true);
    const logsOnly = detection(processEvent({ fields: { HostPathMounts: ['/var/log', '/var/log/pods'] } }));
    expect(suppresses(entry({ match: { HostPathMounts: '/var/log*' } }), logsOnly)).toBe(true);
  });

  it('covers a list field when any value matches only if the entry names the field in matchAny', () => {
    const pod = detection(processEvent({ fields: { HostPathMounts: ['/var/log', '/'] } }));
    expect(suppresses(entry({ match: { HostPathMounts: '/var/log' }, matchAny: ['HostPathMounts'] }), pod)).toBe(true);
    // matchAny on one field does not loosen another.
    const both = detection(processEvent({ fields: { HostPathMounts: ['/var/log', '/'], Args: ['a', 'b'] } }));
    expect(
      suppresses(entry({ match: { HostPathMounts: '/var/log', Args: 'a' }, matchAny: ['HostPathMounts'] }), both),
    ).toBe(false);
  });

  it('matches stringified booleans; an empty list never matches', () => {
    const container = detection(processEvent({ fields: { ContainerImage: 'alpine', Privileged: true, Args: [] } }));
    expect(suppresses(entry({ match: { Privileged: 'true' } }), container)).toBe(true);
    expect(suppresses(entry({ match: { Privileged: 'false' } }), container)).toBe(false);
    expect(suppresses(entry({ match: { Args: '*' } }), container)).toBe(false);
  });

  it('reads raw source fields by dotted path when no normalized field has the name', () => {
    const event = { ...processEvent(), raw: { objectRef: { namespace: 'ci-runners' } } };
    expect(suppresses(entry({ match: { 'objectRef.namespace': 'ci-*' } }), detection(event))).toBe(true);
    expect(suppresses(entry({ match: { 'objectRef.namespace': 'prod' } }), detection(event))).toBe(false);
  });
});

describe('entrySuppresses: expiry and malformed entries', () => {
  it('ignores an entry whose expiresAt is at or before now', () => {
    expect(suppresses(entry({ expiresAt: NOW / 1000 }))).toBe(false);
    expect(suppresses(entry({ expiresAt: NOW / 1000 - 60 }))).toBe(false);
    expect(suppresses(entry({ expiresAt: NOW / 1000 + 60 }))).toBe(true);
  });

  it('never lets a malformed entry suppress', () => {
    expect(suppresses(entry({ host: ' ' }))).toBe(false);
    expect(suppresses(entry({ rule: '' }))).toBe(false);
    expect(suppresses(entry({ match: { 'bad name': '*' } }))).toBe(false);
    expect(suppresses(entry({ match: JSON.parse('{"__proto__": "*"}') }))).toBe(false);
    expect(suppresses(entry({ match: { Image: 42 as unknown as string } }))).toBe(false);
  });
});

describe('findSuppressingEntry', () => {
  it('returns the first entry that applies, or nothing', () => {
    const entries = [entry({ host: 'ws02' }), entry({ host: 'ws01', reason: 'this one' })].map(compileEntry);
    expect(findSuppressingEntry(entries, detection(), NOW)?.entry.reason).toBe('this one');
    expect(findSuppressingEntry(entries.slice(0, 1), detection(), NOW)).toBeUndefined();
    expect(findSuppressingEntry([], detection(processEvent(), rule()), NOW)).toBeUndefined();
  });
});
