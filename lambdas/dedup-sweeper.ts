/**
 * Scheduled (every few minutes): send the "seen N more times" follow-ups of dedup windows that ended with more
 * events than their alert said. Composition only; the logic is lib/dedup/sweep.ts.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbFollowUpSource } from '../lib/adapters/dynamodb-dedup-store';
import { SnsFollowUpPublisher } from '../lib/adapters/sns-follow-up-publisher';
import {
  type FollowUpPublisher,
  type FollowUpSource,
  FollowUpsNotSentError,
  type SweepCounts,
  sweepFollowUps,
} from '../lib/dedup/sweep';
import { FIXED_FUNCTION_TIMEOUT_SECONDS } from '../lib/timings';
import { clientOptions } from './clients';

export interface SweeperDeps {
  readonly source: FollowUpSource;
  readonly publisher: FollowUpPublisher;
  readonly clock?: () => number;
  readonly logger?: Pick<Logger, 'info' | 'error'>;
}

/** One sweep per invocation. A follow-up SNS refused fails the invocation (alarmed); it stays owed for the next. */
export function createSweeperHandler(deps: SweeperDeps): () => Promise<SweepCounts> {
  return async () => {
    try {
      const counts = await sweepFollowUps(deps, (deps.clock ?? Date.now)());
      if (counts.due > 0) deps.logger?.info('dedup follow-ups swept', { counts: { ...counts } });
      return counts;
    } catch (error) {
      const counts = error instanceof FollowUpsNotSentError ? { counts: { ...error.counts } } : {};
      deps.logger?.error('dedup follow-up sweep failed: owed follow-ups wait for the next sweep', {
        error: error instanceof Error ? error.message : String(error),
        ...counts,
      });
      throw error;
    }
  };
}

const clients = clientOptions(FIXED_FUNCTION_TIMEOUT_SECONDS.dedupSweeper);
const doc = DynamoDBDocumentClient.from(new DynamoDBClient(clients), {
  marshallOptions: { removeUndefinedValues: true },
});
export const handler = createSweeperHandler({
  // Unset names fail every call (invocation error, alarmed), never silently: tests import this module without them.
  source: new DynamoDbFollowUpSource(doc, process.env['STATE_TABLE'] ?? ''),
  publisher: new SnsFollowUpPublisher(new SNSClient(clients), process.env['ALERT_TOPIC_ARN'] ?? ''),
  logger: new Logger({ serviceName: 'vmsentry-dedup-sweeper' }),
});
