/**
 * `vmsentry redrive`: replay what the failure queues kept. Each message is classified (on-failure destination record,
 * DLQ'd raw event, EDR feed message, stream metadata), run through the pipeline here with the real handler factories
 * and real clients (or re-invoked in the deployed function with --function), and deleted only after it was
 * processed successfully. Anything that cannot be replayed stays in its queue and is reported.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { CloudWatchLogsEvent, SQSEvent } from 'aws-lambda';
import { type Command, InvalidArgumentError } from 'commander';
import { createCloudWatchHandler } from '../../lambdas/cloudwatch-subscription';
import { createEdrFeedHandler } from '../../lambdas/edr-feed';
import { type IngestDeps, loadRules } from '../../lambdas/runtime';
import { SnsAlertPublisher } from '../../lib/adapters/sns-publisher';
import {
  classifyFailureMessage,
  describeStreamMetadata,
  type FailureRecord,
} from '../../lib/adapters/sqs-failure-records';
import { type QueueMessage, type QueuePort, SqsQueue } from '../../lib/adapters/sqs-queue';
import { parseConfig } from '../../lib/config';
import { type AwsOptions, addAwsOptions, createAwsClients, withAwsErrors } from '../aws-clients';
import { envNames, fromEnv } from '../cli-env';
import { type CliIo, describeError, EXIT, errorLine, processIo, UsageError, writeLine } from '../cli-io';
import { FAILURE_QUEUE, localAwsOptions, resolveLocalTarget } from '../local/target';
import { BUILTIN_RULES_DIR, collect } from '../rule-sources';

type Env = Readonly<Record<string, string | undefined>>;

export interface RedriveOptions extends AwsOptions {
  readonly queueUrl: string[];
  readonly function?: string;
  readonly allowlistTable?: string;
  readonly stateTable?: string;
  readonly topicArn?: string;
  readonly dryRun?: boolean;
  readonly json?: boolean;
  readonly max: number;
  /** Target the served local instance (`vmsentry local --serve`): its tables, topic and failure queue. */
  readonly local?: boolean;
}

/** Replays one classified record; resolves when it was processed, throws when it was not. */
export interface Replayer {
  replay(record: FailureRecord, message: QueueMessage, queueUrl: string): Promise<void>;
}

/** Port: invoke a deployed function synchronously with a payload; throws on a function error. */
export interface FunctionInvoker {
  invoke(functionName: string, payload: unknown): Promise<void>;
}

export interface RedriveDeps {
  readonly queues?: (queueUrl: string) => QueuePort;
  readonly replayer?: Replayer;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export type RedriveAction = 'replayed' | 'failed' | 'skipped' | 'listed';

export interface RedriveLine {
  readonly queue: string;
  readonly messageId: string;
  readonly kind: FailureRecord['kind'];
  readonly origin?: string;
  readonly action: RedriveAction;
  readonly detail?: string;
}

/** Runs records through the handler factories in this process (real DynamoDB, SNS and S3 clients). */
export class LocalReplayer implements Replayer {
  private readonly cloudwatch: (event: CloudWatchLogsEvent) => Promise<unknown>;
  private readonly edr: ReturnType<typeof createEdrFeedHandler>;

  constructor(deps: IngestDeps & { readonly s3: S3Client }) {
    this.cloudwatch = createCloudWatchHandler(deps);
    this.edr = createEdrFeedHandler(deps);
  }

  async replay(record: FailureRecord, message: QueueMessage, queueUrl: string): Promise<void> {
    if (record.kind === 'cloudwatch') {
      await this.cloudwatch(record.event);
      return;
    }
    if (record.kind === 'edr-feed') {
      const response = await this.edr(sqsEventOf(record.bodies, message, queueUrl));
      if (response.batchItemFailures.length > 0) {
        throw new Error(`${response.batchItemFailures.length} record(s) failed again in the EDR feed handler`);
      }
      return;
    }
    throw new Error(`cannot replay a ${record.kind} record`);
  }
}

/** Re-invokes the deployed function with the original event. */
export class InvokeReplayer implements Replayer {
  constructor(
    private readonly invoker: FunctionInvoker,
    private readonly functionName: string,
  ) {}

