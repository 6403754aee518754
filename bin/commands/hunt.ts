/**
 * `vmsentry hunt`: retro-hunt CloudWatch Logs with today's rules. FilterLogEvents over a time range, page by page,
 * through the same parsers, rules, correlation and allowlist logic as the Lambda; alerts printed as JSON lines (or a
 * table) and published to SNS only with --publish --topic-arn. --state FILE makes it resumable: progress is saved
 * after every page and a re-run continues where the last one stopped.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { CloudWatchLogsFilterReader, isStaleFilterToken } from '../../lib/adapters/cloudwatch-logs-filter';
import { SnsAlertPublisher } from '../../lib/adapters/sns-publisher';
import type { AlertPublisher, PublishReport } from '../../lib/alerts/publisher';
import {
  emptyState,
  HuntDetector,
  type HuntPageReader,
  type HuntState,
  parseRange,
  parseState,
  runHunt,
} from '../../lib/hunt';
import { type Alert, atLeast, isFormatName, SEVERITIES, type Severity } from '../../lib/model';
import { Correlator, correlationOnlyRuleIds, InMemoryCorrelationStore, RuleSet } from '../../lib/rules';
import { formatTable } from '../../lib/scan/table';
import type { FormatHint } from '../../lib/sources';
import { readAllowlistFile } from '../allowlist-file';
import { type AwsOptions, addAwsOptions, createAwsClients, withAwsErrors } from '../aws-clients';
import {
  type CliIo,
  describeError,
  EXIT,
  errorLine,
  FAIL_ON_HELP,
  FINDINGS_EXIT,
  parseSeverityArg,
  processIo,
  UsageError,
  writeLine,
} from '../cli-io';
import { collect, describeLoadError, loadRuleSources, ruleDirectories } from '../rule-sources';
import { tableLayout } from '../table-layout';
import { DEFAULT_CONFIG } from './validate';

export interface HuntCommandOptions extends AwsOptions {
  readonly logGroup: string[];
  readonly start?: string;
  readonly end?: string;
  readonly state?: string;
  readonly restart?: boolean;
  readonly publish?: boolean;
  readonly topicArn?: string;
  readonly table?: boolean;
  readonly failOn?: Severity;
  readonly minSeverity: Severity;
  readonly allowlist?: string;
  readonly rules: string[];
  readonly builtin: boolean;
  readonly config: string;
  readonly pageSize?: number;
  readonly filterPattern?: string;
  readonly maxPages?: number;
  readonly dedupMinutes: number;
}

export interface HuntCommandDeps {
  readonly reader?: HuntPageReader;
  readonly publisher?: AlertPublisher;
  readonly clock?: () => number;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

function positiveInt(max: number) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed <= 0 || parsed > max)
      throw new InvalidArgumentError(`a whole number, 1-${max}`);
    return parsed;
  };
}

/** Format hints from the deployment config: each log group's source, then the prefix hints. */
export function formatHintsOf(configFile: string): FormatHint[] {
  if (!existsSync(configFile)) return [];
  let config: { logGroups?: unknown; sourceHints?: unknown };
  try {
    config = JSON.parse(readFileSync(configFile, 'utf8')) as typeof config;
  } catch (cause) {
    throw new UsageError(`config ${configFile} is not JSON: ${describeError(cause)}`);
  }
  const hints: FormatHint[] = [];
  for (const item of Array.isArray(config.logGroups) ? config.logGroups : []) {
    const { name, source } = (item ?? {}) as { name?: unknown; source?: unknown };
    if (typeof name === 'string' && isFormatName(source)) hints.push({ prefix: name, format: source });
  }
  for (const item of Array.isArray(config.sourceHints) ? config.sourceHints : []) {
    const { prefix, source } = (item ?? {}) as { prefix?: unknown; source?: unknown };
    if (typeof prefix === 'string' && isFormatName(source)) hints.push({ prefix, format: source });
  }
  return hints;
}

