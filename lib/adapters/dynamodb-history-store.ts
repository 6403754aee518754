import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  type QueryCommandOutput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { PublishedAlert } from '../alerts/published-alert';
import { compareNewestFirst, matchesQuery, pageSizeOf } from '../history/query';
import { mergeRecord } from '../history/record';
import {
  type AlertHistoryStore,
  HistoryNotFoundError,
  type HistoryPage,
  type HistoryQuery,
  type HistoryRecord,
  HistoryTransitionError,
  HistoryUnavailableError,
  TRIAGE_STATES,
  type TriageChange,
  type TriageState,
} from '../history/store';
import { checkTransition } from '../history/triage';
import {
  HISTORY_BY_HOST_INDEX,
  HISTORY_BY_RULE_INDEX,
  HISTORY_BY_TIME_INDEX,
  type IndexDefinition,
  isSeverity,
} from '../model';
import { SETTING_BOUNDS } from '../settings';
import { isConditionalCheckFailed } from './dynamodb-errors';

/** Default retention of a history item after its last write (docs/alert-history.md). */
export const DEFAULT_HISTORY_RETENTION_DAYS = SETTING_BOUNDS.historyRetentionDays.fallback;
/** The one partition of the time index (see HISTORY_TABLE). */
export const HISTORY_TIME_SHARD = 'all';
/** DynamoDB pages read per `list` call at most: a very selective filter returns a short page and a cursor. */
export const MAX_QUERY_PAGES_PER_LIST = 10;

export interface DynamoDbHistoryOptions {
  readonly retentionDays?: number;
  /** Optimistic-write attempts per `record` before HistoryUnavailableError (the writer's SQS retry takes over). */
  readonly maxAttempts?: number;
  /** Clock for expiry checks (DynamoDB TTL deletes late, so readers skip expired items themselves). */
  readonly now?: () => number;
}

/**
 * The alert history on DynamoDB (HISTORY_TABLE). `record` reads the item, merges with lib/history/record.ts and
 * writes conditioned on the revision it read (a concurrent record retries), touching only the alert's facts: the
 * triage attributes are written only by `setState`, conditioned on the state it checked, so neither overwrites the
 * other. The alert is stored as its JSON text (bounded to SNS's 256 KB, under DynamoDB's 400 KB item limit).
 */
