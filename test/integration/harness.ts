import path from 'node:path';
import { PublishBatchCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import { type IngestDeps, type LoadedRules, type LogSink, loadRules, type MetricSink } from '../../lambdas/runtime';
import { SnsAlertPublisher } from '../../lib/adapters/sns-publisher';
import { entryToItem } from '../../lib/allowlist/item';
import { parseConfig, type RuntimeConfig } from '../../lib/config';
import type { AllowlistEntry } from '../../lib/model';
import { sysmonProcessEvents } from '../../scripts/benign-telemetry/generate';
import { SeededRandom } from '../../scripts/benign-telemetry/random';
import type { Dynalite } from '../support/dynalite';

export type SnsStub = AwsClientStub<SNSClient>;

export const TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:vmsentry-alerts';
const REPO = path.join(__dirname, '..', '..');

let rules: LoadedRules | undefined;
/** The real rule pack, compiled once per test file. */
export function repoRules(): LoadedRules {
  rules ??= loadRules(path.join(REPO, 'rules'));
  return rules;
}

/**
 * Benign Sysmon telemetry in the shippers' shapes (scripts/benign-telemetry, the generator behind samples/): nothing
 * in it starts a VM or a container.
 */
export function benignSysmonLines(): string[] {
  return sysmonProcessEvents(60, new SeededRandom(0x5e11)).map((record) => JSON.stringify(record));
}

/** Every DynamoDB command the client sends, by name and table. */
export interface DynamoCall {
  readonly command: string;
  readonly table: string | undefined;
}

export function countDynamoCalls(db: Dynalite): DynamoCall[] {
  const calls: DynamoCall[] = [];
  db.client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { TableName?: string; RequestItems?: Record<string, unknown> };
      calls.push({
        command: context.commandName ?? 'unknown',
        table: input.TableName ?? Object.keys(input.RequestItems ?? {})[0],
      });
      return next(args);
    },
    { step: 'initialize', name: 'vmsentryCallCounter', override: true },
  );
  return calls;
}

let tableCounter = 0;
/** Fresh tables per test, so tests in one file never see each other's state. */
export async function freshTables(db: Dynalite): Promise<{ allowlist: string; state: string }> {
  tableCounter += 1;
  const names = { allowlist: `allowlist-${tableCounter}`, state: `state-${tableCounter}` };
  await db.createTables(names);
  return names;
}

export function testConfig(
  tables: { allowlist: string; state: string },
  env: Record<string, string> = {},
): RuntimeConfig {
  const result = parseConfig({
    ALLOWLIST_TABLE: tables.allowlist,
    STATE_TABLE: tables.state,
    ALERT_TOPIC_ARN: TOPIC_ARN,
    ...env,
  });
  if (!result.ok) throw new Error(result.problems.join('; '));
  return result.config;
}

export async function putEntries(db: Dynalite, table: string, entries: readonly AllowlistEntry[]): Promise<void> {
  for (const entry of entries) await db.doc.send(new PutCommand({ TableName: table, Item: entryToItem(entry) }));
}

/** Metrics captured in memory. */
export class MemoryMetrics implements MetricSink {
  readonly counts: { name: string; value: number; dimensions?: Readonly<Record<string, string>> }[] = [];
  count(name: string, value: number, dimensions?: Readonly<Record<string, string>>): void {
    this.counts.push(dimensions ? { name, value, dimensions } : { name, value });
  }
  metadata(): void {}
  flush(): void {}
  /** The sum of a metric's undimensioned counts (dimensioned ones break the same total down). */
  total(name: string): number {
    return this.counts
      .filter((c) => c.name === name && (!c.dimensions || Object.keys(c.dimensions).length === 0))
      .reduce((sum, c) => sum + c.value, 0);
  }
}

/** Log lines captured in memory. */
export class MemoryLogger implements LogSink {
  readonly lines: { level: string; message: string; extra?: Record<string, unknown> }[] = [];
  private push(level: string, message: string, extra?: Record<string, unknown>): void {
    this.lines.push(extra ? { level, message, extra } : { level, message });
  }
  debug(message: string, extra?: Record<string, unknown>): void {
    this.push('debug', message, extra);
  }
  info(message: string, extra?: Record<string, unknown>): void {
    this.push('info', message, extra);
  }
  warn(message: string, extra?: Record<string, unknown>): void {
    this.push('warn', message, extra);
  }
  error(message: string, extra?: Record<string, unknown>): void {
    this.push('error', message, extra);
  }
}

/** Dependencies of a handler: clients pointed at dynalite, SNS (mocked by the test), the real rules. */
export function handlerDeps(
  db: Dynalite,
  config: RuntimeConfig,
  options: { clock?: () => number; metrics?: MetricSink; logger?: LogSink } = {},
): IngestDeps {
  const sns = new SNSClient({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  return {
    config,
    doc: db.doc,
    publisher: new SnsAlertPublisher(sns, config.alertTopicArn, { allowlistTable: config.allowlistTable }),
    rules: repoRules(),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  };
}

/** What SNS was asked to publish: the alert JSON (default body) of every entry of every call. */
export interface PublishedAlertView {
  readonly id: string;
  readonly ruleId: string;
  readonly host: string;
  readonly allowlist: string;
  readonly dedup: { readonly count: number; readonly windowSeconds: number };
  readonly context: readonly string[];
}

export function publishedAlerts(sns: SnsStub): PublishedAlertView[] {
  const messages: string[] = [];
  for (const call of sns.commandCalls(PublishCommand)) messages.push(call.args[0].input.Message as string);
  for (const call of sns.commandCalls(PublishBatchCommand)) {
    for (const entry of call.args[0].input.PublishBatchRequestEntries ?? []) messages.push(entry.Message as string);
  }
  return messages.map((message) => JSON.parse(JSON.parse(message).default) as PublishedAlertView);
}

/** SNS answers every publish as a success (the default; tests override for faults). */
export function snsSucceeds(sns: SnsStub): void {
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  sns.on(PublishBatchCommand).callsFake((input: { PublishBatchRequestEntries?: { Id?: string }[] }) => ({
    Successful: (input.PublishBatchRequestEntries ?? []).map((entry) => ({ Id: entry.Id, MessageId: `m-${entry.Id}` })),
    Failed: [],
  }));
}

export function snsCallCount(sns: SnsStub): number {
  return sns.commandCalls(PublishCommand).length + sns.commandCalls(PublishBatchCommand).length;
}