  async replay(record: FailureRecord, message: QueueMessage, queueUrl: string): Promise<void> {
    if (record.kind === 'cloudwatch') return this.invoker.invoke(this.functionName, record.event);
    if (record.kind === 'edr-feed')
      return this.invoker.invoke(this.functionName, sqsEventOf(record.bodies, message, queueUrl));
    throw new Error(`cannot replay a ${record.kind} record`);
  }
}

/** The SQS event the EDR feed function receives, rebuilt around the kept bodies. */
export function sqsEventOf(bodies: readonly string[], message: QueueMessage, queueUrl: string): SQSEvent {
  const arn = queueArnOf(queueUrl);
  const region = arn.split(':')[3] ?? 'us-east-1';
  return {
    Records: bodies.map((body, index) => ({
      messageId: bodies.length === 1 ? message.messageId : `${message.messageId}#${index}`,
      receiptHandle: 'redrive',
      body,
      attributes: {
        ApproximateReceiveCount: message.attributes['ApproximateReceiveCount'] ?? '1',
        SentTimestamp: message.attributes['SentTimestamp'] ?? String(Date.now()),
        SenderId: message.attributes['SenderId'] ?? 'redrive',
        ApproximateFirstReceiveTimestamp: message.attributes['ApproximateFirstReceiveTimestamp'] ?? String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: arn,
      awsRegion: region,
    })),
  };
}

/** https://sqs.<region>.amazonaws.com/<account>/<name> -> arn:aws:sqs:<region>:<account>:<name> (LocalStack URLs too). */
export function queueArnOf(queueUrl: string): string {
  try {
    const url = new URL(queueUrl);
    const [account, name] = url.pathname.split('/').filter(Boolean).slice(-2);
    const region = /sqs\.([a-z0-9-]+)\./.exec(url.hostname)?.[1] ?? 'us-east-1';
    return `arn:aws:sqs:${region}:${account ?? '000000000000'}:${name ?? 'queue'}`;
  } catch {
    return 'arn:aws:sqs:us-east-1:000000000000:queue';
  }
}

/** A FunctionInvoker on @aws-sdk/client-lambda, loaded only when --function asks for it (keeps CLI start-up light). */
function lambdaInvoker(config: Record<string, unknown>): FunctionInvoker {
  let sdk: {
    LambdaClient: new (
      config: unknown,
    ) => { send(command: unknown): Promise<{ FunctionError?: string; Payload?: Uint8Array }> };
    InvokeCommand: new (input: unknown) => unknown;
  };
  try {
    sdk = require('@aws-sdk/client-lambda');
  } catch {
    throw new UsageError(
      '--function needs @aws-sdk/client-lambda (npm install @aws-sdk/client-lambda); without --function the records are replayed in this process',
    );
  }
  const client = new sdk.LambdaClient(config);
  return {
    async invoke(functionName, payload) {
      const response = await client.send(
        new sdk.InvokeCommand({
          FunctionName: functionName,
          InvocationType: 'RequestResponse',
          Payload: Buffer.from(JSON.stringify(payload)),
        }),
      );
      const text = response.Payload ? Buffer.from(response.Payload).toString('utf8') : '';
      if (response.FunctionError) throw new Error(`function error (${response.FunctionError}): ${text.slice(0, 300)}`);
      const failures = (safeJson(text) as { batchItemFailures?: unknown[] } | undefined)?.batchItemFailures;
      if (Array.isArray(failures) && failures.length > 0)
        throw new Error(`${failures.length} record(s) failed again in the function`);
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function localReplayer(options: RedriveOptions, env: Readonly<Record<string, string | undefined>>): Replayer {
  const allowlistTable = options.allowlistTable ?? fromEnv('allowlistTable', env);
  const stateTable = options.stateTable ?? fromEnv('stateTable', env);
  const topicArn = options.topicArn ?? fromEnv('alertTopicArn', env);
  const parsed = parseConfig({
    ...env,
    ...(allowlistTable ? { ALLOWLIST_TABLE: allowlistTable } : {}),
    ...(stateTable ? { STATE_TABLE: stateTable } : {}),
    ...(topicArn ? { ALERT_TOPIC_ARN: topicArn } : {}),
  });
  if (!parsed.ok) {
    throw new UsageError(
      `replaying here needs the deployment's tables and topic: ${parsed.problems.join('; ')} ` +
        `(--allowlist-table, --state-table, --topic-arn, or ${envNames('allowlistTable')}, ${envNames('stateTable')}, ` +
        `${envNames('alertTopicArn')}; or --function NAME)`,
    );
  }
  const config = parsed.config;
  const clients = createAwsClients(options, env);
  return new LocalReplayer({
    config,
    doc: clients.doc,
    publisher: new SnsAlertPublisher(clients.sns, config.alertTopicArn, { allowlistTable: config.allowlistTable }),
    rules: loadRules(config.rulesDir ?? BUILTIN_RULES_DIR),
    s3: clients.s3,
  });
}

/** Drain each queue: classify, replay, delete on success. Returns one line per message. */
export async function redriveQueues(
  queues: readonly QueuePort[],
  replayer: Replayer | undefined,
  options: { readonly dryRun?: boolean; readonly max: number },
  onLine: (line: RedriveLine) => Promise<void>,
): Promise<RedriveLine[]> {
  const lines: RedriveLine[] = [];
  for (const queue of queues) {
    const seen = new Set<string>();
    let handled = 0;
    while (handled < options.max) {
      // Visibility: long enough to replay a batch; a failed message reappears after it for the next attempt.
      const messages = await queue.receive(Math.min(10, options.max - handled), 1, options.dryRun ? 30 : 300);
      const fresh = messages.filter((message) => !seen.has(message.messageId));
      if (fresh.length === 0) break;
      for (const message of fresh) {
        seen.add(message.messageId);
        handled++;
        const line = await handle(queue, message, replayer, options.dryRun ?? false);
        lines.push(line);
        await onLine(line);
      }
    }
  }
  return lines;
}

async function handle(
  queue: QueuePort,
  message: QueueMessage,
  replayer: Replayer | undefined,
  dryRun: boolean,
): Promise<RedriveLine> {
  const record = classifyFailureMessage(message.body);
  const base = {
    queue: queue.queueUrl,
    messageId: message.messageId,
    kind: record.kind,
    ...('origin' in record ? { origin: record.origin } : {}),
  };
  if (record.kind === 'stream-metadata') return { ...base, action: 'skipped', detail: describeStreamMetadata(record) };
  if (record.kind === 'unknown') return { ...base, action: 'skipped', detail: `${record.reason}; left in the queue` };
  if (dryRun || !replayer) {
    const what =
      record.kind === 'cloudwatch'
        ? 'CloudWatch Logs subscription event'
        : `${record.bodies.length} EDR feed message(s)`;
    return { ...base, action: 'listed', detail: what };
  }
  try {
    await replayer.replay(record, message, queue.queueUrl);
  } catch (error) {
    return { ...base, action: 'failed', detail: `${describeError(error)}; left in the queue` };
  }
  await queue.delete(message);
  return { ...base, action: 'replayed' };
}

/**
 * `--local`: the served instance's tables, topic and endpoints (resolveLocalTarget), and its failure queue when no
 * --queue-url is given. Flags that name another target are refused beside it.
 */
async function withLocal(given: RedriveOptions, deps: RedriveDeps): Promise<{ options: RedriveOptions; env: Env }> {
  const env = deps.env ?? process.env;
  if (!given.local) return { options: given, env };
  for (const [flag, value] of [
    ['--allowlist-table', given.allowlistTable],
    ['--state-table', given.stateTable],
    ['--topic-arn', given.topicArn],
    ['--function', given.function],
  ] as const) {
    if (value !== undefined) throw new UsageError(`--local and ${flag} name two targets: pass one`);
  }
  const target = await resolveLocalTarget({ env });
  const failureQueue = target.state.queues[FAILURE_QUEUE];
  const queueUrl = given.queueUrl.length > 0 || failureQueue === undefined ? given.queueUrl : [failureQueue];
  return {
    options: {
      ...localAwsOptions(given, target),
      queueUrl,
      allowlistTable: target.state.tables.allowlist,
      stateTable: target.state.tables.state,
      topicArn: target.state.topicArn,
    },
    env: target.env,
  };
}

export async function runRedrive(given: RedriveOptions, io: CliIo, deps: RedriveDeps = {}): Promise<number> {
  const { options, env } = await withLocal(given, deps);
  if (options.queueUrl.length === 0) throw new UsageError('--queue-url is required (repeatable)');
  for (const url of options.queueUrl) {
    if (!/^https?:\/\/\S+\/\d{12}\/[\w.-]+$/.test(url))
      throw new UsageError(`--queue-url ${url}: not an SQS queue URL`);
  }
  const clients = deps.queues && (deps.replayer || options.dryRun) ? undefined : createAwsClients(options, env);
  const queueOf = deps.queues ?? ((url: string) => new SqsQueue((clients as NonNullable<typeof clients>).sqs, url));
  const replayer = options.dryRun
    ? undefined
    : (deps.replayer ??
      (options.function
        ? new InvokeReplayer(lambdaInvoker((clients as NonNullable<typeof clients>).config), options.function)
        : localReplayer(options, env)));
  const onLine = async (line: RedriveLine): Promise<void> => {
    if (options.json) await writeLine(io.stdout, JSON.stringify(line));
    else
      await writeLine(
        io.stdout,
        `${line.action.padEnd(8)} ${line.kind.padEnd(15)} ${line.messageId} ${line.detail ?? ''}`.trimEnd(),
      );
  };
  const lines = await withAwsErrors(options, () =>
    redriveQueues(options.queueUrl.map(queueOf), replayer, options, onLine),
  );
  const count = (action: RedriveAction) => lines.filter((line) => line.action === action).length;
  errorLine(
    io,
    options.dryRun
      ? `${lines.length} message(s) listed (dry run: nothing replayed or deleted; they reappear after 30 s)`
      : `${count('replayed')} replayed and deleted, ${count('failed')} failed, ${count('skipped')} skipped (left in the queue)`,
  );
  return count('failed') + count('skipped') > 0 ? 1 : EXIT.ok;
}

function positive(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) throw new InvalidArgumentError('a positive whole number');
  return parsed;
}

export function register(program: Command): void {
  addAwsOptions(
    program
      .command('redrive')
      .description('replay what the failure queues kept through the pipeline; delete each message once processed')
      .option('--queue-url <url>', 'failure queue / DLQ (repeatable)', collect, [])
      .option('--function <name>', 're-invoke this deployed function instead of replaying here')
      .option('--allowlist-table <name>', `allowlist table (replaying here; default ${envNames('allowlistTable')})`)
      .option('--state-table <name>', `state table (replaying here; default ${envNames('stateTable')})`)
      .option('--topic-arn <arn>', `alert topic (replaying here; default ${envNames('alertTopicArn')})`)
      .option('--max <n>', 'most messages handled per queue', positive, 1000)
      .option('--dry-run', 'list what would be replayed; replay and delete nothing')
      .option(
        '--local',
        `replay into the served local instance (\`npx vmsentry local --serve\`); default queue: its ${FAILURE_QUEUE}`,
      )
      .option('--json', 'JSON lines'),
  )
    .addHelpText(
      'after',
      '\nKinesis on-failure records carry only shard and sequence numbers: they are reported and left in the queue.' +
        '\nExit codes: 0 everything replayed, 1 a message failed or was skipped (left in its queue), 2 usage, credentials or endpoint error.',
    )
    .action(async (options: RedriveOptions) => {
      process.exitCode = await runRedrive(options, processIo);
    });
}
