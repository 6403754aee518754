/**
 * `vmsentry validate`: the detection strategy's validation section as a command. For each scenario it writes the
 * telemetry the attacker's commands would produce (tagged with a unique marker) into the subscribed log groups, then
 * waits for the alert that carries the marker (SIEM SQS queue, or the dedup item in the state table) and reports
 * pass/fail and end-to-end latency. Nothing is executed on any host: only log events are written.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { type Command, InvalidArgumentError } from 'commander';
import { CloudWatchLogsWriter } from '../../lib/adapters/cloudwatch-logs-writer';
import { DEDUP_SORT_KEY } from '../../lib/adapters/dynamodb-dedup-store';
import { SqsAlertWaiter } from '../../lib/adapters/sqs-alert-waiter';
import { isFormatName } from '../../lib/model';
import { RuleSet } from '../../lib/rules';
import {
  type AlertWaiter,
  expectedDetections,
  formatValidationTable,
  type LogWriter,
  type PendingScenario,
  type PlannedScenario,
  planScenarios,
  routeRecords,
  runValidation,
  SCENARIOS,
  type Scenario,
  type ScenarioResult,
  type Sighting,
  scenarioById,
  type TelemetryRecord,
  VALIDATION_TABLE_KEYS,
  VALIDATION_TABLE_RESULT,
  type ValidateTarget,
} from '../../lib/validate';
import { type AwsOptions, addAwsOptions, awsUsageError, createAwsClients, withAwsErrors } from '../aws-clients';
import { type CliIo, describeError, EXIT, errorLine, processIo, UsageError, writeLine } from '../cli-io';
import { packagePath } from '../paths';
import { BUILTIN_RULES_DIR, collect, loadRuleSources } from '../rule-sources';
import { tableLayout } from '../table-layout';

export const DEFAULT_CONFIG = packagePath('config', 'example.json');
export const DEFAULT_TIMEOUT_SECONDS = 120;
export const DEFAULT_HOST = 'VMSENTRY-VALIDATE.validate.invalid';

export interface ValidateCommandOptions extends AwsOptions {
  readonly scenario: string[];
  readonly logGroup: string[];
  readonly config: string;
  readonly queueUrl?: string;
  readonly stateTable?: string;
  readonly timeout: number;
  readonly host: string;
  readonly dryRun?: boolean;
  readonly json?: boolean;
  readonly list?: boolean;
}

/** Ports the command uses; tests replace them (a writer that invokes the real handler, a waiter fed by SNS). */
export interface ValidateCommandDeps {
  readonly writer?: LogWriter;
  readonly waiter?: AlertWaiter;
  readonly clock?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly newUuid?: () => string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly pollMs?: number;
}

function seconds(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0 || parsed > 3600)
    throw new InvalidArgumentError('whole seconds, 1-3600');
  return parsed;
}

/** Format -> log group from the config file's logGroups (source = format name), overridden by --log-group. */
export function logGroupsOf(configFile: string, overrides: readonly string[]): Record<string, string> {
  const groups: Record<string, string> = {};
  let text: string;
  try {
    text = readFileSync(configFile, 'utf8');
  } catch (cause) {
    throw new UsageError(
      `cannot read config ${configFile}: ${(cause as NodeJS.ErrnoException).code ?? describeError(cause)}`,
    );
  }
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch (cause) {
    throw new UsageError(`config ${configFile} is not JSON: ${describeError(cause)}`);
  }
  const list = (config as { logGroups?: unknown }).logGroups;
  if (Array.isArray(list)) {
    for (const item of list) {
      const { name, source } = (item ?? {}) as { name?: unknown; source?: unknown };
      // The first group of a format wins: that is the one the scenario writes to.
      if (typeof name === 'string' && isFormatName(source) && groups[source] === undefined) groups[source] = name;
    }
  }
  for (const pair of overrides) {
    const at = pair.indexOf('=');
    const format = pair.slice(0, Math.max(0, at));
    const name = pair.slice(at + 1);
    if (at <= 0 || name === '')
      throw new UsageError(`--log-group ${pair}: expected FORMAT=NAME (for example auditd=/vmsentry/linux/audit)`);
    if (!isFormatName(format)) throw new UsageError(`--log-group ${pair}: unknown format "${format}"`);
    groups[format] = name;
  }
  return groups;
}

