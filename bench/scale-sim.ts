/**
 * Bounded scale simulation (docs/scale.md): N concurrent cloudwatch-subscription invocations, each its own "Lambda
 * instance" (the real `createCloudWatchHandler` composition with the real DynamoDB allowlist, dedup and correlation
 * adapters and the real SNS publisher), against dynalite and the fauxqs SNS emulator. Many hosts fire once or twice;
 * a few hot hosts fire in every delivery, so their dedup key is claimed by every invocation in flight at once.
 *
 * The same deliveries run twice on fresh tables: one at a time (no contention: the baseline) and `concurrency` at a
 * time. Both must publish exactly the same dedup keys, each exactly once; every base-rule key's stored count must
 * equal the events sent for it. A failed invocation is retried like a Lambda asynchronous retry (the same payload,
 * later), so contention shows up as retries, never as a lost or doubled alert.
 *
 *   npx tsx bench/scale-sim.ts [--json] [--invocations 64] [--concurrency 16] [--hosts 400] [--hot 3] [--events 500]
 *
 * Rows (also `npm run bench -- --only scale-sim`): scale-sim:throughput, :latency, :contention, :aws-calls,
 * :exactly-once; fields are described in docs/scale.md.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import type { SNSClient } from '@aws-sdk/client-sns';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { CloudWatchLogsEvent } from 'aws-lambda';
import { createCloudWatchHandler } from '../lambdas/cloudwatch-subscription';
import { type LoadedRules, loadRules } from '../lambdas/runtime';
import { SnsAlertPublisher } from '../lib/adapters/sns-publisher';
import { parseConfig } from '../lib/config';
import { AlertsNotPublishedError, ClaimsPendingError, DedupStageError } from '../lib/pipeline';
import { decodeCloudWatchEvent, parseRecords } from '../lib/sources';
import { sysmonProcessEvents } from '../scripts/benign-telemetry/generate';
import { SeededRandom } from '../scripts/benign-telemetry/random';
import { sysmonProcessXml } from '../test/integration/fixtures/sysmon';
import { subscriptionPayload } from '../test/support/cloudwatch';
import { type Dynalite, startDynalite } from '../test/support/dynalite';
import { alertTopic, type Fauxqs, startFauxqs } from '../test/support/fauxqs';
import { median } from './measure';

export interface ScaleSimOptions {
  /** Deliveries (one subscription payload each). */
  readonly invocations: number;
  /** Invocations in flight at once (each its own handler instance, as Lambda runs one event per instance). */
  readonly concurrency: number;
  /** Hosts that each fire in `coldRepeats` deliveries. */
  readonly hosts: number;
  /** Hosts that fire in every delivery: the hot keys. */
  readonly hotKeys: number;
  /** Events per delivery, benign filler included. */
  readonly eventsPerBatch: number;
  /** Deliveries each cold host fires in (default 2). */
  readonly coldRepeats?: number;
  /** Attempts per delivery before the simulation gives up on it (Lambda async: 1 + 2 retries, then redrive). */
  readonly maxAttempts?: number;
  readonly seed?: number;
}

