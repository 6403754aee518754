/**
 * The stack and the publisher agree: the alert topic's subscriptions, with exactly the filter policies of the
 * synthesized template, receive from the real SnsAlertPublisher the alerts the configuration promises them.
 *
 * Routing is done by fauxqs (an SNS/SQS emulator), not by us. E-mail, Lambda (the Slack notifier) and Chatbot (HTTPS)
 * endpoints cannot be subscribed in an emulator, so each is stood in by an SQS queue subscribed with the same
 * FilterPolicy, FilterPolicyScope and raw-delivery setting; what the stand-in receives is what SNS would send that
 * subscriber, read as its protocol's body (bin/local/subscribers.ts protocolBody).
 */

import { ListTopicsCommand } from '@aws-sdk/client-sns';
import {
  LOCAL_SUBSCRIBERS,
  protocolBody,
  type SubscribedStandIn,
  snsMessageOf,
  subscribeStandIns,
  type TopicSubscriber,
} from '../../bin/local/subscribers';
import { slackMessageOf } from '../../lambdas/slack-notifier';
import { SnsFollowUpPublisher } from '../../lib/adapters/sns-follow-up-publisher';
import { SnsAlertPublisher } from '../../lib/adapters/sns-publisher';
import { parsePublishedAlert } from '../../lib/alerts/parse-published';
import { type FollowUp, parseFollowUp } from '../../lib/dedup/follow-up';
import { type Alert, SEVERITIES, type Severity } from '../../lib/model';
import { vmAlert } from '../alerts/fixtures';
import { FULL_CONFIG, synth } from '../cdk/synth';
import { type Fauxqs, startFauxqs } from '../support/fauxqs';
import { alertTopicSubscribers } from '../support/stack-subscriptions';

const CONFIG = {
  ...FULL_CONFIG,
  alerts: {
    ...FULL_CONFIG.alerts,
    // One address with an explicit threshold, one with the default (high).
    emails: [{ address: 'soc@example.com', minSeverity: 'critical' }, { address: 'team@example.com' }],
    // slackMinSeverity left at its default (medium), so local mode's subscribers can be compared with these.
  },
};

/** What the configuration above promises each subscriber (matched on its logical id). */
const PROMISED: readonly { readonly id: RegExp; readonly protocol: string; readonly from: Severity }[] = [
  { id: /socexamplecom/, protocol: 'email', from: 'critical' },
  { id: /teamexamplecom/, protocol: 'email', from: 'high' },
  { id: /SlackNotifier/, protocol: 'lambda', from: 'medium' },
  { id: /SiemQueue/, protocol: 'sqs', from: 'informational' },
  { id: /AlertsSlack/, protocol: 'https', from: 'informational' },
  // The alert history's queue (raw delivery) takes every alert, unfiltered.
  { id: /HistoryQueue/, protocol: 'sqs', from: 'informational' },
];

const from = (minimum: Severity) => SEVERITIES.slice(SEVERITIES.indexOf(minimum));

function alertOf(severity: Severity): Alert {
  return { ...vmAlert(), id: `alert-${severity}`, severity };
}

let aws: Fauxqs;
let subscribers: TopicSubscriber[];
let standIns: SubscribedStandIn[];
let publisher: SnsAlertPublisher;

beforeAll(async () => {
  subscribers = alertTopicSubscribers(synth(CONFIG));
  aws = await startFauxqs();
  const topicArn = await aws.createTopic('vmsentry-alerts');
  standIns = await subscribeStandIns(aws, topicArn, subscribers);
  publisher = new SnsAlertPublisher(aws.sns, topicArn, { region: 'us-east-1', clock: () => 0 });
  // Synthesis with cdk-nag takes seconds, many more on a loaded machine.
}, 120_000);
afterAll(() => aws?.stop());

/** Alert ids each subscriber received (every body names its alert id), and the bodies themselves. */
async function deliveries(): Promise<Map<string, { ids: string[]; bodies: string[] }>> {
  const result = new Map<string, { ids: string[]; bodies: string[] }>();
  for (const standIn of standIns) {
    const bodies = (await aws.drain(standIn.queue)).map((m) =>
      protocolBody(standIn.subscriber.protocol, snsMessageOf(standIn.subscriber, m)),
    );
    const ids = bodies.map((body) => /alert-[a-z]+/.exec(body)?.[0] ?? `unidentified: ${body.slice(0, 80)}`).sort();
    result.set(standIn.subscriber.name, { ids, bodies });
  }
  return result;
}

function expectPromisedDeliveries(received: Map<string, { ids: string[] }>): void {
  for (const subscriber of subscribers) {
    const promise = PROMISED.find((p) => p.id.test(subscriber.name))!;
    expect({ subscriber: subscriber.name, ids: received.get(subscriber.name)!.ids }).toEqual({
      subscriber: subscriber.name,
      ids: from(promise.from)
        .map((s) => `alert-${s}`)
        .sort(),
    });
  }
}

