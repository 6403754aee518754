import { join } from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { FUNCTION_BUNDLING, FUNCTION_NODE_OPTIONS, ruleBundlingCommands } from '../bundling';

/** Repository root, where lambdas/ and rules/ live (cdk/ never imports the handlers: it names their entry files). */
export const PROJECT_ROOT = join(__dirname, '..', '..');

/** How long failure queues (and what they point to) keep what could not be processed: SQS's maximum. */
export const FAILURE_RETENTION = Duration.days(14);

export interface PipelineFunctionProps {
  /** Handler file under lambdas/, without extension. */
  readonly entry: string;
  readonly description: string;
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly environment: Record<string, string>;
  readonly logRetention: logs.RetentionDays;
  readonly key: kms.IKey;
  /** Copy rules/ next to the bundle and write the rule pack the function loads (functions that run detection). */
  readonly withRules?: boolean;
  /** Invoked asynchronously (CloudWatch subscription, SNS): failed events go to a failure queue after retries. */
  readonly asynchronous?: boolean;
  /** Invoked synchronously (API Gateway): the caller gets the error, so there is nothing to keep after a failure. */
  readonly synchronous?: boolean;
}

/**
 * One Lambda function as vmsentry deploys them all: esbuild bundle (local esbuild, no Docker; options shared with the
 * bench in cdk/bundling.ts), ARM64, current Node runtime, source map files (not loaded at run time), X-Ray tracing,
 * its own log group with retention, bounded memory/timeout, and for asynchronous invocations an SQS on-failure
 * destination so nothing that still fails after retries is lost. Only the destination:
 * a dead-letter queue beside it would receive every failed event a second time.
 */
export class PipelineFunction extends Construct {
  readonly function: nodejs.NodejsFunction;
  /** Where asynchronous invocations land after their retries fail (undefined for poll-based functions). */
  readonly failureQueue: sqs.Queue | undefined;

  constructor(scope: Construct, id: string, props: PipelineFunctionProps) {
    super(scope, id);
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.failureQueue = props.asynchronous
      ? new sqs.Queue(this, 'FailureQueue', {
          retentionPeriod: FAILURE_RETENTION,
          encryption: sqs.QueueEncryption.KMS,
          encryptionMasterKey: props.key,
          enforceSSL: true,
        })
      : undefined;
    this.function = new nodejs.NodejsFunction(this, 'Function', {
      entry: join(PROJECT_ROOT, 'lambdas', `${props.entry}.ts`),
      handler: 'handler',
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      environment: {
        ...(FUNCTION_NODE_OPTIONS ? { NODE_OPTIONS: FUNCTION_NODE_OPTIONS } : {}),
        POWERTOOLS_SERVICE_NAME: 'vmsentry',
        ...props.environment,
      },
      environmentEncryption: props.key,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      projectRoot: PROJECT_ROOT,
      bundling: {
        ...FUNCTION_BUNDLING,
        // Pin the SDK we test with instead of the runtime's copy.
        externalModules: [],
        ...(props.withRules
          ? {
              commandHooks: {
                beforeBundling: () => [],
                beforeInstall: () => [],
                afterBundling: ruleBundlingCommands,
              },
            }
          : {}),
      },
      ...(this.failureQueue
        ? {
            retryAttempts: 2,
            maxEventAge: Duration.hours(6),
            onFailure: new SqsDestination(this.failureQueue),
          }
        : {}),
    });
    if (this.failureQueue) {
      Validations.of(this.function).acknowledge({
        id: 'Serverless-LambdaDLQ',
        reason:
          'Failed asynchronous invocations go to the on-failure destination (the event plus why it failed: condition, error). A DLQ as well would hold every failed event twice, and `vmsentry redrive` would replay it twice.',
      });
    } else {
      for (const rule of ['Serverless-LambdaDLQ', 'Serverless-LambdaAsyncFailureDestination']) {
        Validations.of(this.function).acknowledge({
          id: rule,
          reason: props.synchronous
            ? 'Synchronously invoked (API Gateway): a failure is returned to the caller as an error response; there is no event to keep or replay.'
            : 'Poll-based function (SQS / DynamoDB stream / Kinesis event source): failed records are kept by the source queue DLQ or the event source mapping on-failure destination, not by async-invocation settings.',
        });
      }
    }
  }
}
