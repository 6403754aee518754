/**
 * `vmsentry alerts list | show | ack | close`: the alert history (docs/alert-history.md). This file parses flags and
 * prints; the history is the AlertHistoryStore port (lib/history) on DynamoDB (lib/adapters/dynamodb-history-store.ts),
 * a deployment's table or local mode's embedded one (--local).
 */
import os from 'node:os';
import path from 'node:path';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type Command, InvalidArgumentError } from 'commander';
import { DynamoDbHistoryStore } from '../../lib/adapters/dynamodb-history-store';
import { responseSteps } from '../../lib/alerts/response-steps';
import {
  type AlertHistoryStore,
  HistoryNotFoundError,
  type HistoryQuery,
  type HistoryRecord,
  HistoryTransitionError,
  HistoryUnavailableError,
  TRIAGE_STATES,
  type TriageState,
} from '../../lib/history';
import { parseTime } from '../../lib/hunt/time';
import type { Severity } from '../../lib/model/severity';
import { formatTable } from '../../lib/scan/table';
import { type AwsOptions, addAwsOptions, awsUsageError, createAwsClients } from '../aws-clients';
import { envNames, fromEnv } from '../cli-env';
import { type CliIo, EXIT, errorLine, parseSeverityArg, processIo, UsageError, writeLine } from '../cli-io';
import { startLocalDynamo } from '../local/dynamodb';
import { LOCAL_DATA_DIR, LOCAL_HISTORY_TABLE, localHistoryStore } from '../local/history';
import { localAwsOptions, resolveLocalTarget } from '../local/target';
import { tableLayout } from '../table-layout';

export interface AlertsTargetOptions extends AwsOptions {
  readonly table?: string;
  /** Local mode's history (the embedded DynamoDB data of `vmsentry local`). */
  readonly local?: boolean;
  readonly dataDir?: string;
}

export interface ListOptions extends AlertsTargetOptions {
  readonly host?: string;
  readonly rule?: string;
  readonly severity?: Severity;
  readonly state?: TriageState;
  readonly since?: string;
  readonly until?: string;
  readonly limit: number;
  readonly output: 'table' | 'json';
}

export interface ShowOptions extends AlertsTargetOptions {
  readonly output: 'text' | 'json';
}

export interface TriageOptions extends AlertsTargetOptions {
  readonly by?: string;
  readonly reason?: string;
  readonly json?: boolean;
}

/** What a command needs from outside: the table client, the clock, the environment and the host (tests inject). */
export interface AlertsDeps {
  readonly doc?: DynamoDBDocumentClient;
  readonly nowMs?: number;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly hostname?: string;
}

/** Most records `list` prints in one run (it pages through the store until then). */
export const MAX_LIST_LIMIT = 10_000;

// ─── target ───────────────────────────────────────────────────────────────────────────────────────────────────────

/**
 * Run `action` on the history the options name: local mode's (--local: the embedded DynamoDB opened from its data
 * directory, closed after), or a deployment's table (--table, or VMSENTRY_HISTORY_TABLE), through the AWS options
 * (--endpoint reaches any DynamoDB API: DynamoDB Local, LocalStack, dynalite).
 */
async function withStore<T>(
  options: AlertsTargetOptions,
  deps: AlertsDeps,
  action: (store: AlertHistoryStore) => Promise<T>,
): Promise<T> {
  const env = deps.env ?? process.env;
  const clock = deps.nowMs === undefined ? undefined : () => deps.nowMs as number;
  if (options.local) {
    if (options.table !== undefined || options.endpoint !== undefined) {
      throw new UsageError('--local reads the local mode history; it takes no --table or --endpoint');
    }
    // A served instance (`vmsentry local --serve`) holds the data directory's lock: read its history through it.
    const served = await resolveLocalTarget({ env }).catch(() => undefined);
    if (served) {
      const doc = createAwsClients(localAwsOptions(options, served), served.env).doc;
      return translated(options, () => action(localHistoryStore(doc, clock)));
    }
    const dynamo = await startLocalDynamo({ dataDir: path.resolve(options.dataDir ?? LOCAL_DATA_DIR) });
    try {
      return await translated(options, () => action(localHistoryStore(dynamo.doc, clock)));
    } finally {
      await dynamo.stop();
    }
  }
  const table = options.table ?? fromEnv('historyTable', env);
  if (!table) {
    throw new UsageError(
      `no history table: pass --table NAME, set ${envNames('historyTable')}, or use --local for local mode`,
    );
  }
  const doc = deps.doc ?? createAwsClients(options, env).doc;
  return translated(options, () => action(new DynamoDbHistoryStore(doc, table, clock ? { now: clock } : {})));
}

