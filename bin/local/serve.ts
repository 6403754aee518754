/**
 * `vmsentry local --serve`: after the run, keep its DynamoDB (dynalite) and SNS/SQS/S3 emulator (fauxqs) listening on
 * loopback with the state the run wrote, announce them in a discovery file for `--local` (bin/local/target.ts) and
 * as copy-pasteable exports, and stop cleanly on SIGINT or SIGTERM.
 */
import { InvalidArgumentError } from 'commander';
import { type CliIo, UsageError, writeLine } from '../cli-io';
import { createQueue, emulatorClients } from './emulator';
import {
  FAILURE_QUEUE,
  type LocalState,
  localStatePath,
  readLocalState,
  removeLocalState,
  staleReason,
  writeLocalState,
} from './target';

type Env = Readonly<Record<string, string | undefined>>;

/** `--port N`: DynamoDB on N, the SNS/SQS/S3 emulator on N+1. */
export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1024 || port > 65534)
    throw new InvalidArgumentError('a port number from 1024 to 65534 (DynamoDB takes N, SNS/SQS/S3 N+1)');
  return port;
}

/**
 * Before anything starts: the discovery file this server will write. Another live server on the same file is a
 * usage error; a stale file (its server killed) is reported in one line and replaced.
 */
export async function claimServe(io: CliIo, env: Env = process.env, cwd = process.cwd()): Promise<string> {
  const file = localStatePath(env, cwd);
  const existing = readLocalState(file);
  if (existing !== undefined && existing.pid !== process.pid) {
    const stale = await staleReason(existing);
    if (stale === undefined) {
      throw new UsageError(
        `another vmsentry local --serve is running (pid ${existing.pid}, ${file}): stop it first, or set VMSENTRY_LOCAL_STATE to serve a second one`,
      );
    }
    await writeLine(io.stdout, `replacing stale ${file}: ${stale}`);
  }
  return file;
}

/** What the run leaves up to serve: the discovery file's content less what serving adds (pid, time, failure queue). */
export type ServedInstance = Omit<LocalState, 'version' | 'pid' | 'startedAt'>;

/** The lines a user pastes into another shell to point any tool (this CLI, the AWS CLI, an SDK) at the instance. */
export function exportLines(state: LocalState): string[] {
  return [
    `export VMSENTRY_ENDPOINT=${state.dynamodbEndpoint}`,
    `export AWS_ENDPOINT_URL_DYNAMODB=${state.dynamodbEndpoint}`,
    ...['SNS', 'SQS', 'S3'].map((service) => `export AWS_ENDPOINT_URL_${service}=${state.emulatorEndpoint}`),
    `export VMSENTRY_ALLOWLIST_TABLE=${state.tables.allowlist}`,
    `export VMSENTRY_STATE_TABLE=${state.tables.state}`,
    `export VMSENTRY_ALERT_TOPIC_ARN=${state.topicArn}`,
  ];
}

/**
 * Serve until SIGINT or SIGTERM (or `stop`, for tests): write the discovery file, print the endpoints, wait, then
 * remove the file. The caller stops dynalite and the emulator afterwards, as after any run.
 */
export async function serveUntilSignal(
  instance: ServedInstance,
  io: CliIo,
  options: { readonly file: string; readonly stop?: Promise<unknown> },
): Promise<void> {
  const { sqs } = emulatorClients(instance.emulatorEndpoint);
  const failures = await createQueue(sqs, FAILURE_QUEUE).finally(() => sqs.destroy());
  const state: LocalState = {
    version: 1,
    pid: process.pid,
    startedAt: new Date().toISOString(),
    ...instance,
    queues: { ...instance.queues, [FAILURE_QUEUE]: failures.url },
  };
  let onSignal: () => void = () => {};
  const signalled = new Promise<void>((resolve) => {
    onSignal = resolve;
  });
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  try {
    writeLocalState(options.file, state);
    const out = (text = ''): Promise<void> => writeLine(io.stdout, text);
    await out();
    await out(`serving local mode (pid ${process.pid}) until Ctrl-C or SIGTERM, with the state this run wrote:`);
    await out(`  DynamoDB   ${state.dynamodbEndpoint}  tables ${state.tables.allowlist}, ${state.tables.state}`);
    await out(`  SNS/SQS/S3 ${state.emulatorEndpoint}  topic ${state.topicArn}`);
    await out(`  failure queue for redrive ${failures.url}`);
    await out(`  discovery file ${options.file} (for --local)`);
    await out('target it with --local (allowlist, redrive, validate), e.g. `npx vmsentry allowlist list --local`,');
    await out('or from another shell, for any tool:');
    for (const line of exportLines(state)) await out(`  ${line}`);
    await Promise.race([signalled, ...(options.stop ? [options.stop] : [])]);
  } finally {
    process.removeListener('SIGINT', onSignal).removeListener('SIGTERM', onSignal);
    removeLocalState(options.file);
  }
  await writeLine(io.stdout, `stopped serving: ${options.file} removed`);
}
