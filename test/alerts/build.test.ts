import { alertIdOf, buildAlert } from '../../lib/alerts/build';
import { detectionOf, VM_RULE, vmEvent } from './fixtures';

const dedup = {
  key: 'rule|host|image',
  count: 2,
  firstSeen: '2026-11-20T13:00:00.000Z',
  lastSeen: '2026-11-20T13:05:00.000Z',
  windowSeconds: 3600,
};

describe('buildAlert', () => {
  it('gives a retry of the same dedup window the same id', () => {
    const first = buildAlert({ detection: detectionOf(), dedup, allowlist: 'checked' });
    const retry = buildAlert({ detection: detectionOf(), dedup: { ...dedup, count: 5 }, allowlist: 'checked' });
    expect(retry.id).toBe(first.id);
  });

  it('gives a new window or another key a different id', () => {
    const first = alertIdOf(dedup.key, dedup.firstSeen);
    expect(alertIdOf(dedup.key, '2026-11-20T14:00:00.000Z')).not.toBe(first);
    expect(alertIdOf('rule|host|other', dedup.firstSeen)).not.toBe(first);
    // The separator keeps "ab"+"c" apart from "a"+"bc".
    expect(alertIdOf('ab', 'c')).not.toBe(alertIdOf('a', 'bc'));
  });

  it('names the host by its primary name and keeps every identity as a host key', () => {
    const alert = buildAlert({ detection: detectionOf(), dedup, allowlist: 'checked' });
    expect(alert.host).toBe('wks-0142.corp.example.com');
    expect(alert.hostKeys).toEqual(['wks-0142.corp.example.com', 'wks-0142', 'i-0abc123def4567890']);
  });

  it('carries rule metadata, detection severity and context, and the record position', () => {
    const detection = { ...detectionOf(), severity: 'critical' as const };
    const alert = buildAlert({ detection, dedup, allowlist: 'unfiltered' });
    expect(alert).toMatchObject({
      ruleId: VM_RULE.id,
      title: VM_RULE.title,
      severity: 'critical',
      technique: ['T1564.006'],
      falsepositives: VM_RULE.falsepositives,
      context: detection.context,
      allowlist: 'unfiltered',
      input: { envelope: 'cloudwatch', index: 3, logGroup: '/vmsentry/windows/sysmon' },
    });
    expect(alert.input).not.toHaveProperty('format');
    expect(alert).not.toHaveProperty('response');
  });

  it('copies the rule response when the rule has one', () => {
    const rule = { ...VM_RULE, response: 'Call the owner.' };
    const alert = buildAlert({ detection: detectionOf(vmEvent(), rule), dedup, allowlist: 'checked' });
    expect(alert.response).toBe('Call the owner.');
  });
});
