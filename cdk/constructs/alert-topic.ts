import { Duration, Stack } from 'aws-cdk-lib';
import * as chatbot from 'aws-cdk-lib/aws-chatbot';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { type Severity, severityRank } from '../../lib/model/severity';

export interface AlertTopicProps {
  /** Encrypts the queues (delivery failures, SIEM). */
  readonly key: kms.IKey;
  /** Encrypts the topic. */
  readonly topicKey: kms.IKey;
  readonly emails: readonly { readonly address: string; readonly minSeverity: Severity }[];
  readonly chatbot?: { readonly slackWorkspaceId: string; readonly slackChannelId: string } | undefined;
  readonly siemQueue: boolean;
}

/**
 * The one alert topic: KMS-encrypted, TLS-only, with a subscription per destination. Subscriptions filter on the
 * numeric `severityRank` message attribute, so e-mail can take only high and above. Every subscription has a
 * redrive queue: an alert SNS cannot deliver is kept, not dropped.
 */
export class AlertTopic extends Construct {
  readonly topic: sns.Topic;
  readonly deliveryFailures: sqs.Queue;
  readonly siemQueue: sqs.Queue | undefined;
  private readonly key: kms.IKey;

  constructor(scope: Construct, id: string, props: AlertTopicProps) {
    super(scope, id);
    this.key = props.key;
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'vmsentry T1564.006 alerts',
      masterKey: props.topicKey,
      enforceSSL: true,
    });
    this.deliveryFailures = this.queue('DeliveryFailures');
    // SNS delivers to the redrive and SIEM queues with the key the queues are encrypted with.
    props.key.grant(
      new iam.ServicePrincipal('sns.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      'kms:GenerateDataKey*',
      'kms:Decrypt',
    );

    for (const email of props.emails) {
      this.topic.addSubscription(
        new subscriptions.EmailSubscription(email.address, {
          filterPolicy: atLeast(email.minSeverity),
          deadLetterQueue: this.deliveryFailures,
        }),
      );
    }
    if (props.chatbot) {
      // AWS Chatbot reads the `https` body of each alert (custom-notification format): Slack without code.
      const role = new iam.Role(this, 'ChatbotRole', {
        assumedBy: new iam.ServicePrincipal('chatbot.amazonaws.com'),
        description: 'AWS Chatbot channel for vmsentry alerts (no actions are allowed from chat)',
      });
      new chatbot.SlackChannelConfiguration(this, 'Slack', {
        slackChannelConfigurationName: 'vmsentry-alerts',
        slackWorkspaceId: props.chatbot.slackWorkspaceId,
        slackChannelId: props.chatbot.slackChannelId,
        notificationTopics: [this.topic],
        role,
        guardrailPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('ReadOnlyAccess')],
        loggingLevel: chatbot.LoggingLevel.ERROR,
      });
    }
    this.siemQueue = props.siemQueue
      ? this.queue('SiemQueue', { queue: this.deliveryFailures, maxReceiveCount: 10 })
      : undefined;
    if (this.siemQueue) {
      this.topic.addSubscription(
        new subscriptions.SqsSubscription(this.siemQueue, {
          rawMessageDelivery: true,
          deadLetterQueue: this.deliveryFailures,
        }),
      );
    }
  }

  /** Subscribe a function (the Slack webhook notifier) for alerts at or above a severity. */
  subscribeFunction(fn: lambda.IFunction, minSeverity: Severity): void {
    this.topic.addSubscription(
      new subscriptions.LambdaSubscription(fn, {
        filterPolicy: atLeast(minSeverity),
        deadLetterQueue: this.deliveryFailures,
      }),
    );
  }

  private queue(id: string, deadLetterQueue?: sqs.DeadLetterQueue): sqs.Queue {
    return new sqs.Queue(this, id, {
      ...(deadLetterQueue ? { deadLetterQueue } : {}),
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.key,
      enforceSSL: true,
    });
  }
}

function atLeast(severity: Severity): Record<string, sns.SubscriptionFilter> {
  return { severityRank: sns.SubscriptionFilter.numericFilter({ greaterThanOrEqualTo: severityRank(severity) }) };
}
