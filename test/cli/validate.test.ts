import { CloudWatchLogsClient, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { PublishBatchCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { CloudWatchLogsEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { runValidate, type ValidateCommandOptions } from '../../bin/commands/validate';
import { createCloudWatchHandler } from '../../lambdas/cloudwatch-subscription';
import { SCENARIOS } from '../../lib/validate';
import { freshTables, handlerDeps, putEntries, testConfig } from '../integration/harness';
import { subscriptionEvent } from '../support/cloudwatch';
import { type Dynalite, startDynalite } from '../support/dynalite';
import { helpOf, jsonLines, memoryIo, runWithEnv } from '../validate/support';

const logs = mockClient(CloudWatchLogsClient);
const sns = mockClient(SNSClient);
const sqs = mockClient(SQSClient);
const QUEUE = 'https://sqs.us-east-1.amazonaws.com/123456789012/vmsentry-siem';
const HOST = 'validate-host.example.internal';

/** What SNS delivers to the SIEM queue with raw message delivery: the `default` body of each published message. */
function queueFedBySns(): { bodies: string[]; deleted: string[]; released: string[] } {
  const state = { bodies: [] as string[], deleted: [] as string[], released: [] as string[] };
  const deliver = (message: string | undefined) => {
    if (message) state.bodies.push(JSON.parse(message).default as string);
  };
  sns.on(PublishCommand).callsFake((input: { Message?: string }) => {
    deliver(input.Message);
    return { MessageId: 'm' };
  });
  sns
    .on(PublishBatchCommand)
    .callsFake((input: { PublishBatchRequestEntries?: { Id?: string; Message?: string }[] }) => {
      for (const entry of input.PublishBatchRequestEntries ?? []) deliver(entry.Message);
      return {
        Successful: (input.PublishBatchRequestEntries ?? []).map((entry) => ({ Id: entry.Id, MessageId: 'm' })),
        Failed: [],
      };
    });
  let received = 0;
  sqs.on(ReceiveMessageCommand).callsFake(() => {
    const batch = state.bodies.slice(received, received + 10);
    received += batch.length;
    return {
      Messages: batch.map((Body, index) => ({
        Body,
        MessageId: `q-${received + index}`,
        ReceiptHandle: `rh-${received - batch.length + index}`,
      })),
    };
  });
  sqs.on(DeleteMessageBatchCommand).callsFake((input: { Entries?: { ReceiptHandle?: string }[] }) => {
    for (const entry of input.Entries ?? []) state.deleted.push(entry.ReceiptHandle ?? '');
    return { Successful: [], Failed: [] };
  });
  sqs.on(ChangeMessageVisibilityBatchCommand).callsFake((input: { Entries?: { ReceiptHandle?: string }[] }) => {
    for (const entry of input.Entries ?? []) state.released.push(entry.ReceiptHandle ?? '');
    return { Successful: [], Failed: [] };
  });
  return state;
}

describe('vmsentry validate end to end (real subscription handler, dynalite, SNS captured)', () => {
  let db: Dynalite;
  beforeAll(async () => {
    db = await startDynalite();
  });
  afterAll(async () => {
    await db.stop();
  });
  beforeEach(() => {
    logs.reset();
    sns.reset();
    sqs.reset();
  });

  /** PutLogEvents becomes the subscription event CloudWatch would deliver, handed to the real handler. */
  async function subscribedLogGroups(): Promise<{ tables: { allowlist: string; state: string }; puts: string[] }> {
    const tables = await freshTables(db);
    const handler = createCloudWatchHandler(handlerDeps(db, testConfig(tables)));
    const puts: string[] = [];
    logs.on(CreateLogStreamCommand).resolves({});
    logs
      .on(PutLogEventsCommand)
      .callsFake(
        async (input: {
          logGroupName: string;
          logStreamName: string;
          logEvents: { timestamp: number; message: string }[];
        }) => {
          puts.push(input.logGroupName);
          const payload = {
            messageType: 'DATA_MESSAGE',
            owner: '123456789012',
            logGroup: input.logGroupName,
            logStream: input.logStreamName,
            subscriptionFilters: ['vmsentry'],
            logEvents: input.logEvents.map((event, index) => ({
              id: `${event.timestamp}${index}`.padStart(56, '3'),
              timestamp: event.timestamp,
              message: event.message,
            })),
          };
          await handler(subscriptionEvent(payload) as CloudWatchLogsEvent);
          return {};
        },
      );
    return { tables, puts };
  }

  const options = (extra: Partial<ValidateCommandOptions>): ValidateCommandOptions => ({
    scenario: [],
    logGroup: [],
    config: 'config/example.json',
    timeout: 20,
    host: HOST,
    json: true,
    endpoint: db.endpoint,
    ...extra,
  });

  it('passes every scenario: telemetry written, alerts raised by the real pipeline, found on the SIEM queue by marker', async () => {
    const { puts } = await subscribedLogGroups();
    const queue = queueFedBySns();
    const io = memoryIo();
    const code = await runValidate(options({ queueUrl: QUEUE }), io, { pollMs: 100 });
    const results = jsonLines(io.out());
    expect(results.map((result) => [result['scenario'], result['status']])).toEqual(
      SCENARIOS.map((scenario) => [scenario.id, 'pass']),
    );
    expect(code).toBe(0);
    expect(new Set(puts)).toEqual(
      new Set([
        '/vmsentry/windows/sysmon',
        '/vmsentry/windows/security',
        '/vmsentry/windows/system',
        '/vmsentry/windows/powershell',
        '/vmsentry/windows/setup',
        '/vmsentry/linux/audit',
        '/aws/eks/prod/cluster',
      ]),
    );
    for (const result of results) expect(typeof result['latencyMs']).toBe('number');
    // Our alerts were consumed; nothing else was on the queue.
    expect(queue.deleted.length).toBeGreaterThan(0);
    expect(queue.released).toEqual([]);
  });

  it('fails (exit 1) when an allowlist entry hides the detections on the validation host: the alert never comes', async () => {
    const { tables } = await subscribedLogGroups();
    await putEntries(db, tables.allowlist, [
      {
        host: HOST,
        rule: 'attack.t1564.006',
        reason: 'lab',
        owner: 'me',
        expiresAt: Math.floor(Date.now() / 1000) + 3600,
      },
    ]);
    queueFedBySns();
    const io = memoryIo();
    const code = await runValidate(options({ queueUrl: QUEUE, scenario: ['qemu-headless'], timeout: 1 }), io, {
      pollMs: 100,
    });
    const [result] = jsonLines(io.out());
    expect(result?.['status']).toBe('fail');
    expect(String(result?.['reason'])).toContain('9a08ac1f');
    expect(code).toBe(1);
  });

  it('leaves alerts that are not ours on the queue (made visible again at once)', async () => {
    await subscribedLogGroups();
    const queue = queueFedBySns();
    queue.bodies.push(JSON.stringify({ ruleId: 'someone-elses', host: 'prod-1' }));
    const io = memoryIo();
    await runValidate(options({ queueUrl: QUEUE, scenario: ['privileged-pod'] }), io, { pollMs: 100 });
    expect(queue.released).toEqual(['rh-0']);
  });

  it('with --state-table, passes when the dedup item of the expected detection is published', async () => {
    const { tables } = await subscribedLogGroups();
    sns.on(PublishCommand).resolves({ MessageId: 'm' });
    sns.on(PublishBatchCommand).callsFake((input: { PublishBatchRequestEntries?: { Id?: string }[] }) => ({
      Successful: (input.PublishBatchRequestEntries ?? []).map((entry) => ({ Id: entry.Id, MessageId: 'm' })),
      Failed: [],
    }));
    const io = memoryIo();
    const code = await runValidate(
      options({ stateTable: tables.state, scenario: ['hyperv-vm', 'privileged-container'] }),
      io,
      { pollMs: 100 },
    );
    expect(jsonLines(io.out()).map((result) => result['status'])).toEqual(['pass', 'pass']);
    expect(code).toBe(0);
  });

  it('with --state-table, fails when SNS rejected the alert (the claim is released, never published)', async () => {
    const { tables } = await subscribedLogGroups();
    sns.on(PublishCommand).rejects(new Error('SNS down'));
    sns.on(PublishBatchCommand).rejects(new Error('SNS down'));
    logs.on(PutLogEventsCommand).resolves({});
    const io = memoryIo();
    const code = await runValidate(
      options({ stateTable: tables.state, scenario: ['privileged-container'], timeout: 1 }),
      io,
      { pollMs: 100 },
    );
    expect(jsonLines(io.out())[0]?.['status']).toBe('fail');
    expect(code).toBe(1);
  });
});

describe('vmsentry validate: flags (in process)', () => {
  const base: ValidateCommandOptions = {
    scenario: [],
    logGroup: [],
    config: 'config/example.json',
    timeout: 5,
    host: HOST,
  };

  it('--log-group overrides the config for one format', async () => {
    const io = memoryIo();
    await runValidate(
      { ...base, dryRun: true, json: true, scenario: ['qemu-headless'], logGroup: ['auditd=/custom/audit'] },
      io,
    );
    expect(new Set(jsonLines(io.out()).map((line) => line['logGroup']))).toEqual(new Set(['/custom/audit']));
  });

  it('rejects a malformed --log-group, an unknown scenario, two waiters, or no place to wait for alerts (usage errors)', async () => {
    const io = memoryIo();
    await expect(runValidate({ ...base, dryRun: true, logGroup: ['nonsense'] }, io)).rejects.toThrow('FORMAT=NAME');
    await expect(runValidate({ ...base, dryRun: true, logGroup: ['nope=/x'] }, io)).rejects.toThrow('unknown format');
    await expect(runValidate({ ...base, dryRun: true, scenario: ['vmware'] }, io)).rejects.toThrow(
      'unknown scenario "vmware"',
    );
    await expect(runValidate({ ...base, queueUrl: QUEUE, stateTable: 't' }, io)).rejects.toThrow('not both');
    await expect(runValidate({ ...base }, io)).rejects.toThrow('--queue-url');
  });

  it('--list names every scenario', async () => {
    const io = memoryIo();
    await runValidate({ ...base, list: true, json: true }, io);
    expect(jsonLines(io.out()).map((line) => line['id'])).toEqual(SCENARIOS.map((scenario) => scenario.id));
  });
});

describe('vmsentry validate (child process)', () => {
  it('--help documents the exit codes and that nothing runs on a host', async () => {
    const result = await helpOf(['validate', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Exit codes: 0 every scenario passed, 1 a scenario failed, 2 usage');
    expect(result.stdout).toContain('Nothing runs on any host');
  });

  it('--dry-run --json prints the telemetry per log group from config/example.json and needs no credentials', async () => {
    const result = await runWithEnv([
      'validate',
      '--dry-run',
      '--json',
      '--scenario',
      'privileged-pod',
      '--scenario',
      'qemu-headless',
    ]);
    expect(result.code).toBe(0);
    const lines = jsonLines(result.stdout);
    expect(new Set(lines.map((line) => line['logGroup']))).toEqual(
      new Set(['/aws/eks/prod/cluster', '/vmsentry/linux/audit']),
    );
    for (const line of lines) expect(String(line['logStream'])).toMatch(/^vmsentry-validate-\d{4}-\d{2}-\d{2}$/);
    expect(lines.filter((line) => String(line['message']).includes(String(line['marker']))).length).toBeGreaterThan(0);
  });

  it('exits 2 with advice when the named profile has no credentials', async () => {
    const result = await runWithEnv(
      ['validate', '--scenario', 'qemu-headless', '--queue-url', QUEUE, '--timeout', '5'],
      {
        AWS_PROFILE: 'missing-profile',
        AWS_REGION: 'us-east-1',
      },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no AWS credentials');
    expect(result.stderr).toContain('--profile');
  });

  it('exits 2 with "cannot reach" when the endpoint is down', async () => {
    const result = await runWithEnv([
      'validate',
      '--scenario',
      'qemu-headless',
      '--queue-url',
      QUEUE,
      '--endpoint',
      'http://127.0.0.1:9',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('cannot reach http://127.0.0.1:9');
  });
});