/** One run's measurements. */
export interface ScaleSimRun {
  readonly concurrency: number;
  readonly invocations: number;
  readonly attempts: number;
  /** Deliveries that needed more than one attempt. */
  readonly retriedInvocations: number;
  /** Deliveries that needed more attempts than Lambda's asynchronous retries give (they would go to redrive). */
  readonly beyondAsyncRetries: number;
  /** Deliveries still failing after maxAttempts. */
  readonly gaveUp: number;
  readonly events: number;
  readonly wallMs: number;
  readonly eventsPerSecond: number;
  /** Per attempt, ms. */
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly dynamoCalls: number;
  readonly dynamoByCommand: Readonly<Record<string, number>>;
  readonly stateTableCalls: number;
  /** Allowlist queries: cache misses of the per-instance allowlist cache. */
  readonly allowlistQueries: number;
  readonly conditionalCheckFailures: number;
  /** ConditionalCheckFailedException by command (PutItem: a claim lost its race; UpdateItem: a confirm lost). */
  readonly conditionalCheckFailuresByCommand: Readonly<Record<string, number>>;
  /**
   * The sum of `version` over the stored dedup records. Every successful dedup write adds exactly 1, so it must equal
   * the PutItem and UpdateItem calls minus their conditional-check failures: the contention accounting adds up.
   */
  readonly versionSum: number;
  /** Dedup claims that failed with DedupContentionError (10 optimistic writes lost in a row). */
  readonly contentionErrors: number;
  /** Alerts published whose confirm found the claim taken over: the one window where a duplicate is possible. */
  readonly confirmLost: number;
  readonly snsCalls: number;
  /** Published alerts (SIEM queue), by dedup key `ruleId|host`. */
  readonly published: ReadonlyMap<string, number>;
  readonly batchesWithDetections: number;
  /** Stored count of each base-rule key (state table), by `ruleId|host`. */
  readonly storedCounts: ReadonlyMap<string, number>;
  /** Events sent per base-rule key. */
  readonly expectedCounts: ReadonlyMap<string, number>;
}

export interface ScaleSimResult {
  readonly baseline: ScaleSimRun;
  readonly concurrent: ScaleSimRun;
}

const LOG_GROUP = '/windows/sysmon';
const T0 = Date.UTC(2026, 11, 4, 0, 0, 0);

interface Delivery {
  readonly event: CloudWatchLogsEvent;
  readonly events: number;
  readonly positiveHosts: readonly string[];
}

export const hostName = (index: number) => `WS-${String(index).padStart(5, '0')}.corp.example.com`;
export const hotHostName = (index: number) => `HOT-${String(index).padStart(2, '0')}.corp.example.com`;

/** The deliveries: benign Sysmon filler, one VM start per firing host; built before any timing. */
export function buildDeliveries(options: ScaleSimOptions): Delivery[] {
  const random = new SeededRandom(options.seed ?? 14);
  const repeats = options.coldRepeats ?? 2;
  const byBatch: string[][] = Array.from({ length: options.invocations }, () => []);
  for (let h = 0; h < options.hosts; h++) {
    for (let r = 0; r < repeats; r++) {
      // Spread each host's repeats over different deliveries (stride coprime-ish with the count).
      const batch = (h + r * Math.max(1, Math.floor(options.invocations / repeats) + 1)) % options.invocations;
      byBatch[batch]?.push(hostName(h));
    }
  }
  const filler = sysmonProcessEvents(Math.max(1, options.eventsPerBatch), random).map((r) => JSON.stringify(r));
  let recordId = 1;
  return byBatch.map((cold, i) => {
    const hot = Array.from({ length: options.hotKeys }, (_, k) => hotHostName(k));
    const hosts = [...hot, ...cold];
    const timeMs = T0 + i * 1000;
    const positives = hosts.map((computer) => sysmonProcessXml({ computer, recordId: recordId++, timeMs }));
    const benign = Math.max(0, options.eventsPerBatch - positives.length);
    // Positives spread through the filler, as they arrive in a real stream.
    const messages: string[] = [];
    const every = Math.max(1, Math.floor(benign / Math.max(1, positives.length)));
    let p = 0;
    for (let b = 0; b < benign; b++) {
      if (b % every === 0 && p < positives.length) messages.push(positives[p++] as string);
      messages.push(filler[b % filler.length] as string);
    }
    while (p < positives.length) messages.push(positives[p++] as string);
    const payload = subscriptionPayload(messages, {
      logGroup: LOG_GROUP,
      logStream: `sysmon-forwarder-${i % 8}`,
      startMs: T0 + i * 100_000,
    });
    const data = gzipSync(Buffer.from(JSON.stringify(payload)), { level: 1 }).toString('base64');
    return { event: { awslogs: { data } }, events: messages.length, positiveHosts: hosts };
  });
}

