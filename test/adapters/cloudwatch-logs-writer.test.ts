import { CloudWatchLogsClient, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { mockClient } from 'aws-sdk-client-mock';
import {
  CloudWatchLogsWriter,
  PUT_LOG_EVENTS_LIMITS,
  putLogEventBatches,
} from '../../lib/adapters/cloudwatch-logs-writer';
import type { TelemetryRecord } from '../../lib/validate';

const logs = mockClient(CloudWatchLogsClient);
const client = new CloudWatchLogsClient({
  region: 'us-east-1',
  credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
});
const record = (timestampMs: number, message = `m${timestampMs}`): TelemetryRecord => ({
  format: 'auditd',
  message,
  timestampMs,
});

describe('CloudWatchLogsWriter', () => {
  beforeEach(() => logs.reset());

  it('creates the stream once, then puts the events in time order', async () => {
    logs.on(CreateLogStreamCommand).resolves({});
    logs.on(PutLogEventsCommand).resolves({});
    const writer = new CloudWatchLogsWriter(client);
    await writer.write('/g', 's', [record(3), record(1), record(2)]);
    await writer.write('/g', 's', [record(4)]);
    expect(logs.commandCalls(CreateLogStreamCommand)).toHaveLength(1);
    const puts = logs.commandCalls(PutLogEventsCommand).map((call) => call.args[0].input);
    expect(puts[0]?.logEvents?.map((event) => event.timestamp)).toEqual([1, 2, 3]);
    expect(puts[0]).toMatchObject({ logGroupName: '/g', logStreamName: 's' });
  });

  it('accepts a stream that already exists, but not other CreateLogStream failures', async () => {
    const exists = Object.assign(new Error('exists'), { name: 'ResourceAlreadyExistsException' });
    logs.on(CreateLogStreamCommand).rejects(exists);
    logs.on(PutLogEventsCommand).resolves({});
    await new CloudWatchLogsWriter(client).write('/g', 's', [record(1)]);
    expect(logs.commandCalls(PutLogEventsCommand)).toHaveLength(1);

    logs.reset();
    logs
      .on(CreateLogStreamCommand)
      .rejects(Object.assign(new Error('no such group'), { name: 'ResourceNotFoundException' }));
    await expect(new CloudWatchLogsWriter(client).write('/missing', 's', [record(1)])).rejects.toThrow('no such group');
  });

  it('fails when CloudWatch rejects events (too old, too new, expired): validation must not pass on dropped events', async () => {
    logs.on(CreateLogStreamCommand).resolves({});
    logs.on(PutLogEventsCommand).resolves({ rejectedLogEventsInfo: { tooOldLogEventEndIndex: 1 } });
    await expect(new CloudWatchLogsWriter(client).write('/g', 's', [record(1)])).rejects.toThrow('rejected events');
  });

  it('splits batches at 10,000 events and at 1 MB including the per-event overhead', () => {
    const many = Array.from({ length: PUT_LOG_EVENTS_LIMITS.events + 1 }, (_, index) => ({
      timestamp: index,
      message: 'x',
    }));
    expect(putLogEventBatches(many).map((batch) => batch.length)).toEqual([10_000, 1]);
    const big = 'y'.repeat(400_000);
    const large = [0, 1, 2].map((timestamp) => ({ timestamp, message: big }));
    expect(putLogEventBatches(large).map((batch) => batch.length)).toEqual([2, 1]);
    expect(putLogEventBatches([])).toEqual([]);
  });
});
