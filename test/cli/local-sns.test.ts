import { deliveredAlertOf, slackAsText } from '../../bin/local/render';
import { LocalSnsTopic } from '../../bin/local/sns';
import { SnsAlertPublisher } from '../../lib/adapters/sns-publisher';
import { buildAlert } from '../../lib/alerts/build';
import type { Alert } from '../../lib/model';

function alert(n: number): Alert {
  const timeMs = Date.parse('2026-11-27T10:00:00Z');
  return buildAlert({
    detection: {
      rule: {
        id: '11111111-1111-4111-8111-111111111111',
        title: 'Test VBoxManage Headless Start',
        description: 'VBoxManage started a VM without a window.',
        severity: 'high',
        techniques: ['T1564.006'],
        tags: ['attack.t1564.006'],
        references: [],
        falsepositives: ['Lab hosts'],
        dedupFields: ['CommandLine'],
      },
      severity: 'high',
      event: {
        category: 'process_creation',
        platform: 'windows',
        time: new Date(timeMs).toISOString(),
        timeMs,
        host: { hostname: `WS-0${n}` },
        provenance: { format: 'sysmon-windows', envelope: 'inline', index: n },
        fields: { Image: 'C:\\vbox\\VBoxManage.exe', CommandLine: `VBoxManage startvm vm${n} --type headless` },
      },
    },
    dedup: {
      key: `k${n}`,
      count: 1,
      firstSeen: '2026-11-27T10:00:00.000Z',
      lastSeen: '2026-11-27T10:00:00.000Z',
      windowSeconds: 3600,
    },
    allowlist: 'checked',
  });
}

describe('LocalSnsTopic', () => {
  it('captures what the real publisher sends, one call per Publish or PublishBatch, and answers success', async () => {
    const topic = new LocalSnsTopic();
    const publisher = new SnsAlertPublisher(topic.client, topic.topicArn);
    const single = await publisher.publish([alert(1)]);
    const batch = await publisher.publish([alert(2), alert(3)]);
    expect(single.published).toHaveLength(1);
    expect(batch).toMatchObject({ failed: [] });
    expect(batch.published).toHaveLength(2);
    expect(topic.calls()).toBe(2);
    expect(topic.messages).toHaveLength(3);
    expect(topic.messages[0]).toMatchObject({ structure: 'json', subject: expect.stringContaining('Test VBoxManage') });
  });

  it('lets the captured message be read back as the e-mail body and the Slack message', async () => {
    const topic = new LocalSnsTopic();
    await new SnsAlertPublisher(topic.client, topic.topicArn).publish([alert(4)]);
    const [message] = topic.messages;
    if (!message) throw new Error('nothing captured');
    const parsed = deliveredAlertOf(message);
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed.delivered.alert.host).toBe('ws-04');
    expect(parsed.delivered.email).toContain('VBoxManage startvm vm4 --type headless');
    expect(slackAsText(parsed.delivered.slack)).toMatch(/^== HIGH: Test VBoxManage Headless Start ==/);
  });

  it('refuses a captured message that is not an alert', () => {
    expect(deliveredAlertOf({ messageId: 'x', message: '{"default":"{}"}', structure: 'json' })).toMatchObject({
      ok: false,
    });
    expect(deliveredAlertOf({ messageId: 'x', message: 'not json', structure: 'json' })).toMatchObject({ ok: false });
  });
});
