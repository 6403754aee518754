/**
 * The served local instance (`vmsentry local --serve`) as other commands find it: a discovery file that the serving
 * process writes (endpoints, table names, topic, queues, its pid) and removes on a clean exit, and
 * `resolveLocalTarget()`, which every `--local` flag goes through. A missing server, or a file left behind by one that
 * was killed, is a usage error (exit 2) in one line that says to run `npx vmsentry local --serve`.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import type { AwsOptions } from '../aws-clients';
import { UsageError } from '../cli-io';

type Env = Readonly<Record<string, string | undefined>>;

/** Overrides where the discovery file lives (default `.vmsentry/local.json` under the current directory). */
export const LOCAL_STATE_ENV = 'VMSENTRY_LOCAL_STATE';
export const DEFAULT_LOCAL_STATE = path.join('.vmsentry', 'local.json');
export const SERVE_HINT = 'run `npx vmsentry local --serve` first';
/** The queue `redrive --local` drains by default: the served instance's failure queue. */
export const FAILURE_QUEUE = 'vmsentry-local-failures';
/** The served alert subscriber `validate --local` waits on (raw alert JSON, every severity). */
export const SIEM_QUEUE = 'siem';

/** What the discovery file holds (version 1). */
export interface LocalState {
  readonly version: 1;
  /** The serving process: the file is stale once it is gone. */
  readonly pid: number;
  readonly startedAt: string;
  readonly region: string;
  /** dynalite: the allowlist and state tables. */
  readonly dynamodbEndpoint: string;
  /** fauxqs: SNS, SQS and S3 on one endpoint. */
  readonly emulatorEndpoint: string;
  readonly tables: { readonly allowlist: string; readonly state: string };
  readonly topicArn: string;
  /** Queue URLs by name: each alert subscriber's stand-in (siem, email, ...) and the failure queue for redrive. */
  readonly queues: Readonly<Record<string, string>>;
  readonly dataDir: string;
}

/** Everything a command needs to talk to the served instance. */
export interface LocalTarget {
  readonly file: string;
  readonly state: LocalState;
  /** For createAwsClients: DynamoDB on dynalite, with the emulator's dummy credentials and region. */
  readonly awsOptions: AwsOptions;
  /** For createAwsClients: the caller's environment with SNS, SQS and S3 sent to the emulator, DynamoDB to dynalite. */
  readonly env: Env;
}

export function localStatePath(env: Env = process.env, cwd = process.cwd()): string {
  const given = env[LOCAL_STATE_ENV];
  return path.resolve(cwd, given !== undefined && given !== '' ? given : DEFAULT_LOCAL_STATE);
}

export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when something accepts TCP connections at the endpoint's host and port within `timeoutMs`. */
export function isListening(endpoint: string, timeoutMs = 1000): Promise<boolean> {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return Promise.resolve(false);
  }
  return new Promise((resolve) => {
    const socket = connect({ host: url.hostname, port: Number(url.port || 80) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function isLocalState(value: unknown): value is LocalState {
  const state = value as Partial<LocalState> | null;
  return (
    typeof state === 'object' &&
    state !== null &&
    state.version === 1 &&
    Number.isInteger(state.pid) &&
    typeof state.dynamodbEndpoint === 'string' &&
    typeof state.emulatorEndpoint === 'string' &&
    typeof state.region === 'string' &&
    typeof state.tables?.allowlist === 'string' &&
    typeof state.tables?.state === 'string' &&
    typeof state.topicArn === 'string' &&
    typeof state.queues === 'object' &&
    state.queues !== null
  );
}

/** The file's state; undefined when there is no file. A file that is not ours is a usage error. */
export function readLocalState(file: string): LocalState | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
      cause: error,
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new UsageError(`${file} is not a vmsentry local state file (not JSON): delete it and ${SERVE_HINT}`, {
      cause,
    });
  }
  if (!isLocalState(parsed))
    throw new UsageError(`${file} is not a vmsentry local state file: delete it and ${SERVE_HINT}`);
  return parsed;
}

/** Why a state file no longer describes a running server, or undefined when it does. */
export async function staleReason(state: LocalState): Promise<string | undefined> {
  if (!isRunning(state.pid)) return `its server (pid ${state.pid}) is gone`;
  for (const endpoint of [state.dynamodbEndpoint, state.emulatorEndpoint]) {
    if (!(await isListening(endpoint))) return `nothing listens on ${endpoint} (pid ${state.pid})`;
  }
  return undefined;
}

/** Written through a temporary file and a rename: a reader never sees half a file. */
export function writeLocalState(file: string, state: LocalState): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(temporary, file);
}

/** Remove the file if it is still this process's (another server may have replaced it since). */
export function removeLocalState(file: string, pid = process.pid): void {
  try {
    if (readLocalState(file)?.pid === pid) rmSync(file, { force: true });
  } catch {
    // Not ours to remove.
  }
}

/**
 * The served local instance, for a command's `--local` flag: endpoints, tables, topic and queues from the discovery
 * file (`VMSENTRY_LOCAL_STATE`, default `.vmsentry/local.json` under `cwd`), checked to be alive. No file, or a
 * stale one (its pid gone or its port closed), throws a UsageError of one line telling the user to run
 * `npx vmsentry local --serve`.
 */
export async function resolveLocalTarget(options: { env?: Env; cwd?: string } = {}): Promise<LocalTarget> {
  const env = options.env ?? process.env;
  const file = localStatePath(env, options.cwd);
  const state = readLocalState(file);
  if (state === undefined) throw new UsageError(`--local: no vmsentry local is serving (no ${file}): ${SERVE_HINT}`);
  const stale = await staleReason(state);
  if (stale) throw new UsageError(`--local: ${file} is stale, ${stale}: ${SERVE_HINT}`);
  return {
    file,
    state,
    awsOptions: { endpoint: state.dynamodbEndpoint, region: state.region },
    env: {
      ...env,
      AWS_ENDPOINT_URL_DYNAMODB: state.dynamodbEndpoint,
      AWS_ENDPOINT_URL_SNS: state.emulatorEndpoint,
      AWS_ENDPOINT_URL_SQS: state.emulatorEndpoint,
      AWS_ENDPOINT_URL_S3: state.emulatorEndpoint,
    },
  };
}

/**
 * A command's AWS flags with `--local` applied: the served endpoints replace the environment's. `--endpoint` and
 * `--profile` name another target, so they are refused beside `--local` rather than silently ignored.
 */
export function localAwsOptions<T extends AwsOptions>(options: T, target: LocalTarget): T {
  for (const [flag, value] of [
    ['--endpoint', options.endpoint],
    ['--profile', options.profile],
  ] as const) {
    if (value !== undefined) throw new UsageError(`--local and ${flag} name two targets: pass one`);
  }
  return { ...options, ...target.awsOptions };
}
