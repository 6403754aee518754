/**
 * `vmsentry local [paths...]` (and `npm start`): the real pipeline with no AWS account. dynalite stands in for
 * DynamoDB (data in .local/dynamodb, so allowlist entries and dedup state persist between runs), fauxqs for SNS, SQS
 * and S3: the alert topic has one queue per subscriber protocol, subscribed with the stack's filter policies, and
 * what each received is printed. The real Lambda handlers (CloudWatch subscription, EDR feed) run on real event
 * shapes built from the bundled samples or the user's files. The same events are then delivered a second time to
 * show dedup.
 */
import path from 'node:path';
import { CreateTopicCommand } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Command } from 'commander';
import { createCloudWatchHandler } from '../../lambdas/cloudwatch-subscription';
import { createEdrFeedHandler } from '../../lambdas/edr-feed';
import type { LoadedRules, LogSink, MetricSink } from '../../lambdas/runtime';
import { SnsAlertPublisher } from '../../lib/adapters/sns-publisher';
import type { PublishedAlert } from '../../lib/alerts/published-alert';
import { entryToItem, validateEntry } from '../../lib/allowlist/item';
import { parseConfig, type RuntimeConfig } from '../../lib/config';
import { ALLOWLIST_TABLE, HISTORY_TABLE, type RuleMetadata, SEVERITIES, STATE_TABLE } from '../../lib/model';
import { correlationOnlyRuleIds, RuleSet } from '../../lib/rules';
import { cellText, formatTable } from '../../lib/scan';
import { type CliIo, describeError, EXIT, processIo, UsageError, writeLine } from '../cli-io';
import { paletteFor } from '../colour';
import { expandInputPaths, INCLUDE_HELP } from '../input-paths';
import { countCalls } from '../local/call-counter';
import { serveLocalConsole, untilInterrupted } from '../local/console';
import { type LocalDynamo, startLocalDynamo } from '../local/dynamodb';
import { EMULATOR_REGION, type Emulator, emulatorClients, startEmulator } from '../local/emulator';
import { LOCAL_DATA_DIR, LOCAL_HISTORY_TABLE, recordLocalHistory } from '../local/history';
import { alertsIn, inboxOf, renderFor, type SubscriberInbox } from '../local/render';
import { formatRepeats, REPEAT_KEYS, repeatRows } from '../local/repeats';
import { fileDeliveries, type LambdaDelivery, readManifest, sampleDeliveries } from '../local/scenario';
import { claimServe, parsePort, serveUntilSignal } from '../local/serve';
import {
  LOCAL_SUBSCRIBERS,
  receivedBodies,
  type SubscribedStandIn,
  subscribeStandIns,
  type TopicSubscriber,
} from '../local/subscribers';
import { BUILTIN_RULES_DIR, collect as collectArg, describeLoadError, loadRuleSources } from '../rule-sources';
import { tableLayout } from '../table-layout';

export interface LocalOptions {
  readonly fresh?: boolean;
  readonly dataDir: string;
  readonly show: number;
  readonly replay: boolean;
  /** A directory of real telemetry (e.g. the OTRF Security-Datasets) delivered after the samples or files. */
  readonly corpus?: string;
  /** --include globs for directory arguments (the paths and --corpus). */
  readonly include?: string[];
  /** Keep DynamoDB and the emulator listening after the run, for `--local` (bin/local/serve.ts). */
  readonly serve?: boolean;
  /** With --serve: DynamoDB on this port, the emulator on the next. */
  readonly port?: number;
  /** Serve the web console over the run's stores after the run, until Ctrl-C. */
  readonly console?: boolean;
  readonly consolePort?: number;
}

const TABLES = {
  allowlist: 'vmsentry-local-allowlist',
  state: 'vmsentry-local-state',
} as const;
const TOPIC = 'vmsentry-local-alerts';

/** How the printout names each local subscriber. */
const LABELS: Readonly<Record<string, string>> = {
  email: 'e-mail (SNS email body)',
  'slack-notifier': 'Slack (the webhook notifier, Block Kit as text)',
  chatbot: 'Chatbot (Slack via AWS Chatbot)',
  siem: 'SIEM queue (raw alert JSON)',
};