export function selectScenarios(ids: readonly string[]): Scenario[] {
  if (ids.length === 0) return [...SCENARIOS];
  return ids.map((id) => {
    const scenario = scenarioById(id);
    if (!scenario) throw new UsageError(`unknown scenario "${id}"; one of: ${SCENARIOS.map((s) => s.id).join(', ')}`);
    return scenario;
  });
}

export function logStreamOf(nowMs: number): string {
  return `vmsentry-validate-${new Date(nowMs).toISOString().slice(0, 10)}`;
}

/** Waits for the dedup item of each expected detection in the state table (state "published"). */
export class StateTableWaiter implements AlertWaiter {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async poll(pending: readonly PendingScenario[]): Promise<readonly Sighting[]> {
    const sightings: Sighting[] = [];
    for (const item of pending) {
      for (const pk of item.dedupPks) {
        const response = await this.doc.send(
          new GetCommand({ TableName: this.table, Key: { pk, sk: DEDUP_SORT_KEY } }),
        );
        const record = response.Item;
        if (record && record['state'] === 'published' && typeof record['ruleId'] === 'string') {
          sightings.push({ marker: item.marker, ruleId: record['ruleId'] });
        }
      }
    }
    return sightings;
  }
}

async function printDryRun(
  planned: readonly PlannedScenario[],
  target: ValidateTarget,
  options: ValidateCommandOptions,
  io: CliIo,
): Promise<void> {
  for (const item of planned) {
    const routed = routeRecords(item.records, target);
    const groupOf = (record: TelemetryRecord) => target.logGroups[record.format] ?? '(no log group)';
    if (options.json) {
      for (const record of item.records) {
        await writeLine(
          io.stdout,
          JSON.stringify({
            scenario: item.scenario.id,
            marker: item.marker,
            logGroup: groupOf(record),
            logStream: target.logStream,
            format: record.format,
            timestamp: record.timestampMs,
            message: record.message,
          }),
        );
      }
      continue;
    }
    await writeLine(io.stdout, `# ${item.scenario.id}: ${item.scenario.title}`);
    await writeLine(io.stdout, `# marker ${item.marker}; expects ${item.scenario.expectedRules.join(' or ')}`);
    for (const command of item.scenario.commands)
      await writeLine(io.stdout, `#   simulates: ${command.replaceAll('<marker>', item.marker)}`);
    if (!routed.ok)
      await writeLine(io.stdout, `# no log group for ${routed.missing.join(', ')}: use --log-group FORMAT=NAME`);
    for (const record of item.records) {
      await writeLine(
        io.stdout,
        `${groupOf(record)} ${target.logStream} ${new Date(record.timestampMs).toISOString()} ${record.message}`,
      );
    }
    await writeLine(io.stdout, '');
  }
}

