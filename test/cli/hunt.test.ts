import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  CloudWatchLogsClient,
  FilterLogEventsCommand,
  type FilterLogEventsCommandInput,
} from '@aws-sdk/client-cloudwatch-logs';
import { PublishBatchCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { type HuntCommandOptions, runHuntCommand } from '../../bin/commands/hunt';
import { parseState } from '../../lib/hunt';
import { atLeast, SEVERITIES, type Severity } from '../../lib/model';
import { hypervVm, privilegedPod, qemuHeadless } from '../../lib/validate';
import { jsonLines, memoryIo, runWithEnv } from '../validate/support';

const logs = mockClient(CloudWatchLogsClient);
const sns = mockClient(SNSClient);
const NOW = Date.UTC(2026, 10, 27, 12, 0, 0);
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:vmsentry-alerts';
const context = (marker: string, offset: number) => ({
  marker,
  nowMs: NOW - offset,
  host: 'hunt-host.example.internal',
});

/** Three pages of /vmsentry/linux/audit (benign line, QEMU headless, benign) and one page of the EKS audit log. */
const AUDIT_PAGES = [
  [
    'node=h type=USER_LOGIN msg=audit(1795800000.000:1): pid=1 uid=0 auid=0 ses=1 msg=\'op=login acct="root" exe="/usr/sbin/sshd" res=success\'',
  ],
  qemuHeadless.build(context('vmsentry-validate-hunt-qemu', 3_600_000)).map((record) => record.message),
  ["node=h type=USER_LOGOUT msg=audit(1795800001.000:2): pid=1 uid=0 auid=0 ses=1 msg='op=logout res=success'"],
];
const EKS_PAGE = privilegedPod.build(context('vmsentry-validate-hunt-pod', 7_200_000)).map((record) => record.message);

function servePages(): FilterLogEventsCommandInput[] {
  const calls: FilterLogEventsCommandInput[] = [];
  logs.on(FilterLogEventsCommand).callsFake((input: FilterLogEventsCommandInput) => {
    calls.push(input);
    const pages = input.logGroupName === '/aws/eks/prod/cluster' ? [EKS_PAGE] : AUDIT_PAGES;
    const index = input.nextToken ? Number(input.nextToken.replace('token-', '')) : 0;
    const messages = pages[index] ?? [];
    return {
      events: messages.map((message, at) => ({
        message,
        timestamp: NOW - 3_600_000 + at,
        logStreamName: 'i-0abc',
        eventId: `${index}-${at}`,
      })),
      ...(index + 1 < pages.length ? { nextToken: `token-${index + 1}` } : {}),
    };
  });
  return calls;
}

const options = (extra: Partial<HuntCommandOptions>): HuntCommandOptions => ({
  logGroup: ['/vmsentry/linux/audit', '/aws/eks/prod/cluster'],
  start: '1d',
  minSeverity: 'low',
  rules: [],
  builtin: true,
  config: 'config/example.json',
  dedupMinutes: 60,
  endpoint: 'http://127.0.0.1:4566',
  ...extra,
});

describe('vmsentry hunt (FilterLogEvents mocked)', () => {
  beforeEach(() => {
    logs.reset();
    sns.reset();
  });

  it('--fail-on SEVERITY exits 1 exactly when the hunt reports an alert at or above it, as scan does', async () => {
    servePages();
    const io = memoryIo();
    expect(await runHuntCommand(options({}), io, { clock: () => NOW })).toBe(0);
    const severities = jsonLines(io.out()).map((alert) => alert['severity'] as Severity);
    expect(severities.length).toBeGreaterThan(0);
    for (const level of SEVERITIES) {
      servePages();
      const expected = severities.some((severity) => atLeast(severity, level)) ? 1 : 0;
      expect([level, await runHuntCommand(options({ failOn: level }), memoryIo(), { clock: () => NOW })]).toEqual([
        level,
        expected,
      ]);
    }
  });

  it('--allowlist is checked as scan checks it: a mis-cased match field is warned about with file:line', async () => {
    servePages();
    const dir = mkdtempSync(path.join(tmpdir(), 'vmsentry-hunt-allowlist-'));
    const file = path.join(dir, 'allowlist.jsonl');
    writeFileSync(
      file,
      `${JSON.stringify({ host: 'build-01', rule: 'attack.t1564.006', match: { image: '/usr/bin/qemu-system-x86_64' }, reason: 'lab', owner: 'a@example.com', expiresAt: Math.floor(NOW / 1000) + 86_400 })}\n`,
    );
    const io = memoryIo();
    await runHuntCommand(options({ allowlist: file }), io, { clock: () => NOW });
    expect(io.err()).toContain(
      `allowlist ${file}:1: warning: field 'image' is not a model field; did you mean 'Image'?`,
    );
  });

  it('pages through every group with nextToken and prints one JSON alert per detection; exit 0 (findings fail a run only with --fail-on)', async () => {
    const calls = servePages();
    const io = memoryIo();
    const code = await runHuntCommand(options({}), io, { clock: () => NOW });
    const alerts = jsonLines(io.out());
    expect(code).toBe(0);
    expect(calls.map((call) => [call.logGroupName, call.nextToken ?? null])).toEqual([
      ['/vmsentry/linux/audit', null],
      ['/vmsentry/linux/audit', 'token-1'],
      ['/vmsentry/linux/audit', 'token-2'],
      ['/aws/eks/prod/cluster', null],
    ]);
    expect(calls[0]?.startTime).toBe(NOW - 86_400_000);
    expect(calls[0]?.endTime).toBe(NOW);
    const ruleIds = alerts.map((alert) => alert['ruleId']);
    expect(ruleIds).toContain('9a08ac1f-b512-4422-87b6-59d5bc397528');
    expect(ruleIds).toContain('f8c87564-f1ee-4a03-8810-3cbf63d4bab7');
    expect(io.err()).toContain('hunt complete: 4 page(s)');
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    expect(sns.commandCalls(PublishBatchCommand)).toHaveLength(0);
  });

  it('exits 0 with no alerts when the range holds only benign events', async () => {
    logs
      .on(FilterLogEventsCommand)
      .resolves({ events: [{ message: AUDIT_PAGES[0]?.[0] ?? '', timestamp: NOW - 10, logStreamName: 's' }] });
    const io = memoryIo();
    expect(await runHuntCommand(options({ logGroup: ['/vmsentry/linux/audit'] }), io, { clock: () => NOW })).toBe(0);
    expect(io.out()).toBe('');
  });

  it('--state resumes where the last run stopped (--max-pages), fixing the range of the first run', async () => {
    const calls = servePages();
    const dir = mkdtempSync(path.join(tmpdir(), 'vmsentry-hunt-'));
    const state = path.join(dir, 'hunt.json');
    const first = memoryIo();
    await runHuntCommand(options({ state, maxPages: 2 }), first, { clock: () => NOW });
    expect(first.err()).toContain('paused');
    const saved = parseState(readFileSync(state, 'utf8'));
    expect(saved.ok && saved.state.groups['/vmsentry/linux/audit']).toMatchObject({
      done: false,
      nextToken: 'token-2',
      pages: 2,
    });

    const second = memoryIo();
    await runHuntCommand(options({ state, start: '5m' }), second, { clock: () => NOW + 60_000 });
    expect(second.err()).toContain('resuming the hunt');
    expect(calls.slice(2).map((call) => [call.logGroupName, call.nextToken ?? null, call.startTime])).toEqual([
      ['/vmsentry/linux/audit', 'token-2', NOW - 86_400_000],
      ['/aws/eks/prod/cluster', null, NOW - 86_400_000],
    ]);
    expect(jsonLines(second.out()).map((alert) => alert['ruleId'])).toContain('f8c87564-f1ee-4a03-8810-3cbf63d4bab7');
    expect(existsSync(state)).toBe(true);
  });

  it('publishes to SNS only with --publish --topic-arn, and prints what SNS took', async () => {
    servePages();
    sns.on(PublishCommand).resolves({ MessageId: 'm' });
    sns.on(PublishBatchCommand).callsFake((input: { PublishBatchRequestEntries?: { Id?: string }[] }) => ({
      Successful: (input.PublishBatchRequestEntries ?? []).map((entry) => ({ Id: entry.Id, MessageId: 'm' })),
      Failed: [],
    }));
    const io = memoryIo();
    await runHuntCommand(options({ publish: true, topicArn: TOPIC }), io, { clock: () => NOW });
    const published = sns.commandCalls(PublishCommand).length + sns.commandCalls(PublishBatchCommand).length;
    expect(published).toBeGreaterThan(0);
    const topics = [...sns.commandCalls(PublishCommand), ...sns.commandCalls(PublishBatchCommand)].map(
      (call) => call.args[0].input.TopicArn,
    );
    expect(new Set(topics)).toEqual(new Set([TOPIC]));
    expect(jsonLines(io.out()).length).toBeGreaterThan(0);
    expect(io.err()).toContain('published to SNS');
  });

  it('rejects --publish without --topic-arn, a bad ARN, no log group and a bad --start (usage errors)', async () => {
    const io = memoryIo();
    await expect(runHuntCommand(options({ publish: true }), io)).rejects.toThrow('--topic-arn');
    await expect(runHuntCommand(options({ topicArn: 'arn:aws:sqs:x' }), io)).rejects.toThrow('not an SNS topic ARN');
    await expect(runHuntCommand(options({ logGroup: [] }), io)).rejects.toThrow('--log-group is required');
    await expect(runHuntCommand(options({ start: 'last week' }), io)).rejects.toThrow('--start');
  });

  it('--table prints a table for humans (here: the script blocks of the Hyper-V scenario)', async () => {
    const blocks = hypervVm.build(context('vmsentry-validate-hunt-hv', 60_000)).map((record) => record.message);
    logs.on(FilterLogEventsCommand).resolves({
      events: blocks.map((message, at) => ({ message, timestamp: NOW - 60_000 + at, logStreamName: 's' })),
    });
    const io = memoryIo();
    // A wide terminal: at the 100 columns of a pipe the rule title would be cut (test/cli/table-layout.test.ts).
    process.env['COLUMNS'] = '200';
    try {
      await runHuntCommand(options({ logGroup: ['/vmsentry/windows/powershell'], table: true }), io, {
        clock: () => NOW,
      });
    } finally {
      delete process.env['COLUMNS'];
    }
    expect(io.out()).toContain('Hyper-V VM Created');
    expect(io.out()).toMatch(/^\S+Z +medium +Hyper-V VM Created/m);
  });

  it('continues from the last event time when FilterLogEvents says the saved token expired', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vmsentry-hunt-'));
    const state = path.join(dir, 'hunt.json');
    servePages();
    await runHuntCommand(options({ logGroup: ['/vmsentry/linux/audit'], state, maxPages: 1 }), memoryIo(), {
      clock: () => NOW,
    });
    logs.reset();
    const calls: FilterLogEventsCommandInput[] = [];
    logs.on(FilterLogEventsCommand).callsFake((input: FilterLogEventsCommandInput) => {
      calls.push(input);
      if (input.nextToken)
        throw Object.assign(new Error('The specified nextToken is invalid.'), { name: 'InvalidParameterException' });
      return { events: [] };
    });
    const io = memoryIo();
    expect(
      await runHuntCommand(options({ logGroup: ['/vmsentry/linux/audit'], state }), io, { clock: () => NOW }),
    ).toBe(0);
    expect(io.err()).toContain('token has expired');
    expect(calls.map((call) => call.nextToken ?? null)).toEqual(['token-1', null]);
    expect(calls[1]?.startTime).toBe(NOW - 3_600_000);
  });
});

describe('vmsentry hunt (child process)', () => {
  it('exits 2 with advice when there are no credentials', async () => {
    const result = await runWithEnv(['hunt', '--log-group', '/g', '--start', '1h'], {
      AWS_PROFILE: 'missing-profile',
      AWS_REGION: 'us-east-1',
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no AWS credentials');
  });
});
