import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** CloudWatch namespace and service dimension of the pipeline's EMF metrics (Powertools Metrics). */
export const METRICS_NAMESPACE = 'vmsentry';
export const METRICS_SERVICE = 'vmsentry';

export interface OperationsProps {
  readonly topicKey: kms.IKey;
  /** Alarm notifications SNS cannot deliver are kept here. */
  readonly deliveryFailures: sqs.IQueue;
  readonly alarmEmail: string | undefined;
  readonly functions: readonly { readonly name: string; readonly fn: lambda.IFunction }[];
  /** Queues whose depth means something was not processed (DLQs, failure destinations, SNS redrive). */
  readonly deadLetterQueues: readonly { readonly name: string; readonly queue: sqs.IQueue }[];
  /** Subscribed log groups: silence from one of them for `heartbeatMinutes` raises an alarm. */
  readonly heartbeatLogGroups: readonly string[];
  readonly heartbeatMinutes: number;
  /** Kinesis-enabled stacks: alarm when the subscription function sets a stream record aside in the failure bucket. */
  readonly streamSetAside?: { readonly bucket: string; readonly prefix: string };
}

/**
 * Operator alarms and the dashboard. The heartbeat alarms use CloudWatch Logs' own IncomingLogEvents metric per
 * subscribed log group: a source that goes silent is how an intruder blinds monitoring before starting a VM, so
 * missing data is treated as breaching.
 */
export class Operations extends Construct {
  readonly alarmTopic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 'vmsentry operational alarms',
      masterKey: props.topicKey,
      enforceSSL: true,
    });
    // CloudWatch alarms publish to the encrypted topic with the topic's key.
    props.topicKey.grant(
      new iam.ServicePrincipal('cloudwatch.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      'kms:GenerateDataKey*',
      'kms:Decrypt',
    );
    if (props.alarmEmail) {
      this.alarmTopic.addSubscription(
        new subscriptions.EmailSubscription(props.alarmEmail, { deadLetterQueue: props.deliveryFailures }),
      );
    }
    const alarmAction = new actions.SnsAction(this.alarmTopic);

    const add = (alarm: cloudwatch.Alarm): void => {
      alarm.addAlarmAction(alarmAction);
      alarm.addOkAction(alarmAction);
      this.alarms.push(alarm);
    };

    for (const { name, fn } of props.functions) {
      add(
        fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }).createAlarm(this, `${name}Errors`, {
          alarmDescription: `vmsentry ${name}: invocation errors (retries and failure queues keep the events; find the cause in the function's logs)`,
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
      add(
        fn.metricThrottles({ period: Duration.minutes(5), statistic: 'Sum' }).createAlarm(this, `${name}Throttles`, {
          alarmDescription: `vmsentry ${name}: throttled invocations (raise reserved concurrency or switch to the Kinesis path)`,
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
    }

    for (const { name, queue } of props.deadLetterQueues) {
      add(
        queue
          .metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' })
          .createAlarm(this, `${name}Depth`, {
            alarmDescription: `vmsentry ${name}: messages that could not be processed are waiting (replay with \`vmsentry redrive\`)`,
            threshold: 1,
            evaluationPeriods: 1,
            comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
          }),
      );
    }

    const recordsIn = pipelineMetric('RecordsIn');
    const parseErrors = pipelineMetric('ParseErrors');
    add(
      new cloudwatch.MathExpression({
        expression: 'IF(records > 100, 100 * errors / records, 0)',
        usingMetrics: { records: recordsIn, errors: parseErrors },
        period: Duration.minutes(15),
        label: 'Parse error %',
      }).createAlarm(this, 'ParseErrorRatio', {
        alarmDescription:
          'vmsentry: more than 5 % of records fail to parse (a source changed format, or someone feeds garbage)',
        threshold: 5,
        evaluationPeriods: 2,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );

    add(
      pipelineMetric('FailClosedLookups').createAlarm(this, 'FailClosedLookups', {
        alarmDescription:
          "vmsentry: the allowlist could not be read; alerts go out unfiltered (fail closed). Check the table, its key and the functions' permissions.",
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );

    if (props.streamSetAside) {
      const { bucket, prefix } = props.streamSetAside;
      add(
        pipelineMetric('StreamRecordsSetAside').createAlarm(this, 'StreamRecordsSetAside', {
          alarmDescription: `vmsentry: a Kinesis record failed for a reason retrying cannot change and was set aside (its alerts are not delivered). The record and the reason are in s3://${bucket}/${prefix}; replay it once the cause is fixed.`,
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
    }

    props.heartbeatLogGroups.forEach((logGroupName, index) => {
      add(
        new cloudwatch.Metric({
          namespace: 'AWS/Logs',
          metricName: 'IncomingLogEvents',
          dimensionsMap: { LogGroupName: logGroupName },
          period: Duration.minutes(props.heartbeatMinutes),
          statistic: 'Sum',
        }).createAlarm(this, `Heartbeat${index}`, {
          alarmDescription: `vmsentry heartbeat: no events from ${logGroupName} for ${props.heartbeatMinutes} minutes. The source may have been stopped or blinded — itself a defense-evasion signal.`,
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.BREACHING,
        }),
      );
    });

    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName: 'vmsentry' });
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Records and parse errors',
        left: [recordsIn, parseErrors, pipelineMetric('Events')],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Detections to alerts',
        left: ['Matches', 'Allowlisted', 'Deduplicated', 'Published'].map(pipelineMetric),
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Failures (must stay at zero)',
        left: ['PublishFailures', 'FailClosedLookups', 'AllowlistEntryMalformed'].map(pipelineMetric),
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Function errors and duration',
        left: props.functions.map(({ fn }) => fn.metricErrors({ period: Duration.minutes(5) })),
        right: props.functions.map(({ fn }) => fn.metricDuration({ period: Duration.minutes(5), statistic: 'p99' })),
        width: 12,
      }),
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24 }),
    );
  }
}

function pipelineMetric(metricName: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service: METRICS_SERVICE },
    period: Duration.minutes(5),
    statistic: 'Sum',
  });
}
