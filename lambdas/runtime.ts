/**
 * Shared composition for the ingest functions: telemetry (Powertools Logger + EMF Metrics), the rule set compiled once
 * per cold start, the DynamoDB-backed ports and one `ingest` call that runs the pipeline and reports what it did.
 * No business logic lives here: that is lib/pipeline.ts.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AlertPublisher } from '../lib/alerts/publisher';
import { type AllowlistStore, CachedAllowlistStore } from '../lib/allowlist/store';
import { loadConfig, type RuntimeConfig } from '../lib/config';
import { describePosition, excerptOf, type FormatName, type ParseError } from '../lib/model';
import {
  AlertsNotPublishedError,
  ClaimsPendingError,
  DedupStageError,
  type DetectedBatch,
  type PipelineCounts,
  type PipelineOutcome,
  runPipeline,
} from '../lib/pipeline';
import {
  type CompiledCorrelation,
  Correlator,
  correlationOnlyRuleIds,
  loadRuleDirectory,
  type RuleDirectory,
  type RuleLoadError,
  RuleSet,
} from '../lib/rules';
import { loadRulePack, RULE_PACK_FILE } from '../lib/rules/rule-pack';
import { SETTING_BOUNDS } from '../lib/settings';
import type { ParsedBatch } from '../lib/sources';
import { clientOptions } from './clients';
import { deferred } from './deferred';

/*
 * The AWS SDK and the adapters over it are required where a port is first used (see ./deferred): their modules are
 * most of what a cold start would otherwise load, and a delivery without detections never calls AWS.
 */
type AllowlistAdapter = typeof import('../lib/adapters/dynamodb-allowlist-store');
type DedupAdapter = typeof import('../lib/adapters/dynamodb-dedup-store');
type CorrelationAdapter = typeof import('../lib/adapters/dynamodb-correlation-store');
function dynamoDbAdapters(): AllowlistAdapter & DedupAdapter & CorrelationAdapter {
  return {
    ...(require('../lib/adapters/dynamodb-allowlist-store') as AllowlistAdapter),
    ...(require('../lib/adapters/dynamodb-dedup-store') as DedupAdapter),
    ...(require('../lib/adapters/dynamodb-correlation-store') as CorrelationAdapter),
  };
}
const sns = () => require('@aws-sdk/client-sns') as typeof import('@aws-sdk/client-sns');

export const METRICS_NAMESPACE = 'vmsentry';
/**
 * The `service` dimension of every pipeline metric. One value for all functions, so the stack's dashboard and alarms
 * (cdk/constructs/operations.ts) see the pipeline as a whole; logs keep each function's own service name.
 */
export const METRICS_SERVICE = 'vmsentry';

/** The part of a logger the runtime uses (Powertools Logger fits). */
export interface LogSink {
  debug(message: string, extra?: Record<string, unknown>): void;
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

/** Counters out; EMF in Lambda, an array in tests. */
export interface MetricSink {
  count(name: string, value: number, dimensions?: Readonly<Record<string, string>>): void;
  metadata(key: string, value: string): void;
  flush(): void;
}

/** Structured JSON logs (Powertools); extra keys are merged into the log line. */
export function powertoolsLogger(serviceName: string): LogSink {
  const logger = new Logger({ serviceName });
  return {
    debug: (message, extra) => (extra ? logger.debug(message, extra) : logger.debug(message)),
    info: (message, extra) => (extra ? logger.info(message, extra) : logger.info(message)),
    warn: (message, extra) => (extra ? logger.warn(message, extra) : logger.warn(message)),
    error: (message, extra) => (extra ? logger.error(message, extra) : logger.error(message)),
  };
}

/**
 * EMF metrics in namespace 'vmsentry', dimension service=vmsentry. Dimensioned counts go out as single metrics
 * (bounded: one per format); the function name rides along as metadata.
 */
export function powertoolsMetrics(functionName: string): MetricSink {
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: METRICS_SERVICE });
  metrics.addMetadata('function', functionName);
  return {
    count(name, value, dimensions) {
      if (dimensions && Object.keys(dimensions).length > 0) {
        const single = metrics.singleMetric();
        for (const [key, dimension] of Object.entries(dimensions)) single.addDimension(key, dimension);
        single.addMetric(name, MetricUnit.Count, value);
      } else {
        metrics.addMetric(name, MetricUnit.Count, value);
      }
    },
    metadata(key, value) {
      metrics.addMetadata(key, value);
    },
    flush() {
      metrics.publishStoredMetrics();
    },
  };
}