/** "high and above" for a severityRank filter policy, "everything" without one. */
function takes(subscriber: TopicSubscriber): string {
  const rank = (subscriber.filterPolicy?.['severityRank'] as { numeric?: [string, number] }[] | undefined)?.[0]
    ?.numeric?.[1];
  return rank === undefined ? 'everything' : `${SEVERITIES[rank] ?? rank} and above`;
}

function parseCount(value: string): number {
  const count = Number(value);
  if (!Number.isInteger(count) || count < 0) throw new UsageError(`--show: '${value}' is not a whole number`);
  return count;
}

export function register(program: Command): void {
  program
    .command('local')
    .description(
      'run the real pipeline locally (no AWS account): DynamoDB in-process, SNS/SQS/S3 emulated, what each subscriber received printed',
    )
    .argument(
      '[paths...]',
      'log files or directories (read recursively) to deliver as CloudWatch Logs payloads (default: the bundled samples)',
    )
    .option('--include <glob>', INCLUDE_HELP, collectArg, [])
    .option('--fresh', 'wipe the local DynamoDB data first (allowlist and dedup state)')
    .option('--data-dir <dir>', 'where the local DynamoDB keeps its data', LOCAL_DATA_DIR)
    .option('--show <n>', 'alerts printed in full as e-mail and Slack', parseCount, 3)
    .option('--no-replay', 'do not deliver the same events a second time (the dedup demonstration)')
    .option(
      '--corpus <dir>',
      'also deliver every file under DIR (recursively, --include applies; .gz inflated), e.g. a checkout of the public OTRF Security-Datasets',
    )
    .option('--serve', 'after the run, keep DynamoDB and SNS/SQS/S3 listening (for --local) until Ctrl-C')
    .option('--port <n>', 'with --serve: DynamoDB on port N, SNS/SQS/S3 on N+1 (default: free ports)', parsePort)
    .option('--console', 'after the run, serve the web console on 127.0.0.1 over the local stores until Ctrl-C')
    .option('--console-port <port>', 'port of the local console (default: any free port)', parseCount)
    .action(async (paths: string[], options: LocalOptions) => {
      process.exitCode = await runLocal(paths, options, processIo);
    });
}

/** Sums every count the handlers emit (EMF metrics in Lambda). */
class CountingMetrics implements MetricSink {
  readonly totals = new Map<string, number>();
  count(name: string, value: number): void {
    this.totals.set(name, (this.totals.get(name) ?? 0) + value);
  }
  metadata(): void {}
  flush(): void {}
  get(name: string): number {
    return this.totals.get(name) ?? 0;
  }
}

/** Keeps what the summary needs from the handlers' structured logs; everything else is dropped. */
class CapturingLogger implements LogSink {
  readonly allowlisted: { ruleId: string; host: string; owner: string; reason: string }[] = [];
  readonly errors: string[] = [];
  debug(): void {}
  info(message: string, extra?: Record<string, unknown>): void {
    if (message === 'detection allowlisted' && extra) {
      this.allowlisted.push({
        ruleId: String(extra['ruleId']),
        host: String(extra['host']),
        owner: String(extra['owner']),
        reason: String(extra['reason']),
      });
    }
  }
  warn(message: string, extra?: Record<string, unknown>): void {
    if (message !== 'record not parsed' && message !== 'more records not parsed') this.error(message, extra);
  }
  error(message: string, extra?: Record<string, unknown>): void {
    this.errors.push(extra ? `${message} ${cellText(JSON.stringify(extra), 300)}` : message);
  }
}

function localConfig(rulesDir: string, topicArn: string): RuntimeConfig {
  const parsed = parseConfig({
    ALLOWLIST_TABLE: TABLES.allowlist,
    STATE_TABLE: TABLES.state,
    ALERT_TOPIC_ARN: topicArn,
    RULES_DIR: rulesDir,
    ALLOWLIST_CACHE_SECONDS: '60',
  });
  if (!parsed.ok) throw new Error(`local configuration is invalid: ${parsed.problems.join('; ')}`);
  return parsed.config;
}

