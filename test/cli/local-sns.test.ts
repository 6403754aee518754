/**
 * Local mode's alert topic: fauxqs with one queue per subscriber protocol, subscribed with the stack's filter
 * policies (LOCAL_SUBSCRIBERS; checked against the template in test/integration/sns-filter-policies.test.ts). The
 * real publisher publishes; each subscriber's inbox is read back and rendered as the terminal shows it.
 */
import { CreateTopicCommand } from '@aws-sdk/client-sns';
import { alertsIn, inboxOf, renderFor, type SubscriberInbox } from '../../bin/local/render';
import {
  LOCAL_SUBSCRIBERS,
  receivedBodies,
  type SubscribedStandIn,
  subscribeStandIns,
} from '../../bin/local/subscribers';
import { SnsAlertPublisher } from '../../lib/adapters/sns-publisher';
import { buildAlert } from '../../lib/alerts/build';
import type { Alert, Severity } from '../../lib/model';
import { type Fauxqs, startFauxqs } from '../support/fauxqs';

function alert(n: number, severity: Severity): Alert {
  const timeMs = Date.parse('2026-11-27T10:00:00Z');
  return buildAlert({
    detection: {
      rule: {
        id: '11111111-1111-4111-8111-111111111111',
        title: 'Test VBoxManage Headless Start',
        description: 'VBoxManage started a VM without a window.',
        severity,
        techniques: ['T1564.006'],
        tags: ['attack.t1564.006'],
        references: [],
        falsepositives: ['Lab hosts'],
        dedupFields: ['CommandLine'],
      },
      severity,
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

let aws: Fauxqs;
let standIns: SubscribedStandIn[];
let publisher: SnsAlertPublisher;
beforeAll(async () => {
  aws = await startFauxqs();
  const topicArn = (await aws.sns.send(new CreateTopicCommand({ Name: 'vmsentry-local-alerts' }))).TopicArn!;
  standIns = await subscribeStandIns(aws, topicArn, LOCAL_SUBSCRIBERS);
  publisher = new SnsAlertPublisher(aws.sns, topicArn);
});
afterAll(() => aws?.stop());

async function inboxes(): Promise<Map<string, SubscriberInbox>> {
  const result = new Map<string, SubscriberInbox>();
  for (const standIn of standIns) {
    result.set(standIn.subscriber.name, inboxOf(standIn.subscriber, await receivedBodies(aws.sqs, standIn)));
  }
  return result;
}

describe('local mode subscribers on fauxqs', () => {
  it('deliver each alert to the subscribers whose filter takes its severity', async () => {
    const high = alert(1, 'high');
    const medium = alert(2, 'medium');
    const low = alert(3, 'low');
    expect((await publisher.publish([high, medium, low])).failed).toEqual([]);
    const received = await inboxes();
    const ids = (name: string) => [...received.get(name)!.byAlertId.keys()].sort();
    expect(ids('email')).toEqual([high.id]);
    expect(ids('slack-notifier')).toEqual([high.id, medium.id].sort());
    expect(ids('chatbot')).toEqual([high.id, medium.id, low.id].sort());
    expect(ids('siem')).toEqual([high.id, medium.id, low.id].sort());
    // The SIEM inbox is the list of published alerts, most severe first.
    expect(alertsIn(received.get('siem')!).alerts.map((a) => a.severity)).toEqual(['high', 'medium', 'low']);
  });

  it('render what each received: the e-mail text, the Slack message, the Chatbot title, the SIEM JSON', async () => {
    const one = alert(4, 'critical');
    await publisher.publish([one]);
    const received = await inboxes();
    const rendered = (name: string) => {
      const inbox = received.get(name)!;
      return renderFor(inbox.subscriber.protocol, inbox.byAlertId.get(one.id)!);
    };
    expect(rendered('email')).toContain('VBoxManage startvm vm4 --type headless');
    expect(rendered('email')).toContain(`Alert id ${one.id}`);
    expect(rendered('slack-notifier')).toMatch(/^== CRITICAL: Test VBoxManage Headless Start ==/);
    expect(rendered('chatbot')).toMatch(/^CRITICAL: Test VBoxManage Headless Start on ws-04 {2}\[custom notification/);
    expect(rendered('siem')).toContain(`"id":"${one.id}"`);
  });

  it('set aside a body that names no alert', () => {
    const siem = LOCAL_SUBSCRIBERS.find((s) => s.name === 'siem')!;
    const email = LOCAL_SUBSCRIBERS.find((s) => s.name === 'email')!;
    expect(inboxOf(siem, ['not json', '{"no":"id"}']).unreadable).toHaveLength(2);
    expect(inboxOf(email, ['Dear SOC, nothing here']).unreadable).toHaveLength(1);
    expect(alertsIn(inboxOf(siem, ['{"id":"x"}'])).problems).toHaveLength(1);
  });
});
