import { randomUUID } from 'node:crypto';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  type GetCommandOutput,
  PutCommand,
  QueryCommand,
  type QueryCommandOutput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { followUpOwed, SWEEP_SHARD } from '../dedup/follow-up';
import {
  type ClaimDecision,
  type ClaimRequest,
  type ClaimTicket,
  DEFAULT_RECENT_LIMIT,
  type DedupRecord,
  decideClaim,
  windowEndMs,
} from '../dedup/state';
import { DEDUP_RETENTION_SECONDS, DedupContentionError, type DedupStore, DedupUnavailableError } from '../dedup/store';
import type { FollowUpSource, IndexedRecord } from '../dedup/sweep';
import { SEVERITIES as MODEL_SEVERITIES, type Severity } from '../model';
import { FOLLOW_UP_INDEX } from '../model/tables';
import { isConditionalCheckFailed } from './dynamodb-errors';

export interface DynamoDbDedupOptions {
  /** A claim older than this is stale and taken over. */
  readonly leaseSeconds: number;
  readonly recentLimit?: number;
  /** Optimistic-write attempts per claim before DedupContentionError. */
  readonly maxAttempts?: number;
  /**
   * Kept after the window ends before DynamoDB TTL may delete the item (default DEDUP_RETENTION_SECONDS: the replay
   * horizon of the failure queues plus a day, so a redrive is still deduplicated).
   */
  readonly ttlMarginSeconds?: number;
  readonly token?: () => string;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** The sort key of dedup items (the table is shared with correlation state). */
export const DEDUP_SORT_KEY = 'window';
const STATES = new Set(['claimed', 'published', 'released']);
const SEVERITIES: ReadonlySet<string> = new Set(MODEL_SEVERITIES);
/** Zero-padded epoch ms: the follow-up index sorts due times as strings. */
const TIME_DIGITS = 15;

export function paddedTime(ms: number): string {
  return String(Math.max(0, Math.floor(ms))).padStart(TIME_DIGITS, '0');
}

/**
 * Claim-publish-confirm on the STATE_TABLE (docs/dedup-protocol.md). A claim reads the record consistently, applies
 * the pure state machine (lib/dedup/state.ts) and writes the result conditioned on the version it read, retrying on a
 * lost race; confirm and release are UpdateItems conditioned on the claim token.
 */
export class DynamoDbDedupStore implements DedupStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: DynamoDbDedupOptions,
  ) {}

  async claim(request: ClaimRequest): Promise<ClaimDecision> {
    const attempts = this.options.maxAttempts ?? 10;
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0) await this.backoff(attempt);
      const read = await this.call('read', () =>
        this.doc.send(
          new GetCommand({
            TableName: this.tableName,
            Key: { pk: request.pk, sk: DEDUP_SORT_KEY },
            ConsistentRead: true,
          }),
        ),
      );
      const current = read.Item ? recordOf(read.Item) : undefined;
      const { decision, next } = decideClaim(current, request, {
        token: (this.options.token ?? randomUUID)(),
        leaseMs: this.options.leaseSeconds * 1000,
        recentLimit: this.options.recentLimit ?? DEFAULT_RECENT_LIMIT,
      });
      if (!next) return decision;
      const condition = conditionFor(read.Item);
      try {
        await this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: this.itemOf(request.pk, next),
            ...condition,
          }),
        );
        return decision;
      } catch (error) {
        if (!isConditionalCheckFailed(error))
          throw new DedupUnavailableError('dedup claim write failed', { cause: error });
        // Someone wrote between our read and our write: read again and decide again.
      }
    }
    throw new DedupContentionError(request.pk, attempts);
  }

  confirm(ticket: ClaimTicket): Promise<boolean> {
    return this.finish(ticket, 'published');
  }

  release(ticket: ClaimTicket): Promise<boolean> {
    return this.finish(ticket, 'released');
  }

  private async finish(ticket: ClaimTicket, state: 'published' | 'released'): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: ticket.pk, sk: DEDUP_SORT_KEY },
          UpdateExpression: 'SET #state = :state, #version = #version + :one REMOVE claimToken, leaseUntil',
          ConditionExpression: '#state = :claimed AND claimToken = :token',
          ExpressionAttributeNames: { '#state': 'state', '#version': 'version' },
          ExpressionAttributeValues: { ':state': state, ':claimed': 'claimed', ':token': ticket.token, ':one': 1 },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw new DedupUnavailableError(`dedup ${state === 'published' ? 'confirm' : 'release'} failed`, {
        cause: error,
      });
    }
  }

  /** Full jitter, capped: concurrent claimants of one key spread out instead of colliding again. */
  private backoff(attempt: number): Promise<void> {
    const ms = Math.random() * Math.min(250, 10 * 2 ** attempt);
    const sleep = this.options.sleep ?? ((wait: number) => new Promise<void>((resolve) => setTimeout(resolve, wait)));
    return sleep(ms);
  }

  private async call<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw new DedupUnavailableError(`dedup ${what} failed`, { cause: error });
    }
  }

  private itemOf(pk: string, record: DedupRecord): Record<string, unknown> {
    return dedupItemOf(pk, record, this.options.ttlMarginSeconds ?? DEDUP_RETENTION_SECONDS);
  }
}

