import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { KinesisEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as destinations from 'aws-cdk-lib/aws-logs-destinations';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { VmsentryConfig } from '../config';

export interface LogSubscriptionsProps {
  readonly config: VmsentryConfig;
  readonly fn: lambda.IFunction;
  readonly key: kms.IKey;
  /** Failed Kinesis batches land here (the function's failure queue). */
  readonly failureQueue: sqs.IQueue;
  /** How long the stream retries a failing batch before the failure path (lib/settings.ts: longer than the lease). */
  readonly maxRecordAge: Duration;
  /** Log groups that must never be subscribed (our own functions' logs: subscribing them would loop). */
  readonly ownLogGroups: readonly string[];
}

/**
 * Wires the configured log groups to the detection function: a subscription filter per log group (Lambda
 * permission included), optionally an account-level subscription filter policy, and optionally a Kinesis stream
 * between CloudWatch Logs and the function for volumes direct invocation does not carry.
 */
export class LogSubscriptions extends Construct {
  readonly stream: kinesis.Stream | undefined;

  constructor(scope: Construct, id: string, props: LogSubscriptionsProps) {
    super(scope, id);
    const { config, fn } = props;
    const stack = Stack.of(this);
    let destination: logs.ILogSubscriptionDestination = new destinations.LambdaDestination(fn);
    let destinationArn = fn.functionArn;
    let policyRole: iam.Role | undefined;

    if (config.kinesis.enabled) {
      this.stream = new kinesis.Stream(this, 'Stream', {
        shardCount: config.kinesis.shards,
        encryption: kinesis.StreamEncryption.KMS,
        encryptionKey: props.key,
        retentionPeriod: Duration.hours(24),
      });
      policyRole = new iam.Role(this, 'LogsToKinesis', {
        assumedBy: new iam.ServicePrincipal('logs.amazonaws.com', {
          conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
        }),
        description: 'CloudWatch Logs puts subscribed events into the vmsentry stream',
      });
      this.stream.grantWrite(policyRole);
      Validations.of(this.stream).acknowledge({
        id: 'AwsSolutions-KDS3',
        reason:
          "Encrypted with the stack's customer-managed key (rotated, key policy under the operator's control) rather than the aws/kinesis key.",
      });
      for (const action of ['kms:GenerateDataKey*', 'kms:ReEncrypt*']) {
        Validations.of(policyRole).acknowledge({
          id: `AwsSolutions-IAM5[Action::${action}]`,
          reason:
            "Granted by Stream.grantWrite for the stream's own customer-managed key only (the resource is that key).",
        });
      }
      destination = new destinations.KinesisDestination(this.stream, { role: policyRole });
      destinationArn = this.stream.streamArn;
      fn.addEventSource(
        new KinesisEventSource(this.stream, {
          startingPosition: lambda.StartingPosition.TRIM_HORIZON,
          batchSize: config.kinesis.batchSize,
          parallelizationFactor: config.kinesis.parallelizationFactor,
          bisectBatchOnError: true,
          reportBatchItemFailures: true,
          // No retry count: stream retries come back at once, so a count is spent in seconds on a crashed attempt's
          // live claim. The record age bounds the wait instead, and it outlasts the claim lease.
          maxRecordAge: props.maxRecordAge,
          onFailure: new SqsDlq(props.failureQueue),
        }),
      );
    }

    config.logGroups.forEach((group, index) => {
      new logs.SubscriptionFilter(this, `Subscription${index}`, {
        logGroup: logs.LogGroup.fromLogGroupName(this, `LogGroup${index}`, group.name),
        destination,
        filterPattern: logs.FilterPattern.literal(group.filterPattern),
        filterName: `vmsentry-${group.source}`,
      });
    });

    if (config.accountPolicy.enabled) {
      if (!config.kinesis.enabled) {
        new lambda.CfnPermission(this, 'AccountPolicyInvoke', {
          action: 'lambda:InvokeFunction',
          functionName: fn.functionArn,
          principal: 'logs.amazonaws.com',
          sourceAccount: stack.account,
        });
      }
      const excluded = [...props.ownLogGroups, ...config.accountPolicy.excludeLogGroups];
      new logs.CfnAccountPolicy(this, 'AccountPolicy', {
        policyName: 'vmsentry-subscription',
        policyType: 'SUBSCRIPTION_FILTER_POLICY',
        scope: 'ALL',
        policyDocument: stack.toJsonString({
          DestinationArn: destinationArn,
          FilterPattern: config.accountPolicy.filterPattern,
          Distribution: 'Random',
          ...(policyRole ? { RoleArn: policyRole.roleArn } : {}),
        }),
        selectionCriteria: `LogGroupName NOT IN [${excluded.map((name) => `"${name}"`).join(', ')}]`,
      });
    }
  }
}
