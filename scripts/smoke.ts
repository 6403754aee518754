/**
 * Smoke test of a deployed stack: `vmsentry validate` with one scenario. Writes the scenario's telemetry into the
 * subscribed log group (PutLogEvents), waits for the alert on the SIEM SQS queue subscribed to the alert topic, and
 * reports pass/fail and end-to-end latency. LocalStack by default; `--aws` runs the same against a real account.
 *
 * Usage: tsx scripts/smoke.ts [--endpoint URL | --aws] [--region R] [--profile P] [--stack NAME]
 *        [--outputs-file FILE] [--queue-url URL] [--scenario ID] [--log-group FORMAT=NAME] [--timeout S] [--json]
 * Exit: 0 pass, 1 fail, 2 usage / discovery / credentials / endpoint error.
 */
import './localstack-quiet-sdk';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { awsUsageError, createAwsClients } from '../bin/aws-clients';
import { DEFAULT_CONFIG, logGroupsOf, logStreamOf } from '../bin/commands/validate';
import { CloudWatchLogsWriter } from '../lib/adapters/cloudwatch-logs-writer';
import { SqsAlertWaiter } from '../lib/adapters/sqs-alert-waiter';
import {
  type AlertWaiter,
  formatValidationTable,
  type LogWriter,
  planScenarios,
  runValidation,
  type ScenarioResult,
  scenarioById,
} from '../lib/validate';
import { DEFAULT_ENDPOINT, DEFAULT_OUTPUTS_FILE } from './localstack-env';

export interface SmokeArgs {
  /** Undefined with --aws: the SDK's own endpoints, credentials and region. */
  readonly endpoint?: string;
  readonly region?: string;
  readonly profile?: string;
  readonly stack: string;
  readonly outputsFile: string;
  readonly queueUrl?: string;
  readonly scenario: string;
  readonly logGroups: readonly string[];
  readonly config: string;
  readonly timeoutSeconds: number;
  readonly json: boolean;
}

export type ParsedArgs =
  | { readonly ok: true; readonly args: SmokeArgs }
  | { readonly ok: false; readonly reason: string };

const VALUE_FLAGS = new Set([
  '--endpoint',
  '--region',
  '--profile',
  '--stack',
  '--outputs-file',
  '--queue-url',
  '--scenario',
  '--log-group',
  '--timeout',
  '--config',
]);

export function parseSmokeArgs(argv: readonly string[]): ParsedArgs {
  const values = new Map<string, string[]>();
  let aws = false;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--aws') aws = true;
    else if (arg === '--json') json = true;
    else if (VALUE_FLAGS.has(arg)) {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) return { ok: false, reason: `${arg} needs a value` };
      values.set(arg, [...(values.get(arg) ?? []), value]);
      i++;
    } else return { ok: false, reason: `unknown argument ${arg}` };
  }
  const one = (flag: string) => values.get(flag)?.at(-1);
  if (aws && one('--endpoint')) return { ok: false, reason: '--aws and --endpoint exclude each other' };
  const scenario = one('--scenario') ?? 'qemu-headless';
  if (!scenarioById(scenario)) return { ok: false, reason: `unknown scenario ${scenario}` };
  const timeout = Number(one('--timeout') ?? '120');
  if (!Number.isInteger(timeout) || timeout <= 0 || timeout > 3600)
    return { ok: false, reason: '--timeout must be whole seconds, 1-3600' };
  const endpoint = aws ? undefined : (one('--endpoint') ?? DEFAULT_ENDPOINT);
  const region = one('--region');
  const profile = one('--profile');
  const queueUrl = one('--queue-url');
  return {
    ok: true,
    args: {
      ...(endpoint ? { endpoint } : {}),
      ...(region ? { region } : {}),
      ...(profile ? { profile } : {}),
      ...(queueUrl ? { queueUrl } : {}),
      stack: one('--stack') ?? 'Vmsentry',
      outputsFile: one('--outputs-file') ?? DEFAULT_OUTPUTS_FILE,
      scenario,
      logGroups: values.get('--log-group') ?? [],
      config: one('--config') ?? DEFAULT_CONFIG,
      timeoutSeconds: timeout,
      json,
    },
  };
}

/** Port: a stack's outputs by key (CloudFormation DescribeStacks in AWS and LocalStack, a map in tests). */
export interface StackOutputsReader {
  outputs(stack: string): Promise<Record<string, string>>;
}

/** Outputs of the named stack in a DescribeStacks response. */
export function outputsFromDescribeStacks(response: unknown, stack: string): Record<string, string> {
  const stacks =
    (response as { Stacks?: { StackName?: string; Outputs?: { OutputKey?: string; OutputValue?: string }[] }[] })
      .Stacks ?? [];
  const found = stacks.find((candidate) => candidate.StackName === stack) ?? stacks[0];
  const out: Record<string, string> = {};
  for (const output of found?.Outputs ?? []) {
    if (output.OutputKey && output.OutputValue !== undefined) out[output.OutputKey] = output.OutputValue;
  }
  return out;
}