export interface LoadedRules {
  readonly ruleSet: RuleSet;
  readonly correlations: readonly CompiledCorrelation[];
  readonly correlationOnly: ReadonlySet<string>;
  readonly errors: readonly RuleLoadError[];
}

/** No rule could be loaded: running would silently detect nothing, so the cold start fails instead. */
export class RulesUnavailableError extends Error {
  override readonly name = 'RulesUnavailableError';
}

/** The rules directory: RULES_DIR, else `rules/` next to the bundle (the CDK bundling copies it there). */
export function rulesDirectory(config: Pick<RuntimeConfig, 'rulesDir'>, bundleDir: string): string {
  return config.rulesDir ?? path.join(bundleDir, 'rules');
}

/** Compile the rule pack once per cold start. Broken rule files are reported; the rest still run. */
export function loadRules(dir: string, logger?: LogSink): LoadedRules {
  return loadedRules(loadRuleDirectory(dir), dir, logger);
}

/**
 * The rules a deployed function runs: RULES_DIR's YAML when it is set, else the rule pack the bundling wrote beside
 * the bundle (rule-pack.json: one JSON.parse, no directory walk, no YAML parser), else rules/ beside the bundle.
 */
export function functionRules(
  config: Pick<RuntimeConfig, 'rulesDir'>,
  bundleDir: string,
  logger?: LogSink,
): LoadedRules {
  const dir = rulesDirectory(config, bundleDir);
  const pack = path.join(bundleDir, RULE_PACK_FILE);
  if (config.rulesDir !== undefined || !existsSync(pack)) return loadRules(dir, logger);
  return loadedRules(loadRulePack(pack, dir), pack, logger);
}

function loadedRules(loaded: RuleDirectory, origin: string, logger?: LogSink): LoadedRules {
  for (const error of loaded.errors) logger?.error('rule not loaded', { source: error.source, reason: error.reason });
  // A stale or corrupt precompiled pack is ignored (the YAML is read instead); say so, it costs cold-start time.
  for (const warning of loaded.warnings ?? [])
    logger?.warn('rule pack warning', { source: warning.source, reason: warning.reason });
  if (loaded.rules.length === 0) {
    throw new RulesUnavailableError(`no rule loaded from ${origin} (${loaded.errors.length} error(s))`);
  }
  return {
    ruleSet: RuleSet.from(loaded.rules),
    correlations: loaded.correlations,
    correlationOnly: correlationOnlyRuleIds(loaded.correlations),
    errors: loaded.errors,
  };
}

/**
 * The production dependencies of an ingest function, from its environment: configuration, the rules (the pack beside
 * the bundle), and the SDK clients (with retries for throttling and timeouts: lambdas/clients.ts) and SNS publisher,
 * each created once per execution environment on its first use (./deferred).
 */
