/**
 * The alert topic's subscribers as the stack deploys them with its default configuration, stood in by SQS queues in
 * the emulator: each queue is subscribed with the same filter policy and raw-delivery setting, so the emulator's own
 * filtering decides who receives what. test/integration/sns-filter-policies.test.ts checks these against the
 * synthesized template.
 */
import type { SNSClient } from '@aws-sdk/client-sns';
import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import { type Severity, severityRank } from '../../lib/model/severity';
import { createQueue, drainQueue, type Queue, subscribeQueue } from './emulator';

/** The SNS protocol a subscriber really uses; it picks which body of the alert's JSON message it receives. */
export type SubscriberProtocol = 'email' | 'lambda' | 'sqs' | 'https';

export interface TopicSubscriber {
  /** Queue name of its stand-in. */
  readonly name: string;
  readonly protocol: SubscriberProtocol;
  readonly filterPolicy?: Readonly<Record<string, unknown>>;
  readonly filterPolicyScope?: 'MessageAttributes' | 'MessageBody';
  readonly rawMessageDelivery: boolean;
}

/** The filter policy the stack puts on e-mail and Slack-notifier subscriptions (cdk/constructs/alert-topic.ts). */
export function severityAtLeast(minimum: Severity): Record<string, unknown> {
  return { severityRank: [{ numeric: ['>=', severityRank(minimum)] }] };
}

/** Defaults of cdk/config.ts: e-mail from high, the Slack webhook notifier from medium, Chatbot and SIEM take all. */
export const LOCAL_SUBSCRIBERS: readonly TopicSubscriber[] = [
  { name: 'email', protocol: 'email', filterPolicy: severityAtLeast('high'), rawMessageDelivery: false },
  { name: 'slack-notifier', protocol: 'lambda', filterPolicy: severityAtLeast('medium'), rawMessageDelivery: false },
  { name: 'chatbot', protocol: 'https', rawMessageDelivery: false },
  { name: 'siem', protocol: 'sqs', rawMessageDelivery: true },
];

export interface SubscribedStandIn {
  readonly subscriber: TopicSubscriber;
  readonly queue: Queue;
}

/** Create one queue per subscriber and subscribe it to the topic with the subscriber's filter and delivery. */
export async function subscribeStandIns(
  clients: { sns: SNSClient; sqs: SQSClient },
  topicArn: string,
  subscribers: readonly TopicSubscriber[],
): Promise<SubscribedStandIn[]> {
  const standIns: SubscribedStandIn[] = [];
  for (const subscriber of subscribers) {
    const queue = await createQueue(clients.sqs, subscriber.name);
    const attributes: Record<string, string> = { RawMessageDelivery: String(subscriber.rawMessageDelivery) };
    if (subscriber.filterPolicy) attributes['FilterPolicy'] = JSON.stringify(subscriber.filterPolicy);
    if (subscriber.filterPolicyScope) attributes['FilterPolicyScope'] = subscriber.filterPolicyScope;
    await subscribeQueue(clients.sns, topicArn, queue, attributes);
    standIns.push({ subscriber, queue });
  }
  return standIns;
}

/**
 * What the subscriber itself would receive. A message published with `MessageStructure: 'json'` reaches each
 * protocol as its own key's body, or `default` when it has none (SQS reads `sqs`). fauxqs 2.4 delivers the whole
 * structure instead, so the choice SNS makes is made here; a body that is not such a structure is returned as is.
 */
export function protocolBody(protocol: SubscriberProtocol, message: string): string {
  let structure: unknown;
  try {
    structure = JSON.parse(message);
  } catch {
    return message;
  }
  if (typeof structure !== 'object' || structure === null) return message;
  const bodies = structure as Record<string, unknown>;
  if (typeof bodies['default'] !== 'string') return message;
  const own = bodies[protocol];
  return typeof own === 'string' ? own : bodies['default'];
}

/** The SNS message inside what a stand-in queue received: the raw body, or the `Message` of the SNS envelope. */
export function snsMessageOf(subscriber: TopicSubscriber, received: Message): string {
  const body = received.Body ?? '';
  if (subscriber.rawMessageDelivery) return body;
  return (JSON.parse(body) as { Message: string }).Message;
}

/** Everything a stand-in received so far, as the subscriber would see it (its protocol's body). */
export async function receivedBodies(sqs: SQSClient, standIn: SubscribedStandIn): Promise<string[]> {
  const messages = await drainQueue(sqs, standIn.queue);
  return messages.map((m) => protocolBody(standIn.subscriber.protocol, snsMessageOf(standIn.subscriber, m)));
}