/**
 * The follow-up index of the STATE_TABLE (sparse GSI, lib/model/tables.ts) and version-conditioned writes, for the
 * sweeper. The index is eventually consistent: each listed item is read again consistently before deciding.
 */
export class DynamoDbFollowUpSource implements FollowUpSource {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: { readonly ttlMarginSeconds?: number } = {},
  ) {}

  async due(nowMs: number, limit: number): Promise<IndexedRecord[]> {
    const pks: string[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      let page: QueryCommandOutput;
      try {
        page = await this.doc.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: FOLLOW_UP_INDEX.name,
            KeyConditionExpression: '#shard = :shard AND #at <= :now',
            ExpressionAttributeNames: {
              '#shard': FOLLOW_UP_INDEX.partitionKey.name,
              '#at': FOLLOW_UP_INDEX.sortKey.name,
            },
            ExpressionAttributeValues: { ':shard': SWEEP_SHARD, ':now': paddedTime(nowMs) },
            ProjectionExpression: 'pk',
            Limit: limit - pks.length,
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        );
      } catch (error) {
        throw new DedupUnavailableError('follow-up index read failed', { cause: error });
      }
      for (const item of page.Items ?? []) if (typeof item['pk'] === 'string') pks.push(item['pk']);
      startKey = page.LastEvaluatedKey;
    } while (startKey && pks.length < limit);
    const out: IndexedRecord[] = [];
    for (const pk of pks) {
      let read: GetCommandOutput;
      try {
        read = await this.doc.send(
          new GetCommand({ TableName: this.tableName, Key: { pk, sk: DEDUP_SORT_KEY }, ConsistentRead: true }),
        );
      } catch (error) {
        throw new DedupUnavailableError('dedup read failed', { cause: error });
      }
      const record = read.Item ? recordOf(read.Item) : undefined;
      if (record) out.push({ pk, record });
    }
    return out;
  }

  async write(pk: string, next: DedupRecord): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: dedupItemOf(pk, next, this.options.ttlMarginSeconds ?? DEDUP_RETENTION_SECONDS),
          ConditionExpression: '#version = :version',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':version': next.version - 1 },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw new DedupUnavailableError('dedup follow-up write failed', { cause: error });
    }
  }
}

/**
 * The item of a record. A record owed a follow-up (more events than its alert said) carries the sparse follow-up
 * index's keys, due at the window end; every other item leaves the index.
 */