interface PassResult {
  /** Every alert published, as the unfiltered SIEM subscriber received them, most severe first. */
  readonly published: PublishedAlert[];
  readonly inboxes: readonly SubscriberInbox[];
  readonly undeliverable: string[];
  readonly failures: string[];
}

export async function runLocal(paths: readonly string[], options: LocalOptions, io: CliIo): Promise<number> {
  const include = options.include ?? [];
  const files = expandInputPaths(paths, { include });
  if (files.includes('-')) throw new UsageError('local reads files and directories, not stdin (-)');
  const corpusFiles =
    options.corpus === undefined ? [] : expandInputPaths([options.corpus], { include, label: '--corpus' });
  const out = (text = ''): Promise<void> => writeLine(io.stdout, text);
  const palette = paletteFor(io.stdout);
  const started = Date.now();
  if (options.port !== undefined && !options.serve) throw new UsageError('--port is for --serve');
  const serveFile = options.serve ? await claimServe(io) : undefined;

  const loaded = loadRuleSources([BUILTIN_RULES_DIR]);
  for (const error of loaded.errors) await out(`rule not loaded: ${describeLoadError(error)}`);
  const rules: LoadedRules = {
    ruleSet: RuleSet.from(loaded.rules),
    correlations: loaded.correlations,
    correlationOnly: correlationOnlyRuleIds(loaded.correlations),
    errors: loaded.errors,
  };
  const metadata = new Map<string, RuleMetadata>(
    [...loaded.rules, ...loaded.correlations].map((item) => [item.metadata.id, item.metadata]),
  );

  const dataDir = path.resolve(options.dataDir);
  // The emulator starts in its own process: its start overlaps dynalite's.
  const starting = startEmulator(undefined, options.port === undefined ? 0 : options.port + 1);
  let dynamo: LocalDynamo;
  try {
    dynamo = await startLocalDynamo({
      dataDir,
      ...(options.fresh ? { fresh: true } : {}),
      ...(options.port === undefined ? {} : { port: options.port }),
    });
  } catch (error) {
    await (await starting.catch(() => undefined))?.stop();
    throw error;
  }
  let emulator: Emulator | undefined;
  try {
    emulator = await starting;
    const allowlistTable = await dynamo.ensureTable(TABLES.allowlist, ALLOWLIST_TABLE);
    const stateTable = await dynamo.ensureTable(TABLES.state, STATE_TABLE);
    await dynamo.ensureTable(LOCAL_HISTORY_TABLE, HISTORY_TABLE);
    await out(`vmsentry local: ${loaded.rules.length} rules, ${loaded.correlations.length} correlations`);
    await out(
      `DynamoDB (dynalite, in-process) with data in ${options.dataDir}${options.fresh ? ' (wiped: --fresh)' : ''}: ` +
        `${TABLES.allowlist} ${allowlistTable}, ${TABLES.state} ${stateTable}`,
    );
    await seedAllowlist(dynamo, out);

    const deliveries = [
      ...(files.length > 0 ? await fileDeliveries(files) : await sampleDeliveries()),
      ...(await fileDeliveries(corpusFiles)),
    ];
    const records = deliveries.reduce((sum, delivery) => sum + delivery.records, 0);
    const corpusNote =
      options.corpus === undefined ? '' : ` and ${corpusFiles.length} corpus file(s) from ${options.corpus}`;
    await out(
      `delivering ${records} records from ${files.length > 0 ? `${files.length} file(s)` : 'the bundled samples (samples/)'}${corpusNote}: ` +
        `${deliveries.filter((d) => d.kind === 'cloudwatch').length} CloudWatch Logs subscription event(s), ` +
        `${deliveries.filter((d) => d.kind === 'sqs').length} EDR feed SQS event(s)`,
    );

    const clients = emulatorClients(emulator.endpoint);
    const sns = countCalls(clients.sns);
    const topicArn = (await clients.sns.send(new CreateTopicCommand({ Name: TOPIC }))).TopicArn!;
    const standIns = await subscribeStandIns(clients, topicArn, LOCAL_SUBSCRIBERS);
    await out(
      `SNS, SQS and S3 (fauxqs, in memory) at ${emulator.endpoint}: topic ${TOPIC}, one queue per subscriber with ` +
        `the stack's filter policy: ${standIns.map((s) => `${s.subscriber.name} (${takes(s.subscriber)})`).join(', ')}`,
    );
    sns.reset();

    const config = localConfig(BUILTIN_RULES_DIR, topicArn);
    const metrics = new CountingMetrics();
    const logger = new CapturingLogger();
    // The suppress commands in these alerts target the local instance (`npx vmsentry allowlist add --local`).
    const publisher = new SnsAlertPublisher(clients.sns, topicArn, {
      allowlistTable: TABLES.allowlist,
      localDynamoEndpoint: dynamo.endpoint,
    });
    const deps = { config, doc: dynamo.doc, publisher, rules, logger, metrics };
    const cloudwatch = createCloudWatchHandler(deps);
    const edr = createEdrFeedHandler({ ...deps, s3: clients.s3 });

    const deliverAll = async (): Promise<PassResult> => {
      const failures: string[] = [];
      for (const delivery of deliveries) {
        try {
          await deliver(delivery, cloudwatch, edr, failures);
        } catch (error) {
          failures.push(`${delivery.label}: ${describeError(error)}`);
        }
      }
      return { ...(await collect(clients.sqs, standIns)), failures };
    };

    const first = await deliverAll();
    const firstCounts = snapshot(metrics, dynamo, sns);
    const firstAllowlisted = logger.allowlisted.length;

    await out();
    if (first.published.length === 0) {
      await out(
        'no new alerts: every detection was already alerted within its dedup window in an earlier run ' +
          `(state in ${options.dataDir}; --fresh starts over)`,
      );
    }
    for (const [index, alert] of first.published.slice(0, options.show).entries()) {
      for (const [position, inbox] of first.inboxes.entries()) {
        const title = LABELS[inbox.subscriber.name] ?? inbox.subscriber.name;
        await out(
          position === 0
            ? `━━━ alert ${index + 1} of ${first.published.length} (${palette.severity(alert.severity)(alert.severity)}) ━━━ ${title} ━━━`
            : `━━━ ${title} ━━━`,
        );
        const body = inbox.byAlertId.get(alert.id);
        await out(
          body === undefined
            ? `(not delivered: this subscriber takes ${takes(inbox.subscriber)})`
            : renderFor(inbox.subscriber.protocol, body),
        );
      }
      await out();
    }
    if (first.published.length > options.show) {
      await out(`(${first.published.length - options.show} more alert(s) not printed in full: --show N)`);
      await out();
    }

    // One line per host and entry: the seeded one, and any added with the suppress command of an earlier run.
    const suppressedBy = new Map<string, { host: string; owner: string; reason: string; count: number }>();
    for (const { host, owner, reason } of logger.allowlisted) {
      const key = JSON.stringify([host, owner, reason]);
      const seen = suppressedBy.get(key) ?? { host, owner, reason, count: 0 };
      seen.count++;
      suppressedBy.set(key, seen);
    }
    for (const { host, owner, reason, count } of suppressedBy.values())
      await out(
        `allowlist: ${count} detection(s) on host ${host} suppressed by an entry (owner ${owner}: "${reason}")`,
      );
    await out();
    await out(summaryTable(first.published, logger.allowlisted.slice(0, firstAllowlisted), metadata, io));
    await out();
    await out(
      `records: ${firstCounts.records}  events: ${firstCounts.events}  parse errors: ${firstCounts.parseErrors}  ` +
        `matches: ${firstCounts.matches}  suppressed: ${firstCounts.allowlisted}  deduplicated: ${firstCounts.deduplicated}  ` +
        `alerts published: ${first.published.length}`,
    );
    await out(`DynamoDB calls: ${firstCounts.dynamoCalls}  SNS calls: ${firstCounts.snsCalls}`);
    await out(
      `received by subscriber: ${first.inboxes
        .map((inbox) => `${inbox.subscriber.name} ${inbox.byAlertId.size} (${takes(inbox.subscriber)})`)
        .join(', ')}`,
    );

    let failures = [...first.failures, ...first.undeliverable];
    const published = [...first.published];
    if (options.replay) {
      const second = await deliverAll();
      published.push(...second.published);
      const total = snapshot(metrics, dynamo, sns);
      failures = [...failures, ...second.failures, ...second.undeliverable];
      await out();
      await out(
        `replay (the same ${records} records delivered again, as a Lambda retry or a duplicate delivery would): ` +
          `${second.published.length} new alert(s), ${total.deduplicated - firstCounts.deduplicated} detection(s) deduplicated, ` +
          `${total.allowlisted - firstCounts.allowlisted} suppressed; ` +
          `DynamoDB calls: ${total.dynamoCalls - firstCounts.dynamoCalls}, SNS calls: ${total.snsCalls - firstCounts.snsCalls}`,
      );
    }
    // Read after the counts above: the Scan is not part of what a delivery costs.
    const repeats = formatRepeats(await repeatRows(dynamo.doc, TABLES.state), tableLayout(io, { keys: REPEAT_KEYS }));
    if (repeats) {
      await out();
      await out(
        'repeats per dedup key, this run and earlier ones (the pipeline reports them in a "seen N times" follow-up):',
      );
      await out(repeats);
    }
    // After delivery and after the counts: the history is off the delivery path here as in the stack.
    const history = await recordLocalHistory(dynamo.doc, published, Date.now());
    failures = [...failures, ...history.problems];
    await out(
      `alert history: ${history.recorded} alert(s) recorded in ${LOCAL_HISTORY_TABLE}; list them with ` +
        `\`vmsentry alerts list --local\``,
    );
    await out(
      `run \`npm start\` again: dedup state persists in ${options.dataDir}, so known detections do not alert twice.`,
    );
    if (!serveFile)
      await out('the suppress commands above need a served instance: `npx vmsentry local --serve` keeps this one up.');
    await out(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    for (const failure of [...failures, ...logger.errors]) io.stderr.write(`problem: ${failure}\n`);
    const consoleServer = options.console
      ? await serveLocalConsole({
          doc: dynamo.doc,
          historyTable: LOCAL_HISTORY_TABLE,
          allowlistTable: TABLES.allowlist,
          rulesDir: BUILTIN_RULES_DIR,
          records: firstCounts.records,
          parseErrors: firstCounts.parseErrors,
          sources: deliveries.map((delivery) => delivery.label.replace(/ \(.*$/, '')),
          failures: failures.length,
          ...(options.consolePort !== undefined ? { port: options.consolePort } : {}),
        })
      : undefined;
    if (consoleServer) {
      await out();
      await out(
        `console: ${consoleServer.url}  (sign in with any e-mail and the access code ${consoleServer.accessCode})`,
      );
      if (!serveFile) await out('press Ctrl-C to stop the console');
    }
    if (serveFile) {
      const queues = Object.fromEntries(standIns.map((standIn) => [standIn.subscriber.name, standIn.queue.url]));
      const served = {
        dynamodbEndpoint: dynamo.endpoint,
        emulatorEndpoint: emulator.endpoint,
        region: EMULATOR_REGION,
      };
      const instance = { ...served, tables: TABLES, topicArn, queues, dataDir };
      await serveUntilSignal(instance, io, { file: serveFile });
    } else if (consoleServer) {
      await untilInterrupted();
    }
    await consoleServer?.close();
    return failures.length > 0 ? EXIT.internal : EXIT.ok;
  } finally {
    await Promise.all([dynamo.stop(), emulator?.stop()]);
  }
}

/** Drain every stand-in: what each subscriber received in this pass. */
async function collect(sqs: SQSClient, standIns: readonly SubscribedStandIn[]): Promise<Omit<PassResult, 'failures'>> {
  const inboxes: SubscriberInbox[] = [];
  for (const standIn of standIns) inboxes.push(inboxOf(standIn.subscriber, await receivedBodies(sqs, standIn)));
  // The SIEM queue takes everything (no filter policy): its inbox is the list of published alerts.
  const siem = inboxes.find(
    (inbox) => inbox.subscriber.filterPolicy === undefined && inbox.subscriber.protocol === 'sqs',
  );
  const { alerts, problems } = siem ? alertsIn(siem) : { alerts: [], problems: ['no unfiltered SQS subscriber'] };
  const undeliverable = [
    ...problems,
    ...inboxes.flatMap((inbox) =>
      inbox.unreadable.map(
        (body) => `${inbox.subscriber.name} received a body without an alert id: ${body.slice(0, 80)}`,
      ),
    ),
  ];
  return { published: alerts, inboxes, undeliverable };
}

async function seedAllowlist(dynamo: LocalDynamo, out: (text?: string) => Promise<void>): Promise<void> {
  const seed = readManifest().allowlist;
  const nowSeconds = Math.floor(Date.now() / 1000);
  const validated = validateEntry({
    host: seed.host,
    rule: seed.rule,
    reason: seed.reason,
    owner: seed.owner,
    createdAt: nowSeconds,
    expiresAt: nowSeconds + seed.expiresInDays * 86_400,
  });
  if (!validated.ok) throw new Error(`samples/manifest.json allowlist entry is invalid: ${validated.reason}`);
  await dynamo.doc.send(new PutCommand({ TableName: TABLES.allowlist, Item: entryToItem(validated.entry) }));
  await out(
    `allowlist entry seeded: host ${validated.entry.host}, rule ${validated.entry.rule}, expires in ${seed.expiresInDays} days ` +
      `("${validated.entry.reason}")`,
  );
}

async function deliver(
  delivery: LambdaDelivery,
  cloudwatch: ReturnType<typeof createCloudWatchHandler>,
  edr: ReturnType<typeof createEdrFeedHandler>,
  failures: string[],
): Promise<void> {
  if (delivery.kind === 'cloudwatch') {
    await cloudwatch(delivery.event);
    return;
  }
  const response = await edr(delivery.event);
  for (const failure of response.batchItemFailures)
    failures.push(`${delivery.label}: SQS message ${failure.itemIdentifier} failed`);
}

function snapshot(metrics: CountingMetrics, dynamo: LocalDynamo, sns: { calls(): number }) {
  return {
    records: metrics.get('RecordsIn'),
    events: metrics.get('Events'),
    parseErrors: metrics.get('ParseErrors'),
    matches: metrics.get('Matches'),
    allowlisted: metrics.get('Allowlisted'),
    deduplicated: metrics.get('Deduplicated'),
    dynamoCalls: dynamo.calls(),
    snsCalls: sns.calls(),
  };
}

function summaryTable(
  published: readonly PublishedAlert[],
  allowlisted: readonly { ruleId: string; host: string }[],
  metadata: ReadonlyMap<string, RuleMetadata>,
  io: CliIo,
): string {
  interface Row {
    rule: string;
    severity: string;
    host: string;
    alerts: number;
    events: number;
    suppressed: number;
  }
  const rows = new Map<string, Row>();
  const rowFor = (ruleId: string, severity: string, host: string): Row => {
    const key = `${ruleId}\u0000${severity}\u0000${host}`;
    const row = rows.get(key) ?? {
      rule: metadata.get(ruleId)?.title ?? ruleId,
      severity,
      host,
      alerts: 0,
      events: 0,
      suppressed: 0,
    };
    rows.set(key, row);
    return row;
  };
  for (const alert of published) {
    const row = rowFor(alert.ruleId, alert.severity, alert.host);
    row.alerts++;
    row.events += alert.dedup.count;
  }
  for (const entry of allowlisted)
    rowFor(entry.ruleId, metadata.get(entry.ruleId)?.severity ?? '?', `${entry.host} (allowlisted)`).suppressed++;
  const sorted = [...rows.values()].sort((a, b) => a.host.localeCompare(b.host) || a.rule.localeCompare(b.rule));
  if (sorted.length === 0) return 'no alerts and no suppressed detections';
  return formatTable(
    ['RULE', 'SEVERITY', 'HOST', 'ALERTS', 'EVENTS', 'SUPPRESSED'],
    sorted.map((row) => [row.rule, row.severity, row.host, row.alerts, row.events, row.suppressed]),
    // Only the rule title gives way to a narrow terminal: severity, host and the counts are read whole.
    { maxCellWidth: 70, ...tableLayout(io, { keys: [1, 2, 3, 4, 5], severity: 1 }) },
  );
}
