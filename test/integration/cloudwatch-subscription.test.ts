import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { CloudWatchLogsEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { createCloudWatchHandler } from '../../lambdas/cloudwatch-subscription';
import { AlertsNotPublishedError, ClaimsPendingError } from '../../lib/pipeline';
import { subscriptionEvent, subscriptionPayload } from '../support/cloudwatch';
import { type Dynalite, startDynalite } from '../support/dynalite';
import { sysmonProcessXml } from './fixtures/sysmon';
import {
  freshTables,
  handlerDeps,
  MemoryMetrics,
  publishedAlerts,
  putEntries,
  repoRules,
  snsCallCount,
  snsSucceeds,
  testConfig,
} from './harness';

const VM_START_RULE = 'b00bdefb-960f-4e30-8c9a-2f483722a761';
const T0 = Date.UTC(2026, 10, 27, 12, 0, 0);
const sns = mockClient(SNSClient);

async function dedupItems(db: Dynalite, table: string): Promise<Record<string, unknown>[]> {
  const scan = await db.doc.send(new ScanCommand({ TableName: table }));
  return (scan.Items ?? []).filter((item) => String(item['pk']).startsWith('dedup#'));
}

function event(messages: string[], options: { logStream?: string; startMs?: number } = {}): CloudWatchLogsEvent {
  return subscriptionEvent(
    subscriptionPayload(messages, {
      logGroup: '/windows/sysmon',
      logStream: options.logStream ?? 'ws-stream',
      startMs: options.startMs ?? T0,
    }),
  ) as CloudWatchLogsEvent;
}

describe('CloudWatch subscription handler (dynalite + mocked SNS)', () => {
  let db: Dynalite;

  beforeAll(async () => {
    db = await startDynalite();
    repoRules();
  });

  afterAll(async () => {
    await db.stop();
  });

  beforeEach(() => {
    sns.reset();
    snsSucceeds(sns);
  });

  async function setup(options: { clock?: () => number; env?: Record<string, string> } = {}) {
    const tables = await freshTables(db);
    const config = testConfig(tables, options.env);
    const metrics = new MemoryMetrics();
    const deps = handlerDeps(db, config, { clock: options.clock ?? (() => T0 + 60_000), metrics });
    return { tables, config, metrics, deps, handler: createCloudWatchHandler(deps) };
  }

  it('suppresses the allowlisted host and alerts on the other host of the same batch', async () => {
    const { handler, tables, metrics } = await setup();
    await putEntries(db, tables.allowlist, [
      {
        host: 'fin-ws042',
        rule: 'attack.t1564.006',
        match: { Image: '*\\VBoxManage.exe' },
        reason: 'VM lab',
        owner: 'secops',
      },
    ]);
    await handler(
      event([
        sysmonProcessXml({ recordId: 1 }),
        sysmonProcessXml({ recordId: 2, computer: 'FIN-WS043.corp.example.com' }),
      ]),
    );
    const alerts = publishedAlerts(sns);
    expect(alerts.map((a) => a.host)).toEqual(['fin-ws043.corp.example.com']);
    expect(alerts[0]).toMatchObject({ ruleId: VM_START_RULE, allowlist: 'checked' });
    expect(metrics.total('Allowlisted')).toBe(1);
    expect(metrics.total('Published')).toBe(1);
  });

  it('ignores an expired entry', async () => {
    const { handler, tables } = await setup();
    await putEntries(db, tables.allowlist, [
      {
        host: 'fin-ws042',
        rule: VM_START_RULE,
        reason: 'old project',
        owner: 'secops',
        expiresAt: Math.floor(T0 / 1000),
      },
    ]);
    await handler(event([sysmonProcessXml()]));
    expect(publishedAlerts(sns)).toHaveLength(1);
  });

  it('ignores a malformed entry and counts it', async () => {
    const { handler, tables, metrics } = await setup();
    await putEntries(db, tables.allowlist, [
      { host: 'fin-ws042', rule: '*', reason: 'no owner', owner: '' },
      { host: 'fin-ws042', rule: '*', reason: 'bad field', owner: 'x', match: { 'no such field!': '*' } },
    ]);
    await handler(event([sysmonProcessXml()]));
    expect(publishedAlerts(sns)).toHaveLength(1);
    expect(metrics.total('AllowlistEntryMalformed')).toBe(2);
  });

  it.each([
    ['a short-name entry, event with the FQDN', 'fin-ws042', 'FIN-WS042.corp.example.com', 'ws-stream'],
    ['an FQDN entry, event with the short name', 'fin-ws042.corp.example.com', 'FIN-WS042', 'ws-stream'],
    [
      'an instance-id entry, event from that instance log stream',
      'i-0123456789abcdef0',
      'FIN-WS042',
      'i-0123456789abcdef0',
    ],
  ])('matches %s', async (_name, entryHost, computer, logStream) => {
    const { handler, tables } = await setup();
    await putEntries(db, tables.allowlist, [{ host: entryHost, rule: VM_START_RULE, reason: 'lab', owner: 'secops' }]);
    await handler(event([sysmonProcessXml({ computer })], { logStream }));
    expect(publishedAlerts(sns)).toEqual([]);
  });

  it('does not match an entry for another FQDN with the same short name', async () => {
    const { handler, tables } = await setup();
    await putEntries(db, tables.allowlist, [
      { host: 'fin-ws042.lab.example.net', rule: VM_START_RULE, reason: 'lab', owner: 'x' },
    ]);
    await handler(event([sysmonProcessXml({ computer: 'FIN-WS042.corp.example.com' })]));
    expect(publishedAlerts(sns)).toHaveLength(1);
  });

  it('counts repeats without a new alert, and alerts again with the count once the window ends', async () => {
    let now = T0 + 60_000;
    const { handler, tables } = await setup({ clock: () => now });
    await handler(event([sysmonProcessXml({ recordId: 1, timeMs: T0 })]));
    now += 10 * 60_000;
    await handler(event([sysmonProcessXml({ recordId: 2, timeMs: T0 + 10 * 60_000 })], { startMs: T0 + 10 * 60_000 }));
    expect(publishedAlerts(sns)).toHaveLength(1);
    expect(await dedupItems(db, tables.state)).toEqual([expect.objectContaining({ state: 'published', count: 2 })]);

    now += 3600_000;
    await handler(event([sysmonProcessXml({ recordId: 3, timeMs: now - 1000 })], { startMs: now - 1000 }));
    const alerts = publishedAlerts(sns);
    expect(alerts).toHaveLength(2);
    expect(alerts[1]?.dedup.count).toBe(1);
    expect(alerts[1]?.context.join('\n')).toContain('2 event(s)');
  });

  it('never publishes twice when the same payload is delivered again (Lambda retry)', async () => {
    const { handler, tables } = await setup();
    const payload = event([sysmonProcessXml()]);
    await handler(payload);
    await handler(payload);
    expect(snsCallCount(sns)).toBe(1);
    expect(await dedupItems(db, tables.state)).toEqual([expect.objectContaining({ count: 1 })]);
  });

  it('publishes once when two invocations process the same payload concurrently', async () => {
    const { deps } = await setup();
    const first = createCloudWatchHandler(deps);
    const second = createCloudWatchHandler(deps);
    const payload = event([sysmonProcessXml()]);
    const results = await Promise.allSettled([first(payload), second(payload)]);
    expect(snsCallCount(sns)).toBe(1);
    // The loser either saw the alert published, or saw the winner's claim still open and failed so it is retried.
    const rejected = results.filter((result) => result.status === 'rejected');
    for (const result of rejected) expect(result.reason).toBeInstanceOf(ClaimsPendingError);
    await Promise.all([first(payload), second(payload)]);
    expect(snsCallCount(sns)).toBe(1);
  });

  it('fails the invocation when SNS fails, releases the claim, and the retry publishes the alert', async () => {
    const { handler, metrics } = await setup();
    sns.on(PublishCommand).rejectsOnce(new Error('Throttling: Rate exceeded'));
    const payload = event([sysmonProcessXml()]);
    await expect(handler(payload)).rejects.toBeInstanceOf(AlertsNotPublishedError);
    expect(metrics.total('PublishFailures')).toBe(1);
    await handler(payload);
    expect(snsCallCount(sns)).toBe(2);
    expect(publishedAlerts(sns)).toHaveLength(2);
    expect(metrics.total('Published')).toBe(1);
    await handler(payload);
    expect(snsCallCount(sns)).toBe(2);
  });

  it('publishes the alert marked unfiltered when the allowlist cannot be read', async () => {
    const tables = await freshTables(db);
    const config = testConfig({ ...tables, allowlist: 'missing-table' });
    const metrics = new MemoryMetrics();
    const handler = createCloudWatchHandler(handlerDeps(db, config, { clock: () => T0 + 60_000, metrics }));
    await handler(event([sysmonProcessXml()]));
    expect(publishedAlerts(sns).map((a) => a.allowlist)).toEqual(['unfiltered']);
    expect(metrics.total('FailClosedLookups')).toBe(1);
  });

  it('does nothing for a CloudWatch control message', async () => {
    const { handler, metrics } = await setup();
    const control = { ...subscriptionPayload([]), messageType: 'CONTROL_MESSAGE' as const };
    const outcome = await handler(subscriptionEvent(control) as CloudWatchLogsEvent);
    expect(outcome).toBeUndefined();
    expect(snsCallCount(sns)).toBe(0);
    expect(metrics.counts).toEqual([]);
  });

  it('counts a payload that cannot be decoded as a parse error and does not fail (a retry cannot fix it)', async () => {
    const { handler, metrics } = await setup();
    const outcome = await handler({ awslogs: { data: 'not base64 !!' } });
    expect(outcome?.counts.parseErrors).toBe(1);
    expect(metrics.counts).toContainEqual({ name: 'ParseErrors', value: 1, dimensions: { Format: 'unknown' } });
  });
});