export function ingestDepsFromEnvironment(serviceName: string, handlerDir: string): IngestDeps {
  const config = loadConfig();
  const logger = powertoolsLogger(serviceName);
  // Outside Lambda no timeout is written: size the clients for the default one.
  const clients = clientOptions(config.functionTimeoutSeconds ?? SETTING_BOUNDS.functionTimeoutSeconds.fallback);
  const doc = deferred(() => {
    const { DynamoDBClient } = require('@aws-sdk/client-dynamodb') as typeof import('@aws-sdk/client-dynamodb');
    const { DynamoDBDocumentClient } = require('@aws-sdk/lib-dynamodb') as typeof import('@aws-sdk/lib-dynamodb');
    return DynamoDBDocumentClient.from(new DynamoDBClient(clients), {
      marshallOptions: { removeUndefinedValues: true },
    });
  });
  const publisher = deferred(() => {
    const { SnsAlertPublisher } =
      require('../lib/adapters/sns-publisher') as typeof import('../lib/adapters/sns-publisher');
    return new SnsAlertPublisher(new (sns().SNSClient)(clients), config.alertTopicArn, {
      allowlistTable: config.allowlistTable,
      ...(config.logsInsightsRegion ? { region: config.logsInsightsRegion } : {}),
      ...(config.runbookUrl ? { runbookUrl: config.runbookUrl } : {}),
    });
  });
  return {
    config,
    doc,
    publisher,
    rules: functionRules(config, handlerDir, logger),
    logger,
    metrics: powertoolsMetrics(serviceName),
  };
}

/**
 * An SNS client with the functions' retries and timeouts (lambdas/clients.ts; default: sized for the default
 * function timeout), for callers that override the endpoint or the timeouts (tests, local mode).
 */
export function createSnsClient(
  timeouts: { connectionTimeoutMs?: number; requestTimeoutMs?: number } = {},
  options: ConstructorParameters<typeof SNSClient>[0] = {},
): SNSClient {
  const defaults = clientOptions(SETTING_BOUNDS.functionTimeoutSeconds.fallback);
  return new (sns().SNSClient)({
    ...defaults,
    ...options,
    requestHandler: {
      ...defaults.requestHandler,
      ...(timeouts.connectionTimeoutMs !== undefined ? { connectionTimeout: timeouts.connectionTimeoutMs } : {}),
      ...(timeouts.requestTimeoutMs !== undefined ? { requestTimeout: timeouts.requestTimeoutMs } : {}),
    },
  });
}

export interface IngestDeps {
  readonly config: RuntimeConfig;
  readonly doc: DynamoDBDocumentClient;
  readonly publisher: AlertPublisher;
  readonly rules: LoadedRules;
  readonly logger?: LogSink;
  readonly metrics?: MetricSink;
  readonly clock?: () => number;
  /** Replace the DynamoDB allowlist (tests, local mode). */
  readonly allowlist?: AllowlistStore;
}

export interface Ingest {
  /**
   * Run one batch, parsed whole or detected record by record (BatchDetector), plus any envelope-level errors, through
   * the pipeline; throws when delivery failed.
   */
  run(batch: ParsedBatch | DetectedBatch, envelopeErrors?: readonly ParseError[]): Promise<PipelineOutcome>;
  readonly logger: LogSink;
  readonly metrics: MetricSink;
}

/** Parse errors logged one by one per invocation; the rest are summarised (a garbage feed must not flood the logs). */
export const MAX_LOGGED_PARSE_ERRORS = 100;

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return '(unserializable item)';
  }
}

const SILENT: LogSink = { debug() {}, info() {}, warn() {}, error() {} };
const NO_METRICS: MetricSink = { count() {}, metadata() {}, flush() {} };

/**
 * Build the ports once (per cold start): the allowlist cache lives as long as this object, so warm invocations reuse
 * it. Returns `run`, which records metrics and logs for every outcome, including failures.
 */
