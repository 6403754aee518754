/**
 * FINDING (lib/model/host.ts hostKeys + lib/allowlist/match.ts entrySuppresses): every identity of an event is an
 * alternative key, and the record's own hostname is one of them. root on host A (or anyone who can write A's log
 * source) sets `hostname ci-runner-01` / auditd `name_format=user name=ci-runner-01` / a forged `<Computer>`, and
 * A's VM launches are suppressed by the entries written for ci-runner-01, although the CloudWatch log stream says the
 * records came from instance i-0aaaaaaaaaaaaaaaa, not from ci-runner-01's instance.
 * Expected (one option): when the envelope names an instance (log stream is an instance id) and an entry is keyed by
 * a hostname, the entry applies only if it also pins that instance (a new optional `instanceId` on the entry), or
 * the entry is keyed by the instance id itself. Hosts without an instance-id stream keep today's behaviour.
 * Until then SECURITY.md advises keying entries for EC2 hosts by instance id.
 */
import { compileEntry, entrySuppresses } from '../../../lib/allowlist';
import type { AllowlistEntry, Detection } from '../../../lib/model';

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

const CI_RUNNER_ENTRY: AllowlistEntry = {
  host: 'ci-runner-01',
  rule: RULE.id,
  reason: 'CI starts test VMs',
  owner: 'ci-team',
};

describe('FINDING: a record that claims another host name', () => {
  it("is not suppressed by that host's entry when its log stream names a different instance", () => {
    const forged: Detection = {
      rule: RULE,
      severity: 'high',
      event: {
        category: 'process_creation',
        platform: 'linux',
        time: '2026-11-27T12:00:00.000Z',
        timeMs: Date.parse('2026-11-27T12:00:00.000Z'),
        host: { hostname: 'ci-runner-01', instanceId: 'i-0aaaaaaaaaaaaaaaa', logStream: 'i-0aaaaaaaaaaaaaaaa' },
        provenance: { format: 'auditd', envelope: 'cloudwatch', index: 0, logStream: 'i-0aaaaaaaaaaaaaaaa' },
        fields: { Image: '/usr/bin/VBoxManage', CommandLine: 'VBoxManage startvm implant --type headless' },
      },
    };
    expect(entrySuppresses(compileEntry(CI_RUNNER_ENTRY), forged, Date.now())).toBe(false);
  });
});