/** The errors a user can act on, as usage errors; the store's wrapped SDK error is looked at through its cause. */
async function translated<T>(options: AwsOptions, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof HistoryNotFoundError || error instanceof HistoryTransitionError) {
      throw new UsageError(error.message);
    }
    if (error instanceof HistoryUnavailableError) {
      const usage = awsUsageError(error.cause, options);
      if (usage) throw usage;
      if (error.cause instanceof Error && error.cause.name === 'ResourceNotFoundException') {
        throw new UsageError(
          `${error.message}: the table does not exist (local mode creates it on its first run: npm start)`,
        );
      }
    }
    if (error instanceof RangeError) throw new UsageError(error.message);
    throw error;
  }
}

/** Who made a triage change: --by, else $USER@hostname (the CLI has no verified identity; docs/alert-history.md). */
export function actorOf(by: string | undefined, deps: AlertsDeps): string {
  if (by !== undefined) return by;
  const env = deps.env ?? process.env;
  const user = env['USER'] || env['USERNAME'] || safeUsername();
  return `${user}@${deps.hostname ?? os.hostname()}`;
}

function safeUsername(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'unknown';
  }
}

// ─── list ─────────────────────────────────────────────────────────────────────────────────────────────────────────

export function queryOf(options: ListOptions, nowMs: number): HistoryQuery {
  const time = (flag: string, value: string | undefined): string | undefined => {
    if (value === undefined) return undefined;
    const parsed = parseTime(value, nowMs);
    if (!parsed.ok) throw new UsageError(`${flag}: ${parsed.reason}`);
    return new Date(parsed.ms).toISOString();
  };
  const since = time('--since', options.since);
  const until = time('--until', options.until);
  if (since !== undefined && until !== undefined && since >= until) {
    throw new UsageError('--since must be before --until');
  }
  return {
    ...(options.host !== undefined ? { host: options.host } : {}),
    ...(options.rule !== undefined ? { ruleId: options.rule } : {}),
    ...(options.severity !== undefined ? { minSeverity: options.severity } : {}),
    ...(options.state !== undefined ? { state: options.state } : {}),
    ...(since !== undefined ? { since } : {}),
    ...(until !== undefined ? { until } : {}),
  };
}

export async function runList(options: ListOptions, io: CliIo, deps: AlertsDeps = {}): Promise<number> {
  const query = queryOf(options, deps.nowMs ?? Date.now());
  const records = await withStore(options, deps, async (store) => {
    const out: HistoryRecord[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.list({ ...query, limit: options.limit - out.length, ...(cursor ? { cursor } : {}) });
      out.push(...page.items.slice(0, options.limit - out.length));
      cursor = page.cursor;
    } while (cursor && out.length < options.limit);
    return { items: out, more: cursor !== undefined };
  });
  if (options.output === 'json') {
    for (const record of records.items) await writeLine(io.stdout, JSON.stringify(record));
  } else if (records.items.length === 0) {
    errorLine(io, 'no alerts in the history match');
  } else {
    await writeLine(
      io.stdout,
      formatTable(
        ['LAST SEEN', 'SEVERITY', 'STATE', 'HOST', 'RULE', 'COUNT', 'ID'],
        records.items.map((r) => [r.lastSeen, r.severity, r.state, r.host, r.title, r.count, r.id]),
        // Times, hosts and ids are never cut; the rule title narrows first. Severity is coloured on a terminal.
        { maxCellWidth: 60, ...tableLayout(io, { keys: [0, 3, 6], severity: 1 }, deps.env ?? process.env) },
      ),
    );
  }
  if (records.more) errorLine(io, `more alerts match than --limit ${options.limit}; narrow the filters or raise it`);
  return EXIT.ok;
}

