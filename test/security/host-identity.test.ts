/**
 * Host identity is attacker-controlled: auditd `node=`, the XML `<Computer>`, an EDR `ComputerName` are written on
 * the monitored host (or by whoever can write to the log source). These cases pin down what the parsers and the
 * allowlist do with hostile names, so SECURITY.md can state it. F1 (a forged name borrows another host's allowlist
 * entries) is closed for pinned entries: an entry pinned to what the envelope proves (the CloudWatch log stream, the
 * EDR feed's agent id) suppresses only events that carry that proof.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileEntry, entrySuppresses, hostScopeCovers, lintEntries } from '../../lib/allowlist';
import {
  type AllowlistEntry,
  type Detection,
  type HostIdentity,
  hostKeys,
  type NormalizedEvent,
  primaryHostName,
  provenIdentity,
} from '../../lib/model';
import { auditdParser } from '../../lib/sources/linux/auditd';
import type { RecordInput } from '../../lib/sources/parser';

const INSTANCE_STREAM = 'i-0abc1234def567890';
const FIXTURE = join(process.cwd(), 'test', 'fixtures', 'linux', 'auditd-qemu-node.log');

/** The auditd QEMU fixture (one execve group) with its node= replaced, read from an instance-id log stream. */
function auditdEventWithNode(node: string): NormalizedEvent {
  const lines = readFileSync(FIXTURE, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .slice(0, 7)
    .map((line) => line.replace(/^node=\S+/, `node=${node}`));
  const parser = auditdParser.create();
  const inputs: RecordInput[] = lines.map((text, index) => ({
    text,
    json: undefined,
    position: { envelope: 'cloudwatch', index, logGroup: '/vmsentry/auditd', logStream: INSTANCE_STREAM },
    context: { logGroup: '/vmsentry/auditd', logStream: INSTANCE_STREAM },
  }));
  const outcomes = [...inputs.map((input) => parser.parse(input)), ...(parser.flush?.() ?? [])];
  const events = outcomes.flatMap((outcome) => (outcome.ok ? outcome.events : []));
  expect(events).toHaveLength(1);
  return events[0] as NormalizedEvent;
}

describe('host identity taken from hostile records', () => {
  describe('auditd node= that names another machine', () => {
    const event = auditdEventWithNode('ci-runner-01');

    it('is believed as the hostname: alerts and dedup keys show the claimed name', () => {
      expect(event.host.hostname).toBe('ci-runner-01');
      expect(primaryHostName(event.host)).toBe('ci-runner-01');
    });

    it('keeps the instance id of the log stream next to it, so the alert still names the real sender', () => {
      expect(event.host.instanceId).toBe(INSTANCE_STREAM);
      expect(hostKeys(event.host)).toEqual(expect.arrayContaining(['ci-runner-01', INSTANCE_STREAM]));
    });

    it('is not reduced to the instance id: an entry for the claimed name covers the event', () => {
      expect(hostScopeCovers('ci-runner-01', hostKeys(event.host))).toBe(true);
    });
  });

  describe('case and whitespace tricks', () => {
    it('normalise to the same keys, so they neither dodge nor widen an entry', () => {
      const event = auditdEventWithNode('CI-Runner-01');
      expect(hostKeys(event.host)).toContain('ci-runner-01');
      expect(hostKeys({ hostname: ' CI-RUNNER-01\t' })).toEqual(['ci-runner-01']);
    });
  });

  describe('a record that claims the hostname "*"', () => {
    const event = auditdEventWithNode('*');

    it('does not make an entry for some other host apply', () => {
      expect(hostScopeCovers('build-01', hostKeys(event.host))).toBe(false);
    });

    it('gains nothing a global entry would not already give every host', () => {
      expect(hostScopeCovers('*', hostKeys(event.host))).toBe(true);
      expect(hostScopeCovers('*', hostKeys({ hostname: 'build-01' }))).toBe(true);
    });
  });

  describe('FQDN and short-name collisions', () => {
    const fqdn: HostIdentity = { hostname: 'ci-runner-01.evil.example' };

    it('an FQDN from any domain is covered by an entry for its short name', () => {
      expect(hostScopeCovers('ci-runner-01', hostKeys(fqdn))).toBe(true);
    });

    it('an entry for one FQDN never covers the same short name in another domain', () => {
      expect(hostScopeCovers('ci-runner-01.corp.example', hostKeys(fqdn))).toBe(false);
    });

    it('an entry for an FQDN covers an event that only knows the short name', () => {
      expect(hostScopeCovers('ci-runner-01.corp.example', hostKeys({ hostname: 'ci-runner-01' }))).toBe(true);
    });
  });

  describe('a log stream that is not an instance id', () => {
    it('is a host key only when the record names no host', () => {
      expect(hostKeys({ hostname: 'web-1', logStream: 'ci-runner-01' })).toEqual(['web-1']);
      expect(hostKeys({ logStream: 'ci-runner-01' })).toEqual(['ci-runner-01']);
    });
  });
});

describe('IPv4 host names', () => {
  it('have no short name: 10.1.2.3 is not the host "10"', () => {
    expect(hostKeys({ hostname: '10.1.2.3' })).toEqual(['10.1.2.3']);
    expect(hostScopeCovers('10', hostKeys({ hostname: '10.1.2.3' }))).toBe(false);
    expect(hostKeys({ hostname: 'web-1.corp.example' })).toEqual(['web-1.corp.example', 'web-1']);
  });
});

describe('F1: a record that claims another host name, against pinned entries', () => {
  const RULE = {
    id: 'b00bdefb-960f-4e30-8c9a-2f483722a761',
    title: 'VirtualBox VM Started from the Command Line',
    description: '',
    severity: 'high',
    techniques: ['T1564.006'],
    tags: ['attack.t1564.006'],
    references: [],
    falsepositives: [],
    dedupFields: [],
  } as const;
  const NOW_MS = Date.parse('2026-11-27T12:00:00.000Z');
  const CI_STREAM = 'i-0bbbbbbbbbbbbbbbb';
  const ATTACKER_STREAM = 'i-0aaaaaaaaaaaaaaaa';
  const PINNED: AllowlistEntry = {
    host: 'ci-runner-01',
    rule: RULE.id,
    reason: 'CI starts test VMs',
    owner: 'ci-team',
    expiresAt: NOW_MS / 1000 + 86_400,
    pin: { source: 'logStream', value: CI_STREAM },
  };

  function vmLaunch(host: HostIdentity, provenance: NormalizedEvent['provenance']): Detection {
    return {
      rule: RULE,
      severity: 'high',
      event: {
        category: 'process_creation',
        platform: 'linux',
        time: new Date(NOW_MS).toISOString(),
        timeMs: NOW_MS,
        host,
        provenance,
        fields: { Image: '/usr/bin/VBoxManage', CommandLine: 'VBoxManage startvm implant --type headless' },
      },
    };
  }
  const viaStream = (stream: string): NormalizedEvent['provenance'] => ({
    format: 'auditd',
    envelope: 'cloudwatch',
    index: 0,
    logGroup: '/vmsentry/auditd',
    logStream: stream,
  });

  it("is not suppressed by that host's pinned entry when its log stream names a different instance", () => {
    // The attacker names ci-runner-01 and even claims its instance id in the record body: only the envelope counts.
    const forged = vmLaunch(
      { hostname: 'ci-runner-01', instanceId: CI_STREAM, logStream: ATTACKER_STREAM },
      viaStream(ATTACKER_STREAM),
    );
    expect(entrySuppresses(compileEntry(PINNED), forged, NOW_MS)).toBe(false);
  });

  it('is suppressed when the envelope proves the pinned stream', () => {
    const genuine = vmLaunch({ hostname: 'ci-runner-01', logStream: CI_STREAM }, viaStream(CI_STREAM));
    expect(entrySuppresses(compileEntry(PINNED), genuine, NOW_MS)).toBe(true);
  });

  it('never counts a log stream or agent id the envelope did not deliver (local files, inline records)', () => {
    const local = vmLaunch(
      { hostname: 'ci-runner-01', logStream: CI_STREAM },
      { format: 'auditd', envelope: 'file', index: 0, file: 'x.log', logStream: CI_STREAM },
    );
    expect(provenIdentity(local.event)).toBeUndefined();
    expect(entrySuppresses(compileEntry(PINNED), local, NOW_MS)).toBe(false);
  });

  it('takes an EDR agent id as proof only from the EDR feed (S3/SQS) in an EDR format', () => {
    const edrEntry: AllowlistEntry = { ...PINNED, pin: { source: 'agentId', value: 'AID-42' } };
    const fromFeed = vmLaunch(
      { hostname: 'ci-runner-01', agentId: 'aid-42' },
      { format: 'crowdstrike-fdr', envelope: 's3', index: 0, bucket: 'fdr', key: 'data/1.gz' },
    );
    expect(provenIdentity(fromFeed.event)).toEqual({ source: 'agentId', value: 'aid-42' });
    expect(entrySuppresses(compileEntry(edrEntry), fromFeed, NOW_MS)).toBe(true);
    // The same record shape written into a CloudWatch log group proves a log stream, not an agent id.
    const forged = vmLaunch(
      { hostname: 'ci-runner-01', agentId: 'aid-42', logStream: ATTACKER_STREAM },
      { ...viaStream(ATTACKER_STREAM), format: 'crowdstrike-fdr' },
    );
    expect(entrySuppresses(compileEntry(edrEntry), forged, NOW_MS)).toBe(false);
  });

  it('lint flags an unpinned entry, with how to pin it', () => {
    const { pin: _pin, ...unpinned } = PINNED;
    const findings = lintEntries([unpinned, PINNED], NOW_MS / 1000);
    expect(findings.filter((finding) => finding.kind === 'unpinned').map((finding) => finding.id)).toHaveLength(1);
    const byInstance = lintEntries([{ ...unpinned, host: CI_STREAM }], NOW_MS / 1000);
    expect(byInstance).toEqual([
      expect.objectContaining({ kind: 'unpinned', detail: expect.stringContaining(CI_STREAM) }),
    ]);
  });
});
