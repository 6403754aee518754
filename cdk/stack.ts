import { CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { severityRank } from '../lib/model/severity';
import { QUARANTINE_SOURCES } from '../lib/quarantine';
import { deliveryTimings, FIXED_FUNCTION_TIMEOUT_SECONDS } from '../lib/settings';
import type { VmsentryConfig } from './config';
import { AlertHistory } from './constructs/alert-history';
import { AlertTopic } from './constructs/alert-topic';
import { Console } from './constructs/console';
import { DedupSweeper } from './constructs/dedup-sweeper';
import { EdrFeed } from './constructs/edr-feed';
import { FailurePayloads, SET_ASIDE_PREFIX } from './constructs/failure-payloads';
import { LogSubscriptions } from './constructs/log-subscriptions';
import { METRICS_NAMESPACE, Operations } from './constructs/operations';
import { FAILURE_RETENTION, PipelineFunction } from './constructs/pipeline-function';
import { Quarantine } from './constructs/quarantine';
import { VmsentryTables } from './constructs/tables';
import { pipelineEnvironment } from './environment';

export interface VmsentryStackProps extends StackProps {
  readonly config: VmsentryConfig;
  /** The built console single-page app (default dist/console); only read when `console.enabled`. */
  readonly consoleAssets?: string;
}

/** The whole pipeline: one `cdk deploy`. */
export class VmsentryStack extends Stack {
  constructor(scope: Construct, id: string, props: VmsentryStackProps) {
    super(scope, id, props);
    const { config } = props;
    // Two keys: queues that receive from the topics name the topics in their key policy, so one key for both would
    // make the key and the topic depend on each other.
    const key = new kms.Key(this, 'Key', {
      description: 'vmsentry: tables, queues, streams and function environments',
      enableKeyRotation: true,
    });
    const topicKey = new kms.Key(this, 'TopicKey', {
      description: 'vmsentry: alert and alarm topics',
      enableKeyRotation: true,
    });
    const tables = new VmsentryTables(this, 'Tables', { key });
    const alerts = new AlertTopic(this, 'Alerts', {
      key,
      topicKey,
      emails: config.alerts.emails,
      chatbot: config.alerts.chatbot,
      siemQueue: config.alerts.siemQueue,
    });
    const retention = config.logRetentionDays as logs.RetentionDays;
    const timeout = Duration.seconds(config.functionTimeoutSeconds);
    // Claim lease (runtime), queue visibility and stream record age all follow the timeout (docs/deploy.md).
    const timings = deliveryTimings(config.functionTimeoutSeconds);
    // The stream path keeps failed records' data; the on-failure record alone points into a 24 h stream.
    const failurePayloads = config.kinesis.enabled
      ? new FailurePayloads(this, 'FailurePayloads', { key, retention: FAILURE_RETENTION })
      : undefined;
    const environment = pipelineEnvironment(config, {
      allowlistTable: tables.allowlist.tableName,
      stateTable: tables.state.tableName,
      alertTopicArn: alerts.topic.topicArn,
      region: this.region,
      ...(failurePayloads ? { failurePayloadBucket: failurePayloads.bucket.bucketName } : {}),
    });

    const cloudwatchFn = new PipelineFunction(this, 'CloudWatchSubscription', {
      entry: 'cloudwatch-subscription',
      description: 'vmsentry: CloudWatch Logs subscription -> parse -> detect -> allowlist -> dedup -> SNS',
      memorySize: config.functionMemoryMb,
      timeout,
      environment,
      logRetention: retention,
      key,
      withRules: true,
      asynchronous: true,
    });
    const edrFn = new PipelineFunction(this, 'EdrFeed', {
      entry: 'edr-feed',
      description: 'vmsentry: EDR feed (SQS of S3 objects or inline events) -> parse -> detect -> SNS',
      memorySize: config.functionMemoryMb,
      timeout,
      environment,
      logRetention: retention,
      key,
      withRules: true,
    });
    const auditFn = new PipelineFunction(this, 'AllowlistAudit', {
      entry: 'allowlist-audit',
      description: 'vmsentry: alert on every allowlist entry created, changed or deleted',
      memorySize: 256,
      // The function sizes its SNS client's timeouts for this (lambdas/allowlist-audit.ts).
      timeout: Duration.seconds(FIXED_FUNCTION_TIMEOUT_SECONDS.allowlistAudit),
      environment: {
        ALERT_TOPIC_ARN: alerts.topic.topicArn,
        ALLOWLIST_TABLE_NAME: tables.allowlist.tableName,
        LOGS_INSIGHTS_REGION: this.region,
      },
      logRetention: retention,
      key,
    });

    for (const pipeline of [cloudwatchFn, edrFn]) {
      const role = pipeline.function;
      role.addToRolePolicy(
        new iam.PolicyStatement({ actions: ['dynamodb:Query'], resources: [tables.allowlist.tableArn] }),
      );
      role.addToRolePolicy(
        new iam.PolicyStatement({
          actions: [
            'dynamodb:GetItem',
            'dynamodb:PutItem',
            'dynamodb:UpdateItem',
            'dynamodb:DeleteItem',
            'dynamodb:Query',
          ],
          resources: [tables.state.tableArn],
        }),
      );
      key.grantEncryptDecrypt(role);
      alerts.topic.grantPublish(role);
      topicKey.grant(role, 'kms:GenerateDataKey*', 'kms:Decrypt');
    }
    failurePayloads?.grantKeep(cloudwatchFn.function);
    alerts.topic.grantPublish(auditFn.function);
    topicKey.grant(auditFn.function, 'kms:GenerateDataKey*', 'kms:Decrypt');
    auditFn.function.addEventSource(
      new DynamoEventSource(tables.allowlist as dynamodb.ITable, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: 25,
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        retryAttempts: 10,
        onFailure: new SqsDlq(alerts.deliveryFailures),
      }),
    );

    const sweeper = new DedupSweeper(this, 'DedupSweeper', {
      state: tables.state,
      topic: alerts.topic,
      key,
      topicKey,
      logRetention: retention,
    });

    // Alert history: its own subscription of the topic, off the delivery path (docs/alert-history.md).
    const history = new AlertHistory(this, 'History', {
      table: tables.history,
      topic: alerts.topic,
      deliveryFailures: alerts.deliveryFailures,
      key,
      retentionDays: config.history.retentionDays,
      logRetention: retention,
    });

    let slackFn: PipelineFunction | undefined;
    if (config.alerts.slackWebhookSecretArn) {
      slackFn = new PipelineFunction(this, 'SlackNotifier', {
        entry: 'slack-notifier',
        description: 'vmsentry: alerts -> Slack incoming webhook (Block Kit)',
        memorySize: 256,
        timeout: Duration.seconds(15),
        environment: { SLACK_WEBHOOK_SECRET_ARN: config.alerts.slackWebhookSecretArn },
        logRetention: retention,
        key,
        asynchronous: true,
      });
      slackFn.function.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['secretsmanager:GetSecretValue'],
          resources: [config.alerts.slackWebhookSecretArn],
        }),
      );
      alerts.subscribeFunction(slackFn.function, config.alerts.slackMinSeverity);
    }

    const allFunctions = [
      cloudwatchFn,
      edrFn,
      auditFn,
      sweeper.function,
      history.function,
      ...(slackFn ? [slackFn] : []),
    ];
    const ingest = new LogSubscriptions(this, 'Subscriptions', {
      config,
      fn: cloudwatchFn.function,
      key,
      failureQueue: cloudwatchFn.failureQueue!,
      maxRecordAge: Duration.seconds(timings.kinesisMaxRecordAgeSeconds),
      ownLogGroups: allFunctions.map((pipeline) => pipeline.function.logGroup.logGroupName),
    });
    const feed =
      config.edrFeed.mode === 'none'
        ? undefined
        : new EdrFeed(this, 'EdrFeedQueue', {
            feed: config.edrFeed,
            fn: edrFn.function,
            key,
            visibilityTimeout: Duration.seconds(timings.sqsVisibilityTimeoutSeconds),
          });
    for (const queue of [
      cloudwatchFn.failureQueue,
      alerts.deliveryFailures,
      feed?.deadLetterQueue,
      slackFn?.failureQueue,
    ]) {
      if (!queue) continue;
      const reason =
        'This queue is itself a dead-letter / failure queue; a DLQ of a DLQ would only move the problem. Its depth raises an alarm and `vmsentry redrive` replays it.';
      Validations.of(queue).acknowledge({ id: 'AwsSolutions-SQS3', reason });
      Validations.of(queue).acknowledge({ id: 'Serverless-SQSRedrivePolicy', reason });
    }

    const failureQueues = [
      { name: 'SubscriptionFailures', queue: cloudwatchFn.failureQueue! },
      { name: 'AlertDeliveryFailures', queue: alerts.deliveryFailures },
      { name: 'HistoryDeadLetters', queue: history.deadLetterQueue },
      ...(feed?.deadLetterQueue ? [{ name: 'EdrFeedDeadLetters', queue: feed.deadLetterQueue }] : []),
      ...(slackFn?.failureQueue ? [{ name: 'SlackFailures', queue: slackFn.failureQueue }] : []),
    ];
    const heartbeatLogGroups = config.logGroups.filter((group) => group.heartbeat).map((group) => group.name);
    const operations = new Operations(this, 'Operations', {
      topicKey,
      deliveryFailures: alerts.deliveryFailures,
      alarmEmail: config.alarmEmail,
      functions: [
        { name: 'CloudWatchSubscription', fn: cloudwatchFn.function },
        { name: 'EdrFeed', fn: edrFn.function },
        { name: 'AllowlistAudit', fn: auditFn.function },
        { name: 'DedupSweeper', fn: sweeper.function.function },
        { name: 'HistoryWriter', fn: history.function.function },
        ...(slackFn ? [{ name: 'SlackNotifier', fn: slackFn.function }] : []),
      ],
      deadLetterQueues: failureQueues,
      heartbeatLogGroups,
      heartbeatMinutes: config.heartbeatMinutes,
      ...(failurePayloads
        ? { streamSetAside: { bucket: failurePayloads.bucket.bucketName, prefix: SET_ASIDE_PREFIX } }
        : {}),
    });

    // Samples of unparseable records (both ingest functions) and pointers to unprocessed EDR objects (the EDR feed).
    const quarantine = new Quarantine(this, 'Quarantine', {
      key,
      writers: [
        { fn: edrFn.function, source: QUARANTINE_SOURCES.edrFeed },
        { fn: cloudwatchFn.function, source: QUARANTINE_SOURCES.cloudwatchSubscription },
      ],
      alarmTopic: operations.alarmTopic,
    });
    new CfnOutput(this, 'QuarantineBucketName', { value: quarantine.bucket.bucketName });

    // The optional web console (off by default: with it off, nothing of it is in the template).
    if (config.console.enabled) {
      new Console(this, 'Console', {
        settings: config.console,
        key,
        historyTable: tables.history as dynamodb.ITable,
        allowlistTable: tables.allowlist as dynamodb.ITable,
        failureQueues,
        heartbeatLogGroups,
        heartbeatMinutes: config.heartbeatMinutes,
        metricsNamespace: METRICS_NAMESPACE,
        logRetention: retention,
        ...(props.consoleAssets ? { assetDirectory: props.consoleAssets } : {}),
      });
    }

    this.acknowledgeFindings(allFunctions);

    new CfnOutput(this, 'AlertTopicArn', { value: alerts.topic.topicArn });
    new CfnOutput(this, 'AllowlistTableName', { value: tables.allowlist.tableName });
    new CfnOutput(this, 'StateTableName', { value: tables.state.tableName });
    new CfnOutput(this, 'HistoryTableName', { value: tables.history.tableName });
    new CfnOutput(this, 'SubscriptionFunctionName', { value: cloudwatchFn.function.functionName });
    new CfnOutput(this, 'SubscriptionFailureQueueUrl', { value: cloudwatchFn.failureQueue!.queueUrl });
    if (feed) new CfnOutput(this, 'EdrFeedQueueUrl', { value: feed.queue.queueUrl });
    if (alerts.siemQueue) new CfnOutput(this, 'SiemQueueUrl', { value: alerts.siemQueue.queueUrl });
    if (ingest.stream) new CfnOutput(this, 'IngestStreamName', { value: ingest.stream.streamName });
    if (failurePayloads) {
      new CfnOutput(this, 'FailurePayloadBucketName', { value: failurePayloads.bucket.bucketName });
    }
    new CfnOutput(this, 'HighSeverityRank', { value: String(severityRank('high')) });
  }

  /** Findings AWS offers nothing narrower for, each with its reason. */
  private acknowledgeFindings(functions: readonly PipelineFunction[]): void {
    for (const pipeline of functions) {
      const role = pipeline.function.role;
      if (!role) continue;
      Validations.of(role).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason:
          "The AWS managed basic execution role only allows writing the function's own logs; vmsentry functions log to their own log group.",
      });
      Validations.of(role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'X-Ray PutTraceSegments/PutTelemetryRecords (tracing: ACTIVE) and dynamodb:ListStreams (stream event source) support no resource-level permissions.',
      });
      Validations.of(role).acknowledge({
        id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
        reason:
          "GenerateDataKey* is how CDK grants SNS/SQS/DynamoDB envelope encryption on the stack's own key only (resource is that key).",
      });
      Validations.of(role).acknowledge({
        id: 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]',
        reason:
          "Granted by grantEncryptDecrypt for DynamoDB tables encrypted with the stack's own key only (resource is that key).",
      });
    }
  }
}