export function createIngest(deps: IngestDeps): Ingest {
  const logger = deps.logger ?? SILENT;
  const metrics = deps.metrics ?? NO_METRICS;
  const clock = deps.clock ?? Date.now;
  const { config } = deps;
  // The DynamoDB adapters are built on first use: a batch without detections never builds them (./deferred).
  const allowlist =
    deps.allowlist ??
    new CachedAllowlistStore(
      deferred(
        () =>
          new (dynamoDbAdapters().DynamoDbAllowlistStore)(deps.doc, config.allowlistTable, {
            onMalformed: (item) => {
              metrics.count('AllowlistEntryMalformed', 1);
              // Bounded: an item is operator input, but a hostile or huge one must not flood the logs.
              logger.warn('allowlist entry ignored: malformed', { item: excerptOf(safeJson(item), 500) });
            },
          }),
      ),
      {
        ttlSeconds: config.allowlistCacheSeconds,
        clock,
        // Once per entry as compiled (the cache reuses it), never per event: the same words `allowlist lint` prints.
        onEntryWarnings: (entry, warnings) =>
          logger.warn('allowlist entry warning', { host: entry.host, id: entry.id, warnings }),
      },
    );
  const dedup = deferred(
    () =>
      new (dynamoDbAdapters().DynamoDbDedupStore)(deps.doc, config.stateTable, {
        leaseSeconds: config.claimLeaseSeconds,
      }),
  );
  const correlator =
    deps.rules.correlations.length > 0
      ? new Correlator(
          deps.rules.correlations,
          deferred(() => new (dynamoDbAdapters().DynamoDbCorrelationStore)(deps.doc, config.stateTable)),
        )
      : undefined;

  const run = async (
    batch: ParsedBatch | DetectedBatch,
    envelopeErrors: readonly ParseError[] = [],
  ): Promise<PipelineOutcome> => {
    const merged = withEnvelopeErrors(batch, envelopeErrors);
    try {
      const outcome = await runPipeline(merged, {
        ruleSet: deps.rules.ruleSet,
        ...(correlator ? { correlator } : {}),
        correlationOnly: deps.rules.correlationOnly,
        allowlist,
        dedup,
        publisher: deps.publisher,
        clock,
        config: {
          dedupWindowSeconds: config.dedupWindowSeconds,
          minSeverity: config.minSeverity,
          alertFloodThreshold: config.alertFloodThreshold,
        },
        observer: {
          allowlisted: (detection, entry) =>
            logger.info('detection allowlisted', {
              ruleId: detection.rule.id,
              host: entry.entry.host,
              entryId: entry.entry.id,
              owner: entry.entry.owner,
              reason: entry.entry.reason,
            }),
          failClosed: (error, hosts) =>
            logger.error('allowlist unavailable: alerts published unfiltered', {
              error: errorSummary(error),
              hosts: hosts.slice(0, 20),
            }),
          confirmLost: (alert, error) =>
            logger.warn('alert published but its dedup claim was not confirmed: a duplicate is possible', {
              alertId: alert.id,
              ...(error ? { error: errorSummary(error) } : {}),
            }),
          releaseFailed: (ticket, error) =>
            logger.warn('dedup claim not released: it is taken over when its lease ends', {
              pk: ticket.pk,
              error: errorSummary(error),
            }),
          flood: (flood) =>
            logger.warn('alert flood: detections of one rule from one source reported as one alert', { ...flood }),
          alertFallback: (fallback) =>
            logger.error('alert could not be rendered: published as a minimal fallback alert', { ...fallback }),
        },
      });
      report(outcome, logger, metrics);
      return outcome;
    } catch (error) {
      if (
        error instanceof AlertsNotPublishedError ||
        error instanceof DedupStageError ||
        error instanceof ClaimsPendingError
      ) {
        report(error.outcome, logger, metrics);
      } else {
        reportParse(merged, logger, metrics);
        metrics.flush();
      }
      logger.error('batch not delivered: the invocation fails so it is retried', { error: errorSummary(error) });
      throw error;
    }
  };
  return { run, logger, metrics };
}

/** The batch with envelope-level errors (bad payload, records dropped by a bound) added to its errors. */
export function withEnvelopeErrors<T extends Pick<ParsedBatch, 'errors' | 'errorsByFormat'>>(
  batch: T,
  errors: readonly ParseError[],
): T {
  if (errors.length === 0) return batch;
  const errorsByFormat = { ...batch.errorsByFormat };
  for (const error of errors) errorsByFormat[error.format] = (errorsByFormat[error.format] ?? 0) + 1;
  return { ...batch, errors: [...batch.errors, ...errors], errorsByFormat };
}

