import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { QuarantineSource } from '../../lib/quarantine';
import { METRICS_NAMESPACE, METRICS_SERVICE } from './operations';

export interface QuarantineProps {
  readonly key: kms.IKey;
  /**
   * Functions that write samples and pointers; each gets QUARANTINE_BUCKET and PutObject under its own source's
   * prefix only (`quarantine/<source>/*`, where lib/adapters/s3-quarantine.ts writes it).
   */
  readonly writers: readonly { readonly fn: lambda.Function; readonly source: QuarantineSource }[];
  readonly alarmTopic: sns.ITopic;
  /** Days a quarantine object is kept. */
  readonly retentionDays?: number;
}

export const QUARANTINE_PREFIX = 'quarantine/';

/**
 * The quarantine bucket (lib/quarantine): samples of unparseable records (reason, position, excerpt) from the EDR
 * feed and the subscription function, each under its own prefix, and pointers to S3 objects the EDR feed could not
 * process (bucket, key, from which line, why). Alarms: an object not processed,
 * and S3 reads that keep failing (the EDR feed's DLQ would otherwise be the first sign of an AccessDenied).
 * The parse-error rate itself is alarmed on in operations.ts (ParseErrorRatio); the samples here say what changed.
 */
export class Quarantine extends Construct {
  readonly bucket: s3.Bucket;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: QuarantineProps) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: props.key,
      bucketKeyEnabled: true,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ prefix: QUARANTINE_PREFIX, expiration: Duration.days(props.retentionDays ?? 30) }],
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Diagnostics written only by the pipeline functions (bounded samples and pointers, expired after 30 days); CloudTrail data events cover reads if an account requires them.',
    });
    for (const { fn, source } of props.writers) {
      const prefix = `${QUARANTINE_PREFIX}${source}/`;
      fn.addEnvironment('QUARANTINE_BUCKET', this.bucket.bucketName);
      // PutObject only (grantPut would add s3:Abort* and friends): the functions write small objects in one call.
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['s3:PutObject'],
          resources: [this.bucket.arnForObjects(`${prefix}*`)],
        }),
      );
      props.key.grant(fn, 'kms:GenerateDataKey');
      Validations.of(fn).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket)}.Arn>/${prefix}*]`,
        reason:
          "Quarantine objects get a fresh key each (date and UUID); PutObject is granted under the function's own prefix only.",
      });
    }

    const alarmAction = new actions.SnsAction(props.alarmTopic);
    const add = (metricName: string, description: string): void => {
      const alarm = new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { service: METRICS_SERVICE },
        period: Duration.minutes(5),
        statistic: 'Sum',
      }).createAlarm(this, metricName, {
        alarmDescription: description,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(alarmAction);
      alarm.addOkAction(alarmAction);
      this.alarms.push(alarm);
    };
    add(
      'ObjectsUnprocessed',
      `vmsentry: an EDR object could not be processed (too large, or time ran out); its pointer and reason are in s3://<quarantine bucket>/${QUARANTINE_PREFIX}`,
    );
    add(
      'S3ReadFailures',
      'vmsentry: EDR objects could not be read (AccessDenied, KMS, timeout); the messages are retried and then land in the EDR feed DLQ. See the function log "S3 object not read".',
    );
    add(
      'QuarantineFailures',
      'vmsentry: parse-error samples could not be written to the quarantine bucket (permissions or key policy).',
    );
  }
}
