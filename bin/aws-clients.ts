/**
 * AWS SDK clients for the operator commands, from the common flags --region, --profile and --endpoint, and the
 * translation of the SDK's failures that a user can fix (no credentials, unreachable endpoint, no region) into usage
 * errors (exit 2) that say what to do.
 */
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Command } from 'commander';
import { UsageError } from './cli-io';

export interface AwsOptions {
  readonly region?: string;
  readonly profile?: string;
  /** LocalStack (http://localhost:4566), dynalite or another emulator. */
  readonly endpoint?: string;
}

/** Adds --region, --profile and --endpoint to a command. */
export function addAwsOptions(command: Command): Command {
  return command
    .option('--region <name>', "AWS region (default: AWS_REGION / the profile's region)")
    .option('--profile <name>', 'named profile from ~/.aws/config (default: AWS_PROFILE)')
    .option('--endpoint <url>', 'send every AWS call to this endpoint (LocalStack: http://localhost:4566)');
}

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\]|localstack|host\.docker\.internal)$/i;

/** True when the endpoint is an emulator on this machine (it accepts any credentials). */
export function isLocalEndpoint(endpoint: string | undefined): boolean {
  if (!endpoint) return false;
  try {
    return LOOPBACK.test(new URL(endpoint).hostname);
  } catch {
    return false;
  }
}