export function dedupItemOf(pk: string, record: DedupRecord, ttlMarginSeconds: number): Record<string, unknown> {
  const item: Record<string, unknown> = {
    pk,
    sk: DEDUP_SORT_KEY,
    state: record.state,
    ruleId: record.ruleId,
    host: record.host,
    windowStart: record.windowStartMs,
    windowSeconds: record.windowSeconds,
    count: record.count,
    firstSeen: record.firstSeenMs,
    lastSeen: record.lastSeenMs,
    recent: [...record.recent],
    batches: [...record.batches],
    alerted: record.alerted,
    followedUp: record.followedUp,
    version: record.version,
    ttl: Math.ceil(windowEndMs(record) / 1000) + ttlMarginSeconds,
  };
  if (record.title !== undefined) item['title'] = record.title;
  if (record.severity !== undefined) item['severity'] = record.severity;
  if (record.claimToken !== undefined) item['claimToken'] = record.claimToken;
  if (record.leaseUntilMs !== undefined) item['leaseUntil'] = record.leaseUntilMs;
  if (followUpOwed(record)) {
    item[FOLLOW_UP_INDEX.partitionKey.name] = SWEEP_SHARD;
    item[FOLLOW_UP_INDEX.sortKey.name] = paddedTime(windowEndMs(record));
  }
  return item;
}

/** Write only if the item is still what we read (by version), or still absent. */
function conditionFor(item: Record<string, unknown> | undefined): {
  ConditionExpression: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
} {
  if (!item) return { ConditionExpression: 'attribute_not_exists(pk)' };
  const version = item['version'];
  if (typeof version !== 'number') {
    return {
      ConditionExpression: 'attribute_not_exists(#version)',
      ExpressionAttributeNames: { '#version': 'version' },
    };
  }
  return {
    ConditionExpression: '#version = :version',
    ExpressionAttributeNames: { '#version': 'version' },
    ExpressionAttributeValues: { ':version': version },
  };
}

/** A stored record, or undefined when the item is not a valid record (it is then overwritten as if absent). */
export function recordOf(item: Record<string, unknown>): DedupRecord | undefined {
  const num = (name: string): number | undefined =>
    typeof item[name] === 'number' && Number.isFinite(item[name]) ? (item[name] as number) : undefined;
  const str = (name: string): string | undefined =>
    typeof item[name] === 'string' ? (item[name] as string) : undefined;
  const state = str('state');
  const windowStartMs = num('windowStart');
  const windowSeconds = num('windowSeconds');
  const count = num('count');
  const firstSeenMs = num('firstSeen');
  const lastSeenMs = num('lastSeen');
  const version = num('version');
  if (
    state === undefined ||
    !STATES.has(state) ||
    windowStartMs === undefined ||
    windowSeconds === undefined ||
    count === undefined ||
    firstSeenMs === undefined ||
    lastSeenMs === undefined ||
    version === undefined
  ) {
    return undefined;
  }
  const strings = (name: string): string[] =>
    Array.isArray(item[name]) ? (item[name] as unknown[]).filter((key): key is string => typeof key === 'string') : [];
  const token = str('claimToken');
  const lease = num('leaseUntil');
  const title = str('title');
  const severity = str('severity');
  return {
    state: state as DedupRecord['state'],
    ruleId: str('ruleId') ?? '',
    host: str('host') ?? '',
    windowStartMs,
    windowSeconds,
    count,
    firstSeenMs,
    lastSeenMs,
    recent: strings('recent'),
    batches: strings('batches'),
    // Items written before these attributes existed: their alert carried their count, nothing is owed.
    alerted: num('alerted') ?? count,
    followedUp: num('followedUp') ?? 0,
    version,
    ...(title !== undefined ? { title } : {}),
    ...(severity !== undefined && SEVERITIES.has(severity) ? { severity: severity as Severity } : {}),
    ...(token !== undefined ? { claimToken: token } : {}),
    ...(lease !== undefined ? { leaseUntilMs: lease } : {}),
  };
}
