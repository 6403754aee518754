import { createHash } from 'node:crypto';
import {
  BatchWriteCommand,
  type BatchWriteCommandOutput,
  type DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import type { CorrelationHit, CorrelationStore } from '../rules/correlation-store';

export const CORRELATION_PK_PREFIX = 'corr#';
const BATCH_SIZE = 25;
const TIME_DIGITS = 15;
const MAX_GROUP_KEY = 256;

/** The correlation state could not be read or written; the invocation fails and is retried. */
export class CorrelationStateError extends Error {
  override readonly name = 'CorrelationStateError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export interface DynamoDbCorrelationOptions {
  /** Attempts to write back UnprocessedItems (throttling) before failing. */
  readonly maxWriteAttempts?: number;
  /** Pages read per group before failing: bounds the cost of a hot group. */
  readonly maxPages?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * Correlation hits on the STATE_TABLE: pk `corr#<correlationId>#<group>`, sk `<timeMs zero-padded>#<hash of event
 * key>` (so a retried batch overwrites the same items: idempotent per event), `ttl` = event time + the correlation's
 * TTL. Reads Query the sk range from `sinceMs`, oldest first, paginated.
 */
export class DynamoDbCorrelationStore implements CorrelationStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: DynamoDbCorrelationOptions = {},
  ) {}

  async append(
    correlationId: string,
    groupKey: string,
    hits: readonly CorrelationHit[],
    ttlSeconds: number,
  ): Promise<void> {
    const pk = partitionKey(correlationId, groupKey);
    const items = new Map<string, Record<string, unknown>>();
    for (const hit of hits) {
      const sk = sortKey(hit.timeMs, hit.eventKey);
      const item: Record<string, unknown> = {
        pk,
        sk,
        ruleId: hit.ruleId,
        timeMs: hit.timeMs,
        eventKey: hit.eventKey,
        ttl: Math.ceil(hit.timeMs / 1000) + ttlSeconds,
      };
      if (hit.summary !== undefined) item['summary'] = hit.summary;
      items.set(sk, item); // BatchWriteItem refuses two puts of one key in a request
    }
    const all = [...items.values()];
    for (let start = 0; start < all.length; start += BATCH_SIZE) {
      await this.writeBatch(all.slice(start, start + BATCH_SIZE));
    }
  }

  async since(correlationId: string, groupKey: string, sinceMs: number): Promise<CorrelationHit[]> {
    const pk = partitionKey(correlationId, groupKey);
    const hits: CorrelationHit[] = [];
    const maxPages = this.options.maxPages ?? 20;
    let startKey: Record<string, unknown> | undefined;
    for (let page = 0; page < maxPages; page++) {
      let response: QueryCommandOutput;
      try {
        response = await this.doc.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'pk = :pk AND sk >= :since',
            ExpressionAttributeValues: { ':pk': pk, ':since': paddedTime(Math.max(0, sinceMs)) },
            ConsistentRead: true,
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        );
      } catch (error) {
        throw new CorrelationStateError('correlation state read failed', { cause: error });
      }
      for (const item of response.Items ?? []) {
        const hit = hitOf(item);
        if (hit) hits.push(hit);
      }
      startKey = response.LastEvaluatedKey;
      if (!startKey) return hits;
    }
    throw new CorrelationStateError(`correlation group ${pk} has more than ${maxPages} pages of hits`);
  }

  private async writeBatch(items: readonly Record<string, unknown>[]): Promise<void> {
    const attempts = this.options.maxWriteAttempts ?? 5;
    const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    let requests = items.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; attempt < attempts; attempt++) {
      let response: BatchWriteCommandOutput;
      try {
        response = await this.doc.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }));
      } catch (error) {
        throw new CorrelationStateError('correlation state write failed', { cause: error });
      }
      const unprocessed = response.UnprocessedItems?.[this.tableName] ?? [];
      if (unprocessed.length === 0) return;
      requests = unprocessed as typeof requests;
      await sleep(50 * 2 ** attempt);
    }
    throw new CorrelationStateError(`correlation state write left ${requests.length} item(s) unprocessed`);
  }
}

function partitionKey(correlationId: string, groupKey: string): string {
  // Group keys come from event fields: long ones are hashed to stay far below the 2 KB key limit.
  const group =
    groupKey.length > MAX_GROUP_KEY ? `sha256:${createHash('sha256').update(groupKey).digest('hex')}` : groupKey;
  return `${CORRELATION_PK_PREFIX}${correlationId}#${group}`;
}

function paddedTime(timeMs: number): string {
  return String(Math.floor(timeMs)).padStart(TIME_DIGITS, '0');
}

function sortKey(timeMs: number, eventKey: string): string {
  return `${paddedTime(timeMs)}#${createHash('sha256').update(eventKey).digest('hex').slice(0, 32)}`;
}

function hitOf(item: Record<string, unknown>): CorrelationHit | undefined {
  const { ruleId, timeMs, eventKey, summary } = item;
  if (typeof ruleId !== 'string' || typeof timeMs !== 'number' || typeof eventKey !== 'string') return undefined;
  return typeof summary === 'string' ? { ruleId, timeMs, eventKey, summary } : { ruleId, timeMs, eventKey };
}
