import { Duration, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { FIXED_FUNCTION_TIMEOUT_SECONDS } from '../../lib/settings';
import { FAILURE_RETENTION, PipelineFunction } from './pipeline-function';

export interface AlertHistoryProps {
  readonly table: dynamodb.Table;
  readonly topic: sns.ITopic;
  /** Where SNS keeps what it cannot deliver to the queue (the alert topic's redrive queue). */
  readonly deliveryFailures: sqs.IQueue;
  readonly key: kms.IKey;
  readonly retentionDays: number;
  readonly logRetention: logs.RetentionDays;
}

/** Receives before a message that keeps failing moves to the dead-letter queue. */
export const HISTORY_MAX_RECEIVE_COUNT = 5;

/**
 * The history writer (lambdas/history-writer.ts) behind its own SQS subscription of the alert topic (raw message
 * delivery). SNS delivers to each subscription independently, so the history is never on the alert's delivery path:
 * the writer being slow, throttled or failing changes nothing for e-mail, chat or the SIEM queue. A message that
 * keeps failing moves to the dead-letter queue (alarmed; SQS's own DLQ redrive moves it back once fixed).
 */
export class AlertHistory extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly function: PipelineFunction;

  constructor(scope: Construct, id: string, props: AlertHistoryProps) {
    super(scope, id);
    const timeout = Duration.seconds(FIXED_FUNCTION_TIMEOUT_SECONDS.historyWriter);
    const encrypted = {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.key,
      enforceSSL: true,
    } as const;
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', { retentionPeriod: FAILURE_RETENTION, ...encrypted });
    this.queue = new sqs.Queue(this, 'Queue', {
      // AWS's advice for Lambda event sources: six times the function timeout.
      visibilityTimeout: Duration.seconds(6 * timeout.toSeconds()),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: HISTORY_MAX_RECEIVE_COUNT },
      ...encrypted,
    });
    props.topic.addSubscription(
      new subscriptions.SqsSubscription(this.queue, {
        rawMessageDelivery: true,
        deadLetterQueue: props.deliveryFailures,
      }),
    );
    this.function = new PipelineFunction(this, 'Writer', {
      entry: 'history-writer',
      description: 'vmsentry: alert topic -> alert history table (off the delivery path)',
      memorySize: 256,
      timeout,
      environment: {
        HISTORY_TABLE: props.table.tableName,
        HISTORY_RETENTION_DAYS: String(props.retentionDays),
      },
      logRetention: props.logRetention,
      key: props.key,
    });
    const fn = this.function.function;
    // Least privilege: read-merge-write of one item; no Scan, Query, Delete or other table.
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        resources: [props.table.tableArn],
      }),
    );
    props.key.grantEncryptDecrypt(fn);
    fn.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: 10,
        maxBatchingWindow: Duration.seconds(5),
        reportBatchItemFailures: true,
      }),
    );
    Validations.of(fn).acknowledge({
      id: 'Serverless-LambdaEventSourceMappingDestination',
      reason: `SQS event sources take no on-failure destination: a message that keeps failing moves to the queue's DLQ through its redrive policy (maxReceiveCount ${HISTORY_MAX_RECEIVE_COUNT}).`,
    });
    const reason =
      'This queue is itself a dead-letter queue; a DLQ of a DLQ would only move the problem. Its depth raises an alarm; `aws sqs start-message-move-task` moves it back to the history queue.';
    Validations.of(this.deadLetterQueue).acknowledge({ id: 'AwsSolutions-SQS3', reason });
    Validations.of(this.deadLetterQueue).acknowledge({ id: 'Serverless-SQSRedrivePolicy', reason });
  }
}