// ─── show ─────────────────────────────────────────────────────────────────────────────────────────────────────────

export async function runShow(id: string, options: ShowOptions, io: CliIo, deps: AlertsDeps = {}): Promise<number> {
  const record = await withStore(options, deps, (store) => store.get(id));
  if (!record) throw new UsageError(`no alert ${id} in the history`);
  if (options.output === 'json') {
    await writeLine(io.stdout, JSON.stringify(record));
    return EXIT.ok;
  }
  await writeLine(io.stdout, describeRecord(record));
  return EXIT.ok;
}

/** The record for a person: triage, dedup facts, the alert's explanation, response steps and evidence. */
export function describeRecord(record: HistoryRecord): string {
  const { alert } = record;
  const lines = [
    `${alert.title} [${record.severity}] on ${record.host}`,
    `id:          ${record.id}`,
    `rule:        ${record.ruleId}${alert.technique.length > 0 ? ` (${alert.technique.join(', ')})` : ''}`,
    `state:       ${record.state}${record.stateBy ? ` by ${record.stateBy}` : ''}${record.stateAt ? ` at ${record.stateAt}` : ''}`,
    ...(record.stateReason ? [`reason:      ${record.stateReason}`] : []),
    `seen:        ${record.count} time(s), ${record.firstSeen} to ${record.lastSeen}`,
    `recorded:    ${record.recordedAt}`,
    `dedup key:   ${record.dedupKey}`,
    '',
    alert.description,
    ...(alert.context.length > 0 ? ['', 'Context:', ...alert.context.map((line) => `  - ${line}`)] : []),
    '',
    'Response steps:',
    ...responseSteps(alert).map((step, index) => `  ${index + 1}. ${step}`),
    ...(alert.falsepositives.length > 0
      ? ['', 'Known false positives:', ...alert.falsepositives.map((line) => `  - ${line}`)]
      : []),
    '',
    'Event:',
    ...Object.entries(alert.event.fields).map(([field, value]) => `  ${field}: ${JSON.stringify(value)}`),
    ...(alert.links.logsInsights ? ['', `Logs Insights: ${alert.links.logsInsights}`] : []),
    ...(alert.links.runbook ? [`Runbook: ${alert.links.runbook}`] : []),
    ...(alert.suppression ? ['', 'To allowlist (if expected):', `  ${alert.suppression.cli}`] : []),
    ...(alert.truncated.length > 0 ? ['', `Truncated: ${alert.truncated.join(', ')}`] : []),
  ];
  return lines.join('\n');
}

// ─── ack / close ──────────────────────────────────────────────────────────────────────────────────────────────────

async function runTriage(
  id: string,
  state: TriageState,
  options: TriageOptions,
  io: CliIo,
  deps: AlertsDeps,
): Promise<number> {
  const by = actorOf(options.by, deps);
  const change = { state, by, ...(options.reason !== undefined ? { reason: options.reason } : {}) };
  const record = await withStore(options, deps, (store) => store.setState(id, change, deps.nowMs ?? Date.now()));
  await writeLine(
    io.stdout,
    options.json
      ? JSON.stringify(record)
      : `${record.id} ${record.state} by ${record.stateBy}${record.stateReason ? `: ${record.stateReason}` : ''}`,
  );
  return EXIT.ok;
}

export function runAck(id: string, options: TriageOptions, io: CliIo, deps: AlertsDeps = {}): Promise<number> {
  return runTriage(id, 'acknowledged', options, io, deps);
}

export function runClose(id: string, options: TriageOptions, io: CliIo, deps: AlertsDeps = {}): Promise<number> {
  if (options.reason === undefined || options.reason.trim() === '') {
    throw new UsageError('close needs --reason TEXT (false positive, benign, resolved, ...)');
  }
  return runTriage(id, 'closed', options, io, deps);
}

export function runReopen(id: string, options: TriageOptions, io: CliIo, deps: AlertsDeps = {}): Promise<number> {
  return runTriage(id, 'new', options, io, deps);
}