function loadState(options: HuntCommandOptions, nowMs: number, io: CliIo): HuntState {
  if (options.state && existsSync(options.state) && !options.restart) {
    let text: string;
    try {
      text = readFileSync(options.state, 'utf8');
    } catch (cause) {
      throw new UsageError(`cannot read --state ${options.state}: ${describeError(cause)}`);
    }
    const parsed = parseState(text);
    if (!parsed.ok) throw new UsageError(`--state ${options.state}: ${parsed.reason} (--restart starts over)`);
    const { startMs, endMs } = parsed.state.range;
    errorLine(
      io,
      `resuming the hunt of ${new Date(startMs).toISOString()} .. ${new Date(endMs).toISOString()} from ${options.state}`,
    );
    return parsed.state;
  }
  if (!options.start) throw new UsageError('--start is required (ISO 8601 or relative: 30d, 12h)');
  const range = parseRange(options.start, options.end, nowMs);
  if (!range.ok) throw new UsageError(range.reason);
  return emptyState(range.range);
}

function saveState(file: string, state: HuntState): void {
  // Write then rename: an interrupted save never leaves a half-written state behind.
  const temporary = `${file}.tmp-${process.pid}`;
  writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(temporary, file);
}

/** Prints what the pipeline publishes; with --publish, SNS takes it first and only what SNS took is printed. */
class PrintingPublisher implements AlertPublisher {
  readonly alerts: Alert[] = [];
  constructor(
    private readonly io: CliIo,
    private readonly table: boolean,
    private readonly sns?: AlertPublisher,
  ) {}

  async publish(alerts: readonly Alert[]): Promise<PublishReport> {
    const report = this.sns
      ? await this.sns.publish(alerts)
      : { published: alerts.map((alert) => alert.id), failed: [] };
    const published = new Set(report.published);
    for (const alert of alerts) {
      if (!published.has(alert.id)) continue;
      this.alerts.push(alert);
      if (!this.table) await writeLine(this.io.stdout, JSON.stringify(alert));
    }
    return report;
  }
}

function alertTable(alerts: readonly Alert[], io: CliIo): string {
  const rows = alerts.map((alert) => [
    alert.event.time,
    alert.severity,
    alert.title,
    alert.host,
    alert.dedup.count,
    alert.event.fields.CommandLine ?? alert.event.fields.ScriptBlockText ?? alert.event.fields.ContainerImage ?? '',
  ]);
  // time, severity, host and count are read or copied whole; rule title and command line give way to the width.
  const layout = tableLayout(io, { keys: [0, 1, 3, 4], severity: 1 });
  return formatTable(['time', 'severity', 'rule', 'host', 'events', 'what'], rows, layout);
}