interface Counters {
  dynamo: number;
  byCommand: Record<string, number>;
  stateTable: number;
  allowlistQueries: number;
  conditionalCheckFailures: number;
  ccfByCommand: Record<string, number>;
  sns: number;
}

function newCounters(): Counters {
  return {
    dynamo: 0,
    byCommand: {},
    stateTable: 0,
    allowlistQueries: 0,
    conditionalCheckFailures: 0,
    ccfByCommand: {},
    sns: 0,
  };
}

/** Every DynamoDB call and every ConditionalCheckFailedException, counted on the client the handlers share. */
function countDynamo(db: Dynalite, tables: () => { allowlist: string; state: string }, counters: () => Counters) {
  db.client.middlewareStack.add(
    (next, context) => async (args) => {
      const c = counters();
      const input = args.input as { TableName?: string; RequestItems?: Record<string, unknown> };
      const table = input.TableName ?? Object.keys(input.RequestItems ?? {})[0];
      const command = context.commandName ?? 'unknown';
      c.dynamo++;
      c.byCommand[command] = (c.byCommand[command] ?? 0) + 1;
      if (table === tables().state) c.stateTable++;
      if (table === tables().allowlist && command === 'QueryCommand') c.allowlistQueries++;
      try {
        return await next(args);
      } catch (error) {
        if ((error as Error).name === 'ConditionalCheckFailedException') {
          c.conditionalCheckFailures++;
          c.ccfByCommand[command] = (c.ccfByCommand[command] ?? 0) + 1;
        }
        throw error;
      }
    },
    { step: 'initialize', name: 'vmsentryScaleSimCounter', override: true },
  );
}

function countSns(sns: SNSClient, counters: () => Counters) {
  sns.middlewareStack.add(
    (next) => async (args) => {
      counters().sns++;
      return next(args);
    },
    { step: 'initialize', name: 'vmsentryScaleSimSnsCounter', override: true },
  );
}

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

const keyOf = (ruleId: string, host: string) => `${ruleId}|${host.toLowerCase()}`;

interface Env {
  readonly db: Dynalite;
  readonly aws: Fauxqs;
  readonly rules: LoadedRules;
  counters: Counters;
  tables: { allowlist: string; state: string };
}

let runCounter = 0;