// ─── registration ─────────────────────────────────────────────────────────────────────────────────────────────────

function positiveLimit(value: string): number {
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) {
    throw new InvalidArgumentError(`a whole number from 1 to ${MAX_LIST_LIMIT}`);
  }
  return limit;
}

function stateArg(value: string): TriageState {
  const state = value.toLowerCase();
  if (!(TRIAGE_STATES as readonly string[]).includes(state)) {
    throw new InvalidArgumentError(`one of: ${TRIAGE_STATES.join(', ')}`);
  }
  return state as TriageState;
}

function choice<T extends string>(choices: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(choices as readonly string[]).includes(value))
      throw new InvalidArgumentError(`one of: ${choices.join(', ')}`);
    return value as T;
  };
}

const EXIT_HELP =
  '\nTarget: a deployment (--table or VMSENTRY_HISTORY_TABLE, with the AWS options) or local mode (--local).' +
  '\nExit codes: 0 ok, 2 usage (unknown id, refused change, bad flag), credentials or endpoint error, 1 internal.';

function common(command: Command): Command {
  return addAwsOptions(
    command
      .option('--table <name>', `history table (default: ${envNames('historyTable')})`)
      .option('--local', `the history of local mode (vmsentry local / npm start), table ${LOCAL_HISTORY_TABLE}`)
      .option('--data-dir <dir>', 'with --local: where local mode keeps its DynamoDB data', LOCAL_DATA_DIR),
  ).addHelpText('after', EXIT_HELP);
}

function run(action: () => Promise<number>): Promise<void> {
  return action().then((code) => {
    process.exitCode = code;
  });
}

export function register(program: Command): void {
  const alerts = program
    .command('alerts')
    .description('the alert history: list, show, acknowledge and close alerts (docs/alert-history.md)');
  common(alerts.command('list').description('list alerts, newest last-seen first'))
    .option('--host <host>', 'only this host (any case)')
    .option('--rule <id>', 'only this rule id')
    .option('--severity <level>', 'only this severity and above', parseSeverityArg)
    .option('--state <state>', `only this triage state (${TRIAGE_STATES.join(', ')})`, stateArg)
    .option('--since <when>', 'last seen at or after: ISO 8601 or relative (7d, 24h, 90m)')
    .option('--until <when>', 'last seen before: ISO 8601 or relative')
    .option('--limit <n>', `most alerts printed (1..${MAX_LIST_LIMIT})`, positiveLimit, 50)
    .option(
      '--output <format>',
      'table, or json (one history record per line)',
      choice(['table', 'json'] as const),
      'table',
    )
    .action((options: ListOptions) => run(() => runList(options, processIo)));
  common(alerts.command('show').description('one alert in full: triage, explanation, response steps, evidence'))
    .argument('<id>', 'alert id (see list)')
    .option('--output <format>', 'text, or json (the history record)', choice(['text', 'json'] as const), 'text')
    .action((id: string, options: ShowOptions) => run(() => runShow(id, options, processIo)));
  common(alerts.command('ack').description('acknowledge an open alert (someone is looking at it)'))
    .argument('<id>', 'alert id')
    .option('--by <who>', 'who acknowledges (default: $USER@hostname)')
    .option('--json', 'print the updated record as JSON')
    .action((id: string, options: TriageOptions) => run(() => runAck(id, options, processIo)));
  common(alerts.command('close').description('close an alert with a reason'))
    .argument('<id>', 'alert id')
    .requiredOption('--reason <text>', 'why (false positive, benign, resolved, ...)')
    .option('--by <who>', 'who closes (default: $USER@hostname)')
    .option('--json', 'print the updated record as JSON')
    .action((id: string, options: TriageOptions) => run(() => runClose(id, options, processIo)));
  common(alerts.command('reopen').description('set an acknowledged or closed alert back to new'))
    .argument('<id>', 'alert id')
    .option('--by <who>', 'who reopens (default: $USER@hostname)')
    .option('--json', 'print the updated record as JSON')
    .action((id: string, options: TriageOptions) => run(() => runReopen(id, options, processIo)));
}