export class DynamoDbHistoryStore implements AlertHistoryStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: DynamoDbHistoryOptions = {},
  ) {}

  async record(alert: PublishedAlert, nowMs: number): Promise<HistoryRecord> {
    const attempts = this.options.maxAttempts ?? 5;
    for (let attempt = 0; attempt < attempts; attempt++) {
      const item = await this.read(alert.id);
      const existing = item ? recordOfItem(item) : undefined;
      const merged = mergeRecord(existing, alert, nowMs);
      const revision = item ? numberOf(item['rev']) : undefined;
      if (existing && revision !== undefined && sameFacts(existing, merged)) return existing; // re-delivery
      try {
        const written = await this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { id: merged.id },
            UpdateExpression:
              'SET dedupKey = :dedupKey, ruleId = :ruleId, title = :title, severity = :severity, host = :host, ' +
              'hostKey = :hostKey, timeShard = :shard, firstSeen = :firstSeen, lastSeen = :lastSeen, #count = :count, ' +
              'alertJson = :alert, recordedAt = if_not_exists(recordedAt, :recordedAt), ' +
              '#state = if_not_exists(#state, :new), #ttl = :ttl, rev = :nextRev',
            ConditionExpression: revision === undefined ? 'attribute_not_exists(rev)' : 'rev = :rev',
            ExpressionAttributeNames: { '#count': 'count', '#state': 'state', '#ttl': 'ttl' },
            ExpressionAttributeValues: {
              ':dedupKey': merged.dedupKey,
              ':ruleId': merged.ruleId,
              ':title': merged.title,
              ':severity': merged.severity,
              ':host': merged.host,
              ':hostKey': merged.host.toLowerCase(),
              ':shard': HISTORY_TIME_SHARD,
              ':firstSeen': merged.firstSeen,
              ':lastSeen': merged.lastSeen,
              ':count': merged.count,
              ':alert': JSON.stringify(merged.alert),
              ':recordedAt': merged.recordedAt,
              ':new': 'new',
              ':ttl': Math.floor(nowMs / 1000) + this.retentionSeconds(),
              ':nextRev': (revision ?? 0) + 1,
              ...(revision === undefined ? {} : { ':rev': revision }),
            },
            ReturnValues: 'ALL_NEW',
          }),
        );
        const record = written.Attributes ? recordOfItem(written.Attributes) : undefined;
        if (!record) throw new Error('the written history item did not read back as a record');
        return record;
      } catch (error) {
        if (!isConditionalCheckFailed(error)) {
          throw new HistoryUnavailableError(`history write of ${alert.id} failed`, { cause: error });
        }
        // Another writer recorded this alert between our read and our write: merge again with what it wrote.
      }
    }
    throw new HistoryUnavailableError(`history write of ${alert.id} lost ${attempts} races; retry later`);
  }

  async get(id: string): Promise<HistoryRecord | undefined> {
    const item = await this.read(id);
    return item && !this.expired(item) ? recordOfItem(item) : undefined;
  }

  async list(query: HistoryQuery): Promise<HistoryPage> {
    const size = pageSizeOf(query);
    const { index, partition } = indexFor(query);
    const names: Record<string, string> = { '#p': index.partitionKey.name };
    const values: Record<string, unknown> = { ':p': partition };
    let range = '';
    if (query.since !== undefined || query.until !== undefined) names['#t'] = index.sortKey.name;
    if (query.since !== undefined && query.until !== undefined) {
      // BETWEEN is inclusive: the exclusive upper bound is applied by matchesQuery below.
      range = ' AND #t BETWEEN :since AND :until';
      values[':since'] = query.since;
      values[':until'] = query.until;
    } else if (query.since !== undefined) {
      range = ' AND #t >= :since';
      values[':since'] = query.since;
    } else if (query.until !== undefined) {
      range = ' AND #t < :until';
      values[':until'] = query.until;
    }
    let startKey = query.cursor === undefined ? undefined : decodeCursor(query.cursor, index.name);
    const items: HistoryRecord[] = [];
    for (let pages = 0; pages < MAX_QUERY_PAGES_PER_LIST; pages++) {
      const input: QueryCommandInput = {
        TableName: this.tableName,
        IndexName: index.name,
        KeyConditionExpression: `#p = :p${range}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ScanIndexForward: false,
        Limit: size - items.length,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      };
      let page: QueryCommandOutput;
      try {
        page = await this.doc.send(new QueryCommand(input));
      } catch (error) {
        throw new HistoryUnavailableError('history query failed', { cause: error });
      }
      for (const item of page.Items ?? []) {
        const record = this.expired(item) ? undefined : recordOfItem(item);
        if (record && matchesQuery(record, query)) items.push(record);
      }
      startKey = page.LastEvaluatedKey;
      if (!startKey || items.length >= size) break;
    }
    items.sort(compareNewestFirst);
    return startKey ? { items, cursor: encodeCursor(index.name, startKey) } : { items };
  }

  async setState(id: string, change: TriageChange, nowMs: number): Promise<HistoryRecord> {
    const current = await this.get(id);
    if (!current) throw new HistoryNotFoundError(id);
    const checked = checkTransition(current.state, change);
    const reason = checked.reason;
    try {
      const written = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id },
          UpdateExpression: `SET #state = :to, stateBy = :by, stateAt = :at${reason ? ', stateReason = :reason' : ' REMOVE stateReason'}`,
          // Only from the state we checked the move against: of two concurrent changes one wins, the other is refused.
          ConditionExpression: '#state = :from',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':to': checked.state,
            ':from': current.state,
            ':by': checked.by,
            ':at': new Date(nowMs).toISOString(),
            ...(reason ? { ':reason': reason } : {}),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      const record = written.Attributes ? recordOfItem(written.Attributes) : undefined;
      if (!record) throw new Error('the updated history item did not read back as a record');
      return record;
    } catch (error) {
      if (isConditionalCheckFailed(error)) {
        throw new HistoryTransitionError(`alert ${id} was changed by someone else meanwhile; show it and try again`);
      }
      throw new HistoryUnavailableError(`history update of ${id} failed`, { cause: error });
    }
  }

  private async read(id: string): Promise<Record<string, unknown> | undefined> {
    try {
      const read = await this.doc.send(
        new GetCommand({ TableName: this.tableName, Key: { id }, ConsistentRead: true }),
      );
      return read.Item;
    } catch (error) {
      throw new HistoryUnavailableError(`history read of ${id} failed`, { cause: error });
    }
  }

  private retentionSeconds(): number {
    return (this.options.retentionDays ?? DEFAULT_HISTORY_RETENTION_DAYS) * 86_400;
  }

  private expired(item: Record<string, unknown>): boolean {
    const ttl = numberOf(item['ttl']);
    return ttl !== undefined && ttl * 1000 <= (this.options.now ?? Date.now)();
  }
}

