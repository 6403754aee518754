/**
 * Alert history in local mode: the embedded dynalite holds a history table like the deployment's, written after
 * delivery by the same writer logic as the history-writer Lambda, so `vmsentry alerts list --local` shows what a
 * `vmsentry local` run published.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbHistoryStore } from '../../lib/adapters/dynamodb-history-store';
import type { PublishedAlert } from '../../lib/alerts/published-alert';
import { writeHistoryMessage } from '../../lib/history/writer';
import { describeError } from '../cli-io';

export const LOCAL_HISTORY_TABLE = 'vmsentry-local-history';
/** Where `vmsentry local` keeps its DynamoDB data (and `vmsentry alerts --local` reads it). */
export const LOCAL_DATA_DIR = '.local/dynamodb';

export function localHistoryStore(doc: DynamoDBDocumentClient, nowMs?: () => number): DynamoDbHistoryStore {
  return new DynamoDbHistoryStore(doc, LOCAL_HISTORY_TABLE, nowMs ? { now: nowMs } : {});
}

/**
 * Record the published alerts (the SNS `default` bodies the unfiltered subscriber received), each on its own: one
 * that cannot be written is reported, the others are still recorded.
 */
export async function recordLocalHistory(
  doc: DynamoDBDocumentClient,
  published: readonly PublishedAlert[],
  nowMs: number,
): Promise<{ recorded: number; problems: string[] }> {
  const store = localHistoryStore(doc);
  let recorded = 0;
  const problems: string[] = [];
  for (const alert of published) {
    try {
      const outcome = await writeHistoryMessage(JSON.stringify(alert), store, nowMs);
      if (outcome.kind === 'invalid') problems.push(`history: alert ${alert.id} not recorded: ${outcome.reason}`);
      else recorded++;
    } catch (error) {
      problems.push(`history: alert ${alert.id} not recorded: ${describeError(error)}`);
    }
  }
  return { recorded, problems };
}
