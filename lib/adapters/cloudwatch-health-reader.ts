import { type CloudWatchClient, GetMetricDataCommand, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import {
  type HealthReader,
  type HealthReport,
  parseErrorRate,
  type QueueDepth,
  type SourceHeartbeat,
} from '../console/health';

export interface CloudWatchHealthOptions {
  /** Namespace and `service` dimension of the pipeline's EMF metrics (lambdas/runtime.ts). */
  readonly namespace: string;
  readonly service: string;
  /** Subscribed log groups with heartbeats (the deploy config's heartbeat list). */
  readonly heartbeatLogGroups: readonly string[];
  readonly heartbeatMinutes: number;
  /** Failure queues by display name (URL). */
  readonly failureQueues: readonly { readonly name: string; readonly url: string }[];
  /** How far back the figures reach. Default 24 hours. */
  readonly windowHours?: number;
}

/** GetMetricData takes at most 500 queries; the heartbeat list is bounded far below (deploy config). */
const MAX_QUERIES = 500;

/**
 * The console's health page in a deployment: parse errors from the pipeline's own metrics, heartbeats from
 * CloudWatch Logs' IncomingLogEvents per subscribed log group (the same metric the heartbeat alarms watch), and the
 * depth of every failure queue. A part that cannot be read shows as unknown; the page still renders.
 */
export class CloudWatchHealthReader implements HealthReader {
  constructor(
    private readonly cloudwatch: CloudWatchClient,
    private readonly sqs: SQSClient,
    private readonly options: CloudWatchHealthOptions,
  ) {}

  async read(nowMs: number): Promise<HealthReport> {
    const hours = this.options.windowHours ?? 24;
    const [metrics, failureQueues] = await Promise.all([this.metrics(nowMs, hours), this.queueDepths()]);
    return {
      window: `last ${hours} hours`,
      records: metrics.records,
      parseErrors: metrics.parseErrors,
      parseErrorRate: parseErrorRate(metrics.records, metrics.parseErrors),
      heartbeats: metrics.heartbeats,
      failureQueues,
    };
  }

  private async metrics(
    nowMs: number,
    hours: number,
  ): Promise<{ records: number; parseErrors: number; heartbeats: SourceHeartbeat[] }> {
    const groups = this.options.heartbeatLogGroups.slice(0, MAX_QUERIES - 2);
    const pipeline = (id: string, metricName: string): MetricDataQuery => ({
      Id: id,
      MetricStat: {
        Metric: {
          Namespace: this.options.namespace,
          MetricName: metricName,
          Dimensions: [{ Name: 'service', Value: this.options.service }],
        },
        Period: hours * 3600,
        Stat: 'Sum',
      },
    });
    const queries: MetricDataQuery[] = [
      pipeline('records', 'RecordsIn'),
      pipeline('parseErrors', 'ParseErrors'),
      ...groups.map((group, index) => ({
        Id: `hb${index}`,
        MetricStat: {
          Metric: {
            Namespace: 'AWS/Logs',
            MetricName: 'IncomingLogEvents',
            Dimensions: [{ Name: 'LogGroupName', Value: group }],
          },
          Period: 300,
          Stat: 'Sum',
        },
      })),
    ];
    const values = new Map<string, { timestamps: Date[]; values: number[] }>();
    try {
      let next: string | undefined;
      do {
        const page = await this.cloudwatch.send(
          new GetMetricDataCommand({
            MetricDataQueries: queries,
            StartTime: new Date(nowMs - hours * 3_600_000),
            EndTime: new Date(nowMs),
            ScanBy: 'TimestampDescending',
            ...(next ? { NextToken: next } : {}),
          }),
        );
        for (const result of page.MetricDataResults ?? []) {
          const held = values.get(result.Id ?? '') ?? { timestamps: [], values: [] };
          held.timestamps.push(...(result.Timestamps ?? []));
          held.values.push(...(result.Values ?? []));
          values.set(result.Id ?? '', held);
        }
        next = page.NextToken;
      } while (next);
    } catch {
      return {
        records: 0,
        parseErrors: 0,
        heartbeats: groups.map((source) => ({ source, status: 'unknown' as const })),
      };
    }
    const sum = (id: string): number => (values.get(id)?.values ?? []).reduce((total, value) => total + value, 0);
    const silentAfterMs = this.options.heartbeatMinutes * 60_000;
    const heartbeats = groups.map((source, index): SourceHeartbeat => {
      const series = values.get(`hb${index}`);
      let last: number | undefined;
      series?.values.forEach((value, at) => {
        const time = series.timestamps[at]?.getTime();
        if (value > 0 && time !== undefined && (last === undefined || time > last)) last = time;
      });
      if (last === undefined) return { source, status: 'silent' };
      return {
        source,
        lastSeen: new Date(last).toISOString(),
        status: nowMs - last <= silentAfterMs ? 'ok' : 'silent',
      };
    });
    return { records: sum('records'), parseErrors: sum('parseErrors'), heartbeats };
  }

  private queueDepths(): Promise<QueueDepth[]> {
    return Promise.all(
      this.options.failureQueues.map(async ({ name, url }): Promise<QueueDepth> => {
        try {
          const read = await this.sqs.send(
            new GetQueueAttributesCommand({
              QueueUrl: url,
              AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
            }),
          );
          const attributes = read.Attributes ?? {};
          return {
            name,
            depth:
              Number(attributes.ApproximateNumberOfMessages ?? 0) +
              Number(attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
          };
        } catch {
          return { name };
        }
      }),
    );
  }
}
