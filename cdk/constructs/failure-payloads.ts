import { type Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, type IConstruct } from 'constructs';

/** Where the subscription function writes (lib/adapters/failure-payload-writer.ts): failed batch remainders. */
export const FAILURE_PAYLOAD_PREFIX = 'kinesis/';
/** Records that failed for a reason retrying cannot change, set aside so the shard moves on. */
export const SET_ASIDE_PREFIX = 'kinesis-set-aside/';
/** Fixed, so the acknowledged cdk-nag finding can name the grant's resource. */
const LOGICAL_ID = 'FailurePayloadsBucket';

export interface FailurePayloadsProps {
  readonly key: kms.IKey;
  /** As long as the failure queue keeps the on-failure records that point here. */
  readonly retention: Duration;
}

/**
 * The data of Kinesis records the subscription function could not process. The event source mapping's on-failure
 * record is only a pointer (shard, sequence numbers) into a stream that keeps records 24 h; the function writes the
 * records themselves here before reporting them failed, so `vmsentry redrive` docs can replay them any time within
 * the failure queue's retention.
 */
export class FailurePayloads extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: FailurePayloadsProps) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: props.key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      lifecycleRules: [{ expiration: props.retention }],
      // Failed alerts' evidence: kept when the stack is deleted, like the allowlist.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    (this.bucket.node.defaultChild as s3.CfnBucket).overrideLogicalId(LOGICAL_ID);
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Only the subscription function writes here (PutObject on kinesis/* and kinesis-set-aside/*); its own logs record every object it keeps, and CloudTrail records the API calls. A server access log bucket would add a bucket without adding information.',
    });
  }

  /** PutObject on the function's two prefixes, nothing else (the stack key's encrypt grant covers the KMS side). */
  grantKeep(fn: iam.IGrantable & IConstruct): void {
    fn.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:PutObject'],
        resources: [
          this.bucket.arnForObjects(`${FAILURE_PAYLOAD_PREFIX}*`),
          this.bucket.arnForObjects(`${SET_ASIDE_PREFIX}*`),
        ],
      }),
    );
    for (const prefix of [FAILURE_PAYLOAD_PREFIX, SET_ASIDE_PREFIX]) {
      Validations.of(fn).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${LOGICAL_ID}.Arn>/${prefix}*]`,
        reason:
          "Object keys are the failed records' shard and sequence numbers, unknown in advance; PutObject only, on the two prefixes of the stack's own failure bucket.",
      });
    }
  }
}