export async function runHuntCommand(
  options: HuntCommandOptions,
  io: CliIo,
  deps: HuntCommandDeps = {},
): Promise<number> {
  if (options.logGroup.length === 0) throw new UsageError('--log-group is required (repeatable)');
  if (options.publish && !options.topicArn) throw new UsageError('--publish needs --topic-arn (the alert topic)');
  if (options.topicArn && !/^arn:[\w-]+:sns:[\w-]+:\d{12}:[\w-]+$/.test(options.topicArn)) {
    throw new UsageError(`--topic-arn ${options.topicArn}: not an SNS topic ARN`);
  }
  const clock = deps.clock ?? Date.now;
  const state = loadState(options, clock(), io);
  const loaded = loadRuleSources(ruleDirectories(options));
  for (const error of loaded.errors) errorLine(io, `rule not loaded: ${describeLoadError(error)}`);
  if (loaded.rules.length === 0) throw new UsageError('no rule could be loaded');

  const clients =
    deps.reader && (deps.publisher || !options.publish)
      ? undefined
      : createAwsClients(options, deps.env ?? process.env);
  const reader =
    deps.reader ??
    new CloudWatchLogsFilterReader((clients as NonNullable<typeof clients>).logs, {
      ...(options.pageSize ? { pageSize: options.pageSize } : {}),
      ...(options.filterPattern ? { filterPattern: options.filterPattern } : {}),
    });
  const sns = options.publish
    ? (deps.publisher ??
      new SnsAlertPublisher((clients as NonNullable<typeof clients>).sns, options.topicArn as string))
    : undefined;
  const printer = new PrintingPublisher(io, Boolean(options.table), sns);
  const detector = new HuntDetector({
    ruleSet: RuleSet.from(loaded.rules),
    ...(loaded.correlations.length > 0
      ? { correlator: new Correlator(loaded.correlations, new InMemoryCorrelationStore()) }
      : {}),
    correlationOnly: correlationOnlyRuleIds(loaded.correlations),
    allowlist: options.allowlist ? readAllowlistFile(options.allowlist, io) : [],
    publisher: printer,
    minSeverity: options.minSeverity,
    dedupWindowSeconds: options.dedupMinutes * 60,
    formatHints: formatHintsOf(options.config),
    clock,
  });

  const progress = io.stderr.isTTY;
  let summary: Awaited<ReturnType<typeof runHunt>>;
  try {
    summary = await withAwsErrors(options, () =>
      runHunt(options.logGroup, state, {
        reader,
        process: async (logGroup, events) => {
          await detector.process(logGroup, events);
        },
        save: async (next) => {
          if (options.state) saveState(options.state, next);
        },
        ...(progress
          ? { onPage: (group, page, events) => errorLine(io, `${group}: page ${page} (${events} events)`) }
          : {}),
        ...(options.maxPages ? { maxPages: options.maxPages } : {}),
        isStaleToken: isStaleFilterToken,
        onStaleToken: (group, fromMs) =>
          errorLine(
            io,
            `${group}: the saved page token has expired; continuing from ${new Date(fromMs).toISOString()}`,
          ),
      }),
    );
  } catch (error) {
    if (options.state)
      errorLine(io, `hunt stopped: ${describeError(error)}; run again with --state ${options.state} to resume`);
    throw error;
  }
  if (options.table)
    await writeLine(io.stdout, printer.alerts.length > 0 ? alertTable(printer.alerts, io) : 'no alerts');
  const counts = detector.summary();
  errorLine(
    io,
    `hunt ${summary.complete ? 'complete' : 'paused (--max-pages)'}: ${summary.pages} page(s), ${counts.records} record(s), ` +
      `${counts.events} event(s), ${counts.parseErrors} parse error(s), ${counts.detections} detection(s), ` +
      `${printer.alerts.length} alert(s)${options.publish ? ' published to SNS' : ''}`,
  );
  const failOn = options.failOn;
  return failOn !== undefined && printer.alerts.some((alert) => atLeast(alert.severity, failOn))
    ? FINDINGS_EXIT
    : EXIT.ok;
}

export function register(program: Command): void {
  addAwsOptions(
    program
      .command('hunt')
      .description('retro-hunt CloudWatch Logs with the current rules (FilterLogEvents over a time range)')
      .option('--log-group <name>', 'log group to search (repeatable)', collect, [])
      .option('--start <time>', 'ISO 8601 or relative (30d, 12h, 90m)')
      .option('--end <time>', 'ISO 8601 or relative (default: now)')
      .option('--state <file>', 'resume file: progress is saved after every page; re-running continues')
      .option('--restart', 'ignore an existing --state file and start over')
      .option('--publish', 'also publish the alerts to SNS (needs --topic-arn)')
      .option('--topic-arn <arn>', 'the alert topic')
      .option('--table', 'print a table instead of JSON lines')
      .addOption(
        new Option('--min-severity <level>', `lowest severity reported (${SEVERITIES.join('|')})`)
          .argParser(parseSeverityArg)
          .default('low'),
      )
      .addOption(new Option('--fail-on <level>', FAIL_ON_HELP).argParser(parseSeverityArg))
      .option('--allowlist <file>', 'JSON-lines allowlist applied to the results')
      .option('--rules <dir>', 'also run the Sigma rules in this directory (repeatable)', collect, [])
      .option('--no-builtin', 'do not run the built-in rule pack')
      .option('--config <file>', 'deployment config: log group -> format hints', DEFAULT_CONFIG)
      .option('--page-size <n>', 'events per FilterLogEvents page', positiveInt(10_000))
      .option('--filter-pattern <pattern>', 'CloudWatch filter pattern to narrow the search server-side')
      .option('--max-pages <n>', 'stop after this many pages (resume later with --state)', positiveInt(1_000_000))
      .option(
        '--dedup-minutes <n>',
        'report one alert per rule, host and key within this window',
        positiveInt(10_080),
        60,
      ),
  )
    .addHelpText(
      'after',
      '\nExit codes: 0 the hunt ran (with or without alerts), 1 an alert at or above --fail-on (or an internal error), 2 usage, input, credentials or endpoint error.',
    )
    .action(async (options: HuntCommandOptions) => {
      process.exitCode = await runHuntCommand(options, processIo);
    });
}
