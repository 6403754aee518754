import { alertToOcsf } from '../../lib/export/ocsf-finding';
import type { Alert, NormalizedEvent } from '../../lib/model';

const EVENT: NormalizedEvent = {
  category: 'process_creation',
  platform: 'windows',
  time: '2026-11-27T09:33:20.123Z',
  timeMs: Date.parse('2026-11-27T09:33:20.123Z'),
  host: { hostname: 'WS-FIN-0142', agentId: '4c2f8d7e' },
  provenance: { envelope: 'sqs', index: 3, messageId: 'msg-3', format: 'crowdstrike-fdr', recordId: '9f0c5a1e' },
  fields: {
    Image: '\\Program Files\\Oracle\\VirtualBox\\VBoxManage.exe',
    CommandLine: '"VBoxManage.exe" startvm "kali" --type headless',
    ParentImage: 'cmd.exe',
    User: 'jdoe',
  },
};

function alertOf(overrides: Partial<Alert> = {}): Alert {
  return {
    id: 'a1b2c3d4e5f6',
    ruleId: '5e3f1c2a-8d7b-4e6f-9a0b-1c2d3e4f5a6b',
    title: 'VirtualBox VM started headless',
    severity: 'high',
    technique: ['T1564.006'],
    tags: ['attack.defense_evasion', 'attack.t1564.006'],
    host: 'ws-fin-0142',
    hostKeys: ['ws-fin-0142', '4c2f8d7e'],
    description: 'A VirtualBox VM was started without a window.',
    falsepositives: ['Developers running test VMs'],
    response: 'Confirm with the user; list VMs with VBoxManage list runningvms.',
    context: [],
    event: EVENT,
    input: { envelope: 'sqs', index: 3, messageId: 'msg-3' },
    dedup: {
      key: 'rule:ws-fin-0142:vboxmanage.exe',
      count: 3,
      firstSeen: '2026-11-27T09:30:00.000Z',
      lastSeen: '2026-11-27T09:33:20.123Z',
      windowSeconds: 3600,
    },
    allowlist: 'checked',
    ...overrides,
  };
}

describe('vmsentry alerts as OCSF Detection Findings', () => {
  const finding = alertToOcsf(alertOf());

  it('is a Detection Finding: Create with the Sigma level as severity', () => {
    expect(finding).toMatchObject({
      class_uid: 2004,
      activity_id: 1,
      type_uid: 200401,
      severity_id: 4,
      severity: 'High',
      is_alert: true,
      count: 3,
    });
  });

  it('describes the rule as the analytic and the technique with its parent and tactic', () => {
    expect(finding.finding_info).toMatchObject({
      uid: 'a1b2c3d4e5f6',
      title: 'VirtualBox VM started headless',
      analytic: { uid: '5e3f1c2a-8d7b-4e6f-9a0b-1c2d3e4f5a6b', type_id: 1 },
      attacks: [
        {
          technique: { uid: 'T1564', name: 'Hide Artifacts' },
          sub_technique: { uid: 'T1564.006', name: 'Run Virtual Instance' },
          tactics: [{ uid: 'TA0005', name: 'Defense Evasion' }],
        },
      ],
      first_seen_time: Date.parse('2026-11-27T09:30:00.000Z'),
      last_seen_time: Date.parse('2026-11-27T09:33:20.123Z'),
      related_events: [{ uid: '9f0c5a1e', type_uid: 100701, type_name: 'Process Activity: Launch' }],
    });
  });

  it('carries the triggering process as evidence and the response as remediation', () => {
    expect(finding.evidences).toEqual([
      expect.objectContaining({
        process: expect.objectContaining({ cmd_line: '"VBoxManage.exe" startvm "kali" --type headless' }),
      }),
    ]);
    expect(finding.remediation).toEqual({ desc: 'Confirm with the user; list VMs with VBoxManage list runningvms.' });
    expect(finding.device).toMatchObject({ hostname: 'WS-FIN-0142', uid: '4c2f8d7e' });
  });

  it('keeps the alert context OCSF has no attribute for under unmapped', () => {
    expect(finding.unmapped).toMatchObject({
      vmsentry: {
        allowlist: 'checked',
        hostKeys: ['ws-fin-0142', '4c2f8d7e'],
        falsepositives: ['Developers running test VMs'],
      },
    });
  });

  it('names techniques it does not know by id only, and omits absent response and tactics', () => {
    const other = alertToOcsf(alertOf({ technique: ['T9999'], tags: [], severity: 'low' }));
    const { response: _omitted, ...withoutResponse } = alertOf();
    expect(other.finding_info).toMatchObject({ attacks: [{ technique: { uid: 'T9999' } }] });
    expect((other.finding_info as { attacks: Record<string, unknown>[] }).attacks[0]).not.toHaveProperty('tactics');
    expect(other.severity_id).toBe(2);
    expect(alertToOcsf(withoutResponse).remediation).toBeUndefined();
  });
});