async function runOnce(env: Env, deliveries: readonly Delivery[], options: ScaleSimOptions, concurrency: number) {
  runCounter++;
  env.tables = { allowlist: `sim-allowlist-${runCounter}`, state: `sim-state-${runCounter}` };
  await env.db.createTables(env.tables);
  const topic = await alertTopic(env.aws, `sim-alerts-${runCounter}`);
  const parsed = parseConfig({
    ALLOWLIST_TABLE: env.tables.allowlist,
    STATE_TABLE: env.tables.state,
    ALERT_TOPIC_ARN: topic.topicArn,
    // In Lambda the claim lease outlives the function timeout, so a live invocation never loses its claim
    // (docs/dedup-protocol.md, "Concurrency"). Nothing times an invocation out here, and on a loaded machine one can
    // run for a minute: a lease above any simulated invocation keeps that guarantee (else a takeover is a duplicate).
    CLAIM_LEASE_SECONDS: '3600',
  });
  if (!parsed.ok) throw new Error(parsed.problems.join('; '));
  const config = parsed.config;
  env.counters = newCounters();
  const maxAttempts = options.maxAttempts ?? 6;

  // One handler per simulated instance: its own allowlist cache, as each Lambda execution environment has.
  const instance = () =>
    createCloudWatchHandler({
      config,
      doc: env.db.doc,
      publisher: new SnsAlertPublisher(env.aws.sns, config.alertTopicArn, { allowlistTable: config.allowlistTable }),
      rules: env.rules,
    });
  const latencies: number[] = [];
  let attempts = 0;
  let retried = 0;
  let beyondAsync = 0;
  let gaveUp = 0;
  let contentionErrors = 0;
  let confirmLost = 0;
  let next = 0;
  const worker = async () => {
    const handler = instance();
    while (next < deliveries.length) {
      const delivery = deliveries[next++] as Delivery;
      for (let attempt = 1; ; attempt++) {
        attempts++;
        const started = performance.now();
        try {
          const outcome = await handler(delivery.event);
          confirmLost += outcome?.counts.confirmLost ?? 0;
          latencies.push(performance.now() - started);
          if (attempt > 1) retried++;
          if (attempt > 3) beyondAsync++;
          break;
        } catch (error) {
          latencies.push(performance.now() - started);
          if (
            error instanceof DedupStageError ||
            error instanceof ClaimsPendingError ||
            error instanceof AlertsNotPublishedError
          ) {
            confirmLost += error.outcome.counts.confirmLost;
          }
          if (error instanceof DedupStageError && (error.cause as Error | undefined)?.name === 'DedupContentionError') {
            contentionErrors += error.keys.length;
          }
          if (attempt >= maxAttempts) {
            gaveUp++;
            break;
          }
          // Lambda retries an asynchronous invocation later; here a short jittered pause keeps the run bounded.
          await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 80));
        }
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  const wallMs = performance.now() - started;
  // Snapshot before reading the results back (the scan below is the simulation's, not the handlers').
  const counters = structuredClone(env.counters);

  const published = new Map<string, number>();
  for (const alert of await topic.received()) {
    const key = keyOf(alert.ruleId, alert.host);
    published.set(key, (published.get(key) ?? 0) + 1);
  }
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await env.db.doc.send(
      new ScanCommand({ TableName: env.tables.state, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  const storedCounts = new Map<string, number>();
  let versionSum = 0;
  for (const item of items) {
    if (!String(item['pk']).startsWith('dedup#')) continue;
    storedCounts.set(keyOf(String(item['ruleId']), String(item['host'])), Number(item['count']));
    versionSum += Number(item['version']);
  }
  const events = deliveries.reduce((sum, d) => sum + d.events, 0);
  return {
    concurrency,
    invocations: deliveries.length,
    attempts,
    retriedInvocations: retried,
    beyondAsyncRetries: beyondAsync,
    gaveUp,
    events,
    wallMs,
    eventsPerSecond: Math.round((events * 1000) / wallMs),
    p50Ms: median(latencies),
    p99Ms: percentile(latencies, 99),
    dynamoCalls: counters.dynamo,
    dynamoByCommand: { ...counters.byCommand },
    stateTableCalls: counters.stateTable,
    allowlistQueries: counters.allowlistQueries,
    conditionalCheckFailures: counters.conditionalCheckFailures,
    conditionalCheckFailuresByCommand: { ...counters.ccfByCommand },
    versionSum,
    contentionErrors,
    confirmLost,
    snsCalls: counters.sns,
    published,
    batchesWithDetections: deliveries.filter((d) => d.positiveHosts.length > 0).length,
    storedCounts,
  };
}

/** The base rules one VM start fires (the keys every firing host must get), from the pack itself. */
function baseRuleIds(rules: LoadedRules): string[] {
  const ids = new Set<string>();
  const probe = buildDeliveries({ invocations: 1, concurrency: 1, hosts: 0, hotKeys: 1, eventsPerBatch: 1 });
  const decoded = decodeCloudWatchEvent((probe[0] as Delivery).event);
  if (!decoded.ok || decoded.control) throw new Error('scale-sim probe did not decode');
  for (const event of parseRecords(decoded.records).events) {
    for (const detection of rules.ruleSet.match(event)) ids.add(detection.rule.id);
  }
  if (ids.size === 0) throw new Error('scale-sim: the probe VM start fires no rule of the pack');
  return [...ids];
}

/** Run the simulation: sequential baseline, then concurrent, on fresh tables and topics each. */
export async function runScaleSimulation(options: ScaleSimOptions, rulesDir: string): Promise<ScaleSimResult> {
  const rules = loadRules(rulesDir);
  const deliveries = buildDeliveries(options);
  const expectedCounts = new Map<string, number>();
  for (const ruleId of baseRuleIds(rules)) {
    for (const delivery of deliveries) {
      for (const host of delivery.positiveHosts) {
        const key = keyOf(ruleId, host);
        expectedCounts.set(key, (expectedCounts.get(key) ?? 0) + 1);
      }
    }
  }
  const db = await startDynalite();
  const aws = await startFauxqs();
  const env: Env = { db, aws, rules, counters: newCounters(), tables: { allowlist: '', state: '' } };
  countDynamo(
    db,
    () => env.tables,
    () => env.counters,
  );
  countSns(aws.sns, () => env.counters);
  try {
    const baseline = { ...(await runOnce(env, deliveries, options, 1)), expectedCounts };
    const concurrent = { ...(await runOnce(env, deliveries, options, options.concurrency)), expectedCounts };
    return { baseline, concurrent };
  } finally {
    await aws.stop();
    await db.stop();
  }
}

/** What must hold whatever the timing: each key published once, same keys in both runs, counts add up. */
export interface ScaleSimCheck {
  readonly distinctKeys: number;
  readonly alerts: number;
  /** Keys published more than once. */
  readonly duplicates: readonly string[];
  /** Keys published by one run and not the other, or base-rule keys never published. */
  readonly missing: readonly string[];
  /** Base-rule keys whose stored count differs from the events sent for them. */
  readonly countMismatches: readonly string[];
}

/** The parts of a run the checks read. */
export type CheckedRun = Pick<ScaleSimRun, 'published' | 'storedCounts' | 'expectedCounts'>;

export function checkRun(run: CheckedRun, reference: CheckedRun): ScaleSimCheck {
  const duplicates = [...run.published].filter(([, n]) => n > 1).map(([key]) => key);
  const missing = new Set<string>();
  for (const key of run.expectedCounts.keys()) if (!run.published.has(key)) missing.add(key);
  for (const key of reference.published.keys()) if (!run.published.has(key)) missing.add(key);
  for (const key of run.published.keys()) if (!reference.published.has(key)) missing.add(`${key} (only here)`);
  const countMismatches = [...run.expectedCounts]
    .filter(([key, expected]) => run.storedCounts.get(key) !== expected)
    .map(([key, expected]) => `${key}: stored ${run.storedCounts.get(key) ?? 'none'}, sent ${expected}`);
  return {
    distinctKeys: run.published.size,
    alerts: [...run.published.values()].reduce((a, b) => a + b, 0),
    duplicates,
    missing: [...missing],
    countMismatches,
  };
}

type Row = Record<string, string | number | boolean>;
const round2 = (value: number) => Math.round(value * 100) / 100;
const safeRatio = (a: number, b: number) => (b > 0 ? round2(a / b) : 0);

/** The bench rows of one simulation. */
export function scaleSimRows(result: ScaleSimResult, options: ScaleSimOptions): Row[] {
  const { baseline: base, concurrent: run } = result;
  const check = checkRun(run, base);
  const baseCheck = checkRun(base, run);
  const alerts = check.alerts;
  const claimWrites = run.dynamoByCommand['PutItemCommand'] ?? 0;
  const baseClaimWrites = base.dynamoByCommand['PutItemCommand'] ?? 0;
  const perAlert = (r: ScaleSimRun, c: ScaleSimCheck) => safeRatio(r.dynamoCalls, c.alerts);
  return [
    {
      name: 'scale-sim:throughput',
      invocations: run.invocations,
      concurrency: run.concurrency,
      hosts: options.hosts,
      hot_keys: options.hotKeys,
      events: run.events,
      baseline_eps: base.eventsPerSecond,
      eps: run.eventsPerSecond,
      wall_ms: Math.round(run.wallMs),
      ratio: safeRatio(run.eventsPerSecond, base.eventsPerSecond),
    },
    {
      name: 'scale-sim:latency',
      attempts: run.attempts,
      baseline_p50_ms: round2(base.p50Ms),
      baseline_p99_ms: round2(base.p99Ms),
      p50_ms: round2(run.p50Ms),
      p99_ms: round2(run.p99Ms),
      ratio: safeRatio(run.p99Ms, base.p99Ms),
    },
    {
      name: 'scale-sim:contention',
      claim_writes: claimWrites,
      baseline_claim_writes: baseClaimWrites,
      conditional_check_failures: run.conditionalCheckFailures,
      baseline_conditional_check_failures: base.conditionalCheckFailures,
      contention_errors: run.contentionErrors,
      retried_invocations: run.retriedInvocations,
      beyond_async_retries: run.beyondAsyncRetries,
      gave_up: run.gaveUp,
      ratio: safeRatio(claimWrites, baseClaimWrites),
    },
    {
      name: 'scale-sim:aws-calls',
      alerts,
      batches: run.invocations,
      batches_with_detections: run.batchesWithDetections,
      dynamo_calls: run.dynamoCalls,
      state_table_calls: run.stateTableCalls,
      allowlist_queries: run.allowlistQueries,
      baseline_allowlist_queries: base.allowlistQueries,
      get_item: run.dynamoByCommand['GetItemCommand'] ?? 0,
      put_item: run.dynamoByCommand['PutItemCommand'] ?? 0,
      update_item: run.dynamoByCommand['UpdateItemCommand'] ?? 0,
      query: run.dynamoByCommand['QueryCommand'] ?? 0,
      batch_write_item: run.dynamoByCommand['BatchWriteItemCommand'] ?? 0,
      baseline_dynamo_calls: base.dynamoCalls,
      sns_calls: run.snsCalls,
      baseline_sns_calls: base.snsCalls,
      dynamo_calls_per_alert: perAlert(run, check),
      dynamo_calls_per_batch: safeRatio(run.dynamoCalls, run.invocations),
      sns_calls_per_batch: safeRatio(run.snsCalls, run.invocations),
      baseline_dynamo_calls_per_alert: perAlert(base, baseCheck),
      ratio: safeRatio(perAlert(run, check), perAlert(base, baseCheck)),
    },
    {
      name: 'scale-sim:exactly-once',
      distinct_keys: check.distinctKeys,
      expected_base_rule_keys: run.expectedCounts.size,
      alerts,
      duplicates: check.duplicates.length,
      missing: check.missing.length,
      count_mismatches: check.countMismatches.length,
      confirm_lost: run.confirmLost,
      baseline_duplicates: baseCheck.duplicates.length,
      baseline_count_mismatches: baseCheck.countMismatches.length,
      ratio: safeRatio(alerts, check.distinctKeys),
    },
  ];
}

export const SCALE_SIM_FULL: ScaleSimOptions = {
  invocations: 48,
  concurrency: 12,
  hosts: 150,
  hotKeys: 3,
  eventsPerBatch: 500,
};
export const SCALE_SIM_QUICK: ScaleSimOptions = {
  invocations: 8,
  concurrency: 4,
  hosts: 16,
  hotKeys: 2,
  eventsPerBatch: 100,
};

function numberFlag(argv: readonly string[], flag: string, fallback: number): number {
  const index = argv.indexOf(flag);
  return index >= 0 ? Number(argv[index + 1]) : fallback;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const defaults = argv.includes('--quick') ? SCALE_SIM_QUICK : SCALE_SIM_FULL;
  const options: ScaleSimOptions = {
    invocations: numberFlag(argv, '--invocations', defaults.invocations),
    concurrency: numberFlag(argv, '--concurrency', defaults.concurrency),
    hosts: numberFlag(argv, '--hosts', defaults.hosts),
    hotKeys: numberFlag(argv, '--hot', defaults.hotKeys),
    eventsPerBatch: numberFlag(argv, '--events', defaults.eventsPerBatch),
  };
  const result = await runScaleSimulation(options, path.join(__dirname, '..', 'rules'));
  for (const row of scaleSimRows(result, options)) console.log(JSON.stringify(row));
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
