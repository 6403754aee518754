import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { CloudWatchHealthReader } from '../../lib/adapters/cloudwatch-health-reader';
import { type Fauxqs, startFauxqs } from '../support/fauxqs';

/*
 * Queue depths are read from fauxqs (real SQS protocol). CloudWatch metrics have no emulator that runs here, so
 * GetMetricData answers are scripted with aws-sdk-client-mock, shaped as the API documents them.
 */
const NOW = Date.parse('2026-11-20T15:00:00Z');
let aws: Fauxqs;
beforeAll(async () => {
  aws = await startFauxqs();
});
afterAll(() => aws.stop());

const options = (queueUrl: string) => ({
  namespace: 'vmsentry',
  service: 'vmsentry',
  heartbeatLogGroups: ['/vmsentry/sysmon', '/vmsentry/auditd'],
  heartbeatMinutes: 60,
  failureQueues: [
    { name: 'cloudwatch-failures', url: queueUrl },
    { name: 'missing', url: `${queueUrl}-does-not-exist` },
  ],
});

describe('CloudWatchHealthReader', () => {
  it('sums parse errors, dates heartbeats and reads queue depths; an unreadable queue is unknown', async () => {
    const queue = await aws.createQueue('health-failures');
    await aws.sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'a' }));
    await aws.sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'b' }));
    const cloudwatch = mockClient(CloudWatchClient);
    cloudwatch.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        { Id: 'records', Values: [900, 100], Timestamps: [new Date(NOW), new Date(NOW - 3_600_000)] },
        { Id: 'parseErrors', Values: [5], Timestamps: [new Date(NOW)] },
        { Id: 'hb0', Values: [0, 12], Timestamps: [new Date(NOW - 300_000), new Date(NOW - 600_000)] },
        { Id: 'hb1', Values: [4], Timestamps: [new Date(NOW - 3 * 3_600_000)] },
      ],
    });
    const reader = new CloudWatchHealthReader(cloudwatch as unknown as CloudWatchClient, aws.sqs, options(queue.url));
    const report = await reader.read(NOW);
    expect(report).toMatchObject({ records: 1000, parseErrors: 5, parseErrorRate: 0.005, window: 'last 24 hours' });
    expect(report.heartbeats).toEqual([
      { source: '/vmsentry/sysmon', lastSeen: new Date(NOW - 600_000).toISOString(), status: 'ok' },
      { source: '/vmsentry/auditd', lastSeen: new Date(NOW - 3 * 3_600_000).toISOString(), status: 'silent' },
    ]);
    expect(report.failureQueues).toEqual([{ name: 'cloudwatch-failures', depth: 2 }, { name: 'missing' }]);
    const sent = cloudwatch.commandCalls(GetMetricDataCommand)[0]!.args[0].input;
    expect(sent.MetricDataQueries?.map((q) => q.Id)).toEqual(['records', 'parseErrors', 'hb0', 'hb1']);
    cloudwatch.restore();
  });

  it('still renders when CloudWatch cannot be read: heartbeats unknown, queue depths still read', async () => {
    const queue = await aws.createQueue('health-failures-2');
    const cloudwatch = mockClient(CloudWatchClient);
    cloudwatch.on(GetMetricDataCommand).rejects(new Error('AccessDenied'));
    const report = await new CloudWatchHealthReader(
      cloudwatch as unknown as CloudWatchClient,
      aws.sqs,
      options(queue.url),
    ).read(NOW);
    expect(report.heartbeats.map((h) => h.status)).toEqual(['unknown', 'unknown']);
    expect(report.failureQueues[0]).toEqual({ name: 'cloudwatch-failures', depth: 0 });
    cloudwatch.restore();
  });
});