/** Outputs of the named stack in a `cdk deploy --outputs-file` file ({ "<stack>": { "<key>": "<value>" } }). */
export function outputsFromFile(text: string, stack: string): Record<string, string> | undefined {
  const parsed = JSON.parse(text) as Record<string, Record<string, unknown>>;
  const outputs = parsed[stack];
  if (!outputs || typeof outputs !== 'object') return undefined;
  return Object.fromEntries(
    Object.entries(outputs).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

/** DescribeStacks through @aws-sdk/client-cloudformation, loaded only when the outputs file is not there. */
export function cloudFormationReader(config: Record<string, unknown>): StackOutputsReader {
  return {
    async outputs(stack) {
      let sdk: {
        CloudFormationClient: new (config: unknown) => { send(command: unknown): Promise<unknown> };
        DescribeStacksCommand: new (input: unknown) => unknown;
      };
      try {
        sdk = require('@aws-sdk/client-cloudformation');
      } catch {
        throw new SmokeSetupError(
          `no outputs file for ${stack}, and @aws-sdk/client-cloudformation is not installed: pass --outputs-file (cdk deploy --outputs-file) or --queue-url`,
        );
      }
      const client = new sdk.CloudFormationClient(config);
      return outputsFromDescribeStacks(await client.send(new sdk.DescribeStacksCommand({ StackName: stack })), stack);
    },
  };
}

/** Something the user must fix before the smoke test can run (exit 2). */
export class SmokeSetupError extends Error {
  override readonly name = 'SmokeSetupError';
}

/** The SIEM queue: --queue-url, else the outputs file, else DescribeStacks. */
export async function discoverQueueUrl(
  args: SmokeArgs,
  reader: StackOutputsReader,
  readFile: (file: string) => string | undefined,
): Promise<string> {
  if (args.queueUrl) return args.queueUrl;
  const text = readFile(args.outputsFile);
  const outputs = (text ? outputsFromFile(text, args.stack) : undefined) ?? (await reader.outputs(args.stack));
  const queueUrl = outputs['SiemQueueUrl'];
  if (!queueUrl) {
    throw new SmokeSetupError(
      `stack ${args.stack} has no SiemQueueUrl output: deploy with alerts.siemQueue set to true in the config`,
    );
  }
  return queueUrl;
}

export interface SmokeDeps {
  readonly writer: LogWriter;
  readonly waiter: (queueUrl: string) => AlertWaiter;
  readonly outputs: StackOutputsReader;
  readonly readFile: (file: string) => string | undefined;
  readonly clock: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly newUuid: () => string;
  readonly pollMs?: number;
}

/** One scenario, written and awaited: the result and the exit code. */
export async function runSmoke(args: SmokeArgs, deps: SmokeDeps): Promise<{ result: ScenarioResult; code: 0 | 1 }> {
  const scenario = scenarioById(args.scenario);
  if (!scenario) throw new SmokeSetupError(`unknown scenario ${args.scenario}`);
  const queueUrl = await discoverQueueUrl(args, deps.outputs, deps.readFile);
  const nowMs = deps.clock();
  const target = { logGroups: logGroupsOf(args.config, args.logGroups), logStream: logStreamOf(nowMs) };
  const planned = planScenarios([scenario], { nowMs, host: 'VMSENTRY-SMOKE.validate.invalid' }, deps.newUuid);
  const [result] = await runValidation(
    planned,
    target,
    {
      timeoutMs: args.timeoutSeconds * 1000,
      host: 'VMSENTRY-SMOKE.validate.invalid',
      ...(deps.pollMs !== undefined ? { pollMs: deps.pollMs } : {}),
    },
    {
      writer: deps.writer,
      waiter: deps.waiter(queueUrl),
      clock: deps.clock,
      sleep: deps.sleep,
      newUuid: deps.newUuid,
      isFatal: (error) => awsUsageError(error, args) !== undefined,
    },
  );
  if (!result) throw new Error('no result');
  return { result, code: result.status === 'pass' ? 0 : 1 };
}

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseSmokeArgs(argv);
  if (!parsed.ok) {
    process.stderr.write(`smoke: ${parsed.reason}\n`);
    return 2;
  }
  const { args } = parsed;
  const clients = createAwsClients(args);
  try {
    const { result, code } = await runSmoke(args, {
      writer: new CloudWatchLogsWriter(clients.logs),
      waiter: (queueUrl) => new SqsAlertWaiter(clients.sqs, queueUrl),
      outputs: cloudFormationReader(clients.config),
      readFile: (file) => (existsSync(file) ? readFileSync(file, 'utf8') : undefined),
      clock: Date.now,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      newUuid: randomUUID,
    });
    process.stdout.write(`${args.json ? JSON.stringify(result) : formatValidationTable([result])}\n`);
    return code;
  } catch (error) {
    const usage = awsUsageError(error, args);
    if (usage || error instanceof SmokeSetupError || (error instanceof Error && error.name === 'UsageError')) {
      process.stderr.write(`smoke: ${(usage ?? (error as Error)).message}\n`);
      return 2;
    }
    throw error;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`smoke: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
