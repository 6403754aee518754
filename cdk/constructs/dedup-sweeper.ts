import { Duration, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { FOLLOW_UP_INDEX } from '../../lib/model/tables';
import { FIXED_FUNCTION_TIMEOUT_SECONDS } from '../../lib/settings';
import { PipelineFunction } from './pipeline-function';

export interface DedupSweeperProps {
  readonly state: dynamodb.Table;
  readonly topic: sns.ITopic;
  readonly key: kms.IKey;
  readonly topicKey: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  /** How often owed follow-ups are swept: a follow-up goes out at most this long after its window ends. */
  readonly every?: Duration;
}

/**
 * The dedup follow-up sweeper: a schedule invokes it every few minutes; it reads the sparse follow-up index of the
 * state table and publishes "seen N more times" messages to the alert topic (lambdas/dedup-sweeper.ts). A schedule,
 * not the next event of the key: a host that goes quiet after its alert is still followed up.
 */
export class DedupSweeper extends Construct {
  readonly function: PipelineFunction;

  constructor(scope: Construct, id: string, props: DedupSweeperProps) {
    super(scope, id);
    this.function = new PipelineFunction(this, 'Function', {
      entry: 'dedup-sweeper',
      description: 'vmsentry: dedup follow-ups ("seen N more times") for windows that ended with unreported repeats',
      memorySize: 256,
      timeout: Duration.seconds(FIXED_FUNCTION_TIMEOUT_SECONDS.dedupSweeper),
      environment: { STATE_TABLE: props.state.tableName, ALERT_TOPIC_ARN: props.topic.topicArn },
      logRetention: props.logRetention,
      key: props.key,
    });
    const fn = this.function.function;
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [`${props.state.tableArn}/index/${FOLLOW_UP_INDEX.name}`],
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['dynamodb:GetItem', 'dynamodb:PutItem'], resources: [props.state.tableArn] }),
    );
    props.key.grantEncryptDecrypt(fn);
    props.topic.grantPublish(fn);
    props.topicKey.grant(fn, 'kms:GenerateDataKey*', 'kms:Decrypt');
    const schedule = new events.Rule(this, 'Schedule', {
      description: 'vmsentry: sweep owed dedup follow-ups',
      schedule: events.Schedule.rate(props.every ?? Duration.minutes(5)),
      targets: [new targets.LambdaFunction(fn, { retryAttempts: 2 })],
    });
    Validations.of(schedule).acknowledge({
      id: 'Serverless-EventBusDLQ',
      reason:
        'A schedule event carries no data: a missed sweep loses nothing, the owed windows stay in the follow-up index for the next sweep. Function errors are alarmed.',
    });
  }
}
