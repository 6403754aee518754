import {
  type CloudWatchLogsClient,
  CreateLogStreamCommand,
  type InputLogEvent,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import type { LogWriter } from '../validate/run';
import type { TelemetryRecord } from '../validate/telemetry';

/** PutLogEvents quotas: 10,000 events and 1,048,576 bytes per call, each event counted with 26 bytes of overhead. */
export const PUT_LOG_EVENTS_LIMITS = { events: 10_000, bytes: 1_048_576, eventOverhead: 26 } as const;

/** Split events (already in time order) into PutLogEvents calls that respect the quotas. */
export function putLogEventBatches(events: readonly InputLogEvent[]): InputLogEvent[][] {
  const batches: InputLogEvent[][] = [];
  let current: InputLogEvent[] = [];
  let bytes = 0;
  for (const event of events) {
    const size = Buffer.byteLength(event.message ?? '', 'utf8') + PUT_LOG_EVENTS_LIMITS.eventOverhead;
    if (
      current.length > 0 &&
      (current.length >= PUT_LOG_EVENTS_LIMITS.events || bytes + size > PUT_LOG_EVENTS_LIMITS.bytes)
    ) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(event);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/**
 * LogWriter on CloudWatch Logs: creates the stream (an existing one is fine), then PutLogEvents in time order.
 * Rejected events (too old, too new, expired) are an error: validation must not pass on events CloudWatch dropped.
 */
export class CloudWatchLogsWriter implements LogWriter {
  private readonly streams = new Set<string>();

  constructor(private readonly client: CloudWatchLogsClient) {}

  async write(logGroup: string, logStream: string, records: readonly TelemetryRecord[]): Promise<void> {
    await this.ensureStream(logGroup, logStream);
    const events = [...records]
      .sort((a, b) => a.timestampMs - b.timestampMs)
      .map((record) => ({ timestamp: record.timestampMs, message: record.message }));
    for (const batch of putLogEventBatches(events)) {
      const response = await this.client.send(
        new PutLogEventsCommand({ logGroupName: logGroup, logStreamName: logStream, logEvents: batch }),
      );
      const rejected = response.rejectedLogEventsInfo;
      if (rejected && Object.values(rejected).some((value) => value !== undefined)) {
        throw new Error(`CloudWatch Logs rejected events in ${logGroup}: ${JSON.stringify(rejected)}`);
      }
    }
  }

  private async ensureStream(logGroup: string, logStream: string): Promise<void> {
    const key = `${logGroup}\u0000${logStream}`;
    if (this.streams.has(key)) return;
    try {
      await this.client.send(new CreateLogStreamCommand({ logGroupName: logGroup, logStreamName: logStream }));
    } catch (error) {
      if (!(error instanceof Error && error.name === 'ResourceAlreadyExistsException')) throw error;
    }
    this.streams.add(key);
  }
}