export const EMPTY_BATCH: ParsedBatch = {
  events: [],
  errors: [],
  records: 0,
  eventsByFormat: {},
  errorsByFormat: {},
  unknown: 0,
};

function report(outcome: PipelineOutcome, logger: LogSink, metrics: MetricSink): void {
  const { counts } = outcome;
  logParseErrors(outcome.parseErrors, logger);
  recordCounts(counts, metrics);
  if (counts.detections > 0 || counts.parseErrors > 0) {
    logger.info('batch processed', { counts: { ...counts } });
  }
  for (const alert of outcome.alerts) {
    logger.info('alert published', {
      alertId: alert.id,
      ruleId: alert.ruleId,
      host: alert.host,
      severity: alert.severity,
      count: alert.dedup.count,
      allowlist: alert.allowlist,
    });
  }
  metrics.flush();
}

function reportParse(
  batch: Pick<ParsedBatch, 'errors' | 'errorsByFormat' | 'records'>,
  logger: LogSink,
  metrics: MetricSink,
): void {
  logParseErrors(batch.errors, logger);
  metrics.count('RecordsIn', batch.records);
  countParseErrors(batch.errorsByFormat, metrics);
}

function recordCounts(counts: PipelineCounts, metrics: MetricSink): void {
  metrics.count('RecordsIn', counts.records);
  metrics.count('Events', counts.events);
  countParseErrors(counts.parseErrorsByFormat, metrics);
  metrics.count('Matches', counts.detections);
  // Rule ids are many: they go in metadata (searchable in the EMF log line), not in dimensions.
  if (counts.detections > 0) metrics.metadata('matchesByRule', JSON.stringify(counts.matchesByRule));
  metrics.count('Allowlisted', counts.allowlisted);
  metrics.count('Deduplicated', counts.deduplicated);
  metrics.count('Published', counts.published);
  metrics.count('PublishFailures', counts.publishFailures);
  metrics.count('FailClosedLookups', counts.failClosedLookups);
  if (counts.confirmLost > 0) metrics.count('ConfirmLost', counts.confirmLost);
  if (counts.pending > 0) metrics.count('ClaimsPending', counts.pending);
  // Claims that failed (DynamoDB error, a key too busy to claim): the batch fails and is retried for them.
  if (counts.claimFailures > 0) metrics.count('ClaimFailures', counts.claimFailures);
  if (counts.belowMinSeverity > 0) metrics.count('BelowMinSeverity', counts.belowMinSeverity);
  if (counts.floods > 0) {
    metrics.count('AlertFloods', counts.floods);
    metrics.count('FloodCollapsedDetections', counts.floodCollapsed);
  }
  if (counts.alertFallbacks > 0) metrics.count('AlertFallbacks', counts.alertFallbacks);
}

/** The total feeds the parse-error-ratio alarm; the per-format counts say which source broke. */
function countParseErrors(byFormat: Partial<Record<FormatName | 'unknown', number>>, metrics: MetricSink): void {
  let total = 0;
  for (const [format, value] of Object.entries(byFormat)) {
    if (!value || value <= 0) continue;
    total += value;
    metrics.count('ParseErrors', value, { Format: format });
  }
  metrics.count('ParseErrors', total);
}

function logParseErrors(errors: readonly ParseError[], logger: LogSink): void {
  for (const error of errors.slice(0, MAX_LOGGED_PARSE_ERRORS)) {
    logger.warn('record not parsed', {
      code: error.code,
      format: error.format,
      reason: error.reason,
      position: describePosition(error.position),
      envelope: { ...error.position },
      excerpt: error.excerpt,
    });
  }
  if (errors.length > MAX_LOGGED_PARSE_ERRORS) {
    logger.warn('more records not parsed', { notLogged: errors.length - MAX_LOGGED_PARSE_ERRORS });
  }
}

function errorSummary(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const cause = error.cause instanceof Error ? { name: error.cause.name, message: error.cause.message } : undefined;
  return { name: error.name, message: error.message, ...(cause ? { cause } : {}) };
}
