import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import { SNSClient } from '@aws-sdk/client-sns';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { allowlistChangeOf } from '../lib/adapters/allowlist-stream';
import { SnsAlertPublisher } from '../lib/adapters/sns-publisher';
import { auditAlert } from '../lib/alerts/allowlist-audit';
import type { AlertPublisher } from '../lib/alerts/publisher';
import { FIXED_FUNCTION_TIMEOUT_SECONDS } from '../lib/timings';
import { clientOptions } from './clients';

export interface AllowlistAuditDeps {
  readonly publisher: AlertPublisher;
  readonly logger?: Pick<Logger, 'info' | 'error'>;
}

/**
 * Allowlist table stream -> one audit alert per change, published to the alert topic. A change that cannot be read
 * still alerts ("unparseable allowlist change"); only a failed publish fails the record, which Powertools reports as a
 * batch item failure so the stream retries from it.
 */
export function createAllowlistAuditHandler(
  deps: AllowlistAuditDeps,
): (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse> {
  const processor = new BatchProcessor(EventType.DynamoDBStreams);
  return async (event, context) => {
    const indexOf = new Map(event.Records.map((record, index) => [record, index]));
    const recordHandler = async (record: DynamoDBRecord): Promise<string> => {
      const alert = auditAlert(allowlistChangeOf(record, indexOf.get(record) ?? 0));
      const report = await deps.publisher.publish([alert]);
      const [failure] = report.failed;
      if (failure) {
        deps.logger?.error('audit alert not published', { alertId: alert.id, error: failure.error.message });
        throw failure.error;
      }
      deps.logger?.info('allowlist change audited', { alertId: alert.id, severity: alert.severity });
      return alert.id;
    };
    return processPartialResponse(event, recordHandler, processor, { context });
  };
}

const logger = new Logger({ serviceName: 'vmsentry-allowlist-audit' });
// Throttling retries and timeouts are the SDK's (lambdas/clients.ts); what still fails is reported per record.
const sns = new SNSClient(clientOptions(FIXED_FUNCTION_TIMEOUT_SECONDS.allowlistAudit));
const topicArn = process.env['ALERT_TOPIC_ARN'] ?? '';

export const handler = createAllowlistAuditHandler({
  publisher: new SnsAlertPublisher(sns, topicArn, {
    ...(process.env['AWS_REGION'] ? { region: process.env['AWS_REGION'] } : {}),
    ...(process.env['ALLOWLIST_TABLE_NAME'] ? { allowlistTable: process.env['ALLOWLIST_TABLE_NAME'] } : {}),
    ...(process.env['RUNBOOK_URL'] ? { runbookUrl: process.env['RUNBOOK_URL'] } : {}),
  }),
  logger,
});