/** The narrowest index for the query: host, else rule, else time. The other filters apply to what it returns. */
function indexFor(query: HistoryQuery): { index: IndexDefinition; partition: string } {
  if (query.host !== undefined) return { index: HISTORY_BY_HOST_INDEX, partition: query.host.toLowerCase() };
  if (query.ruleId !== undefined) return { index: HISTORY_BY_RULE_INDEX, partition: query.ruleId };
  return { index: HISTORY_BY_TIME_INDEX, partition: HISTORY_TIME_SHARD };
}

/** Whether a merge changed nothing the item stores (a re-delivered alert): no write is needed. */
function sameFacts(a: HistoryRecord, b: HistoryRecord): boolean {
  return (
    a.count === b.count &&
    a.lastSeen === b.lastSeen &&
    a.firstSeen === b.firstSeen &&
    JSON.stringify(a.alert) === JSON.stringify(b.alert)
  );
}

function numberOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** A stored item as a record, or undefined when it is not one (never written by this store). */
export function recordOfItem(item: Record<string, unknown>): HistoryRecord | undefined {
  const str = (name: string): string | undefined =>
    typeof item[name] === 'string' ? (item[name] as string) : undefined;
  const id = str('id');
  const severity = item['severity'];
  const state = item['state'];
  const count = numberOf(item['count']);
  const alertJson = str('alertJson');
  const fields = ['dedupKey', 'ruleId', 'title', 'host', 'firstSeen', 'lastSeen', 'recordedAt'].map(str);
  if (
    id === undefined ||
    !isSeverity(severity) ||
    !(TRIAGE_STATES as readonly unknown[]).includes(state) ||
    count === undefined ||
    alertJson === undefined ||
    fields.some((value) => value === undefined)
  ) {
    return undefined;
  }
  let alert: PublishedAlert;
  try {
    alert = JSON.parse(alertJson) as PublishedAlert;
  } catch {
    return undefined;
  }
  const [dedupKey, ruleId, title, host, firstSeen, lastSeen, recordedAt] = fields as string[];
  const stateReason = str('stateReason');
  const stateBy = str('stateBy');
  const stateAt = str('stateAt');
  return {
    id,
    dedupKey: dedupKey as string,
    ruleId: ruleId as string,
    title: title as string,
    severity,
    host: host as string,
    firstSeen: firstSeen as string,
    lastSeen: lastSeen as string,
    count,
    recordedAt: recordedAt as string,
    state: state as TriageState,
    ...(stateReason !== undefined ? { stateReason } : {}),
    ...(stateBy !== undefined ? { stateBy } : {}),
    ...(stateAt !== undefined ? { stateAt } : {}),
    alert,
  };
}

function encodeCursor(index: string, key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify({ i: index, k: key })).toString('base64url');
}

/** The start key of a cursor this store issued for the same index; anything else is refused. */
function decodeCursor(cursor: string, index: string): Record<string, unknown> {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { i?: unknown; k?: unknown };
    const key = parsed.k;
    if (
      parsed.i === index &&
      typeof key === 'object' &&
      key !== null &&
      !Array.isArray(key) &&
      Object.values(key).every((value) => typeof value === 'string')
    ) {
      return key as Record<string, unknown>;
    }
  } catch {
    // fall through: a cursor we did not write
  }
  throw new RangeError('the page cursor is not one this store issued');
}