export async function runValidate(
  options: ValidateCommandOptions,
  io: CliIo,
  deps: ValidateCommandDeps = {},
): Promise<number> {
  if (options.list) {
    for (const scenario of SCENARIOS)
      await writeLine(
        io.stdout,
        options.json
          ? JSON.stringify({
              id: scenario.id,
              title: scenario.title,
              commands: scenario.commands,
              expectedRules: scenario.expectedRules,
            })
          : `${scenario.id.padEnd(22)} ${scenario.title}`,
      );
    return EXIT.ok;
  }
  const scenarios = selectScenarios(options.scenario);
  const clock = deps.clock ?? Date.now;
  const nowMs = clock();
  const target: ValidateTarget = {
    logGroups: logGroupsOf(options.config, options.logGroup),
    logStream: logStreamOf(nowMs),
  };
  const planned = planScenarios(scenarios, { nowMs, host: options.host }, deps.newUuid ?? randomUUID);
  if (options.dryRun) {
    await printDryRun(planned, target, options, io);
    return EXIT.ok;
  }
  if (options.queueUrl && options.stateTable) throw new UsageError('pass --queue-url or --state-table, not both');
  if (!deps.waiter && !options.queueUrl && !options.stateTable) {
    throw new UsageError(
      'where do alerts arrive? pass --queue-url (the SIEM queue) or --state-table (the dedup table)',
    );
  }
  const clients = deps.writer && deps.waiter ? undefined : createAwsClients(options, deps.env ?? process.env);
  const writer = deps.writer ?? new CloudWatchLogsWriter((clients as NonNullable<typeof clients>).logs);
  let waiter = deps.waiter;
  let expectedPks: ((records: readonly TelemetryRecord[]) => string[]) | undefined;
  if (!waiter && options.queueUrl)
    waiter = new SqsAlertWaiter((clients as NonNullable<typeof clients>).sqs, options.queueUrl);
  if (options.stateTable) {
    waiter ??= new StateTableWaiter((clients as NonNullable<typeof clients>).doc, options.stateTable);
    const loaded = loadRuleSources([BUILTIN_RULES_DIR]);
    const ruleSet = RuleSet.from(loaded.rules);
    expectedPks = (records) =>
      expectedDetections(records, (record) => target.logGroups[record.format] ?? '', target.logStream, ruleSet).map(
        (d) => d.dedupPk,
      );
  }
  const progress = io.stderr.isTTY ? (text: string) => errorLine(io, text) : undefined;
  progress?.(`validating ${planned.length} scenario(s); waiting up to ${options.timeout} s for alerts`);
  const results = await withAwsErrors(options, () =>
    runValidation(
      planned,
      target,
      {
        timeoutMs: options.timeout * 1000,
        host: options.host,
        ...(deps.pollMs !== undefined ? { pollMs: deps.pollMs } : {}),
      },
      {
        writer,
        waiter: waiter as AlertWaiter,
        clock,
        newUuid: deps.newUuid ?? randomUUID,
        sleep: deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
        ...(expectedPks ? { expectedPks } : {}),
        ...(progress ? { onProgress: progress } : {}),
        isFatal: (error) => awsUsageError(error, options) !== undefined,
      },
    ),
  );
  await printResults(results, options, io);
  return results.every((result) => result.status === 'pass') ? EXIT.ok : 1;
}

async function printResults(
  results: readonly ScenarioResult[],
  options: ValidateCommandOptions,
  io: CliIo,
): Promise<void> {
  if (options.json) {
    for (const result of results) await writeLine(io.stdout, JSON.stringify(result));
  } else {
    const layout = tableLayout(io, { keys: VALIDATION_TABLE_KEYS, result: VALIDATION_TABLE_RESULT });
    await writeLine(io.stdout, formatValidationTable(results, layout));
  }
}

export function register(program: Command): void {
  addAwsOptions(
    program
      .command('validate')
      .description('write simulated attack telemetry into the subscribed log groups and check the alerts arrive')
      .option(
        '--scenario <id>',
        `scenario to run (repeatable; default all): ${SCENARIOS.map((s) => s.id).join(', ')}`,
        collect,
        [],
      )
      .option(
        '--log-group <format=name>',
        'log group a format is written to (repeatable; overrides --config)',
        collect,
        [],
      )
      .option('--config <file>', 'deployment config whose logGroups give the defaults', DEFAULT_CONFIG)
      .option('--queue-url <url>', 'SIEM SQS queue subscribed to the alert topic (raw delivery)')
      .option('--state-table <name>', 'state table: wait for the dedup item instead of the alert')
      .option('--timeout <seconds>', 'how long to wait for each alert', seconds, DEFAULT_TIMEOUT_SECONDS)
      .option('--host <name>', 'host name the telemetry claims', DEFAULT_HOST)
      .option('--dry-run', 'print the telemetry that would be written; write nothing')
      .option('--list', 'list the scenarios')
      .option('--json', 'JSON lines instead of a table'),
  )
    .addHelpText(
      'after',
      '\nNothing runs on any host: only log events are written (stream vmsentry-validate-<date>).' +
        '\nExit codes: 0 every scenario passed, 1 a scenario failed, 2 usage, input, credentials or endpoint error.',
    )
    .action(async (options: ValidateCommandOptions) => {
      process.exitCode = await runValidate(options, processIo);
    });
}