export function validateAwsOptions(options: AwsOptions): void {
  if (options.endpoint !== undefined) {
    let url: URL;
    try {
      url = new URL(options.endpoint);
    } catch {
      throw new UsageError(`--endpoint ${options.endpoint}: not a URL (for example http://localhost:4566)`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new UsageError(`--endpoint ${options.endpoint}: must be http:// or https://`);
    }
  }
  if (options.region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d$/.test(options.region)) {
    throw new UsageError(`--region ${options.region}: not a region name (for example eu-west-1)`);
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The configuration every client gets. Local endpoints get dummy credentials unless the user configured some.
 * `--endpoint` defaults to VMSENTRY_ENDPOINT.
 */
export function clientConfig(given: AwsOptions, env: Env = process.env): Record<string, unknown> {
  // VMSENTRY_ENDPOINT stands in for --endpoint (what `vmsentry local --serve` prints to export).
  const fromEnv = env['VMSENTRY_ENDPOINT'];
  const options = given.endpoint === undefined && fromEnv ? { ...given, endpoint: fromEnv } : given;
  validateAwsOptions(options);
  const local = isLocalEndpoint(options.endpoint);
  const hasEnvCredentials = Boolean(env['AWS_ACCESS_KEY_ID'] && env['AWS_SECRET_ACCESS_KEY']);
  const region =
    options.region ?? (local && !env['AWS_REGION'] && !env['AWS_DEFAULT_REGION'] ? 'us-east-1' : undefined);
  return {
    ...(region ? { region } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(local && !options.profile && !hasEnvCredentials
      ? { credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }
      : {}),
    // An emulator that is down should fail in seconds, not after the standard retry schedule.
    maxAttempts: local ? 1 : 3,
  };
}

export interface AwsClients {
  readonly logs: CloudWatchLogsClient;
  readonly sqs: SQSClient;
  readonly sns: SNSClient;
  readonly s3: S3Client;
  readonly dynamodb: DynamoDBClient;
  readonly doc: DynamoDBDocumentClient;
  readonly config: Record<string, unknown>;
}

/**
 * One service's configuration. The SDK's per-service variable (AWS_ENDPOINT_URL_DYNAMODB, _SQS, _SNS, _S3,
 * _CLOUDWATCH_LOGS) wins over --endpoint for its service, so emulators of different services combine (fauxqs for
 * SQS/SNS/S3, dynalite for DynamoDB). It is passed as the client's endpoint: SQS would otherwise send to the host of
 * the queue URL. S3 on an emulator is path-style: bucket.127.0.0.1 is no host name.
 */
export function serviceConfig(
  config: Record<string, unknown>,
  service: 'CLOUDWATCH_LOGS' | 'SQS' | 'SNS' | 'S3' | 'DYNAMODB',
  env: Env = process.env,
): Record<string, unknown> {
  const own = env[`AWS_ENDPOINT_URL_${service}`];
  const withEndpoint = own ? { ...config, endpoint: own } : config;
  const endpoint = withEndpoint['endpoint'];
  return service === 'S3' && typeof endpoint === 'string' && isLocalEndpoint(endpoint)
    ? { ...withEndpoint, forcePathStyle: true }
    : withEndpoint;
}

/** Clients are created lazily: a command pays only for the services it calls. */
export function createAwsClients(options: AwsOptions, env: Env = process.env): AwsClients {
  const config = clientConfig(options, env);
  let logs: CloudWatchLogsClient | undefined;
  let sqs: SQSClient | undefined;
  let sns: SNSClient | undefined;
  let s3: S3Client | undefined;
  let dynamodb: DynamoDBClient | undefined;
  let doc: DynamoDBDocumentClient | undefined;
  return {
    config,
    get logs() {
      logs ??= new CloudWatchLogsClient(serviceConfig(config, 'CLOUDWATCH_LOGS', env));
      return logs;
    },
    get sqs() {
      sqs ??= new SQSClient(serviceConfig(config, 'SQS', env));
      return sqs;
    },
    get sns() {
      sns ??= new SNSClient(serviceConfig(config, 'SNS', env));
      return sns;
    },
    get s3() {
      s3 ??= new S3Client(serviceConfig(config, 'S3', env));
      return s3;
    },
    get dynamodb() {
      dynamodb ??= new DynamoDBClient(serviceConfig(config, 'DYNAMODB', env));
      return dynamodb;
    },
    get doc() {
      doc ??= DynamoDBDocumentClient.from(this.dynamodb, { marshallOptions: { removeUndefinedValues: true } });
      return doc;
    },
  };
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'EHOSTUNREACH', 'ETIMEDOUT']);

function codeOf(error: unknown, depth = 0): string | undefined {
  if (depth > 4 || error === null || typeof error !== 'object') return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && CONNECTION_CODES.has(code)) return code;
  const nested = (error as { errors?: unknown }).errors;
  if (Array.isArray(nested)) {
    for (const inner of nested) {
      const found = codeOf(inner, depth + 1);
      if (found) return found;
    }
  }
  return codeOf((error as { cause?: unknown }).cause, depth + 1);
}

/**
 * The user-fixable AWS failure behind an error, as a UsageError with advice; undefined for anything else (access
 * denied, throttling, a missing resource are reported by the command with their own context).
 */
export function awsUsageError(error: unknown, options: AwsOptions): UsageError | undefined {
  if (!(error instanceof Error)) return undefined;
  if (
    error.name === 'CredentialsProviderError' ||
    /Could not load credentials|Could not resolve credentials/i.test(error.message)
  ) {
    const profile = options.profile ? ` (profile "${options.profile}")` : '';
    return new UsageError(
      `no AWS credentials${profile}: ${error.message}. Configure credentials (aws configure / aws sso login, or ` +
        'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), pick a profile with --profile NAME, or use --endpoint for LocalStack.',
      { cause: error },
    );
  }
  if (/Region is missing/i.test(error.message)) {
    return new UsageError('no AWS region: pass --region NAME or set AWS_REGION (or a region in the profile)', {
      cause: error,
    });
  }
  const code = codeOf(error);
  if (code) {
    const where = options.endpoint ?? 'the AWS endpoint';
    return new UsageError(`cannot reach ${where} (${code})${options.endpoint ? ': is LocalStack running?' : ''}`, {
      cause: error,
    });
  }
  if (
    error.name === 'UnrecognizedClientException' ||
    error.name === 'InvalidClientTokenId' ||
    error.name === 'ExpiredTokenException'
  ) {
    return new UsageError(`AWS rejected the credentials (${error.name}): refresh them or pick another --profile`, {
      cause: error,
    });
  }
  return undefined;
}

/** Run an AWS call; user-fixable failures become UsageError (exit 2), the rest are rethrown unchanged. */
export async function withAwsErrors<T>(options: AwsOptions, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw awsUsageError(error, options) ?? error;
  }
}
