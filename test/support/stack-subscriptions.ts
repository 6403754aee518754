import type { Template } from 'aws-cdk-lib/assertions';
import type { SubscriberProtocol, TopicSubscriber } from '../../bin/local/subscribers';

interface CfnResource {
  readonly Properties: Record<string, unknown>;
}

/**
 * The alert topic's subscribers in a synthesized template, as SQS stand-ins can reproduce them: every
 * AWS::SNS::Subscription on the topic (e-mail, Lambda, SQS) with its FilterPolicy, FilterPolicyScope and raw
 * delivery, plus AWS Chatbot, which subscribes to the topic over HTTPS without a filter. Named by logical id.
 */
export function alertTopicSubscribers(template: Template): TopicSubscriber[] {
  const topics = Object.entries(template.findResources('AWS::SNS::Topic') as Record<string, CfnResource>);
  const alertTopic = topics.find(([, topic]) => topic.Properties['DisplayName'] === 'vmsentry T1564.006 alerts');
  if (!alertTopic) throw new Error('no alert topic in the template');
  const [topicId] = alertTopic;
  const onTopic = (arn: unknown) => JSON.stringify(arn) === JSON.stringify({ Ref: topicId });

  const subscribers: TopicSubscriber[] = [];
  const subscriptions = template.findResources('AWS::SNS::Subscription') as Record<string, CfnResource>;
  for (const [id, { Properties: p }] of Object.entries(subscriptions)) {
    if (!onTopic(p['TopicArn'])) continue;
    subscribers.push({
      name: id,
      protocol: p['Protocol'] as SubscriberProtocol,
      ...(p['FilterPolicy'] ? { filterPolicy: p['FilterPolicy'] as Record<string, unknown> } : {}),
      ...(p['FilterPolicyScope']
        ? { filterPolicyScope: p['FilterPolicyScope'] as 'MessageAttributes' | 'MessageBody' }
        : {}),
      rawMessageDelivery: p['RawMessageDelivery'] === true || p['RawMessageDelivery'] === 'true',
    });
  }
  const chatbots = template.findResources('AWS::Chatbot::SlackChannelConfiguration') as Record<string, CfnResource>;
  for (const [id, { Properties: p }] of Object.entries(chatbots)) {
    if ((p['SnsTopicArns'] as unknown[] | undefined)?.some(onTopic)) {
      subscribers.push({ name: id, protocol: 'https', rawMessageDelivery: false });
    }
  }
  return subscribers;
}
