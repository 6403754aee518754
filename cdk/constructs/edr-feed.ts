import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { VmsentryConfig } from '../config';

export interface EdrFeedProps {
  readonly feed: Exclude<VmsentryConfig['edrFeed'], { mode: 'none' }>;
  readonly fn: lambda.IFunction;
  readonly key: kms.IKey;
  /**
   * Derived from the function timeout (lib/settings.ts deliveryTimings): at least 6x the timeout (AWS), and long
   * enough that a message is redelivered only after the crashed attempt's dedup claim has expired.
   */
  readonly visibilityTimeout: Duration;
}

/**
 * The EDR feed: an SQS queue of S3 object notifications or inline events (created with a DLQ and redrive, or an
 * existing one imported), read with partial batch responses, and read-only access to the named buckets and keys.
 */
export class EdrFeed extends Construct {
  readonly queue: sqs.IQueue;
  readonly deadLetterQueue: sqs.Queue | undefined;

  constructor(scope: Construct, id: string, props: EdrFeedProps) {
    super(scope, id);
    const { feed, fn } = props;
    if (feed.mode === 'create') {
      this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
        retentionPeriod: Duration.days(14),
        encryption: sqs.QueueEncryption.KMS,
        encryptionMasterKey: props.key,
        enforceSSL: true,
      });
      this.queue = new sqs.Queue(this, 'Queue', {
        visibilityTimeout: props.visibilityTimeout,
        retentionPeriod: Duration.days(4),
        encryption: sqs.QueueEncryption.KMS,
        encryptionMasterKey: props.key,
        enforceSSL: true,
        deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 5 },
      });
      // S3 event notifications are sent by the S3 service; it needs the queue's key.
      props.key.grant(
        new iam.ServicePrincipal('s3.amazonaws.com', {
          conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
        }),
        'kms:GenerateDataKey*',
        'kms:Decrypt',
      );
    } else {
      this.queue = sqs.Queue.fromQueueArn(this, 'Queue', feed.queueArn);
    }
    const source = new SqsEventSource(this.queue, {
      batchSize: 10,
      maxBatchingWindow: Duration.seconds(5),
      reportBatchItemFailures: true,
    });
    fn.addEventSource(source);
    Validations.of(fn).acknowledge({
      id: 'Serverless-LambdaEventSourceMappingDestination',
      reason:
        "SQS event sources take no on-failure destination: a message that keeps failing moves to the queue's DLQ through its redrive policy (maxReceiveCount 5), or the imported queue's own redrive policy.",
    });
    const account = Stack.of(this).account;
    for (const bucket of feed.buckets) {
      Validations.of(fn).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${bucket}/*]`,
        reason:
          'The EDR vendor writes objects under keys it chooses (date/partition prefixes); read-only GetObject on the configured feed bucket is the narrowest scope.',
      });
    }
    if (feed.buckets.length > 0) {
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['s3:GetObject'],
          resources: feed.buckets.map((bucket) => `arn:${Stack.of(this).partition}:s3:::${bucket}/*`),
        }),
      );
    }
    if (feed.kmsKeyArns.length > 0) {
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['kms:Decrypt'],
          resources: [...feed.kmsKeyArns],
          conditions: { StringEquals: { 'kms:CallerAccount': account } },
        }),
      );
    }
  }
}
