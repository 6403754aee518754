import type { AlertWaiter, LogWriter, PendingScenario, Sighting, TelemetryRecord } from '../../lib/validate';
import {
  discoverQueueUrl,
  outputsFromDescribeStacks,
  outputsFromFile,
  parseSmokeArgs,
  runSmoke,
  type SmokeArgs,
  type SmokeDeps,
  SmokeSetupError,
  type StackOutputsReader,
} from '../../scripts/smoke';

const QUEUE = 'http://sqs.us-east-1.localhost.localstack.cloud:4566/000000000000/Vmsentry-SiemQueue';

/** A DescribeStacks response as CloudFormation (and LocalStack) returns it. */
const DESCRIBE_STACKS = {
  Stacks: [
    {
      StackName: 'Vmsentry',
      StackStatus: 'CREATE_COMPLETE',
      Outputs: [
        { OutputKey: 'AlertTopicArn', OutputValue: 'arn:aws:sns:us-east-1:000000000000:Vmsentry-AlertTopic' },
        { OutputKey: 'SiemQueueUrl', OutputValue: QUEUE },
      ],
    },
  ],
};

function args(extra: Partial<SmokeArgs> = {}): SmokeArgs {
  const parsed = parseSmokeArgs([]);
  if (!parsed.ok) throw new Error(parsed.reason);
  return { ...parsed.args, ...extra };
}

describe('smoke: arguments', () => {
  it('defaults to LocalStack, the Vmsentry stack, the QEMU scenario and 120 s', () => {
    expect(parseSmokeArgs([])).toEqual({
      ok: true,
      args: expect.objectContaining({
        endpoint: 'http://localhost:4566',
        stack: 'Vmsentry',
        scenario: 'qemu-headless',
        timeoutSeconds: 120,
        json: false,
      }),
    });
  });

  it('--aws drops the endpoint so the same run targets a real account', () => {
    const parsed = parseSmokeArgs([
      '--aws',
      '--region',
      'eu-west-1',
      '--profile',
      'sec',
      '--scenario',
      'privileged-pod',
      '--json',
    ]);
    expect(parsed.ok && parsed.args.endpoint).toBeUndefined();
    expect(parsed.ok && parsed.args).toMatchObject({
      region: 'eu-west-1',
      profile: 'sec',
      scenario: 'privileged-pod',
      json: true,
    });
  });

  it('rejects unknown arguments, missing values, unknown scenarios, bad timeouts and --aws with --endpoint', () => {
    expect(parseSmokeArgs(['--frobnicate'])).toEqual({ ok: false, reason: 'unknown argument --frobnicate' });
    expect(parseSmokeArgs(['--stack'])).toEqual({ ok: false, reason: '--stack needs a value' });
    expect(parseSmokeArgs(['--scenario', 'vmware']).ok).toBe(false);
    expect(parseSmokeArgs(['--timeout', '0']).ok).toBe(false);
    expect(parseSmokeArgs(['--aws', '--endpoint', 'http://x']).ok).toBe(false);
  });
});

describe('smoke: stack output discovery', () => {
  const reader = (outputs: Record<string, string>): StackOutputsReader & { asked: string[] } => {
    const asked: string[] = [];
    return {
      asked,
      async outputs(stack) {
        asked.push(stack);
        return outputs;
      },
    };
  };

  it('reads the outputs of the named stack from DescribeStacks', () => {
    expect(outputsFromDescribeStacks(DESCRIBE_STACKS, 'Vmsentry')['SiemQueueUrl']).toBe(QUEUE);
    expect(outputsFromDescribeStacks({}, 'Vmsentry')).toEqual({});
  });

  it('prefers the cdk --outputs-file, falls back to DescribeStacks, and lets --queue-url override both', async () => {
    const fromFile = reader({});
    const file = JSON.stringify({ Vmsentry: { SiemQueueUrl: 'from-file' } });
    expect(await discoverQueueUrl(args(), fromFile, () => file)).toBe('from-file');
    expect(fromFile.asked).toEqual([]);
    const fromApi = reader(outputsFromDescribeStacks(DESCRIBE_STACKS, 'Vmsentry'));
    expect(await discoverQueueUrl(args(), fromApi, () => undefined)).toBe(QUEUE);
    expect(fromApi.asked).toEqual(['Vmsentry']);
    expect(await discoverQueueUrl(args({ queueUrl: 'given' }), fromApi, () => file)).toBe('given');
    expect(outputsFromFile(JSON.stringify({ Other: {} }), 'Vmsentry')).toBeUndefined();
  });

  it('says how to fix a stack deployed without the SIEM queue', async () => {
    await expect(discoverQueueUrl(args(), reader({ AlertTopicArn: 'x' }), () => undefined)).rejects.toThrow(
      SmokeSetupError,
    );
    await expect(discoverQueueUrl(args(), reader({}), () => undefined)).rejects.toThrow('alerts.siemQueue');
  });
});

describe('smoke: write, wait and match', () => {
  /** Stands in for CloudWatch -> Lambda -> SNS -> SQS: an alert for every marker seen in a write, after `delay` polls. */
  function fakeDeployment(options: { ruleId?: string; deliver?: boolean } = {}) {
    let now = 1_000_000;
    const written: { group: string; records: readonly TelemetryRecord[] }[] = [];
    const queues: string[] = [];
    const writer: LogWriter = {
      async write(group, _stream, records) {
        written.push({ group, records });
      },
    };
    const waiter = (queueUrl: string): AlertWaiter => {
      queues.push(queueUrl);
      return {
        async poll(pending: readonly PendingScenario[], maxWaitMs: number): Promise<Sighting[]> {
          now += Math.min(maxWaitMs, 800);
          if (options.deliver === false) return [];
          const text = written.flatMap((write) => write.records.map((record) => record.message)).join('\n');
          return pending
            .filter((item) => text.includes(item.marker))
            .map((item) => ({ marker: item.marker, ruleId: options.ruleId ?? item.expectedRules[0] ?? '' }));
        },
      };
    };
    const deps: SmokeDeps = {
      writer,
      waiter,
      outputs: { outputs: async () => outputsFromDescribeStacks(DESCRIBE_STACKS, 'Vmsentry') },
      readFile: () => undefined,
      clock: () => now,
      sleep: async (ms) => {
        now += ms;
      },
      newUuid: () => '11111111-2222-4333-8444-555555555555',
      pollMs: 1000,
    };
    return { deps, written, queues };
  }

  it('passes with the latency from write to alert, writing to the scenario log group and waiting on the SIEM queue', async () => {
    const deployment = fakeDeployment();
    const { result, code } = await runSmoke(args(), deployment.deps);
    expect(code).toBe(0);
    expect(result).toMatchObject({ scenario: 'qemu-headless', status: 'pass', latencyMs: 800 });
    expect(deployment.written.map((write) => write.group)).toEqual(['/vmsentry/linux/audit']);
    expect(deployment.queues).toEqual([QUEUE]);
  });

  it('fails (exit 1) when no alert arrives within the timeout', async () => {
    const { result, code } = await runSmoke(args({ timeoutSeconds: 5 }), fakeDeployment({ deliver: false }).deps);
    expect(code).toBe(1);
    expect(result.status).toBe('fail');
  });

  it('fails when the alert that carries the marker is of another rule', async () => {
    const { code, result } = await runSmoke(args({ timeoutSeconds: 3 }), fakeDeployment({ ruleId: 'unrelated' }).deps);
    expect(code).toBe(1);
    expect(result.rules).toEqual(['unrelated']);
  });
});
