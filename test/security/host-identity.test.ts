/**
 * Host identity is attacker-controlled: auditd `node=`, the XML `<Computer>`, an EDR `ComputerName` are written on
 * the monitored host (or by whoever can write to the log source). These cases pin down what the parsers and the
 * allowlist do with hostile names today, so SECURITY.md can state it; test/security/findings/ holds the open issue
 * (a forged name borrows another host's allowlist entries).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostScopeCovers } from '../../lib/allowlist';
import { type HostIdentity, hostKeys, type NormalizedEvent, primaryHostName } from '../../lib/model';
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