describe('alert topic subscriptions from the synthesized template', () => {
  it('are the ones the configuration asks for, each with its protocol', () => {
    expect(subscribers.map((s) => PROMISED.find((p) => p.id.test(s.name))?.protocol)).toEqual(
      subscribers.map((s) => s.protocol),
    );
    expect(subscribers).toHaveLength(PROMISED.length);
  });

  it('deliver each severity, published one alert per call (Publish), to exactly the promised subscribers', async () => {
    for (const severity of SEVERITIES) {
      expect(await publisher.publish([alertOf(severity)])).toEqual({ published: [`alert-${severity}`], failed: [] });
    }
    expectPromisedDeliveries(await deliveries());
  });

  it('deliver the same when every severity goes out in one PublishBatch', async () => {
    const report = await publisher.publish(SEVERITIES.map(alertOf));
    expect(report.failed).toEqual([]);
    expectPromisedDeliveries(await deliveries());
  });

  it('give each protocol its own body: e-mail text, the alert JSON to Lambda and SIEM, Chatbot its notification', async () => {
    await publisher.publish([alertOf('critical')]);
    const received = await deliveries();
    for (const subscriber of subscribers) {
      const [body] = received.get(subscriber.name)!.bodies;
      switch (subscriber.protocol) {
        case 'email':
          expect(body).toContain('Alert id alert-critical');
          expect(() => JSON.parse(body!)).toThrow();
          break;
        case 'lambda':
        case 'sqs':
          expect(parsePublishedAlert(body!)).toMatchObject({ ok: true, alert: { id: 'alert-critical' } });
          break;
        case 'https':
          expect(JSON.parse(body!)).toMatchObject({ version: '1.0', source: 'custom' });
          break;
      }
    }
  });
});

describe('dedup follow-ups ("seen N more times") through the same subscriptions', () => {
  const followUpOf = (severity: Severity): FollowUp => ({
    id: `follow-up-${severity}`,
    alertId: `alert-${severity}`,
    ruleId: 'vmsentry-vboxmanage-headless',
    title: 'VirtualBox VM started headless',
    severity,
    host: 'fin-ws042',
    moreEvents: 48,
    count: 49,
    windowStart: '2026-11-20T14:00:00.000Z',
    windowEnd: '2026-11-20T15:00:00.000Z',
    lastSeen: '2026-11-20T14:59:00.000Z',
  });

  it('reach exactly the subscribers their alert reached, each in its protocol body, rendered by the Slack notifier', async () => {
    const topicArn = (await aws.sns.send(new ListTopicsCommand({}))).Topics?.[0]?.TopicArn as string;
    const followUps = new SnsFollowUpPublisher(aws.sns, topicArn);
    const report = await followUps.publish(SEVERITIES.map(followUpOf));
    expect(report).toEqual({ published: SEVERITIES.map((s) => `follow-up-${s}`), failed: [] });
    const received = await deliveries();
    // Every body names the alert it follows up, so the same routing check applies.
    expectPromisedDeliveries(received);
    for (const subscriber of subscribers) {
      for (const body of received.get(subscriber.name)!.bodies) {
        switch (subscriber.protocol) {
          case 'email':
            expect(body).toMatch(/on fin-ws042: seen 48 more time\(s\) after the alert \(49 in the window/);
            break;
          case 'sqs':
            expect(parseFollowUp(body)).toMatchObject({ ok: true, followUp: { moreEvents: 48, count: 49 } });
            break;
          case 'lambda':
            expect(slackMessageOf(body).blocks[0]).toMatchObject({
              type: 'header',
              text: { text: expect.stringContaining('Seen 48 more time(s): VirtualBox VM started headless') },
            });
            break;
          case 'https':
            expect(JSON.parse(body)).toMatchObject({ version: '1.0', source: 'custom' });
            break;
        }
      }
    }
  });

  it('are reported failed, each, when the topic does not take them', async () => {
    const followUps = new SnsFollowUpPublisher(aws.sns, 'arn:aws:sns:us-east-1:000000000000:no-such-topic');
    const report = await followUps.publish([followUpOf('high'), followUpOf('low')]);
    expect(report.published).toEqual([]);
    expect(report.failed.map((failure) => failure.id)).toEqual(['follow-up-high', 'follow-up-low']);
  });
});

describe('local mode (npm start)', () => {
  it("subscribes stand-ins with the stack's default filter policies and delivery, one per protocol", () => {
    const fromTemplate = (id: RegExp) => {
      const { name: _name, ...rest } = subscribers.find((s) => id.test(s.name))!;
      return rest;
    };
    const local = (name: string) => {
      const { name: _name, ...rest } = LOCAL_SUBSCRIBERS.find((s) => s.name === name)!;
      return rest;
    };
    expect(local('email')).toEqual(fromTemplate(/teamexamplecom/));
    expect(local('slack-notifier')).toEqual(fromTemplate(/SlackNotifier/));
    expect(local('siem')).toEqual(fromTemplate(/SiemQueue/));
    expect(local('chatbot')).toEqual(fromTemplate(/AlertsSlack/));
    expect(LOCAL_SUBSCRIBERS).toHaveLength(4);
  });
});
