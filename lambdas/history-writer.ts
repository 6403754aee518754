/**
 * Alert topic -> SQS (raw delivery) -> this function -> the alert history table. Off the delivery path: the topic
 * delivers to every subscriber independently, so a slow or failing history never delays an alert. Composition only;
 * the logic is lib/history/writer.ts.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { DynamoDbHistoryStore } from '../lib/adapters/dynamodb-history-store';
import type { AlertHistoryStore } from '../lib/history/store';
import { writeHistoryMessage } from '../lib/history/writer';
import { FIXED_FUNCTION_TIMEOUT_SECONDS } from '../lib/timings';
import { clientOptions } from './clients';
import { type LogSink, type MetricSink, powertoolsLogger, powertoolsMetrics } from './runtime';

export interface HistoryWriterDeps {
  readonly store: AlertHistoryStore;
  readonly logger: LogSink;
  readonly metrics: MetricSink;
  readonly clock?: () => number;
}

/** Metric names (namespace vmsentry): failures are retried by SQS; invalid messages are dropped after logging. */
export const HISTORY_METRICS = {
  written: 'HistoryWrites',
  failed: 'HistoryWriteFailures',
  invalid: 'HistoryInvalidMessages',
} as const;

/**
 * One SQS batch: each message is recorded on its own. A message the store could not take fails alone (reported as a
 * batch item failure, so SQS retries just it and, after the receive limit, moves it to the dead-letter queue); a
 * message that is not an alert or a follow-up is counted and logged with its reason and position, and succeeds.
 */
export function createHistoryWriterHandler(
  deps: HistoryWriterDeps,
): (event: SQSEvent, context: Context) => Promise<SQSBatchResponse> {
  const processor = new BatchProcessor(EventType.SQS);
  return async (event, context) => {
    const indexOf = new Map(event.Records.map((record, index) => [record, index]));
    const recordHandler = async (record: SQSRecord): Promise<string> => {
      const position = { index: indexOf.get(record) ?? 0, messageId: record.messageId };
      try {
        const outcome = await writeHistoryMessage(record.body, deps.store, (deps.clock ?? Date.now)());
        if (outcome.kind === 'invalid') {
          deps.metrics.count(HISTORY_METRICS.invalid, 1);
          deps.logger.warn('alert topic message is not an alert or a follow-up; not recorded', {
            ...position,
            reason: outcome.reason,
          });
          return 'invalid';
        }
        deps.metrics.count(HISTORY_METRICS.written, 1);
        return outcome.id;
      } catch (error) {
        deps.metrics.count(HISTORY_METRICS.failed, 1);
        deps.logger.error('history write failed; SQS retries the message', {
          ...position,
          error: error instanceof Error ? error.message : String(error),
          ...(error instanceof Error && error.cause instanceof Error ? { cause: error.cause.message } : {}),
        });
        throw error;
      }
    };
    try {
      return await processPartialResponse(event, recordHandler, processor, { context });
    } finally {
      deps.metrics.flush();
    }
  };
}

const clients = clientOptions(FIXED_FUNCTION_TIMEOUT_SECONDS.historyWriter);
const doc = DynamoDBDocumentClient.from(new DynamoDBClient(clients), {
  marshallOptions: { removeUndefinedValues: true },
});
const retentionDays = Number(process.env['HISTORY_RETENTION_DAYS']);
export const handler = createHistoryWriterHandler({
  // An unset table name fails every write (retried, alarmed, then dead-lettered), never silently.
  store: new DynamoDbHistoryStore(doc, process.env['HISTORY_TABLE'] ?? '', {
    ...(Number.isInteger(retentionDays) && retentionDays > 0 ? { retentionDays } : {}),
  }),
  logger: powertoolsLogger('vmsentry-history-writer'),
  metrics: powertoolsMetrics('vmsentry-history-writer'),
});
